"""Do DM2C's wins depend on the stacked baselines' scaling?

Usage: ``python benchmarks/check_stacker_scaling.py [--data-home PATH]``

The paper's protocol (``ModalityStacker``) stacks each modality's plain PCA
scores, so a modality with small feature scale forms one tight blob.  This
check reruns stacked k-means (``n_init=10``) on the benchmark's training rows
(same data, seeds 0-4, width) with three reducers: ``plain`` (the protocol),
``whiten`` (``PCA(whiten=True)``) and ``unit`` (PCA scores divided by their
RMS row norm: one scale per modality), and prints mean ACC / NMI.
"""

import argparse
import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score as nmi

from skdm2c.baselines import ModalityStacker
from skdm2c.benchmark._methods import stack_width
from skdm2c.benchmark._runner import load_benchmark_data
from skdm2c.metrics import clustering_accuracy as acc

DATASETS = ["wikipedia", "cub10", "uci_mfeat", "scene15", "bbcsport", "3sources"]


class UnitPCA(PCA):
    """PCA scores divided by the RMS norm of the training scores."""

    def fit_transform(self, X, y=None):
        Z = super().fit_transform(X)
        self.scale_ = np.sqrt((Z ** 2).sum(axis=1).mean())
        return Z / self.scale_

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def transform(self, X):
        return super().transform(X) / self.scale_


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-home", default=None)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    for ds in DATASETS:
        res = {}
        for seed in range(5):
            b, train, _ = load_benchmark_data(ds, seed, args.data_home)
            X, y = np.asarray(b.data)[train], np.asarray(b.target)[train]
            mod = np.asarray(b.modality)[train]
            width = stack_width(b.modality_dims,
                                [int((mod == m).sum()) for m in range(len(b.modality_dims))])
            for name, red in [("plain", None),
                              ("whiten", PCA(svd_solver="full", whiten=True)),
                              ("unit", UnitPCA(svd_solver="full"))]:
                S = ModalityStacker(width, modality_dims=b.modality_dims,
                                    reducer=red).fit_transform(X)
                lab = KMeans(len(np.unique(y)), n_init=10, random_state=seed).fit_predict(S)
                res.setdefault(name, []).append((acc(y, lab), nmi(y, lab)))
        print(ds + ": " + ", ".join(f"{n} ACC {np.mean(v, 0)[0]:.3f} NMI {np.mean(v, 0)[1]:.3f}"
                                    for n, v in res.items()), flush=True)


if __name__ == "__main__":
    main()
