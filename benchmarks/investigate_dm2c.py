"""Investigation harness for DM2CClustering on real mixed-modal sets.

Usage::

    python benchmarks/investigate_dm2c.py DATASET "KWARGS" [--seeds 0,1,2] [--prep PREP]
                                          [--log FILE]

``DATASET`` is ``cub10``, ``wikipedia`` (LDA-10 text),
``wikipedia-tfidf`` (1000-d tf-idf text), ``mfeat`` or ``blobs`` (synthetic
positive control); ``KWARGS`` are keyword
arguments of :class:`skdm2c.DM2CClustering` (``"latent_dim=10, epochs=20"``).
Every seed draws its own mixed-modal split (each instance keeps ONE modality,
half of them each); ``cub10`` further keeps 450 of its 600 rows as in the
issue.  All scores are TRAINING-row scores (clustering is transductive); no
held-out row is used for anything.  Prints, per seed: stacked k-means (PCA
per modality to a common width, :class:`skdm2c.ModalityStacker`), DM2C
ACC/NMI, the ACC of each modality's rows inside the joint clustering, the
k-means ACC of each modality's own latent codes alone ("own" = upper bound
of what that modality's latent space allows) and the fit time; then the
means, and appends a JSON line to ``--log`` (default
``benchmarks/dm2c_investigation.jsonl``).

``PREP`` is an optional input transform applied per modality before DM2C and
before stacked k-means: ``l2`` (unit-norm rows), ``none`` (default).
"""

import argparse
import json
import os
import time

import numpy as np
import torch
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score as nmi

from skdm2c import DM2CClustering, ModalityStacker, pack_modalities
from skdm2c._modality import _block_bounds
from skdm2c.metrics import clustering_accuracy as acc

torch.set_num_threads(1)
DATA = os.environ.get("SKDM2C_DATA", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"))


def load(name):
    """Return (view_a, view_b, y, n_keep) of a paired dataset."""
    if name == "cub10":
        d = np.load(f"{DATA}/cub10/cub10_googlenet1024_doc2vec300.npz")
        return d["img"], d["txt"], d["y"], 450
    if name == "wikipedia":
        d = np.load(f"{DATA}/wikipedia/wikipedia_sift128_lda10_tfidf1000.npz", allow_pickle=True)
        return d["img_train"], d["txt_train"], d["y_train"], None
    if name == "wikipedia-tfidf":
        d = np.load(f"{DATA}/wikipedia/wikipedia_sift128_lda10_tfidf1000.npz", allow_pickle=True)
        return d["img_train"], d["txt_tfidf_train"], d["y_train"], None
    if name == "blobs":  # positive control: 10 synthetic clusters, two non-linear views
        from skdm2c.datasets import make_mixed_modal_blobs

        b = make_mixed_modal_blobs(1000, n_clusters=10, latent_dim=4, random_state=0,
                                   return_bunch=True)
        return b.views[0], b.views[1], b.target, None
    if name == "mfeat":
        d = np.load(f"{DATA}/uci_mfeat/uci_mfeat_6views.npz", allow_pickle=True)
        return d["x_pix"], d["x_fou"], d["y"], None
    raise ValueError(name)


def split(a, b, y, n_keep, seed):
    """Mixed-modal split: every kept instance observed in exactly one view."""
    rng = np.random.RandomState(seed)
    n = len(y)
    keep = rng.permutation(n)[: n_keep or n]
    mod = np.zeros(n, int)
    mod[rng.permutation(n)[: n // 2]] = 1
    ia, ib = keep[mod[keep] == 0], keep[mod[keep] == 1]
    return a[ia], b[ib], np.r_[y[ia], y[ib]]


def prep(v, how):
    if how == "l2":
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("kwargs", nargs="?", default="")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--prep", default="none")
    ap.add_argument("--log", default=os.path.join(os.path.dirname(__file__),
                                                  "dm2c_investigation.jsonl"))
    args = ap.parse_args()
    kw = eval(f"dict({args.kwargs})")  # noqa: S307 - local experiment harness
    a, b, y_all, n_keep = load(args.dataset)
    k = len(np.unique(y_all))
    rows = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        xa, xb, y = split(a, b, y_all, n_keep, seed)
        xa, xb = prep(xa, args.prep), prep(xb, args.prep)
        na = len(xa)
        X = pack_modalities({"a": xa, "b": xb}).X
        width = min(32, xa.shape[1], xb.shape[1])
        S = ModalityStacker(n_components=width).fit_transform(X)
        km = KMeans(k, n_init=10, random_state=seed).fit_predict(S)
        t = time.perf_counter()
        m = DM2CClustering(n_clusters=k, random_state=seed, **kw).fit(X)
        dt = time.perf_counter() - t
        lab = m.labels_
        net = m.network_.eval()
        own = []
        prepared = m._preprocess(X)  # DM2C's own input path (``preprocessing``)
        bounds = _block_bounds(m._network_dims(m.modality_dims_))
        with torch.no_grad():
            for j, part in enumerate((slice(0, na), slice(na, len(X)))):
                block = prepared[part, bounds[j][0]:bounds[j][1]]
                z = net.autoencoders[j].encoder(
                    torch.as_tensor(block, dtype=torch.float32)).numpy()
                yy = y[:na] if j == 0 else y[na:]
                own.append(acc(yy, KMeans(k, n_init=10, random_state=0).fit_predict(z)))
        r = dict(seed=seed, skm_acc=acc(y, km), skm_nmi=nmi(y, km), acc=acc(y, lab),
                 nmi=nmi(y, lab), acc_a=acc(y[:na], lab[:na]), acc_b=acc(y[na:], lab[na:]),
                 own_a=own[0], own_b=own[1], time=dt)
        rows.append(r)
        print(" ".join(f"{key} {val:.3f}" if isinstance(val, float) else f"{key} {val}"
                       for key, val in r.items()), flush=True)
    mean = {key: float(np.mean([r[key] for r in rows])) for key in rows[0] if key != "seed"}
    std_acc = float(np.std([r["acc"] for r in rows]))
    print("MEAN " + " ".join(f"{key} {val:.3f}" for key, val in mean.items())
          + f" (acc std {std_acc:.3f})", flush=True)
    with open(args.log, "a") as fh:
        fh.write(json.dumps(dict(dataset=args.dataset, kwargs=args.kwargs, prep=args.prep,
                                 seeds=args.seeds, acc_std=std_acc, **mean)) + "\n")


if __name__ == "__main__":
    main()
