"""How much of a 5-seed mean is the draw of the final clustering step?

The benchmark fits every method once per seed; the seed fixes the data
split or protocol draw, the network's initialisation AND the random start of
the final k-means.  On codes whose clusters are not well separated, k-means
lands in different local optima from different starts, so the final draw
alone can move a 5-seed mean.  This script measures it:

* **DM2C**: fitted once per seed with its defaults (exactly the benchmark's
  run); its final cluster assignment (``cluster_assignment_`` -- ``paired``
  with pairs, ``structure`` without) is then redrawn ``--draws`` times on the
  same unified codes (and own-feature blocks, ``own_features``; with the
  fitted ``paired_covariance``, ``paired_n_init`` starts and
  ``structure_n_draws`` draws) with other random states
  (:func:`skdm2c.dm2c._assign.assign_clusters`).  Draw 0 is the benchmark's.
* **linear reference** (:class:`skdm2c.PairedCCAClustering`): refitted with
  ``--draws`` other random states on the same rows (its whole randomness:
  PCA solver and k-means starts).

Labels are used only to score.  Output: one JSON line per (data set, seed,
method) in ``--out`` and a Markdown table on stdout: the benchmark's mean,
the mean over all draws and the mean within-fit standard deviation.

Run (the numbers quoted in RESULTS.md)::

    python benchmarks/check_assignment_draws.py --draws 10 \\
        --out benchmarks/check_assignment_draws.jsonl
"""

import json
import warnings

import numpy as np

from _per_seed import main_with_draws

DEFAULT_SPECS = ["cub10:incomplete=0", "cub10:incomplete=0.1", "cub10:incomplete=0.3",
                 "cub10:incomplete=0.5", "cub10:aligned=0.5",
                 "scene15[view1,view2]:incomplete=0.5"]


def _dm2c_draws(spec, seed, draws, data_home):
    import torch

    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import training_rows
    from skdm2c.dm2c._assign import assign_clusters
    from skdm2c.dm2c._own_features import impute_blocks
    from skdm2c.metrics import clustering_accuracy

    bunch, X, y, observed, k = training_rows(spec, seed, data_home)
    est = make_estimator("dm2c", k, seed, 32, modality_dims=bunch.modality_dims).fit(X)
    Xp = est._preprocess(X)
    U = est._block_codes(Xp, torch.device("cpu"))
    how = est.cluster_assignment_
    R = est._modality_features(Xp) if how == "structure" else None
    extra, extra_observed = (), None
    if est._own_imputers:  # the own-feature blocks of the paired assignment
        extra, extra_observed = impute_blocks(est._modality_features(Xp), observed,
                                              est._own_imputers)
    scores = [clustering_accuracy(y, est.labels_)]
    for d in range(1, draws):
        labels = assign_clusters(U, observed, k, how=how, pivot=est._pivot, n_init=est.n_init,
                                 random_state=1000 + d, R=R, extra=extra,
                                 extra_observed=extra_observed,
                                 covariance=est.paired_covariance,
                                 extra_modalities=list(est._own_imputers),
                                 n_starts=est.paired_n_init,
                                 n_draws=est.structure_n_draws)[0]
        scores.append(clustering_accuracy(y, labels))
    return how, scores


def _linear_draws(spec, seed, draws, data_home):
    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import _labels, training_rows
    from skdm2c.metrics import clustering_accuracy

    bunch, X, y, _, k = training_rows(spec, seed, data_home)
    scores = []
    for d in range(draws):
        state = seed if d == 0 else 1000 + d
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="PairedCCAClustering: modality")
            est = make_estimator("linear", k, state, 32, modality_dims=bunch.modality_dims)
            scores.append(clustering_accuracy(y, _labels(est.fit(X))))
    return "linear", scores


def _records(spec, seed, draws, data_home):
    """One record per method: the ACC of every draw (draw 0: the benchmark's run)."""
    records = []
    for method, run in (("dm2c", _dm2c_draws), ("linear", _linear_draws)):
        how, scores = run(spec, seed, draws, data_home)
        records.append(dict(dataset=spec, seed=seed, method=method, assignment=how,
                            acc=[round(float(s), 4) for s in scores]))
    return records


def summary(records):
    """Markdown table: the benchmark's draw, the mean over all draws and the mean
    within-fit standard deviation, per data set and method."""
    lines = ["| data | method | benchmark draw (mean of seeds) | mean over all draws "
             "| within-fit std of a draw |", "|---|---|:---:|:---:|:---:|"]
    for spec in dict.fromkeys(r["dataset"] for r in records):
        for method in ("dm2c", "linear"):
            accs = np.array([r["acc"] for r in records
                             if r["dataset"] == spec and r["method"] == method])
            lines.append(f"| {spec} | {method} | {accs[:, 0].mean():.3f} | {accs.mean():.3f} "
                         f"| {accs.std(axis=1).mean():.3f} |")
    return "\n".join(lines)


def main(argv=None):
    return main_with_draws(
        argv, __doc__, DEFAULT_SPECS, 5, draws=10, min_draws=2,
        records_of=lambda args, spec, seed: _records(spec, seed, args.draws, args.data_home),
        summary=summary,
        progress=lambda args, spec, seed, new: "\n".join(json.dumps(r) for r in new))


if __name__ == "__main__":
    main()
