"""Does DM2C's latent space keep each modality's cluster structure?

Usage::

    python benchmarks/investigate_latent_structure.py DATASET ["KWARGS"] [--pca W] [--seeds 0,1,2]

``DATASET`` is any benchmark data set (``python -m skdm2c.benchmark`` names,
same data, preprocessing and training rows per seed); ``KWARGS`` are
keyword arguments of :class:`skdm2c.DM2CClustering`; ``--pca W`` first
reduces every modality to ``W`` dimensions by its own PCA (fitted on that
modality's training rows), as the stacked baselines' protocol does.

Printed per seed and modality: k-means ACC (``n_init=10``, labels used only
to score) on that modality's rows of

* ``input``  -- the features given to DM2C,
* ``scaled`` -- the same after DM2C's own input path (``preprocessing``),
* ``latent`` -- the modality's own DM2C latent codes (encoder output),
* ``joint``  -- DM2C's ``labels_`` restricted to that modality's rows,

and DM2C's ACC / NMI on all training rows.  A large drop from ``input`` to
``latent`` means the autoencoder, not the cross-modal alignment, lost the
cluster structure.
"""

import argparse

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score as nmi

from skdm2c import DM2CClustering, pack_modalities, unpack_modalities
from skdm2c._modality import _block_bounds
from skdm2c.benchmark._runner import load_benchmark_data
from skdm2c.metrics import clustering_accuracy as acc

torch.set_num_threads(1)


def kmeans_acc(y, Z, k):
    return acc(y, KMeans(k, n_init=10, random_state=0).fit_predict(Z))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("kwargs", nargs="?", default="")
    ap.add_argument("--pca", type=int, default=0)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--data-home", default=None)
    args = ap.parse_args()
    kw = eval(f"dict({args.kwargs})")  # noqa: S307 - local experiment harness
    for seed in [int(s) for s in args.seeds.split(",")]:
        bunch, train, _ = load_benchmark_data(args.dataset, seed, args.data_home)
        X, y = np.asarray(bunch.data)[train], np.asarray(bunch.target)[train]
        k = len(np.unique(bunch.target))
        views, idx = unpack_modalities(X, bunch.modality_dims)
        if args.pca:
            views = [PCA(min(args.pca, *v.shape), random_state=0).fit_transform(v)
                     for v in views]
        y = y[np.concatenate(idx)]  # pack_modalities puts modality 0's rows first
        packed = pack_modalities(*views).X
        model = DM2CClustering(n_clusters=k, random_state=seed, **kw).fit(packed)
        net = model.network_.eval()
        # DM2C's own input path (``preprocessing``), block by block
        prepared = model._preprocess(packed)
        bounds = _block_bounds(model._network_dims(model.modality_dims_))
        start = 0
        lines = []
        for m, v in enumerate(views):
            rows = slice(start, start + len(v))
            start += len(v)
            scaled = prepared[rows, bounds[m][0]:bounds[m][1]]
            with torch.no_grad():
                z = net.autoencoders[m].encoder(torch.tensor(scaled, dtype=torch.float32))
            lines.append(
                f"  modality {m}: input {kmeans_acc(y[rows], v, k):.3f} "
                f"scaled {kmeans_acc(y[rows], scaled, k):.3f} "
                f"latent {kmeans_acc(y[rows], z.numpy(), k):.3f} "
                f"joint {acc(y[rows], model.labels_[rows]):.3f}")
        print(f"{args.dataset} seed {seed} {args.kwargs or '(defaults)'}"
              f"{f' pca {args.pca}' if args.pca else ''}: DM2C ACC "
              f"{acc(y, model.labels_):.3f} NMI {nmi(y, model.labels_):.3f}", flush=True)
        print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
