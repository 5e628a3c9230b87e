"""Reader for the processed mixed-modal ``.mat`` files of the DM2C authors.

The authors' code (github.com/jiangyangby/DM2C, ``code/utils.py``) writes,
with ``scipy.io.savemat``,

- ``train_file.mat`` / ``test_file.mat``: ``X``, an ``n x 3`` cell array whose
  row ``i`` is ``{feature, file name, modality}`` (``n x 2`` without the file
  name column, as for NUS-WIDE), and ``y``, the ``1 x n`` labels, 1-based;
- ``train_img.mat`` / ``train_txt.mat``: ``X`` only, the rows of one modality
  in the same cell layout (used to pre-train one auto-encoder).

Modality ``0`` is the image and ``1`` the text.  Each row holds exactly one
modality, so the rows map directly onto the packed mixed-modal array.
"""

import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from .._modality import _block_bounds, _check_dims

__all__ = ["load_dm2c_mat", "load_dm2c_modality_mat"]

_LAYOUT = (
    "expected the DM2C layout: a variable 'X' holding an n x 3 cell array "
    "{feature, file name, modality} (or n x 2 {feature, modality})"
)


# What scipy.io.loadmat raises on an empty, truncated or corrupt file (its
# parsers read raw headers and compressed streams, so random bytes can fail
# in many ways); every one is reported with the path of the file.
def _unreadable_errors():
    import struct
    import zlib

    from scipy.io.matlab import MatReadError

    return (MatReadError, ValueError, TypeError, NotImplementedError, OSError, EOFError,
            zlib.error, struct.error, KeyError, IndexError, UnicodeDecodeError, OverflowError,
            MemoryError, AttributeError)


def _loadmat(path):
    from scipy.io import loadmat

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"The .mat file path must be a str or os.PathLike; got {path!r} of type "
            f"{type(path).__name__}."
        )
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a .mat file.")
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist.")
    try:
        return loadmat(path)
    except _unreadable_errors() as exc:
        raise ValueError(
            f"{path} could not be read by scipy.io.loadmat (MATLAB v4 to v7.2 files; empty, "
            f"truncated or corrupt?): {type(exc).__name__}: {exc}"
        ) from exc


def _as_text(cell):
    """A MATLAB char array (as loaded by scipy) as a Python str."""
    a = np.asarray(cell)
    if a.dtype == object and a.size == 1:
        return _as_text(a.ravel()[0])
    if a.dtype.kind not in "US":
        raise TypeError(f"not a string but a {a.dtype} array")
    return "".join(str(s) for s in a.ravel()).strip()


def _read_cells(path, has_filename):
    """Parse ``X`` of a DM2C file: features, file names (or None), modality ids."""
    mat = _loadmat(path)
    if "X" not in mat:
        found = sorted(k for k in mat if not k.startswith("__"))
        raise ValueError(f"{path} holds no variable 'X' (found {found}); {_LAYOUT}.")
    X = mat["X"]
    if X.dtype != object or X.ndim != 2:
        raise ValueError(
            f"{path}: 'X' is a {X.dtype} array of shape {X.shape}, not a cell array; {_LAYOUT}."
        )
    if X.shape[1] not in (2, 3) and X.shape[0] in (2, 3):
        X = X.T  # a 3 x n cell array
    if X.shape[1] not in (2, 3):
        raise ValueError(f"{path}: 'X' is a {X.shape} cell array; {_LAYOUT}.")
    with_names = X.shape[1] == 3
    if has_filename is not None and bool(has_filename) != with_names:
        raise ValueError(
            f"{path}: has_filename={has_filename} but 'X' has {X.shape[1]} columns "
            f"({'with' if with_names else 'without'} a file name column)."
        )
    features, modality, names = [], np.empty(X.shape[0], dtype=np.intp), []
    for i, row in enumerate(X):
        try:
            feat = np.asarray(row[0], dtype=np.float64).ravel()
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: the feature of row {i} is not numeric ({exc}).") from exc
        mod = np.asarray(row[-1]).ravel()
        if mod.size != 1 or mod.dtype.kind not in "iuf" or mod[0] != np.round(mod[0]):
            raise ValueError(
                f"{path}: row {i} has modality {row[-1]!r}; the last column must hold one "
                "integer modality id (0 image, 1 text)."
            )
        if with_names:
            try:
                names.append(_as_text(row[1]))
            except TypeError as exc:
                raise ValueError(f"{path}: the file name of row {i} is {exc}.") from exc
        features.append(feat)
        modality[i] = int(mod[0])
    return mat, features, (np.array(names, dtype=str) if with_names else None), modality


def _dims(features, modality, n_modalities, modality_dims, path):
    """Width of each modality's block, checked against every row."""
    dims = [None] * n_modalities if modality_dims is None else list(_check_dims(modality_dims))
    if len(dims) != n_modalities:
        raise ValueError(f"modality_dims={tuple(dims)} does not match {n_modalities} modalities.")
    for i, (feat, m) in enumerate(zip(features, modality)):
        if not 0 <= m < n_modalities:
            raise ValueError(
                f"{path}: row {i} has modality id {m}; expected 0..{n_modalities - 1} "
                "(0 image, 1 text)."
            )
        if dims[m] is None:
            dims[m] = feat.size
        elif feat.size != dims[m]:
            raise ValueError(
                f"{path}: row {i} (modality {m}) has {feat.size} features, other rows of "
                f"that modality have {dims[m]}."
            )
    missing = [m for m, d in enumerate(dims) if d is None]
    if missing:
        raise ValueError(
            f"{path}: modality {missing[0]} has no rows, so its width is unknown; pass "
            "modality_dims."
        )
    return tuple(dims)


def load_dm2c_mat(train_file, test_file=None, *, has_filename=None, label_base=1,
                  modality_names=("image", "text"), modality_dims=None):
    """Load the DM2C authors' processed mixed-modal ``.mat`` files.

    Reads ``train_file.mat`` (and optionally ``test_file.mat``) as written by
    the code of Jiang et al. (NeurIPS 2019, github.com/jiangyangby/DM2C): a
    cell array ``X`` whose row ``i`` is ``{feature, file name, modality}`` (or
    ``{feature, modality}``), and 1-based labels ``y``.

    Parameters
    ----------
    train_file : str or path-like
        The training file, or a folder holding ``train_file.mat`` (and then
        ``test_file.mat`` too, read when present and ``test_file`` is None).
    test_file : str or path-like, default=None
        The test file; its rows follow the training rows.
    has_filename : bool, default=None
        Whether ``X`` has the file name column; inferred from its width (3 or
        2 columns) by default, checked when given.
    label_base : int, default=1
        Value of the first label in ``y`` (the authors' files are 1-based);
        subtracted to give 0-based ``target``.
    modality_names : sequence of str, default=("image", "text")
        Name of modality id 0, 1, ...
    modality_dims : sequence of int, default=None
        Width of every modality; inferred from the rows by default (needed
        when a modality has no rows).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (packed mixed-modal array in file row order, training rows
        first), ``target`` (0-based int labels), ``modality``,
        ``modality_names``, ``modality_dims``, ``file_names`` (str array, or
        None without that column), ``train_index`` / ``test_index`` (rows of
        each file; ``test_index`` is empty without a test file), ``DESCR`` and
        ``filename`` (the files read).

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    ValueError
        If a file does not have the DM2C layout (no ``X`` or ``y``, wrong cell
        width, non-numeric features, unknown modality ids, rows of one
        modality with different widths, labels below ``label_base`` or not
        one per row), or the two files disagree.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from scipy.io import savemat
    >>> from skdm2c.datasets import load_dm2c_mat
    >>> X = np.empty((3, 3), dtype=object)
    >>> X[0] = [np.arange(4.0), "a.jpg", 0]
    >>> X[1] = [np.ones(2), "b.xml", 1]
    >>> X[2] = [np.zeros(4), "c.jpg", 0]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     savemat(os.path.join(folder, "train_file.mat"), {"X": X, "y": [3, 1, 2]})
    ...     mixed = load_dm2c_mat(folder)
    >>> mixed.data
    array([[ 0.,  1.,  2.,  3., nan, nan],
           [nan, nan, nan, nan,  1.,  1.],
           [ 0.,  0.,  0.,  0., nan, nan]])
    >>> mixed.target, mixed.modality, mixed.modality_dims, mixed.file_names.tolist()
    (array([2, 0, 1]), array([0, 1, 0]), (4, 2), ['a.jpg', 'b.xml', 'c.jpg'])
    """
    for what, value in (("train_file", train_file), ("test_file", test_file)):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(
                f"{what} must be a path (str or os.PathLike); got {value!r} of type "
                f"{type(value).__name__}."
            )
    train_file = Path(train_file)
    if train_file.is_dir():
        folder, train_file = train_file, train_file / "train_file.mat"
        if test_file is None and (folder / "test_file.mat").is_file():
            test_file = folder / "test_file.mat"
    paths = [train_file] + ([Path(test_file)] if test_file is not None else [])
    names = tuple(str(s) for s in modality_names)
    parts = []
    for path in paths:
        mat, features, files, modality = _read_cells(path, has_filename)
        if "y" not in mat:
            raise ValueError(f"{path} holds no labels 'y'; {_LAYOUT}, and 1-based labels 'y'.")
        y = np.asarray(mat["y"]).ravel()
        if y.size != len(features):
            raise ValueError(f"{path}: 'y' holds {y.size} labels for {len(features)} rows.")
        if y.size and (y.dtype.kind not in "iuf" or np.any(y != np.round(y))):
            raise ValueError(f"{path}: 'y' must hold integer labels.")
        y = y.astype(np.int64) - int(label_base)
        if np.any(y < 0):
            raise ValueError(
                f"{path}: label {int(y.min()) + label_base} is below label_base={label_base}."
            )
        parts.append((features, files, modality, y))
    if len({p[1] is None for p in parts}) > 1:
        raise ValueError("One file has a file name column and the other does not.")
    features = [f for p in parts for f in p[0]]
    modality = np.concatenate([p[2] for p in parts])
    dims = _dims(features, modality, len(names), modality_dims, " / ".join(map(str, paths)))
    X = np.full((len(features), sum(dims)), np.nan)
    bounds = _block_bounds(dims)
    for i, (feat, m) in enumerate(zip(features, modality)):
        X[i, bounds[m][0]:bounds[m][1]] = feat
    n_train = len(parts[0][0])
    counts = np.bincount(modality, minlength=len(names))
    descr = (
        "Mixed-modal data in the processed format of the DM2C authors (Jiang et al., "
        "'DM2C: Deep Mixed-Modal Clustering', NeurIPS 2019; github.com/jiangyangby/DM2C). "
        f"Read from {', '.join(map(str, paths))}: {len(X)} rows ({n_train} train, "
        f"{len(X) - n_train} test); "
        + ", ".join(f"{n} {c} rows of {d} features" for n, c, d in zip(names, counts, dims))
        + f"; {len(np.unique(np.concatenate([p[3] for p in parts])))} classes."
    )
    return Bunch(
        data=X, target=np.concatenate([p[3] for p in parts]), modality=modality,
        modality_names=names, modality_dims=dims,
        file_names=None if parts[0][1] is None else np.concatenate([p[1] for p in parts]),
        train_index=np.arange(n_train), test_index=np.arange(n_train, len(X)),
        DESCR=descr, filename=[str(p) for p in paths],
    )


def load_dm2c_modality_mat(path, *, has_filename=None):
    """Load a DM2C single-modality file (``train_img.mat`` / ``train_txt.mat``).

    These files hold the rows of ONE modality in the cell layout of
    ``train_file.mat`` (``X`` only, no labels); the authors use them to
    pre-train the modality's auto-encoder.

    Parameters
    ----------
    path : str or path-like
        The ``.mat`` file.
    has_filename : bool, default=None
        Whether ``X`` has the file name column; inferred by default.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (ndarray of shape ``(n_rows, n_features)``, plain, no NaN),
        ``modality`` (the modality id of every row, 0 image, 1 text),
        ``file_names`` (str array, or None) and ``filename``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the file does not have the DM2C layout or its rows differ in width.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from scipy.io import savemat
    >>> from skdm2c.datasets import load_dm2c_modality_mat
    >>> X = np.empty((2, 2), dtype=object)
    >>> X[0], X[1] = [np.ones(3), 1], [np.zeros(3), 1]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     savemat(os.path.join(folder, "train_txt.mat"), {"X": X})
    ...     txt = load_dm2c_modality_mat(os.path.join(folder, "train_txt.mat"))
    >>> txt.data, txt.modality, txt.file_names
    (array([[1., 1., 1.],
           [0., 0., 0.]]), array([1, 1]), None)
    """
    _, features, files, modality = _read_cells(path, has_filename)
    widths = {f.size for f in features}
    if len(widths) > 1:
        raise ValueError(f"{path}: rows have different numbers of features {sorted(widths)}.")
    data = np.vstack(features) if features else np.empty((0, 0))
    return Bunch(data=data, modality=modality, file_names=files, filename=str(path))
