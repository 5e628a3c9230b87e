"""Joint matching of three or more modalities' clusters, against matching each to the pivot.

Without pairs DM2C's structure step (:func:`skdm2c.dm2c._assign.structure_matched_kmeans`)
matches every modality's k-means clusters to the unified modality's (the
pivot) on its own: modality ``m`` against the pivot, whatever the other
modalities look like.  With three or more modalities the other modalities are
further evidence: once modality ``o`` is matched, its clusters in the
pivot's order are a second target for ``m``.  ``consensus`` starts from the
default matchings and then, for every non-pivot modality in turn, improves
its matching (2-opt swaps) on the sum of the step's objective against the
pivot and against every other modality as currently matched (both
structures and the cluster shares; each term normalised as in
:func:`skdm2c._cluster_matching.match_clusters`), until no modality
changes (at most ``--sweeps`` passes).  The per-modality k-means draws are
the same in both variants, so the difference is the matching alone.

As in ``check_structure_variants.py`` the network is trained for one epoch
only (the labels do not depend on it), and the step is drawn ``--draws``
times per seed (seeds ``5000 + d``).  Rows ``default`` / ``consensus`` hold
every draw; ``default-medoid`` / ``consensus-medoid`` the most typical of
the draws (the rule of ``structure_n_draws``).  Labels are used only to
score.

Run (the numbers quoted in ``DM2C_INVESTIGATION.md``, finding 23)::

    python benchmarks/check_consensus_matching.py --draws 8 \\
        --out benchmarks/check_consensus_matching.jsonl
"""

import warnings

import numpy as np

from _per_seed import main_with_draws
from check_structure_variants import _features

DEFAULT_SPECS = ["3sources:incomplete=0", "uci_mfeat:incomplete=0", "scene15:incomplete=0",
                 "landuse21:incomplete=0"]
VARIANTS = ("default", "consensus", "default-medoid", "consensus-medoid")


def _relabel(S, perm):
    """Matrix ``S`` between one modality's clusters, rows and columns put in pivot order."""
    inv = np.argsort(perm)
    return S[np.ix_(inv, inv)]


def consensus(models, R, observed, k, pivot, perm, *, sweeps=3):
    """Matchings of every modality to the pivot, improved jointly from ``perm``."""
    from skdm2c._cluster_matching import _linear_terms, _Objective, _structure
    from skdm2c.dm2c._assign import UNPAIRED_STRUCTURE, matching_inputs

    inputs = matching_inputs(models, R, observed, k, pivot)
    shares, structures = [], []
    for center, size, cov in zip(inputs["centers"], inputs["sizes"],
                                 inputs["within_covariances"]):
        share = size / size.sum()
        shares.append((share + 1e-3 / k) / (1 + 1e-3))  # the floor match_clusters uses
        structures.append([_structure(center, share, kind, cov)
                           for kind in UNPAIRED_STRUCTURE])
    perm = [p.copy() for p in perm]
    for _ in range(sweeps):
        changed = False
        for m in range(len(models)):
            if m == pivot:
                continue
            pairs, linear = [], np.zeros((k, k))
            for o in range(len(models)):
                if o == m:
                    continue
                pairs += [(structures[m][t], _relabel(structures[o][t], perm[o]))
                          for t in range(len(UNPAIRED_STRUCTURE))]
                target = np.empty(k)
                target[perm[o]] = shares[o]
                linear += _linear_terms(k, shares[m], target, 1.0, None, 0.0, None, 0.0)
            new, _ = _Objective(pairs, linear).two_opt(perm[m])
            if not np.array_equal(new, perm[m]):
                perm[m], changed = new, True
        if not changed:
            break
    return perm


def _seed_rows(spec, seed, draws, data_home, sweeps):
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c.dm2c import _assign
    from skdm2c.metrics import clustering_accuracy

    R, observed, y, k, pivot = _features(spec, seed, data_home)
    labels = {"default": [], "consensus": []}
    for d in range(draws):
        rng = np.random.RandomState(5000 + d)
        models = _assign._cluster_each_modality(R, observed, k, n_init=20, rng=rng)
        perm = _assign._match_modality_clusters(models, R, observed, k, pivot, rng)
        joint = consensus(models, R, observed, k, pivot, perm, sweeps=sweeps)
        labels["default"].append(_assign._matched_labels(models, perm, R, observed)[0])
        labels["consensus"].append(_assign._matched_labels(models, joint, R, observed)[0])
    rows = []
    for name in ("default", "consensus"):
        kept = labels[name][_assign.most_typical(labels[name])]
        for d, lab in enumerate(labels[name] + [kept]):
            variant = name if d < draws else f"{name}-medoid"
            rows.append(dict(dataset=spec, seed=seed, variant=variant,
                             draw=d if d < draws else -1,
                             acc=round(float(clustering_accuracy(y, lab)), 4),
                             nmi=round(float(normalized_mutual_info_score(y, lab)), 4)))
    return rows


def summary(rows):
    """Markdown table: the default's mean and the consensus matching's paired difference."""
    lines = ["| data | default, every draw | consensus − default (± s.e.), ACC / NMI | "
             "draws changed | default, most typical draw | consensus − default, ACC / NMI |",
             "|---|:---:|:---:|:---:|:---:|:---:|"]

    def diff(spec, a, b):
        pa = {(r["seed"], r["draw"]): r for r in rows if r["dataset"] == spec
              and r["variant"] == a}
        pb = [r for r in rows if r["dataset"] == spec and r["variant"] == b]
        da = np.array([r["acc"] - pa[r["seed"], r["draw"]]["acc"] for r in pb])
        dn = np.array([r["nmi"] - pa[r["seed"], r["draw"]]["nmi"] for r in pb])
        se = da.std(ddof=1) / np.sqrt(len(da)) if len(da) > 1 else float("nan")
        mean = (np.mean([r["acc"] for r in pa.values()]), np.mean([r["nmi"] for r in pa.values()]))
        return mean, f"{da.mean():+.3f} ± {se:.3f} / {dn.mean():+.3f}", np.mean(da != 0)

    for spec in dict.fromkeys(r["dataset"] for r in rows):
        (a, n), every, changed = diff(spec, "default", "consensus")
        (am, nm), kept, _ = diff(spec, "default-medoid", "consensus-medoid")
        lines.append(f"| {spec} | {a:.3f} / {n:.3f} | {every} | {changed:.2f} | "
                     f"{am:.3f} / {nm:.3f} | {kept} |")
    return "\n".join(lines)


def _records(args, spec, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: the network is not measured
        return _seed_rows(spec, seed, args.draws, args.data_home, args.sweeps)


def main(argv=None):
    return main_with_draws(
        argv, __doc__, DEFAULT_SPECS, 5, draws=8, min_draws=2, records_of=_records,
        summary=summary, progress=lambda args, spec, seed, new: f"{spec} seed {seed} done",
        options=[(("--sweeps",), dict(type=int, default=3))])


if __name__ == "__main__":
    main()
