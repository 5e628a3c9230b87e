"""Would another final step help DM2C on partially paired data?

With known pairs, DM2C clusters the unified codes of every row (the
``paired`` assignment).  This script measures, on DM2C's fit with its
defaults but the codes-only assignment (``own_features="none"``, the default
when this was measured; one fit per seed, the benchmark's seeds), three other
final steps that use what a COMPLETER / DCP-style method clusters -- every
modality's own representation, with the blocks a row does not observe
predicted from the blocks it does:

* ``imputed``: every modality's own features (DM2C's preprocessed blocks,
  PCA to at most 32-d, the features of ``cluster_assignment="structure"``),
  scaled to unit mean row norm; a block a row lacks is predicted from each
  block it has by a ridge regression fitted on the rows observing both (its
  penalty chosen by generalised cross-validation on those rows: no labels),
  averaged, and rescaled to the observed blocks' mean norm; the blocks are
  concatenated and clustered by k-means;
* ``imputed+codes``: the same, with DM2C's fused unified code of the row
  (unit length) appended (what ``own_features="all"`` does, in DM2C's
  per-block k-means instead of one k-means);
* ``both spaces``: DM2C's own latent code of every modality (COMPLETER's
  concatenation): a block's encoder code where the row observes it, else
  the translation of the row's unified code into that modality's latent
  space (``G[p->m]``), each unit length, concatenated, k-means.

The linear reference (:class:`skdm2c.PairedCCAClustering`, defaults) is
fitted on the same rows for comparison.  Every k-means has 10 starts and
the seed's random state.  Labels are used only to score.  Output: one JSON
line per (data set, seed) in ``--out`` and a Markdown table of the means
(ACC / NMI, all rows) on stdout.

Run (the numbers quoted in DM2C_INVESTIGATION.md, finding 16)::

    python benchmarks/check_paired_features.py \\
        --out benchmarks/check_paired_features.jsonl
"""

import argparse
import copy
import json
import os
import warnings

import numpy as np

DEFAULT_SPECS = ["cub10:incomplete=0.1", "cub10:incomplete=0.3", "cub10:incomplete=0.5",
                 "cub10:aligned=0.5", "scene15[view1,view2]:incomplete=0.1",
                 "scene15[view1,view2]:incomplete=0.5", "scene15[view1,view2]:aligned=0.5",
                 "landuse21:incomplete=0.5"]
#: ``dm2c``: DM2C's codes-only paired assignment (``own_features="none"``).
VARIANTS = ["dm2c", "imputed", "imputed+codes", "both spaces", "linear"]


def _unit_mean_norm(block, rows):
    return block / np.sqrt((block[rows] ** 2).sum(1).mean())


def imputed_features(R, observed):
    """Every modality's block ``R[m]`` (NaN where unobserved) with the missing blocks
    predicted from the observed ones by ridge regressions fitted on the pairs (DM2C's
    :func:`~skdm2c.dm2c._own_features.fit_block_imputers` for every modality), each
    scaled to unit mean row norm, the predictions to the observed rows' norm, 0 where
    nothing predicts a block."""
    from skdm2c.dm2c._own_features import fit_block_imputers, impute_blocks

    R = [_unit_mean_norm(r, observed[:, m]) for m, r in enumerate(R)]
    blocks, available = impute_blocks(R, observed, fit_block_imputers(R, observed,
                                                                      range(len(R))))
    out = []
    for j, (Rj, block) in enumerate(zip(R, blocks)):
        has = observed[:, j]
        filled = np.where(has[:, None], Rj, 0.0)
        miss = ~has & available[:, j]
        if miss.any():
            pred = block[miss]
            filled[miss] = pred * np.sqrt((Rj[has] ** 2).sum(1).mean()
                                          / (pred ** 2).sum(1).mean())
        out.append(filled)
    return out


def _both_spaces(est, Xp, observed):
    """DM2C's own latent code of every modality for every row (translated where the row
    does not observe the modality), each unit length."""
    import torch

    from skdm2c import unpack_modalities
    from skdm2c._rows import unit_rows
    from skdm2c.dm2c._assign import _unit_codes, fused_codes

    U = est._block_codes(Xp, torch.device("cpu"))
    unified = fused_codes(U, observed)
    net = copy.deepcopy(est.network_).double().eval()
    views, index = unpack_modalities(Xp, est._network_dims(est.modality_dims_))
    spaces = []
    with torch.no_grad():
        for m, (v, idx) in enumerate(zip(views, index)):
            if m == net.pivot:
                block = unified.copy()
            else:
                block = net.from_pivot[str(m)](torch.as_tensor(unified)).numpy()
            if len(idx):
                block[idx] = net.autoencoders[m].encoder(
                    torch.as_tensor(v, dtype=torch.float64)).numpy()
            spaces.append(unit_rows(block))
    # the paired assignment's fused code: mean of the unit block codes, unit length
    return np.hstack(spaces), unit_rows(fused_codes(_unit_codes(U), observed))


def _scores(spec, seed, data_home):
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c import unpack_modalities
    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import _labels, training_rows
    from skdm2c.metrics import clustering_accuracy

    bunch, X, y, observed, k = training_rows(spec, seed, data_home)
    est = make_estimator("dm2c", k, seed, 32, modality_dims=bunch.modality_dims)
    est.set_params(own_features="none").fit(X)
    Xp = est._preprocess(X)
    views, _ = unpack_modalities(Xp, est._network_dims(est.modality_dims_))
    est._fit_modality_reducers(views, seed)
    F = imputed_features(est._modality_features(Xp), observed)
    both, unified = _both_spaces(est, Xp, observed)

    def kmeans(Z):
        return KMeans(k, n_init=10, random_state=seed).fit_predict(Z)

    labels = {"dm2c": est.labels_, "imputed": kmeans(np.hstack(F)),
              "imputed+codes": kmeans(np.hstack(F + [unified])),
              "both spaces": kmeans(both)}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PairedCCAClustering: modality")
        linear = make_estimator("linear", k, seed, 32, modality_dims=bunch.modality_dims)
        labels["linear"] = _labels(linear.fit(X))
    return {name: (round(float(clustering_accuracy(y, lab)), 4),
                   round(float(normalized_mutual_info_score(y, lab)), 4))
            for name, lab in labels.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=DEFAULT_SPECS)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--data-home", default=os.environ.get("SKDM2C_DATA"))
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    rows = []
    for spec in args.datasets:
        for seed in range(args.seeds):
            row = dict(dataset=spec, seed=seed, **_scores(spec, seed, args.data_home))
            rows.append(row)
            print(json.dumps(row), flush=True)
            if args.out:
                with open(args.out, "a") as fh:
                    fh.write(json.dumps(row) + "\n")
    print("\n| data | " + " | ".join(VARIANTS) + " |\n|---|" + ":---:|" * len(VARIANTS))
    for spec in args.datasets:
        sel = [r for r in rows if r["dataset"] == spec]
        cells = [" / ".join(f"{np.mean([r[v][i] for r in sel]):.3f}" for i in (0, 1))
                 for v in VARIANTS]
        print(f"| {spec} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
