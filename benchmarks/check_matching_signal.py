"""How much the unpaired signals say about which clusters of two modalities correspond.

Without known pairs DM2C's labels come from ``cluster_assignment="structure"``:
k-means of every modality's own features, and a matching of every modality's
clusters to the pivot modality's
(:func:`skdm2c.dm2c._assign.structure_matched_kmeans`).  This script
separates the two sources of error on the benchmark's rows, using the labels
only to score:

* **the correct matching**: each modality's k-means clusters are mapped to
  the classes by the Hungarian method on that modality's own rows; the
  correct matching sends cluster ``c`` of modality ``m`` to the pivot's
  cluster of the same class;
* **clusters matched correctly**: of a non-pivot modality's clusters, how
  many the step's matching sends where the correct matching does (a random
  matching gets 1 on average, whatever the number of clusters);
* **objectives**: the step's matching objective
  (:func:`skdm2c._cluster_matching.matching_objective`) of the matching it
  found, of the correct matching, and its exact mean over random matchings.
  When the correct matching scores little below the random mean, the
  signals cannot identify the correspondence, and no search can;
* **the matching's cost**: ACC / NMI of the step's labels, and of the same
  per-modality clusters relabelled with the correct matching (the step's
  labels if the matching were right).

The network is trained for one epoch (the step depends only on the
per-modality features and its seed); the step is drawn ``--draws`` times per
seed (seeds ``5000 + d``).  Output: one JSON line per (data set, seed, draw,
non-pivot modality), and a Markdown table.

Run (the numbers quoted in RESULTS.md, section 2)::

    python benchmarks/check_matching_signal.py --seeds 20 --draws 2 \\
        --out benchmarks/check_matching_signal.jsonl
"""

import numpy as np

from _per_seed import main_with_draws
from check_structure_variants import _features

DEFAULT_SPECS = ["cub10:incomplete=0", "bbcsport:incomplete=0", "3sources:incomplete=0",
                 "wikipedia:incomplete=0", "uci_mfeat:incomplete=0", "scene15:incomplete=0"]


def class_matching(models, R, observed, y, k, pivot):
    """``perm[m]``: the correct matching of modality ``m``'s clusters to the pivot's
    (through each modality's Hungarian map of its clusters to the classes), and the
    per-modality maps ``to_class[m]``."""
    from scipy.optimize import linear_sum_assignment

    to_class = []
    for m, km in enumerate(models):
        counts = np.zeros((k, k))
        np.add.at(counts, (km.labels_, y[observed[:, m]]), 1.0)
        rows, cols = linear_sum_assignment(-counts)
        mapping = np.empty(k, dtype=np.int64)
        mapping[rows] = cols
        to_class.append(mapping)
    pivot_of_class = np.empty(k, dtype=np.int64)
    pivot_of_class[to_class[pivot]] = np.arange(k)
    return [pivot_of_class[c] for c in to_class], to_class


def _seed_rows(spec, seed, draws, data_home):
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c._cluster_matching import matching_objective
    from skdm2c.dm2c import _assign
    from skdm2c.metrics import clustering_accuracy

    R, observed, y, k, pivot = _features(spec, seed, data_home)
    records = []
    for d in range(draws):
        rng = np.random.RandomState(5000 + d)
        models = _assign._cluster_each_modality(R, observed, k, n_init=20, rng=rng)
        found = _assign._match_modality_clusters(models, R, observed, k, pivot, rng)
        correct, to_class = class_matching(models, R, observed, y, k, pivot)
        inputs = _assign.matching_inputs(models, R, observed, k, pivot)
        obj_found, random_mean = matching_objective(perms=found, **inputs)
        obj_correct, _ = matching_objective(perms=correct, **inputs)
        scores = {}
        for name, perm in (("step", found), ("correct", correct)):
            labels = _assign._matched_labels(models, perm, R, observed)[0]
            scores[name] = (float(clustering_accuracy(y, labels)),
                            float(normalized_mutual_info_score(y, labels)))
        for m in range(len(models)):
            if m == pivot:
                continue
            own = y[observed[:, m]]
            records.append(dict(
                dataset=spec, seed=seed, draw=d, modality=m, n_clusters=k,
                matched=int((found[m] == correct[m]).sum()),
                objective_found=round(float(obj_found[m]), 4),
                objective_correct=round(float(obj_correct[m]), 4),
                objective_random=round(float(random_mean[m]), 4),
                modality_acc=round(float(np.mean(to_class[m][models[m].labels_] == own)), 4),
                acc=round(scores["step"][0], 4), nmi=round(scores["step"][1], 4),
                acc_correct=round(scores["correct"][0], 4),
                nmi_correct=round(scores["correct"][1], 4)))
    return records


def summary(records):
    """Markdown table: per data set, the matching's signal and what the matching costs."""
    lines = ["| data | clusters matched correctly (random: 1) | objective: found / correct "
             "/ random mean | step's labels, ACC / NMI | with the correct matching |",
             "|---|:---:|:---:|:---:|:---:|"]
    for spec in dict.fromkeys(r["dataset"] for r in records):
        own = [r for r in records if r["dataset"] == spec]
        k = own[0]["n_clusters"]
        matched = np.array([r["matched"] for r in own])
        # one labelling per (seed, draw): its scores are repeated on every modality's record
        draws = {(r["seed"], r["draw"]): r for r in own}.values()

        def mean(key, rows=own):
            return np.mean([r[key] for r in rows])

        se = matched.std(ddof=1) / np.sqrt(len(matched)) if len(matched) > 1 else np.nan
        lines.append(
            f"| {spec} | {matched.mean():.2f} ± {se:.2f} of {k} | "
            f"{mean('objective_found'):.2f} / {mean('objective_correct'):.2f} / "
            f"{mean('objective_random'):.2f} | "
            f"{mean('acc', draws):.3f} / {mean('nmi', draws):.3f} | "
            f"{mean('acc_correct', draws):.3f} / {mean('nmi_correct', draws):.3f} |")
    return "\n".join(lines)


def main(argv=None):
    return main_with_draws(
        argv, __doc__, DEFAULT_SPECS, 20, draws=2, min_draws=1,
        records_of=lambda args, spec, seed: _seed_rows(spec, seed, args.draws, args.data_home),
        summary=summary,
        progress=lambda args, spec, seed, new: f"{spec} seed {seed}: matched "
                                               f"{np.mean([r['matched'] for r in new]):.2f}")


if __name__ == "__main__":
    main()
