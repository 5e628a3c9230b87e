"""Run methods x datasets x seeds in parallel, with a per-run JSON cache.

One *run* is (data-set specification, method, seed); see
:mod:`skdm2c.benchmark._specs` for the specifications (``cub10``,
``cub10:incomplete=0.3``, ``cub10:aligned=0.5``, ``scene15[view1,view2]``).
For a seed, every method sees the same data.

* Unpaired protocol (a bare name): the loader's mixed-modal assignment
  (which modality each instance keeps) is drawn with ``random_state=seed``
  and the train/held-out split is the data set's own split when it defines
  one (``train_index``/``test_index``, e.g. Wikipedia 2173/693), else a
  stratified 75/25 split seeded by ``seed``.  A method is fitted on the
  training rows only; the five metrics are computed on the training rows
  (``labels_``) and on the held-out rows (``predict``).
* Incomplete and aligned protocols: the paired views of the set are turned
  into partially paired data by :func:`skdm2c.datasets.make_incomplete` /
  :func:`skdm2c.datasets.make_partially_aligned` with ``random_state=seed``;
  a method is fitted on ALL rows and scored on all rows (``labels_``); the
  held-out columns are empty.

No data set gets a preprocessing of its own here: every method sees the
packed features as loaded and applies the same label-free per-modality
preprocessing (:func:`skdm2c.benchmark._methods.fair_preprocessor`; DM2C
inside ``fit``, every other method as the first Pipeline step).

Measured per run: ``fit_time_s`` (wall clock of ``fit`` alone) and
``peak_mem_mb``, the growth of the worker's resident set size during
``fit``: on Linux the kernel's peak-RSS counter (``VmHWM``) is reset through
``/proc/self/clear_refs`` just before ``fit`` and read after it, minus the
RSS before ``fit``; this counts every allocation (numpy, torch, Python).
Where that reset is not possible ``getrusage`` max-RSS growth is used (a
lower bound: 0 when the run stays below an earlier peak of the process).

Finished runs are cached as one JSON file each, keyed by the data-set
specification (protocol and fraction included), the method, the seed and a
hash of the estimator's parameters, the data description and the source the
method runs (the shared modules plus the method's own; see
``_code_fingerprint``): editing one method's code refits that method only,
editing the shared training core refits everything.
"""

import gc
import hashlib
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from .._modality import observed_blocks
from ._methods import ABLATIONS, COST, make_estimator, params_hash, stack_width
from ._specs import SYNTHETIC, UNPAIRED, parse_spec

__all__ = ["load_benchmark_data", "paired_views", "run_benchmark", "run_one", "default_cache_dir"]

METRICS = ("acc", "ari", "nmi", "f_score", "purity")
#: Bumped whenever the protocol of a run changes (invalidates the cache).
#: 3: per-modality preprocessing for every method, no per-data-set preprocessing.
PROTOCOL_VERSION = 3
#: The embedded default data set: make_mixed_modal_blobs with these settings.
SYNTHETIC_PARAMS = {"n_samples": 300, "n_clusters": 3}
TEST_SIZE = 0.25
#: Loader options per real data set (everything else: the loader's defaults).
#: Wikipedia: all 2866 documents, so that its own 2173/693 split is used.
DATASET_OPTIONS = {"wikipedia": {"subset": "all"}}


def default_cache_dir():
    """Default folder of the per-run cache.

    Returns
    -------
    cache_dir : pathlib.Path
        ``$XDG_CACHE_HOME/skdm2c-benchmark``, or
        ``~/.cache/skdm2c-benchmark`` when ``XDG_CACHE_HOME`` is unset or
        empty.  The folder is not created here.
    """
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "skdm2c-benchmark"


# ------------------------------------------------------------------ data
_DATA_CACHE = {}


def load_benchmark_data(dataset, seed, data_home=None):
    """Return ``(bunch, train_index, test_index)`` for one data-set specification and seed.

    ``dataset`` is a specification string or :class:`DataSpec` (see
    :mod:`skdm2c.benchmark._specs`).  Under the incomplete and aligned
    protocols ``train_index`` holds every row and ``test_index`` is empty.

    Unpaired protocol: the loader's mixed-modal assignment (or
    ``make_mixed_modal_blobs`` with ``SYNTHETIC_PARAMS`` for the synthetic
    set) with ``random_state=seed``, split by the data set's own
    ``train_index`` / ``test_index`` when both are present and non-empty,
    else by a stratified split with ``TEST_SIZE`` (0.25) held out, seeded by
    ``seed``.  Incomplete / aligned protocol: the paired views
    (:func:`paired_views`) passed to :func:`skdm2c.datasets.make_incomplete`
    / :func:`skdm2c.datasets.make_partially_aligned` with
    ``random_state=seed``.  The last result is kept in memory (one per
    process): a repeated call with the same ``dataset``, ``seed`` and
    ``data_home`` returns the same objects, not copies.

    Parameters
    ----------
    dataset : str or DataSpec
        Data-set specification.
    seed : int
        Seed of the assignment, the split and the protocol draw.
    data_home : str or path-like, default=None
        Folder of the real data sets; ``None``: the loaders' default.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        The data (``data``, ``target``, ``modality``, ``modality_dims``,
        ``modality_names``, ...), as the loader or protocol function returns
        it.
    train_index : ndarray of int
        Rows a method is fitted and scored on (every row under the
        incomplete and aligned protocols).
    test_index : ndarray of int
        Held-out rows; empty under the incomplete and aligned protocols.
        Both are sorted, except a data set's own split, used as stored.

    Raises
    ------
    ValueError
        If ``dataset`` is not a valid specification.
    ImportError
        If the protocol's function is missing from :mod:`skdm2c.datasets`.
    """
    spec = parse_spec(dataset)
    key = (spec.text, seed, None if data_home is None else str(data_home))
    if key in _DATA_CACHE:
        return _DATA_CACHE[key]
    if spec.protocol == UNPAIRED:
        bunch = _load_unpaired(spec, seed, data_home)
        train, test = _split(bunch, seed)
    else:
        bunch = _load_protocol(spec, seed, data_home)
        train, test = np.arange(len(bunch.target)), np.arange(0)
    _DATA_CACHE.clear()  # keep one data set in memory per process
    _DATA_CACHE[key] = (bunch, train, test)
    return bunch, train, test


def training_rows(dataset, seed, data_home=None):
    """The rows a method is fitted on for one data-set specification and seed.

    :func:`load_benchmark_data` restricted to its ``train_index``, with the
    blocks each row observes; the measurement scripts in ``benchmarks/``
    start from these.

    Parameters
    ----------
    dataset : str or DataSpec
        Data-set specification.
    seed : int
        Seed of the assignment, the split and the protocol draw.
    data_home : str or path-like, default=None
        Folder of the real data sets; ``None``: the loaders' default.

    Returns
    -------
    bunch : sklearn.utils.Bunch
        As :func:`load_benchmark_data` returns it (all rows).
    X : ndarray of shape (n_train, n_features)
        The packed training rows.
    y : ndarray of shape (n_train,)
        Their labels (for scoring only).
    observed : ndarray of shape (n_train, n_modalities), dtype=bool
        Blocks each training row observes.
    n_clusters : int
        Number of classes of the data set.
    """
    bunch, train, _ = load_benchmark_data(dataset, seed, data_home)
    X, y = np.asarray(bunch.data)[train], np.asarray(bunch.target)[train]
    observed = (np.asarray(bunch.observed, dtype=bool)[train] if "observed" in bunch
                else observed_blocks(X, bunch.modality_dims))
    return bunch, X, y, observed, _n_clusters(bunch)


def _loader_kwargs(spec, seed, data_home):
    kw = dict(DATASET_OPTIONS.get(spec.name, {}), random_state=seed)
    if spec.views is not None:
        kw["views"] = list(spec.views)
    if data_home is not None:
        kw["data_home"] = str(data_home)
    return kw


def _load_unpaired(spec, seed, data_home):
    if spec.name == SYNTHETIC:
        from skdm2c.datasets import make_mixed_modal_blobs

        return make_mixed_modal_blobs(**SYNTHETIC_PARAMS, random_state=seed, return_bunch=True)
    from skdm2c.datasets import load_dataset

    return load_dataset(spec.name, **_loader_kwargs(spec, seed, data_home))


def paired_views(spec, seed, data_home=None):
    """``(views, target, modality_names)``: the paired views behind a specification.

    The synthetic set: the paired views of ``make_mixed_modal_blobs`` with the
    benchmark's settings and ``random_state=seed`` (its ``views`` field, the
    same instances the unpaired protocol draws its rows from).  A real set: the
    loader's ``views`` (restricted to the specification's views).

    Parameters
    ----------
    spec : str or DataSpec
        Data-set specification; its protocol is ignored.
    seed : int
        ``random_state`` of the loader or generator.
    data_home : str or path-like, default=None
        Folder of the real data sets; ``None``: the loaders' default.

    Returns
    -------
    views : list of ndarray
        One feature matrix per view, rows aligned across views.
    target : ndarray
        Class label of every instance.
    modality_names : tuple of str
        Name of each view.

    Raises
    ------
    ValueError
        If ``spec`` is not a valid specification.
    """
    bunch = _load_unpaired(parse_spec(spec).with_protocol(UNPAIRED), seed, data_home)
    return list(bunch.views), np.asarray(bunch.target), tuple(bunch.modality_names)


def _protocol_function(protocol):
    import skdm2c.datasets as datasets

    name = {"incomplete": "make_incomplete", "aligned": "make_partially_aligned"}[protocol]
    try:
        return getattr(datasets, name)
    except AttributeError:
        raise ImportError(
            f"skdm2c.datasets.{name} is not available in this version of skdm2c; the "
            f"'{protocol}' protocol of the benchmark needs it (issue 9, item 2).") from None


def _load_protocol(spec, seed, data_home):
    views, y, names = paired_views(spec, seed, data_home)
    make = _protocol_function(spec.protocol)
    if spec.protocol == "incomplete":
        return make(views, y, paired_fraction=spec.fraction, names=names, random_state=seed)
    return make(views, y, aligned_fraction=spec.fraction, names=names, random_state=seed)


def observed_counts(bunch, rows):
    """Number of ``rows`` that observe each modality (multi-block rows count for each).

    Parameters
    ----------
    bunch : sklearn.utils.Bunch
        Benchmark data; its ``observed`` mask (rows x modalities) is used when
        present, else its ``modality`` ids and ``modality_dims``.
    rows : array-like
        Indices (or a boolean mask) of the rows to count.

    Returns
    -------
    counts : list of int
        One count per modality, in block order.
    """
    observed = bunch.get("observed")
    if observed is not None:
        return [int(c) for c in np.asarray(observed, dtype=bool)[rows].sum(axis=0)]
    modality = np.asarray(bunch.modality)[rows]
    return [int(np.sum(modality == m)) for m in range(len(bunch.modality_dims))]


def n_paired_rows(bunch, rows):
    """Number of ``rows`` that observe more than one modality.

    Parameters
    ----------
    bunch : sklearn.utils.Bunch
        Benchmark data; only its ``observed`` mask (rows x modalities) is
        used.
    rows : array-like
        Indices (or a boolean mask) of the rows to count.

    Returns
    -------
    n_paired : int
        Number of multi-block rows among ``rows``; 0 when ``bunch`` has no
        ``observed`` mask.
    """
    observed = bunch.get("observed")
    if observed is None:
        return 0
    return int((np.asarray(observed, dtype=bool)[rows].sum(axis=1) > 1).sum())


def _split(bunch, seed):
    train = bunch.get("train_index")
    test = bunch.get("test_index")
    if train is not None and test is not None and len(train) and len(test):
        return np.asarray(train), np.asarray(test)
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(bunch.target))
    train, test = train_test_split(idx, test_size=TEST_SIZE, random_state=seed,
                                   stratify=bunch.target)
    return np.sort(train), np.sort(test)


def _n_clusters(bunch):
    return int(len(np.unique(bunch.target)))


# ------------------------------------------------------------------ measurement
def _proc_status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(field)


class _PeakMemory:
    """Peak resident-memory growth (MiB) of this process during a block."""

    def __enter__(self):
        gc.collect()
        _malloc_trim()
        self.method = "vmhwm"
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # reset the peak-RSS counter VmHWM to the current RSS
            self.start_kb = _proc_status_kb("VmRSS")
        except OSError:
            import resource

            self.method = "ru_maxrss"
            self.start_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc):
        if self.method == "vmhwm":
            peak = _proc_status_kb("VmHWM")
        else:
            import resource

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            if sys.platform == "darwin":
                peak //= 1024
        self.peak_mb = max(0.0, (peak - self.start_kb) / 1024.0)
        return False


def _malloc_trim():
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except Exception:  # not glibc
        pass


def _set_threads(n_threads):
    import torch

    torch.set_num_threads(n_threads)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n_threads)
    except Exception:
        pass


# ------------------------------------------------------------------ one run
def _labels(estimator):
    return estimator[-1].labels_ if hasattr(estimator, "steps") else estimator.labels_


_PREPARED_DIMS = {}


def prepared_dims(bunch, train, key):
    """Block widths after the common preprocessing, fitted on the training rows.

    The count path of :class:`~skdm2c.preprocessing.ModalityPreprocessor`
    reduces a term-count block to a few SVD components, so the stacked
    baselines' common PCA width must be bounded by the widths AFTER
    preprocessing, not by the raw ones.

    Parameters
    ----------
    bunch : sklearn.utils.Bunch
        Benchmark data (``data`` and ``modality_dims`` are used).
    train : array-like of int
        Training rows the preprocessor is fitted on.
    key : hashable
        Cache key of the result.  Only the last key is kept in memory; a
        call with that key again returns the stored widths without looking
        at ``bunch`` or ``train``.

    Returns
    -------
    dims : tuple of int
        Width of each block after preprocessing; the raw
        ``bunch.modality_dims`` when the common preprocessor is not a
        ``ModalityPreprocessor`` (an older skdm2c).
    """
    if key not in _PREPARED_DIMS:
        from ._methods import fair_preprocessor

        prep = fair_preprocessor(bunch.modality_dims)
        if hasattr(prep, "modality_dims_out_") or type(prep).__name__ == "ModalityPreprocessor":
            dims = prep.fit(np.asarray(bunch.data)[train]).modality_dims_out_
        else:
            dims = bunch.modality_dims
        _PREPARED_DIMS.clear()
        _PREPARED_DIMS[key] = tuple(int(d) for d in dims)
    return _PREPARED_DIMS[key]


def _width(bunch, train, spec_key):
    return stack_width(prepared_dims(bunch, train, spec_key), observed_counts(bunch, train))


def _setup(spec):
    bunch, train, test = load_benchmark_data(spec["dataset"], spec["seed"], spec["data_home"])
    width = _width(bunch, train, (spec["dataset"], spec["seed"], str(spec["data_home"])))
    est = make_estimator(spec["method"], _n_clusters(bunch), spec["seed"], width,
                         modality_dims=bunch.modality_dims, quick=spec["quick"])
    return bunch, train, test, width, est


def run_one(spec):
    """Fit one (dataset, method, seed) run; write its JSON cache; return the record.

    Sets the torch and BLAS / OpenMP threads of the current process to
    ``spec["n_threads"]``, loads the data (:func:`load_benchmark_data`),
    builds the method's estimator and fits it on the training rows, timing
    ``fit`` and measuring its peak memory growth.  An exception raised while
    fitting or scoring does not propagate: it is recorded in ``error`` and
    the scores, fit time and memory are NaN.

    Parameters
    ----------
    spec : dict
        The run: ``"dataset"`` (canonical specification), ``"method"``,
        ``"seed"``, ``"quick"``, ``"data_home"``, ``"key"`` (the cache key)
        and ``"n_threads"``; optional ``"cache_path"`` (the JSON file to
        write) and ``"latent_path"`` (where a DM2C run stores its latent
        codes).  :func:`run_benchmark` builds these dicts.

    Returns
    -------
    record : dict
        The keys of the CSV columns: ``dataset``, ``method``, ``seed``,
        ``n_train``, ``n_test``, ``n_clusters``, ``stack_width``,
        ``protocol``, ``paired_fraction`` (``None`` for the unpaired
        protocol), ``n_paired_rows`` (of the training rows), the five
        metrics (``acc``, ``ari``, ``nmi``, ``f_score``, ``purity``) as
        ``train_<metric>`` (``labels_``) and ``test_<metric>`` (``predict``
        on the held-out rows; NaN without them), ``train_acc_by_modality`` /
        ``train_nmi_by_modality`` (``"name=value ..."`` strings),
        ``train_modality_nmi``, ``fit_time_s``, ``peak_mem_mb``,
        ``mem_method`` (``"vmhwm"`` or ``"ru_maxrss"``; ``""`` after a
        failure), ``n_threads``, ``quick``, ``error`` (``""``, or the
        exception's type and message cut to 300 characters) and ``key``.
        ``error_latent`` is added when saving the latent codes failed.  With
        ``"cache_path"``, the record is also written there as JSON (through
        a temporary file, parent folders created).  The latent codes are
        saved only for the method ``"dm2c"``, a run without error and a
        given ``"latent_path"``.

    Raises
    ------
    ValueError
        If the specification or the method is unknown (raised while loading
        the data or building the estimator, before fitting).
    FileNotFoundError
        If the file of a real data set is missing (from the loader).
    """
    from skdm2c.metrics import clustering_report

    _set_threads(spec["n_threads"])
    bunch, train, test, width, est = _setup(spec)
    data = parse_spec(spec["dataset"])
    X, y = np.asarray(bunch.data), np.asarray(bunch.target)
    record = {
        "dataset": spec["dataset"], "method": spec["method"], "seed": spec["seed"],
        "n_train": int(len(train)), "n_test": int(len(test)),
        "n_clusters": _n_clusters(bunch), "stack_width": width,
        "protocol": data.protocol, "paired_fraction": data.fraction,
        "n_paired_rows": n_paired_rows(bunch, train),
    }
    nan_scores = {m: float("nan") for m in METRICS}
    error, per_mod = "", {}
    try:
        with _PeakMemory() as mem:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                # Expected on unpaired data: the linear reference falls back to stacking.
                warnings.filterwarnings("ignore", message="PairedCCAClustering: modality",
                                        category=UserWarning)
                est.fit(X[train])
            fit_time = time.perf_counter() - t0
        train_scores = clustering_report(y[train], _labels(est))
        per_mod = _per_modality(y[train], _labels(est), np.asarray(bunch.modality)[train],
                                bunch.modality_names)
        test_scores = (clustering_report(y[test], est.predict(X[test])) if len(test)
                       else nan_scores)
    except Exception as exc:  # a diverged or crashed run is reported, not fatal
        error = f"{type(exc).__name__}: {exc}"[:300]
        fit_time, mem = float("nan"), None
        train_scores = test_scores = nan_scores
    for m in METRICS:
        record[f"train_{m}"] = float(train_scores[m])
    for m in METRICS:
        record[f"test_{m}"] = float(test_scores[m])
    record.update(
        train_acc_by_modality=per_mod.get("acc", ""),
        train_nmi_by_modality=per_mod.get("nmi", ""),
        train_modality_nmi=per_mod.get("modality_nmi", float("nan")),
        fit_time_s=float(fit_time),
        peak_mem_mb=float(mem.peak_mb) if mem is not None else float("nan"),
        mem_method=mem.method if mem is not None else "",
        n_threads=spec["n_threads"], quick=bool(spec["quick"]), error=error,
        key=spec["key"],
    )
    if not error and spec["method"] == "dm2c" and spec.get("latent_path"):
        try:
            _save_latent(est, X, y, bunch, train, test, spec["latent_path"])
        except Exception as exc:  # the scores stand; only the latent map is missing
            record["error_latent"] = f"{type(exc).__name__}: {exc}"[:300]
    if spec.get("cache_path"):
        path = Path(spec["cache_path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1))
        os.replace(tmp, path)
    return record


def _per_modality(y, labels, modality, names):
    """Diagnostics of a joint clustering of mixed-modal rows.

    ``acc`` / ``nmi``: ACC and NMI of the rows of each modality alone (as
    ``"name=value name=value"``): how well the clustering groups each
    modality; multi-block rows (modality ``-1``) are reported as ``paired``.
    ``modality_nmi``: NMI between the cluster labels and the
    modality ids -- high when every cluster holds one modality only (the
    modalities were clustered apart, nothing was grouped across them; 1 only
    with one cluster per modality), 0 when every cluster mixes the modalities
    in the overall proportions.
    """
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c.metrics import clustering_accuracy

    acc, nmi = [], []
    for m, name in enumerate(names):
        sel = modality == m
        if not sel.any():
            continue
        acc.append(f"{name}={clustering_accuracy(y[sel], labels[sel]):.4f}")
        nmi.append(f"{name}={normalized_mutual_info_score(y[sel], labels[sel]):.4f}")
    sel = modality < 0  # multi-block rows (paired instances)
    if sel.any():
        acc.append(f"paired={clustering_accuracy(y[sel], labels[sel]):.4f}")
        nmi.append(f"paired={normalized_mutual_info_score(y[sel], labels[sel]):.4f}")
    return {"acc": " ".join(acc), "nmi": " ".join(nmi),
            "modality_nmi": float(normalized_mutual_info_score(modality, labels))}


def _save_latent(est, X, y, bunch, train, test, path):
    """Store DM2C's unified latent codes of all rows (for the latent map)."""
    idx = np.concatenate([train, test])
    Z = np.asarray(est.transform(X[idx]), dtype=np.float32)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:  # np.savez would append ".npz" to a temp name
        np.savez_compressed(
            f, latent=Z, target=y[idx], modality=np.asarray(bunch.modality)[idx],
            is_test=np.r_[np.zeros(len(train), bool), np.ones(len(test), bool)],
            modality_names=np.asarray(bunch.modality_names, dtype=str),
        )


# ------------------------------------------------------------------ cache keys
#: Source files that belong to ONE method; every other module of the package
#: (core, data model, datasets, metrics, stacker) is shared by all methods.
_METHOD_SOURCES = {
    "dm2c": ("dm2c/*.py",),
    "idec": ("baselines/_idec.py",),
    "dcn": ("baselines/_dcn.py",),
    "dkm": ("baselines/_dkm.py",),
    "imsat": ("baselines/_imsat.py",),
    "linear": ("linear/*.py",),
}
# every DM2C ablation runs DM2C's own modules
_METHOD_SOURCES.update({name: _METHOD_SOURCES["dm2c"] for name in ABLATIONS})


def _code_fingerprint(method=None):
    """Hash of the source ``method`` runs (shared modules + its own) and the version.

    The benchmark package itself is left out, and so are the modules of the
    OTHER methods: work on DM2C's code does not invalidate cached baseline
    runs, while a change to the shared training core invalidates every run.
    """
    import skdm2c

    root = Path(skdm2c.__file__).resolve().parent
    own = {p for pat in _METHOD_SOURCES.get(method, ()) for p in root.glob(pat)}
    other = {p for name, pats in _METHOD_SOURCES.items() if name != method
             for pat in pats for p in root.glob(pat)}
    h = hashlib.sha256(f"{skdm2c.__version__}|{PROTOCOL_VERSION}".encode())
    for p in sorted(root.rglob("*.py")):
        if "benchmark" in p.relative_to(root).parts or (p in other and p not in own):
            continue
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _run_key(dataset, method, seed, quick, data_home, fingerprint):
    """Cache key of a run: names, seed, and a hash of the estimator's parameters,
    the data description (specification, protocol and fraction included) and the
    code the method runs (``_code_fingerprint``)."""
    spec = parse_spec(dataset)
    bunch, train, test = load_benchmark_data(spec, seed, data_home)
    est = make_estimator(method, _n_clusters(bunch), seed,
                         _width(bunch, train, (dataset, seed, str(data_home))),
                         modality_dims=bunch.modality_dims, quick=quick)
    data_desc = [spec.text, spec.protocol, spec.fraction, tuple(bunch.modality_dims),
                 len(train), len(test), n_paired_rows(bunch, train),
                 SYNTHETIC_PARAMS if spec.name == SYNTHETIC else DATASET_OPTIONS.get(spec.name)]
    h = hashlib.sha256(json.dumps([params_hash(est), fingerprint, data_desc],
                                  default=str).encode()).hexdigest()[:16]
    return f"{spec.slug}/{method}/seed{seed}-{'quick-' if quick else ''}{h}"


# ------------------------------------------------------------------ driver
def _progress(msg, stream=None):
    print(msg, file=stream or sys.stderr, flush=True)


def _fmt_record(rec, i, n, elapsed):
    head = f"[{i}/{n} {elapsed:.0f}s] {rec['dataset']} {rec['method']} seed={rec['seed']}:"
    if rec["error"]:
        return f"{head} FAILED {rec['error']}"
    return (
        f"{head} "
        f"train ACC {rec['train_acc']:.3f} NMI {rec['train_nmi']:.3f} | "
        f"test ACC {rec['test_acc']:.3f} NMI {rec['test_nmi']:.3f} | "
        f"fit {rec['fit_time_s']:.1f} s, {rec['peak_mem_mb']:.0f} MB"
    )


def run_benchmark(datasets, methods, seeds, *, n_jobs=1, data_home=None, cache_dir=None,
                  use_cache=True, quick=False, save_latent=True, n_threads=None, verbose=True):
    """Run every (dataset, method, seed); return the run records and the cache folder.

    ``datasets`` are specifications (:mod:`skdm2c.benchmark._specs`); the
    records name them in canonical form (``DataSpec.text``).

    Finished runs are read from ``cache_dir`` (one JSON per run) unless
    ``use_cache`` is False; new runs are fitted with joblib on ``n_jobs``
    processes, each limited to ``n_threads`` torch/BLAS/OpenMP threads
    (default ``cpu_count // n_jobs``), and cached as soon as they finish
    (an interrupted benchmark resumes).

    Parameters
    ----------
    datasets : iterable of str or DataSpec
        Data-set specifications; ones with the same canonical form run once.
    methods : sequence of str
        Method names (keys of :data:`METHODS`).
    seeds : sequence of int
        Seeds; every data set runs every seed.
    n_jobs : int or None, default=1
        Worker processes (joblib).  ``None`` or a value below 1: one per CPU
        core.  Capped at the number of runs to fit; with 1 the runs are
        fitted one after the other in this process.
    data_home : str or path-like, default=None
        Folder of the real data sets; ``None``: the loaders' default.
    cache_dir : str or path-like, default=None
        Folder of the per-run cache; ``None``: :func:`default_cache_dir`.
    use_cache : bool, default=True
        Read finished runs from the cache.  False refits every run; the new
        records are still written to the cache.
    quick : bool, default=False
        Tiny networks and epochs (a smoke test of the machinery); part of
        the cache key.
    save_latent : bool, default=True
        Store DM2C's latent codes next to its JSON (``<key>.latent.npz``,
        see :func:`plot_latent`); a cached ``"dm2c"`` run without that file
        is then fitted again.
    n_threads : int or None, default=None
        Number of torch / BLAS / OpenMP threads per run (at least 1); ``None``:
        ``cpu_count // n_jobs`` (after capping ``n_jobs``), at least 1.
    verbose : bool, default=True
        Progress lines on stderr: the number of cached runs and runs to
        fit, one line per finished run and the total time.

    Returns
    -------
    records : list of dict
        One :func:`run_one` record per run: the cached ones first (in the
        order data set, seed, method), then the newly fitted ones in the
        order they finish.
    cache_dir : pathlib.Path
        The cache folder used.

    Raises
    ------
    ValueError
        If a specification or a method is unknown.
    FileNotFoundError
        If the file of a real data set is missing (from the loader).
    ImportError
        If a protocol's function is missing from :mod:`skdm2c.datasets`.
    """
    from joblib import Parallel, delayed

    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    fingerprints = {m: _code_fingerprint(m) for m in methods}
    records, todo = [], []
    for dataset in dict.fromkeys(parse_spec(d).text for d in datasets):
        for seed in seeds:
            for method in methods:
                key = _run_key(dataset, method, seed, quick, data_home, fingerprints[method])
                path = cache_dir / f"{key}.json"
                latent = cache_dir / f"{key}.latent.npz"
                if use_cache and path.exists() and (
                        method != "dm2c" or not save_latent or latent.exists()):
                    records.append(json.loads(path.read_text()))
                    continue
                todo.append({"dataset": dataset, "method": method, "seed": int(seed),
                             "quick": bool(quick), "data_home": data_home, "key": key,
                             "cache_path": str(path),
                             "latent_path": str(latent) if save_latent else None})
    n_cpu = os.cpu_count() or 1
    n_jobs = n_cpu if n_jobs is None or n_jobs < 1 else int(n_jobs)
    n_jobs = max(1, min(n_jobs, len(todo)))
    n_threads = max(1, n_cpu // n_jobs) if n_threads is None else max(1, int(n_threads))
    for spec in todo:
        spec["n_threads"] = n_threads
    todo.sort(key=lambda s: -COST.get(s["method"], 1))  # slowest first: better packing
    if verbose:
        where = f" on {n_jobs} process(es) x {n_threads} thread(s)" if todo else ""
        _progress(f"skdm2c.benchmark: {len(records)} run(s) cached, {len(todo)} to run"
                  f"{where}; cache {cache_dir}")
    if todo:
        t0 = time.perf_counter()
        if n_jobs == 1:
            results = (run_one(spec) for spec in todo)
        else:
            results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
                delayed(run_one)(spec) for spec in todo)
        for i, rec in enumerate(results, 1):
            records.append(rec)
            if verbose:
                _progress(_fmt_record(rec, i, len(todo), time.perf_counter() - t0))
        if verbose:
            _progress(f"skdm2c.benchmark: {len(todo)} run(s) in {time.perf_counter() - t0:.0f} s")
    return records, cache_dir


def latent_path(cache_dir, key):
    """File of DM2C's latent codes of one cached run.

    Parameters
    ----------
    cache_dir : str or path-like
        Folder of the per-run cache.
    key : str
        Cache key of the run (the ``key`` column of the records).

    Returns
    -------
    path : pathlib.Path
        ``<cache_dir>/<key>.latent.npz``, where :func:`run_benchmark` stores
        the latent codes of a ``"dm2c"`` run (it may not exist).
    """
    return Path(cache_dir) / f"{key}.latent.npz"
