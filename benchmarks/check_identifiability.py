"""Is the cross-modal cluster correspondence identifiable from geometry alone?

Usage::

    python benchmarks/check_identifiability.py [DATASET ...] [--starts 50]

Without pairs, a mixed-modal method can only pair the clusters of two
modalities through what their latent geometries share (plus cluster sizes,
equal here).  This diagnostic gives that best case every advantage: it uses
the TRUE class means of each modality (labels are used -- it is not a
method), computes each modality's matrix of distances between class means
(normalised by its mean), and searches for the pairing of classes that
matches the two matrices best: the quadratic assignment problem
``max_P trace(D_a P D_b P^T)``, solved by scipy's 2-opt from ``--starts``
random starts.  If the correct pairing (identity) scores below the best
pairing found, geometry does not identify the correspondence, and neither
adversarial distribution matching nor any other unpaired alignment can be
expected to recover it.

Printed per dataset, preprocessing (``std``: per-feature standardisation,
``l2``: unit-norm rows) and seed: correct pairs in the best pairing found,
its objective and the objective of the correct pairing.  Same splits as
``investigate_dm2c.py``.  ``DATASET+rot`` is a positive control: the second
view replaced by a random rotation of the first, so that both share their
geometry exactly (up to sampling: different instances in each view).
"""

import argparse
import os
import sys
import warnings

import numpy as np
from scipy.optimize import quadratic_assignment
from scipy.spatial.distance import cdist
from sklearn.preprocessing import StandardScaler, normalize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from investigate_dm2c import load, split  # noqa: E402


def class_mean_distances(x, y, classes, prep):
    z = StandardScaler().fit_transform(x) if prep == "std" else normalize(x)
    means = np.stack([z[y == c].mean(axis=0) for c in classes])
    d = cdist(means, means)
    return d / d[np.triu_indices(len(classes), 1)].mean()


def best_pairing(d_a, d_b, n_starts):
    best = None
    for s in range(n_starts):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = quadratic_assignment(d_a, d_b, method="2opt", options=dict(
                maximize=True, rng=np.random.default_rng(s)))
        if best is None or res.fun > best.fun:
            best = res
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("datasets", nargs="*", default=["cub10", "wikipedia", "mfeat"])
    ap.add_argument("--starts", type=int, default=50)
    ap.add_argument("--seeds", default="0,1,2")
    args = ap.parse_args()
    for name in args.datasets:
        base, _, control = name.partition("+")
        a, b, y_all, n_keep = load(base)
        if control == "rot":  # positive control: view b = view a, randomly rotated
            q, _ = np.linalg.qr(np.random.RandomState(0).randn(a.shape[1], a.shape[1]))
            b = a @ q
        classes = np.unique(y_all)
        k = len(classes)
        for prep in ("std", "l2"):
            for seed in [int(s) for s in args.seeds.split(",")]:
                xa, xb, y = split(a, b, y_all, n_keep, seed)
                na = len(xa)
                d_a = class_mean_distances(xa, y[:na], classes, prep)
                d_b = class_mean_distances(xb, y[na:], classes, prep)
                best = best_pairing(d_a, d_b, args.starts)
                correct = int(np.sum(best.col_ind == np.arange(k)))
                true_obj = float(np.trace(d_a @ d_b))  # identity = the correct pairing
                print(f"{name} {prep} seed {seed}: best pairing found has {correct}/{k} "
                      f"correct pairs, objective {best.fun:.2f}; correct pairing "
                      f"{true_obj:.2f}", flush=True)


if __name__ == "__main__":
    main()
