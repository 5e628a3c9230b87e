"""How the linear reference depends on its CCA shrinkage.

:class:`skdm2c.PairedCCAClustering` (the benchmark's ``linear`` method: the
common ``ModalityPreprocessor``, PCA per modality, CCA on the multi-block
rows, k-means of every row's mean CCA code) shrinks both covariances of its
CCA towards a multiple of the identity, ``(1 - s) C + s tr(C)/d I``, with
``s = shrinkage`` (default 0.5).  Classical CCA (``s = 0``) estimates two
32 x 32 covariances and their cross-covariance from the pairs alone, which
overfits when there are few of them.  This script refits the benchmark's
``linear`` method on the benchmark's rows with several shrinkage values and
nothing else changed.  Labels are used only to score.

Output: a Markdown table on stdout: mean ACC / NMI (all rows) of every
shrinkage on every data-set specification, and the best value's margin over
the default (standard error over the seeds).

Run (the numbers quoted in ``RESULTS.md``)::

    python benchmarks/check_cca_shrinkage.py --seeds 5 > benchmarks/check_cca_shrinkage.txt
"""

import warnings

import numpy as np

from _per_seed import script_parser

DEFAULT_SPECS = ["cub10:incomplete=0.1", "cub10:incomplete=0.3", "cub10:incomplete=0.5",
                 "cub10:aligned=0.5", "scene15[view1,view2]:incomplete=0.1",
                 "scene15[view1,view2]:incomplete=0.5", "landuse21:incomplete=0.5"]
DEFAULT_SHRINKAGE = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9]


def scores(spec, seed, shrinkages, data_home):
    """``{shrinkage: (acc, nmi)}`` of the benchmark's linear reference on one seed."""
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c.benchmark import make_estimator, training_rows
    from skdm2c.metrics import clustering_accuracy

    bunch, X, y, _, k = training_rows(spec, seed, data_home)
    out = {}
    for s in shrinkages:
        est = make_estimator("linear", k, seed, 32, modality_dims=bunch.modality_dims)
        est.set_params(model__shrinkage=s)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a modality without pairs
            labels = est.fit(X).named_steps["model"].labels_
        out[s] = (clustering_accuracy(y, labels), normalized_mutual_info_score(y, labels))
    return out


def table(results, shrinkages, default=0.5):
    """Markdown table: one row per specification, one column per shrinkage."""
    head = "| data | " + " | ".join(f"s = {s:g}" for s in shrinkages) + \
        " | best − default, ACC |"
    lines = [head, "|---|" + ":---:|" * (len(shrinkages) + 1)]
    for spec, per_seed in results.items():
        acc = np.array([[r[s][0] for s in shrinkages] for r in per_seed])
        nmi = np.array([[r[s][1] for s in shrinkages] for r in per_seed])
        cells = [f"{a:.3f} / {n:.3f}" for a, n in zip(acc.mean(0), nmi.mean(0))]
        best = int(np.argmax(acc.mean(0)))
        d = acc[:, best] - acc[:, shrinkages.index(default)]
        se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        lines.append(f"| {spec} | " + " | ".join(cells)
                     + f" | s = {shrinkages[best]:g}: {d.mean():+.3f} ± {se:.3f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = script_parser(__doc__, DEFAULT_SPECS, 5, jsonl=False)
    parser.add_argument("--shrinkage", nargs="+", type=float, default=DEFAULT_SHRINKAGE)
    args = parser.parse_args(argv)
    if 0.5 not in args.shrinkage:
        parser.error("--shrinkage must include the default 0.5.")
    results = {spec: [scores(spec, seed, args.shrinkage, args.data_home)
                      for seed in range(args.seeds)] for spec in args.datasets}
    print(f"ACC / NMI, all rows, mean of seeds 0-{args.seeds - 1}; "
          "last column: the best shrinkage by mean ACC minus the default 0.5, paired by seed.\n")
    print(table(results, args.shrinkage))


if __name__ == "__main__":
    main()
