"""How well does unpaired cluster matching pair the modalities' k-means clusters?

Usage::

    OMP_NUM_THREADS=1 python benchmarks/check_cluster_matching.py \
        [--datasets cub10 uci_mfeat scene15 wikipedia bbcsport 3sources] [--seeds 0,1,2,3,4]

Protocol (labels are used only to score): ``load_dataset(name,
random_state=seed)`` (unpaired, equal modality shares, all rows, every view
of the file).  Each modality's own rows are preprocessed without labels --
term counts (bbcsport, 3sources): ``log(1 + count)`` and unit-L2 rows; dense
sets: per-feature standardisation -- then PCA to ``min(32, width)``
dimensions fitted on that modality's rows, and clustered by k-means
(``n_init=10``, K = number of classes).  The clusterings are put together
with modality 0 as the reference in several ways:

* ``random``: each other modality's clusters paired at random (mean of 20);
* ``ceiling``: each modality's clusters mapped to the classes by the
  Hungarian method on the labels (the label-pairing ceiling, as
  :func:`skdm2c.metrics.alignment_reference`, on these same clusterings);
* ``match_clusters`` configurations (``skdm2c._cluster_matching``).

With ``p10`` (``p2``): 10% (2%, a subset of those) of the instances, drawn
with ``seed``, are also treated as known pairs: each modality's k-means
labels the instance's view in that modality, and the label pairs form the
co-occurrence counts.  Scores stay
over all rows of the unpaired protocol.

Per configuration: ACC / NMI over all rows and ``ok``, the mean number of the
K clusters of a non-reference modality matched to the reference cluster of
the same class (each cluster's class: Hungarian on the labels).  Results and
the choice of the defaults: ``benchmarks/check_cluster_matching.md``.
"""

import argparse
import os
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import normalized_mutual_info_score
from sklearn.preprocessing import StandardScaler, normalize

from skdm2c._cluster_matching import match_clusters
from skdm2c.datasets import load_dataset
from skdm2c.metrics import clustering_accuracy
from skdm2c.metrics._alignment import _clusters_to_classes

COUNTS = {"bbcsport", "3sources"}
DATASET_OPTIONS = {"wikipedia": {"subset": "all"}}

CONFIGS = {
    # name: (pairs used: None / "p2" / "p10", match_clusters kwargs; "sizes": pass the sizes)
    "gw euclid": (None, dict(structure="euclidean")),
    "gw cosine": (None, dict(structure="cosine")),
    "gw euclid+sizes": (None, dict(structure="euclidean", sizes=True)),
    "default (cosine+sizes)": (None, dict(sizes=True)),
    "sizes only": (None, dict(method="linear", sizes=True)),
    "p2 cooc only": ("p2", dict(method="linear")),
    "p2 default+cooc w0.1": ("p2", dict(sizes=True, cooccurrence_weight=0.1)),
    "p2 default+cooc w1": ("p2", dict(sizes=True, cooccurrence_weight=1.0)),
    "p10 cooc only": ("p10", dict(method="linear")),
    "p10 default+cooc w0.1": ("p10", dict(sizes=True, cooccurrence_weight=0.1)),
    "p10 default+cooc w1": ("p10", dict(sizes=True, cooccurrence_weight=1.0)),
}


def _load(name, seed):
    kw = DATASET_OPTIONS.get(name, {})
    try:
        return load_dataset(name, random_state=seed, **kw)
    except ValueError:
        if name != "wikipedia":
            raise
    # the wikipedia loader of the shared working tree was mid-edit (it rejected the id
    # arrays); same data and modality draw as load_wikipedia(subset="all") at HEAD ab2a1cc
    from skdm2c.datasets import get_data_home, make_mixed_modal
    path = get_data_home() / "wikipedia" / "wikipedia_sift128_lda10_tfidf1000.npz"
    with np.load(path) as npz:
        views = [np.concatenate([npz[f"{v}_train"], npz[f"{v}_test"]]) for v in ("img", "txt")]
        y = np.concatenate([npz["y_train"], npz["y_test"]])
    bunch = make_mixed_modal(views, y, names=("image", "text"), random_state=seed)
    bunch.views = views
    return bunch


def prepare(name, seed):
    bunch = _load(name, seed)
    y = np.asarray(bunch.target)
    modality = np.asarray(bunch.modality)
    k = len(np.unique(y))
    transforms, feats = [], []
    for m, view in enumerate(bunch.views):
        view = np.asarray(view, dtype=np.float64)
        rows = modality == m
        if name in COUNTS:
            def pre(x):
                return normalize(np.log1p(x))
        else:
            scaler = StandardScaler().fit(view[rows])
            pre = scaler.transform
        z = pre(view[rows])
        pca = PCA(n_components=min(32, z.shape[1], rows.sum() - 1), random_state=seed).fit(z)
        transforms.append(lambda x, pre=pre, pca=pca: pca.transform(pre(x)))
        feats.append(pca.transform(z))
    models = [KMeans(n_clusters=k, n_init=10, random_state=seed).fit(f) for f in feats]
    for km, f in zip(models, feats):  # spread: mean squared distance to the own centre
        d2 = ((f - km.cluster_centers_[km.labels_]) ** 2).sum(axis=1)
        km.spread_ = np.bincount(km.labels_, weights=d2, minlength=k) / np.maximum(
            np.bincount(km.labels_, minlength=k), 1)
    # known pairs for the p10 configurations
    rng = np.random.RandomState(seed + 1000)
    order = rng.permutation(len(y))
    cooc = {}
    for key, frac in (("p2", 0.02), ("p10", 0.1)):  # the 2% pairs are part of the 10%
        pairs = order[:int(round(frac * len(y)))]
        pl = [km.predict(t(np.asarray(v, dtype=np.float64)[pairs]))
              for km, t, v in zip(models, transforms, bunch.views)]
        cooc[key] = []
        for m in range(len(models)):
            c = np.zeros((k, k))
            np.add.at(c, (pl[m], pl[0]), 1)
            cooc[key].append(c)
    return y, modality, k, models, cooc


def score(y, modality, k, models, perms):
    labels = np.empty(len(y), dtype=np.int64)
    for m, km in enumerate(models):
        labels[modality == m] = perms[m][km.labels_]
    return clustering_accuracy(y, labels), normalized_mutual_info_score(y, labels)


def n_correct(y, modality, k, models, perms):
    classes, y_idx = np.unique(y, return_inverse=True)
    cls = []
    for m, km in enumerate(models):
        rows = modality == m
        mapped = _clusters_to_classes(y_idx[rows], km.labels_, k, len(classes))
        c = np.empty(k, dtype=np.int64)
        c[km.labels_] = mapped
        cls.append(c)
    # the class of reference cluster j is cls[0][j]
    return float(np.mean([np.sum(cls[m] == cls[0][perms[m]]) for m in range(1, len(models))]))


def run(name, seed, configs):
    y, modality, k, models, cooc = prepare(name, seed)
    n_mod = len(models)
    out = {}
    rng = np.random.RandomState(seed)
    rand = []
    for _ in range(20):
        perms = [np.arange(k)] + [rng.permutation(k) for _ in range(n_mod - 1)]
        rand.append(score(y, modality, k, models, perms)
                    + (n_correct(y, modality, k, models, perms),))
    out["random"] = tuple(np.mean(rand, axis=0))
    classes, y_idx = np.unique(y, return_inverse=True)
    aligned = np.empty(len(y), dtype=np.int64)
    for m, km in enumerate(models):
        aligned[modality == m] = _clusters_to_classes(y_idx[modality == m], km.labels_, k,
                                                      len(classes))
    out["ceiling"] = (clustering_accuracy(y, aligned), normalized_mutual_info_score(y, aligned),
                      float(k))
    centers = [km.cluster_centers_ for km in models]
    sizes = [np.bincount(km.labels_, minlength=k) for km in models]
    for cname in configs:
        uses_pairs, kw = CONFIGS[cname]
        kw = dict(kw)
        if kw.pop("sizes", False):
            kw["sizes"] = sizes
        if uses_pairs:
            kw["cooccurrence"] = cooc[uses_pairs]
        t0 = time.perf_counter()
        perms = match_clusters(centers, random_state=seed, **kw)
        dt = time.perf_counter() - t0
        out[cname] = score(y, modality, k, models, perms) + (
            n_correct(y, modality, k, models, perms), dt)
    return out, k, n_mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", nargs="*",
                    default=["cub10", "uci_mfeat", "scene15", "wikipedia", "bbcsport", "3sources"])
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--configs", nargs="*", default=list(CONFIGS))
    args = ap.parse_args()
    os.environ.setdefault("SKDM2C_DATA", os.path.join(os.path.dirname(__file__), "..", "..",
                                                      "shared", "data"))
    seeds = [int(s) for s in args.seeds.split(",")]
    cols = ["random", "ceiling"] + list(args.configs)
    print("| set (K, modalities) | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name in args.datasets:
        res = []
        for seed in seeds:
            out, k, n_mod = run(name, seed, args.configs)
            res.append(out)
            print(f"  {name} seed {seed}: " + "; ".join(
                f"{c} {v[0]:.3f}/{v[1]:.3f}/{v[2]:.1f}" for c, v in out.items()),
                file=sys.stderr, flush=True)
        cells = []
        for c in cols:
            v = np.mean([r[c][:3] for r in res], axis=0)
            cells.append(f"{v[0]:.3f} / {v[1]:.3f} ({v[2]:.1f})")
        print(f"| {name} ({k}, {n_mod}) | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
