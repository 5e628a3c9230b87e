"""Aligned protocol: does a cluster-count constraint help the text-only rows?

In the aligned protocol every instance is seen in both modalities; the
unaligned instances give one single-block row per modality, so the
first modality's unaligned rows and the second's are the same instances and
hold the same classes in the same numbers.  The second modality's rows are
the weak ones (cub10: 0.75 ACC against 0.83 for the first's,
``check_aligned_scoring.txt``).  This script refits DM2C's defaults on the
benchmark's rows and reassigns the second modality's unaligned rows under
that constraint: each cluster receives as many of them as it holds of the
first modality's unaligned rows (a transport problem on the rows' costs
under the fitted paired step, solved exactly by the Hungarian method on
repeated columns).  Labels are used only to score.

Run (the numbers quoted in DM2C_INVESTIGATION.md, finding 22)::

    python benchmarks/check_aligned_capacity.py --seeds 5 > benchmarks/check_aligned_capacity.txt
"""

import argparse
import os
import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment


def row_costs(est, X, observed):
    """``cost[i, k]`` of every row of ``X`` (observing the blocks ``observed``) under the
    fitted paired step of ``est``: the costs whose row-wise minimum is
    :meth:`DM2CClustering.predict`."""
    from skdm2c.dm2c._assign import _block_cost, _unit_codes
    from skdm2c.dm2c._joint_mixture import JointMixture

    if est.cluster_assignment_ != "paired" or isinstance(est._assignment_weights, JointMixture):
        raise ValueError("row costs need the paired step with the tied or spherical metric; "
                         f"this fit used {est.cluster_assignment_!r} / "
                         f"{getattr(est, 'paired_covariance_', None)!r}.")
    U, observed, centers = est._assignment_blocks(est._preprocess(X), observed)
    return _block_cost(_unit_codes(U), observed, centers, est._assignment_weights)


def constrained(cost, counts):
    """Labels of the rows of ``cost`` with exactly ``counts[k]`` rows in cluster ``k``."""
    columns = np.repeat(np.arange(len(counts)), counts)
    rows, cols = linear_sum_assignment(cost[:, columns])
    labels = np.empty(len(cost), dtype=np.int64)
    labels[rows] = columns[cols]
    return labels


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="cub10")
    parser.add_argument("--fraction", type=float, default=0.5)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--data-home", default=os.environ.get("SKDM2C_DATA"))
    args = parser.parse_args(argv)
    import torch

    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import training_rows
    from skdm2c.metrics import clustering_accuracy as acc

    torch.set_num_threads(1)
    spec = f"{args.dataset}:aligned={args.fraction}"
    print("| seed | all rows, default | all rows, constrained | second modality's unaligned "
          "rows, default | constrained |\n|---|:---:|:---:|:---:|:---:|")
    scores = []
    for seed in range(args.seeds):
        bunch, X, y, observed, k = training_rows(spec, seed, args.data_home)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            est = make_estimator("dm2c", k, seed, 32, modality_dims=bunch.modality_dims).fit(X)
        cost = row_costs(est, X, observed)
        if not np.array_equal(cost.argmin(axis=1), est.labels_):
            raise RuntimeError("the row costs do not reproduce labels_")
        first = observed[:, 0] & (observed.sum(axis=1) == 1)
        second = observed[:, 1] & (observed.sum(axis=1) == 1)
        if first.sum() != second.sum():
            raise ValueError(f"{spec}: {first.sum()} and {second.sum()} unaligned rows; "
                             "the constraint needs the aligned protocol of two modalities.")
        labels = est.labels_.copy()
        labels[second] = constrained(cost[second],
                                     np.bincount(est.labels_[first], minlength=k))
        row = (acc(y, est.labels_), acc(y, labels),
               acc(y[second], est.labels_[second]), acc(y[second], labels[second]))
        scores.append(row)
        print(f"| {seed} | " + " | ".join(f"{v:.3f}" for v in row) + " |", flush=True)
    print("| mean | " + " | ".join(f"{v:.3f}" for v in np.mean(scores, axis=0)) + " |")


if __name__ == "__main__":
    main()
