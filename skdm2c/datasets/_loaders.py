"""Loaders for the real paired multi-view sets, returned as mixed-modal data.

Nothing is ever downloaded: every loader reads ``<data_home>/<name>/<file>.npz``
(the layout of the collected data folder) and fails with a message that says
where it looked and how to obtain the file.
"""

import hashlib
import os
import textwrap
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._mixed import make_mixed_modal
from ._protocols import _check_fraction, make_incomplete, make_partially_aligned

__all__ = [
    "DATASETS", "get_data_home", "load_dataset", "load_wikipedia", "load_cub10",
    "load_uci_mfeat", "load_scene15", "load_landuse21", "load_bbcsport", "load_3sources",
    "load_reuters1200", "PROTOCOLS",
]

#: The values of the loaders' ``protocol`` parameter.
PROTOCOLS = ("unpaired", "incomplete", "aligned")

# File name and expected sha256 of every set (copied from its PROVENANCE.md).
_FILES = {
    "wikipedia": ("wikipedia_sift128_lda10_tfidf1000.npz",
                  "240727030af70b0c0ee5dc0362f73d46cd5f04b35b8bf484bda762a1e7ba39a2"),
    "cub10": ("cub10_googlenet1024_doc2vec300.npz",
              "c392bcdbef838ea3aa1070a679c9b9e4337bcbcb1461ee534eedb645cf972abf"),
    "uci_mfeat": ("uci_mfeat_6views.npz",
                  "57134c696fc61905b19d75e351d561d32d9cde318333e2dc10c0529213bacb50"),
    "scene15": ("scene15_3views.npz",
                "e81394370204d1e7f058e01024c92628cdaf0aed83e6821f838d799de43ca1b9"),
    "landuse21": ("landuse21_3views.npz",
                  "43fe269631af08941b7c65f12326729f9c782bd491892756820d08ac0c9631ac"),
    "bbcsport": ("bbcsport_2views_counts.npz",
                 "fa3becab156562a0d1af78b7513d904bc9df8241ccca4e8e01be1bdf7d0e7bff"),
    "3sources": ("3sources_3views.npz",
                 "0c7b03cf3b83c75295d4c4ab1ec5c587b0d4195cce346150a4365adfcfe1bfc4"),
    "reuters1200": ("reuters1200_5views.npz",
                    "1f234134884e22288e75c76f631cbab7faabde9dfe6c7de76537a87724a0c387"),
}
_SHA256 = {name: sha for name, (_, sha) in _FILES.items()}
_FILES = {name: file for name, (file, _) in _FILES.items()}

#: Names of the real data sets, as accepted by :func:`load_dataset`.
DATASETS = tuple(_FILES)

# Public source of each file (named in the error message and the fallback DESCR).
_SOURCES = {
    "wikipedia": "GitHub azrealwang/sph data/raw_features.mat + train/test .list files "
    "(Rasiwasia et al., ACM MM 2010 features)",
    "cub10": "GitHub UeharaSetsuYu/Multi-view-Datasets cub_googlenet_doc2vec_c10.mat",
    "uci_mfeat": "GitHub ChuanbinZhang/Multi-view-datasets Handwritten.mat "
    "(UCI Machine Learning Repository 'Multiple Features')",
    "scene15": "GitHub XLearning-SCU/2021-CVPR-Completer data/Scene-15.mat",
    "landuse21": "GitHub XLearning-SCU/2021-CVPR-Completer data/LandUse-21.mat",
    "bbcsport": "GitHub UeharaSetsuYu/Multi-view-Datasets BBCSport.mat "
    "(UCD Insight, Greene & Cunningham 'bbcsport')",
    "3sources": "GitHub ChuanbinZhang/Multi-view-datasets 3Sources.mat "
    "(UCD Insight, Greene & Cunningham '3sources')",
    "reuters1200": "GitHub ChuanbinZhang/Multi-view-datasets Reuters-1200.mat "
    "(Amini, Usunier & Goutte, multilingual Reuters)",
}
_SUMMARIES = {
    "wikipedia": "Wikipedia image/text set: 2866 paired documents, 10 classes, split "
    "2173 train / 693 test; image 128-d SIFT bag of visual words, text 10-d LDA topics "
    "or 1000-d tf-idf.",
    "cub10": "CUB-200-2011, first 10 classes: 600 paired birds, image 1024-d GoogLeNet "
    "features, text 300-d doc2vec embeddings of the descriptions.",
    "uci_mfeat": "UCI Multiple Features: 2000 handwritten digits (10 classes), 6 views "
    "fou 76, fac 216, kar 64, pix 240, zer 47, mor 6; unscaled, standardise them.",
    "scene15": "Scene-15: 4485 images, 15 classes, 3 image descriptors (20/59/40-d).",
    "landuse21": "UC Merced Land Use 21: 2100 images, 21 classes, 3 image descriptors "
    "(20/59/40-d).",
    "bbcsport": "BBCSport: 544 documents, 5 classes, each split in two halves; term counts "
    "3183 / 3203.",
    "3sources": "3sources: 169 news stories, 6 classes, term counts of the BBC (3560), "
    "Guardian (3631) and Reuters (3068) versions (names matched by dimension only).",
    "reuters1200": "Reuters-1200: 1200 documents, 6 classes, 5 language views of 2000 "
    "words each (view order undocumented).",
}

_ENV = "SKDM2C_DATA"


def get_data_home(data_home=None):
    """Return the folder the loaders read from.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder.  If None, the environment variable ``SKDM2C_DATA`` is used
        (several folders may be joined by ``os.pathsep``; the first is
        returned), else ``~/skdm2c_data``.

    Returns
    -------
    data_home : pathlib.Path
        The folder (``~`` expanded); it is not created.

    Examples
    --------
    >>> from skdm2c.datasets import get_data_home
    >>> get_data_home("/data/mixed").as_posix()
    '/data/mixed'
    """
    return _data_homes(data_home)[0]


def _data_homes(data_home):
    """All folders searched, in order."""
    if data_home is not None:
        if not isinstance(data_home, (str, os.PathLike)):
            raise TypeError(
                "data_home must be a folder path (str or os.PathLike) or None (use "
                f"${_ENV} or ~/skdm2c_data); got {data_home!r} of type "
                f"{type(data_home).__name__}."
            )
        return [Path(data_home).expanduser()]
    env = os.environ.get(_ENV, "")
    folders = [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    return folders or [Path("~", "skdm2c_data").expanduser()]


def _find_file(name, data_home):
    """Locate ``<data_home>/<name>/<file>`` or raise a helpful FileNotFoundError."""
    candidates = [home / name / _FILES[name] for home in _data_homes(data_home)]
    for path in candidates:
        if path.is_file():
            return path
    looked = "\n".join(f"  {p}" for p in candidates)
    raise FileNotFoundError(
        f"The {name!r} data file was not found. Looked in:\n{looked}\n"
        f"skdm2c never downloads data. The file {_FILES[name]} is a conversion of "
        f"{_SOURCES[name]}; obtain that public source (see the PROVENANCE.md that "
        f"accompanies the converted file), then place the .npz at "
        f"<data_home>/{name}/{_FILES[name]}. Pass data_home=... or set the {_ENV} "
        f"environment variable to a folder with that layout."
    )


def _read(name, data_home, check_hash, keys):
    """Read the arrays ``keys`` of a data set; return ``(arrays, path)``."""
    path = _find_file(name, data_home)
    if check_hash:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        found = digest.hexdigest()
        if found != _SHA256[name]:
            raise OSError(
                f"{path} has sha256 {found}, expected {_SHA256[name]}; the file is "
                "corrupt or a different version."
            )
    import zipfile
    import zlib

    unreadable = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                  TypeError, AttributeError)
    try:
        npz = np.load(path, allow_pickle=False)
    except unreadable as exc:
        raise ValueError(
            f"{path} is not a readable .npz archive (empty, truncated or corrupt?): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise ValueError(f"{path} holds a single array, not an .npz archive of named arrays.")
    with npz:
        missing = [k for k in keys if k not in npz.files]
        if missing:
            raise ValueError(
                f"{path} lacks the arrays {missing}; expected the keys {list(keys)} "
                f"(found {npz.files})."
            )
        arrays = {}
        for k in keys:
            try:
                arrays[k] = npz[k]
            except unreadable as exc:
                raise ValueError(
                    f"{path}: the array {k!r} cannot be read (truncated or corrupt file, or "
                    f"an object array, which is never unpickled): {type(exc).__name__}: {exc}"
                ) from exc
    for k, a in arrays.items():  # labels 1-D integers, features 2-D numbers
        if not isinstance(a, np.ndarray):  # NpzFile returns raw bytes for a non-.npy member
            raise ValueError(f"{path}: the member {k!r} cannot be read: it is not a .npy array.")
        if k == "y" or k.startswith("y_"):
            if a.ndim != 1 or a.dtype.kind not in "iu" or (a.size and a.min() < 0):
                raise ValueError(
                    f"{path}: the labels {k!r} must be a 1-D array of non-negative integers; "
                    f"got a {a.dtype} array of shape {a.shape}"
                    + (f" with minimum {a.min()}." if a.size and a.dtype.kind in "iuf" else ".")
                )
        elif k.startswith(("x_", "img", "txt")) and "_id" not in k:
            if a.ndim != 2 or a.dtype.kind not in "iuf" or 0 in a.shape:
                raise ValueError(
                    f"{path}: the features {k!r} must be a non-empty 2-D numeric array; got a "
                    f"{a.dtype} array of shape {a.shape}."
                )
            bad = ~np.isfinite(a) if a.dtype.kind == "f" else None
            if bad is not None and bad.any():
                r, c = np.argwhere(bad)[0]
                raise ValueError(
                    f"{path}: the features {k!r} hold {a[r, c]} at row {r}, column {c} "
                    f"({int(bad.any(axis=1).sum())} rows hold NaN or infinity); the file is "
                    "corrupt or was converted incorrectly."
                )
    return arrays, path


def _descr(name, path):
    provenance = path.parent / "PROVENANCE.md"
    text = f"{_SUMMARIES[name]}\n\n"
    if provenance.is_file():
        return text + provenance.read_text(encoding="utf-8", errors="replace")
    return text + f"Source: {_SOURCES[name]}.\n(No PROVENANCE.md next to {path}.)"


def _select(view_names, views):
    """Positions of the requested views (names or integer positions)."""
    if views is None:
        return list(range(len(view_names)))
    views = [views] if isinstance(views, (str, int, np.integer)) else list(views)
    valid = {**{n: i for i, n in enumerate(view_names)}, **{i: i for i in range(len(view_names))}}
    picked = [valid.get(v) if not isinstance(v, bool) else None for v in views]
    if not picked or None in picked or len(set(picked)) != len(picked):
        raise ValueError(
            f"views must list distinct names from {list(view_names)} or positions "
            f"0..{len(view_names) - 1}; got {views!r}."
        )
    return picked


def _check_protocol(protocol, paired_fraction, proportions, return_paired):
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}; got {protocol!r}.")
    _check_fraction(paired_fraction, "paired_fraction")
    if return_paired and protocol != "unpaired":
        raise ValueError(
            f"return_paired=True keeps every view of every instance; it cannot be "
            f"combined with protocol={protocol!r}."
        )
    if protocol == "aligned" and proportions is not None:
        raise ValueError(
            "proportions is not used by protocol='aligned' (every instance is kept "
            "in every modality); leave it None."
        )


def _finish(name, path, views, names, y, *, proportions, random_state, return_paired,
            protocol="unpaired", paired_fraction=0.5, **extra):
    """Build the common Bunch from paired views."""
    _check_protocol(protocol, paired_fraction, proportions, return_paired)
    n = {v.shape[0] for v in views} | {y.shape[0]}
    if len(n) != 1:
        raise ValueError(
            f"{path}: views and labels have different row counts "
            f"{[v.shape[0] for v in views]} / {y.shape[0]}."
        )
    if return_paired:
        bunch = Bunch(
            data=np.hstack(views), target=y, modality=None, modality_names=tuple(names),
            modality_dims=tuple(v.shape[1] for v in views),
        )
    elif protocol == "unpaired":
        bunch = make_mixed_modal(
            views, y, proportions=proportions, names=names, random_state=random_state
        )
        del bunch["index"]
    elif protocol == "incomplete":
        bunch = make_incomplete(
            views, y, paired_fraction=paired_fraction, proportions=proportions,
            names=names, random_state=random_state,
        )
        del bunch["index"]
    else:
        bunch = make_partially_aligned(
            views, y, aligned_fraction=paired_fraction, names=names,
            random_state=random_state,
        )
        # row positions of instance splits (train_index / test_index) follow the rows
        row_of = bunch.instance
        for key in ("train_index", "test_index"):
            if key in extra:
                extra[key] = np.flatnonzero(np.isin(row_of, extra[key]))
    bunch.protocol = protocol
    bunch.views = list(views)
    bunch.update(extra)
    bunch.DESCR = _descr(name, path)
    bunch.filename = str(path)
    return bunch


_PARAMS = """
    data_home : str or path-like, default=None
        Folder holding ``<name>/<file>.npz``; see :func:`get_data_home`.{own}
    proportions : array-like of shape (n_modalities,), default=None
        Fraction of the single-modality instances kept in each modality
        (exact up to rounding); equal by default.  Not used by
        ``protocol="aligned"``.
    random_state : int, RandomState instance or None, default=0
        Seed of the modality assignment.
    return_paired : bool, default=False
        If True, keep all views of every instance (no mixing); only with
        ``protocol="unpaired"``.
    protocol : {{"unpaired", "incomplete", "aligned"}}, default="unpaired"
        ``"unpaired"``: every instance in one modality
        (:func:`~skdm2c.datasets.make_mixed_modal`, the DM2C setting);
        ``"incomplete"``: ``paired_fraction`` of the instances in every
        modality, the rest in one
        (:func:`~skdm2c.datasets.make_incomplete`, COMPLETER / DCP missing
        rate ``1 - paired_fraction`` for 2 views); ``"aligned"``: every
        instance in every modality, ``paired_fraction`` of them as one aligned
        row and the others as one row per modality
        (:func:`~skdm2c.datasets.make_partially_aligned`, PVC / SURE aligned
        ratio).
    paired_fraction : float in [0, 1], default=0.5
        Fraction of paired (``"incomplete"``) or aligned (``"aligned"``)
        instances; not used by ``protocol="unpaired"``.
    check_hash : bool, default=False
        If True, verify the sha256 of the file first."""

_DOC = """Load {title} as mixed-modal data.

    {summary}

    Parameters
    ----------{params}

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (packed mixed-modal array: row ``i`` is instance ``i``, kept
        in modality ``modality[i]``, NaN in the other blocks; with
        ``return_paired=True`` the views side by side and ``modality=None``;
        with ``protocol="incomplete"`` the paired rows observe every block and
        have ``modality`` -1, see ``observed``; with ``protocol="aligned"``
        the rows are shuffled, see ``instance``), ``target`` (int labels
        0..K-1, one per row), ``modality``, ``observed`` and
        ``paired_fraction`` (``"incomplete"``), ``observed``, ``instance``
        and ``aligned_fraction`` (``"aligned"``), ``protocol``,
        ``modality_names``,
        ``modality_dims``, ``views`` (the paired per-modality arrays, in block
        order), ``DESCR`` (description and provenance), ``filename``{extra}.

    Raises
    ------
    FileNotFoundError
        If the file is not in ``<data_home>/{name}/``; the message lists the
        paths looked in and how to obtain the data.  (``protocol``,
        ``paired_fraction``, ``proportions`` and ``return_paired`` are checked
        first.)
    OSError
        If ``check_hash=True`` and the sha256 of the file differs.
    ValueError
        On an unknown option or view name, or a file missing expected arrays.

    Examples
    --------
    >>> from skdm2c.datasets import load_{name}{example}
    """


def _doc(name, title, own, extra, example):
    summary = textwrap.fill(_SUMMARIES[name], 74, subsequent_indent="    ")
    return _DOC.format(
        title=title, summary=summary, params=_PARAMS.format(own=own),
        extra=extra, name=name, example=example,
    )


def load_wikipedia(*, data_home=None, text_features="lda", subset="train", proportions=None,
                   random_state=0, return_paired=False, check_hash=False,
                   protocol="unpaired", paired_fraction=0.5):
    _check_protocol(protocol, paired_fraction, proportions, return_paired)
    if text_features not in ("lda", "tfidf"):
        raise ValueError(f"text_features must be 'lda' or 'tfidf'; got {text_features!r}.")
    if subset not in ("train", "test", "all"):
        raise ValueError(f"subset must be 'train', 'test' or 'all'; got {subset!r}.")
    txt = "txt" if text_features == "lda" else "txt_tfidf"
    parts = ("train", "test") if subset == "all" else (subset,)
    keys = [f"{k}_{p}" for p in parts for k in ("img", txt, "y", "img_id", "txt_id")]
    arrays, path = _read("wikipedia", data_home, check_hash, keys + ["class_names"])

    def cat(k):
        return np.concatenate([arrays[f"{k}_{p}"] for p in parts])

    n_train = arrays["y_train"].shape[0] if "train" in parts else 0
    n_all = sum(arrays[f"y_{p}"].shape[0] for p in parts)
    return _finish(
        "wikipedia", path, [cat("img"), cat(txt)], ("image", "text"), cat("y"),
        proportions=proportions, random_state=random_state, return_paired=return_paired,
        protocol=protocol, paired_fraction=paired_fraction,
        train_index=np.arange(n_train),
        test_index=np.arange(n_train, n_all) if "test" in parts else np.arange(0),
        class_names=arrays["class_names"], img_id=cat("img_id"), txt_id=cat("txt_id"),
        subset=subset,
    )


load_wikipedia.__doc__ = _doc(
    "wikipedia", "the Wikipedia image/text set",
    own="""
    text_features : {"lda", "tfidf"}, default="lda"
        Text view: 10-d LDA topic proportions or 1000-d tf-idf.
    subset : {"train", "test", "all"}, default="train"
        Rows to load; ``"all"`` gives the rows ``[train; test]`` and draws the
        modality assignment over all of them.""",
    extra=""", ``train_index`` /
        ``test_index`` (rows of the train / test documents; empty when that
        part is not loaded; with ``protocol="aligned"`` the rows of those
        documents' instances), ``class_names``, ``img_id`` / ``txt_id`` (ids of
        the split lists) and ``subset``""",
    example="""
    >>> wiki = load_wikipedia(subset="all")  # doctest: +SKIP
    >>> wiki.data.shape, wiki.modality_dims  # doctest: +SKIP
    ((2866, 138), (128, 10))
    >>> len(wiki.train_index), len(wiki.test_index)  # doctest: +SKIP
    (2173, 693)""",
)


def _multiview_loader(name, keys, names, class_names=None):
    def loader(*, data_home=None, views=None, proportions=None, random_state=0,
               return_paired=False, check_hash=False, protocol="unpaired",
               paired_fraction=0.5):
        _check_protocol(protocol, paired_fraction, proportions, return_paired)
        picked = _select(list(names), views)
        arrays, path = _read(name, data_home, check_hash, list(keys) + ["y"])
        extra = {} if class_names is None else {"class_names": np.asarray(class_names)}
        return _finish(
            name, path, [arrays[keys[i]] for i in picked], [names[i] for i in picked],
            arrays["y"], proportions=proportions, random_state=random_state,
            return_paired=return_paired, protocol=protocol,
            paired_fraction=paired_fraction, **extra,
        )

    loader.__name__ = loader.__qualname__ = f"load_{name}"
    loader.__module__ = __name__
    loader.__doc__ = _doc(
        name, name,
        own=f"""
    views : sequence of str or int, default=None
        Views to keep, by name ({', '.join(repr(n) for n in names)}) or
        position, in the given order; all by default.""",
        extra=", ``class_names``" if class_names is not None else "",
        example=f"""
    >>> bunch = load_{name}()  # doctest: +SKIP
    >>> bunch.modality_names  # doctest: +SKIP
    {tuple(names)!r}""",
    )
    return loader


load_cub10 = _multiview_loader("cub10", ("img", "txt"), ("image", "text"))
_MFEAT = ("fou", "fac", "kar", "pix", "zer", "mor")
load_uci_mfeat = _multiview_loader(
    "uci_mfeat", tuple(f"x_{v}" for v in _MFEAT), _MFEAT, [str(d) for d in range(10)]
)
load_scene15 = _multiview_loader(
    "scene15", ("x_view0_20d", "x_view1_59d", "x_view2_40d"), ("view0", "view1", "view2")
)
load_landuse21 = _multiview_loader(
    "landuse21", ("x_view0_20d", "x_view1_59d", "x_view2_40d"), ("view0", "view1", "view2")
)
load_bbcsport = _multiview_loader("bbcsport", ("x_view0", "x_view1"), ("part0", "part1"))
load_3sources = _multiview_loader(
    "3sources", ("x_view0_3560d", "x_view1_3631d", "x_view2_3068d"),
    ("bbc", "guardian", "reuters"),
)
load_reuters1200 = _multiview_loader(
    "reuters1200", tuple(f"x_view{i}" for i in range(5)), tuple(f"view{i}" for i in range(5))
)

_LOADERS = {name: globals()[f"load_{name}"] for name in DATASETS}


def load_dataset(name, **kwargs):
    """Load a real data set by name.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS` (case-insensitive; ``-`` is read as ``_``).
    **kwargs : dict
        Passed to the loader, e.g. ``data_home``, ``proportions``,
        ``random_state``, ``protocol``, ``paired_fraction``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        What the loader ``load_<name>`` returns.

    Raises
    ------
    ValueError
        If ``name`` is unknown.
    FileNotFoundError
        If the data file is not found (see the loaders).

    Examples
    --------
    >>> from skdm2c.datasets import DATASETS, load_dataset
    >>> "wikipedia" in DATASETS
    True
    >>> cub = load_dataset("cub10", proportions=(0.5, 0.5))  # doctest: +SKIP
    >>> cub.data.shape  # doctest: +SKIP
    (600, 1324)
    >>> cub = load_dataset("cub10", protocol="incomplete", paired_fraction=0.3)  # doctest: +SKIP
    >>> int(cub.observed.all(axis=1).sum())  # doctest: +SKIP
    180
    """
    key = str(name).lower().replace("-", "_")
    if key not in _LOADERS:
        raise ValueError(f"Unknown data set {name!r}; choose from {DATASETS}.")
    return _LOADERS[key](**kwargs)
