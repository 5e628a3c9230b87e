"""Would the linear reference gain from the tied-covariance final step too?

DM2C's paired assignment refines its clusters with one covariance per block
shared by the clusters (``paired_covariance="tied"``).  For a fair reading of
DM2C against the linear reference (the benchmark's ``linear`` method: the
common ``ModalityPreprocessor``, then :class:`skdm2c.PairedCCAClustering`
with its defaults, k-means of every row's mean CCA code, fitted exactly as
the benchmark fits it), this script refines the linear reference's clusters
the same way: a Gaussian mixture with one
covariance shared by the clusters (scikit-learn's ``GaussianMixture``,
``covariance_type="tied"``), started from the means of the reference's
k-means clusters, on the same codes.  Labels are used only to score.

Output: one line per (data set, seed) and the means (ACC / NMI, all rows).

Run (the numbers quoted in ``HISTORY.md``, section A)::

    python benchmarks/check_linear_tied.py --seeds 20
    python benchmarks/check_linear_tied.py --seeds 5 \
        --datasets landuse21:incomplete=0.5 landuse21:aligned=0.5
"""

import argparse
import warnings

import numpy as np
from sklearn.metrics import normalized_mutual_info_score as nmi
from sklearn.mixture import GaussianMixture

from skdm2c.benchmark import load_benchmark_data, make_estimator
from skdm2c.metrics import clustering_accuracy as acc

DEFAULT_SPECS = ["cub10:incomplete=0.1", "cub10:incomplete=0.3", "cub10:incomplete=0.5",
                 "cub10:aligned=0.5", "scene15[view1,view2]:incomplete=0.5"]


def tied_refinement(Z, labels, n_clusters, random_state):
    """Labels of a tied-covariance Gaussian mixture on ``Z`` started from the means of
    the clusters ``labels``.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_features)
        Codes to cluster (the linear reference's ``transform``).
    labels : ndarray of shape (n_samples,)
        Starting clusters, ``0 .. n_clusters - 1``, each non-empty.
    n_clusters : int
        Number of clusters.
    random_state : int
        Seed of the mixture.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        The mixture's most probable component of every row.
    """
    means = np.array([Z[labels == j].mean(0) for j in range(n_clusters)])
    gm = GaussianMixture(n_clusters, covariance_type="tied", means_init=means,
                         random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gm.fit(Z).predict(Z)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DEFAULT_SPECS)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--data-home", default=None)
    args = parser.parse_args(argv)
    for spec in args.datasets:
        scores = {"linear": [], "linear + tied": []}
        for seed in range(args.seeds):
            data, _, _ = load_benchmark_data(spec, seed, data_home=args.data_home)
            X, y = np.asarray(data.data), np.asarray(data.target)
            k = len(np.unique(y))
            # the benchmark's pipeline; its stacked-width argument is not used by "linear"
            est = make_estimator("linear", k, seed, 32,
                                 modality_dims=tuple(data.modality_dims)).fit(X)
            labels = est.named_steps["model"].labels_
            tied = tied_refinement(est.transform(X), labels, k, seed)
            for name, labels in [("linear", labels), ("linear + tied", tied)]:
                scores[name].append((acc(y, labels), nmi(y, labels)))
            print(f"{spec} seed {seed}: " + ", ".join(
                f"{name} {s[-1][0]:.3f} / {s[-1][1]:.3f}" for name, s in scores.items()),
                flush=True)
        print(f"{spec}, mean of {args.seeds} seeds: " + ", ".join(
            f"{name} {np.mean(s, 0)[0]:.3f} / {np.mean(s, 0)[1]:.3f}"
            for name, s in scores.items()), flush=True)


if __name__ == "__main__":
    main()
