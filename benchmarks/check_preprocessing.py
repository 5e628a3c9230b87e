"""Measure ModalityPreprocessor against the benchmark's current inputs.

Protocol: ``skdm2c.datasets.load_dataset(name, random_state=seed)`` (the
unpaired mixed-modal assignment of the benchmark), the benchmark's stratified
75 % training split (``skdm2c.benchmark._runner._split``), fit on the
training rows, ACC / NMI of the training ``labels_`` (labels only for
scoring), seeds 0-4.  Raw counts are loaded: the benchmark's former
``log1p-l2`` preprocessing (``_runner._preprocess`` at ab2a1cc, copied
here) is applied only where a row below says so.

Configurations (``--part kmeans``, fast):

* ``kmeans:log1p-l2``: the former benchmark input for the count sets,
  ``Pipeline([ModalityStacker(w), KMeans(n_init=10)])`` on log1p+L2 rows
  (on dense sets: raw features);
* ``kmeans:std``: every block standardised (``method="standardize"``);
* ``kmeans:mp[...]``: ``Pipeline([ModalityPreprocessor(...), ModalityStacker(w),
  KMeans])``; variants of the count path in brackets (``k`` = n_components,
  ``noidf``, ``post=``).

``--part dm2c`` (5-20 s a fit; minutes for the defaults on raw count blocks):

* ``dm2c:defaults``: ``DM2CClustering(n_clusters, random_state=seed)`` on the
  former benchmark input (log1p+L2 rows for the count sets, raw features else);
* ``dm2c:mp+nostd``: DM2C with ``preprocessing="none"`` (then called
  ``standardize=False``) on the ModalityPreprocessor output (the input path
  DM2C now applies itself by default);
* ``dm2c:mp+std``: DM2C with ``preprocessing="standardize"`` (then
  ``standardize=True``, the default of the time) on that output;
* ``dm2c:mp[k=5]+nostd`` ...: count-path variants as for k-means.

``w`` is the benchmark's ``stack_width`` (min(32, smallest block width,
smallest per-modality training count)) of the input the stacker sees.

Usage (from the repository root, data in ``$SKDM2C_DATA``)::

    OMP_NUM_THREADS=1 python benchmarks/check_preprocessing.py --part kmeans \
        --datasets bbcsport 3sources cub10 uci_mfeat --seeds 0 1 2 3 4
    OMP_NUM_THREADS=1 python benchmarks/check_preprocessing.py --part dm2c \
        --datasets bbcsport 3sources --seeds 0 1 2 3 4 --configs "dm2c:mp+nostd"

Each run appends one JSON line to ``benchmarks/check_preprocessing.jsonl``
(``--out``); ``--table`` prints the mean tables of that file.  The results,
the exact commands and the decisions taken from them are in
``benchmarks/PREPROCESSING.md``.
"""

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

KMEANS_CONFIGS = (
    "kmeans:log1p-l2", "kmeans:std", "kmeans:mp", "kmeans:mp[k=5]", "kmeans:mp[k=20]",
    "kmeans:mp[k=50]", "kmeans:mp[k=100]", "kmeans:mp[noidf]", "kmeans:mp[post=l2]",
)
DM2C_CONFIGS = ("dm2c:defaults", "dm2c:mp+nostd", "dm2c:mp[k=5]+nostd", "dm2c:mp[k=15]+nostd",
                "dm2c:mp[k=20]+nostd", "dm2c:mp[k=100]+nostd", "dm2c:mp+std")
COUNT_SETS = ("bbcsport", "3sources")


def _data(name, seed):
    from skdm2c.benchmark._runner import _split
    from skdm2c.datasets import load_dataset

    bunch = load_dataset(name, random_state=seed)
    train, _ = _split(bunch, seed)
    return bunch, train


def _log1p_l2(X):
    """The benchmark's count preprocessing up to commit ab2a1cc (``_runner._preprocess``):
    ``log(1 + count)`` of each row's observed block, scaled to unit L2 norm."""
    X = np.array(X, dtype=np.float64)
    observed = ~np.isnan(X)
    for i in range(X.shape[0]):
        values = np.log1p(X[i, observed[i]])
        norm = np.linalg.norm(values)
        X[i, observed[i]] = values / (norm if norm > 0 else 1.0)
    return X


def _benchmark_input(bunch, name):
    return _log1p_l2(bunch.data) if name in COUNT_SETS else bunch.data


def _preprocessor(config):
    """ModalityPreprocessor for 'mp[...]' variants (private switches set on a subclass)."""
    from skdm2c.preprocessing import ModalityPreprocessor

    opts = config.split("[", 1)[1].rstrip("]").split(",") if "[" in config else []
    kw, attrs = {}, {}
    for opt in opts:
        if opt.startswith("k="):
            kw["n_components"] = int(opt[2:])
        elif opt == "noidf":
            attrs["_count_idf"] = False
        elif opt.startswith("post="):
            attrs["_count_post"] = opt[5:]
    cls = type("Variant", (ModalityPreprocessor,), attrs) if attrs else ModalityPreprocessor
    return cls(**kw)


def _width(X):
    from skdm2c import infer_modality_dims, row_modality
    from skdm2c.benchmark._methods import stack_width

    dims = infer_modality_dims(X)
    counts = np.bincount(row_modality(X, dims), minlength=len(dims))
    return stack_width(dims, counts)


def _per_modality_acc(X, y, k, seed):
    """ACC of k-means on each modality's rows alone (the structure each block keeps)."""
    from sklearn.cluster import KMeans

    from skdm2c import infer_modality_dims, unpack_modalities
    from skdm2c.metrics import clustering_accuracy

    views, indices = unpack_modalities(X, infer_modality_dims(X))
    accs = []
    for v, idx in zip(views, indices):
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(v)
        accs.append(round(float(clustering_accuracy(y[idx], labels)), 4))
    return accs


def run(name, seed, config):
    from sklearn.cluster import KMeans
    from sklearn.pipeline import Pipeline

    from skdm2c import DM2CClustering
    from skdm2c.baselines import ModalityStacker
    from skdm2c.metrics import clustering_accuracy
    from sklearn.metrics import normalized_mutual_info_score as nmi

    bunch, train = _data(name, seed)
    y = np.asarray(bunch.target)[train]
    k = int(len(np.unique(bunch.target)))
    methods = ""
    t0 = time.perf_counter()
    if config in ("kmeans:log1p-l2", "dm2c:defaults"):
        X = _benchmark_input(bunch, name)[train]
    else:
        Xraw = bunch.data[train]
        if config == "kmeans:std":
            from skdm2c.preprocessing import ModalityPreprocessor

            prep = ModalityPreprocessor(method="standardize")
        else:
            prep = _preprocessor(config.split(":", 1)[1].replace("+nostd", "").replace("+std", ""))
        X = prep.fit_transform(Xraw)
        methods = ",".join(prep.methods_)
    per_modality = ""
    if config.startswith("kmeans"):
        per_modality = _per_modality_acc(X, y, k, seed)
        w = _width(X)
        model = Pipeline([("stack", ModalityStacker(n_components=w)),
                          ("kmeans", KMeans(n_clusters=k, n_init=10, random_state=seed))])
        labels = model.fit(X)[-1].labels_
    else:
        # DM2C's former ``standardize=True/False`` is ``preprocessing="standardize"/"none"``.
        preprocessing = "none" if config.endswith("+nostd") else "standardize"
        model = DM2CClustering(n_clusters=k, preprocessing=preprocessing, random_state=seed)
        labels = model.fit(X).labels_
    return {"dataset": name, "seed": seed, "config": config, "methods": methods,
            "acc": float(clustering_accuracy(y, labels)), "nmi": float(nmi(y, labels)),
            "per_modality_acc": per_modality,
            "n_train": int(len(train)), "time_s": round(time.perf_counter() - t0, 2)}


def table(path):
    rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    agg = defaultdict(list)
    for r in rows:
        agg[(r["config"], r["dataset"])].append(r)
    datasets = sorted({r["dataset"] for r in rows})
    seen = list(dict.fromkeys(r["config"] for r in rows))
    configs = [c for c in KMEANS_CONFIGS + DM2C_CONFIGS if c in seen]
    configs += [c for c in seen if c not in configs]
    out = ["| configuration | " + " | ".join(datasets) + " |",
           "|---|" + "---|" * len(datasets)]
    for c in configs:
        cells = []
        for d in datasets:
            rs = agg.get((c, d), [])
            if rs:
                cells.append(f"{np.mean([r['acc'] for r in rs]):.3f} / "
                             f"{np.mean([r['nmi'] for r in rs]):.3f} (n={len(rs)})")
            else:
                cells.append("")
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Per-modality k-means ACC (mean over seeds, each block clustered alone):")
    for c in configs:
        if not c.startswith("kmeans"):
            continue
        cells = []
        for d in datasets:
            rs = [r for r in agg.get((c, d), []) if r.get("per_modality_acc")]
            if rs:
                means = np.mean([r["per_modality_acc"] for r in rs], axis=0)
                cells.append(" / ".join(f"{v:.3f}" for v in means))
            else:
                cells.append("")
        out.append(f"| {c} | " + " | ".join(cells) + " |")
    picks = sorted({(r["dataset"], r["methods"]) for r in rows if r["config"] == "kmeans:mp"})
    out.append("")
    out.extend(f"auto picks on {d}: {m}" for d, m in picks)
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["kmeans", "dm2c"], default="kmeans")
    parser.add_argument("--configs", nargs="*", default=None)
    parser.add_argument("--datasets", nargs="+", default=list(COUNT_SETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--out", default=str(Path(__file__).with_name("check_preprocessing.jsonl")))
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args()
    if args.table:
        print(table(args.out))
        return
    import torch

    torch.set_num_threads(1)
    configs = args.configs or (KMEANS_CONFIGS if args.part == "kmeans" else DM2C_CONFIGS)
    for name in args.datasets:
        for config in configs:
            for seed in args.seeds:
                record = run(name, seed, config)
                print(json.dumps(record), flush=True)
                with open(args.out, "a") as f:
                    f.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
