"""The mixed-modal data model: one packed 2-D array with NaN-filled blocks.

Mixed-modal data holds rows that are each observed in exactly ONE modality
(image-only rows, text-only rows, ...).  The canonical in-memory form used by
every estimator of this package is a single 2-D float array ``X`` of shape
``(n_samples, sum(modality_dims))``: the columns are split into consecutive
blocks, one per modality, and each row fills exactly the block of its own
modality and holds NaN in every other block.  A single array survives
``train_test_split``, ``cross_val_score``, ``GridSearchCV`` and ``Pipeline``
unchanged, which a list of arrays or a separate modality vector does not.
"""

from collections import namedtuple
from numbers import Integral

import numpy as np

__all__ = [
    "PackedModalities",
    "pack_modalities",
    "unpack_modalities",
    "infer_modality_dims",
    "row_modality",
    "check_mixed_modal",
]

PackedModalities = namedtuple(
    "PackedModalities", ["X", "modality_dims", "modality_names", "modality"]
)
PackedModalities.__doc__ = """Result of :func:`pack_modalities`.

Attributes
----------
X : ndarray of shape (n_samples, sum(modality_dims))
    The packed array: each row fills its own modality's block, NaN elsewhere.
modality_dims : tuple of int
    Width of each modality's column block, in block order.
modality_names : tuple of str
    Name of each modality, in block order.
modality : ndarray of shape (n_samples,), dtype=int
    Index of the modality of each row (position in ``modality_dims``).

Examples
--------
>>> import numpy as np
>>> from skdm2c import pack_modalities
>>> packed = pack_modalities(np.ones((2, 3)), np.zeros((1, 2)))
>>> packed.modality_dims, packed.X.shape
((3, 2), (3, 5))
"""


def _block_bounds(modality_dims):
    """Return the ``(start, stop)`` column bounds of every block."""
    stops = np.cumsum(modality_dims)
    starts = stops - np.asarray(modality_dims)
    return list(zip(starts.tolist(), stops.tolist()))


def _check_dims(modality_dims, n_features=None):
    """Validate a sequence of block widths and return it as a tuple of int."""
    if isinstance(modality_dims, (Integral, np.integer)):
        raise TypeError(
            "modality_dims must be a sequence of block widths, e.g. (128, 10); "
            f"got the single integer {modality_dims!r}."
        )
    dims = tuple(int(d) for d in modality_dims)
    if len(dims) == 0:
        raise ValueError("modality_dims must name at least one block.")
    if any(d < 1 for d in dims):
        raise ValueError(f"Every block width in modality_dims must be >= 1; got {dims}.")
    if n_features is not None and sum(dims) != n_features:
        raise ValueError(
            f"X has {n_features} columns but modality_dims={dims} sums to "
            f"{sum(dims)}; the packed layout does not match."
        )
    return dims


def _as_2d_float(X, what):
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array; got an array with shape {X.shape}.")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    return X


def pack_modalities(*Xs, names=None, dtype=None):
    """Pack per-modality arrays into one NaN-blocked mixed-modal array.

    Parameters
    ----------
    *Xs : array-like of shape (n_samples_m, n_features_m), or one dict or list
        The rows of each modality.  Either several arrays
        (``pack_modalities(X_image, X_text)``), a single list of arrays, or a
        single dict ``{name: array}`` whose insertion order gives the block
        order.  A modality may have zero rows (shape ``(0, n_features_m)``).
    names : sequence of str, default=None
        Modality names.  Defaults to the dict keys, else ``"modality0"``,
        ``"modality1"``, ...
    dtype : numpy dtype, default=None
        Output dtype.  Defaults to the common floating type of the inputs
        (``float64`` for integer input).

    Returns
    -------
    packed : PackedModalities
        Named tuple ``(X, modality_dims, modality_names, modality)``.  The
        rows of ``X`` are the rows of the first modality, then the second,
        ... (concatenation order).

    See Also
    --------
    unpack_modalities : The inverse operation.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities
    >>> X, dims, names, modality = pack_modalities(
    ...     {"image": np.ones((2, 3)), "text": np.zeros((1, 2))})
    >>> X
    array([[ 1.,  1.,  1., nan, nan],
           [ 1.,  1.,  1., nan, nan],
           [nan, nan, nan,  0.,  0.]])
    >>> dims, names, modality
    ((3, 2), ('image', 'text'), array([0, 0, 1]))
    """
    if len(Xs) == 1 and isinstance(Xs[0], dict):
        mapping = Xs[0]
        if names is None:
            names = [str(k) for k in mapping]
        arrays = list(mapping.values())
    elif len(Xs) == 1 and isinstance(Xs[0], (list, tuple)):
        arrays = list(Xs[0])
    else:
        arrays = list(Xs)
    if not arrays:
        raise ValueError("pack_modalities needs at least one modality.")
    arrays = [_as_2d_float(a, f"Modality {i}") for i, a in enumerate(arrays)]
    if names is None:
        names = [f"modality{i}" for i in range(len(arrays))]
    names = tuple(str(n) for n in names)
    if len(names) != len(arrays):
        raise ValueError(f"Got {len(names)} names for {len(arrays)} modalities.")
    if len(set(names)) != len(names):
        raise ValueError(f"Modality names must be unique; got {names}.")
    dims = _check_dims([a.shape[1] for a in arrays])
    if dtype is None:
        dtype = np.result_type(*[a.dtype for a in arrays])
    n_rows = [a.shape[0] for a in arrays]
    X = np.full((sum(n_rows), sum(dims)), np.nan, dtype=dtype)
    modality = np.repeat(np.arange(len(arrays)), n_rows)
    row = 0
    for (start, stop), a in zip(_block_bounds(dims), arrays):
        X[row : row + a.shape[0], start:stop] = a
        row += a.shape[0]
    return PackedModalities(X, dims, names, modality)


def infer_modality_dims(X):
    """Infer the block widths of a packed array from its NaN pattern.

    Consecutive columns that are observed (not NaN) on exactly the same set of
    rows form one block.  Inference needs every modality to hold at least one
    row; when a subset of the data may miss a modality (cross-validation
    folds, a single-modality ``predict``), pass ``modality_dims`` explicitly.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Packed mixed-modal data.  A plain array without NaN is one block.

    Returns
    -------
    modality_dims : tuple of int
        Width of each inferred block.

    Raises
    ------
    ValueError
        If a column is never observed, or if two adjacent column groups are
        observed on overlapping but different rows (no block layout fits).

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import infer_modality_dims, pack_modalities
    >>> X = pack_modalities(np.ones((3, 4)), np.ones((2, 2))).X
    >>> infer_modality_dims(X)
    (4, 2)
    """
    X = _as_2d_float(X, "X")
    if X.shape[1] == 0:
        raise ValueError("X has no columns.")
    observed = ~np.isnan(X)
    never = np.flatnonzero(~observed.any(axis=0))
    if never.size:
        raise ValueError(
            f"Column {never[0]} of X is NaN on every row, so its modality block "
            "cannot be inferred; pass modality_dims explicitly."
        )
    dims = [1]
    for j in range(1, X.shape[1]):
        if np.array_equal(observed[:, j], observed[:, j - 1]):
            dims[-1] += 1
        else:
            dims.append(1)
    dims = tuple(dims)
    # A consistent layout: every row observed in exactly one inferred block.
    check_mixed_modal(X, dims)
    return dims


def row_modality(X, modality_dims):
    """Return the modality index of every row of a packed array.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.

    Returns
    -------
    modality : ndarray of shape (n_samples,), dtype=int
        Position in ``modality_dims`` of the block each row fills.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities, row_modality
    >>> X = pack_modalities(np.ones((1, 2)), np.ones((2, 3))).X
    >>> row_modality(X, (2, 3))
    array([0, 1, 1])
    """
    return check_mixed_modal(X, modality_dims)


def check_mixed_modal(X, modality_dims, *, modality_names=None, require_all=False):
    """Validate a packed array and return each row's modality.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.
    modality_names : sequence of str, default=None
        Names used in error messages.
    require_all : bool, default=False
        If True, every modality must own at least one row (needed at fit).

    Returns
    -------
    modality : ndarray of shape (n_samples,), dtype=int
        Modality index of each row.

    Raises
    ------
    ValueError
        With the offending row and block named, if a row is observed in two
        blocks, in no block, holds NaN inside its observed block, holds an
        infinite value, if the width does not match ``modality_dims``, or (with
        ``require_all``) if a modality has no rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import check_mixed_modal, pack_modalities
    >>> X = pack_modalities(np.ones((2, 3)), np.zeros((1, 2))).X
    >>> check_mixed_modal(X, (3, 2))
    array([0, 0, 1])
    >>> X[0, 4] = 1.0
    >>> check_mixed_modal(X, (3, 2))
    Traceback (most recent call last):
    ...
    ValueError: Row 0 is observed in block 0 ('modality0', columns 0:3) and block 1 ...
    """
    X = _as_2d_float(X, "X")
    dims = _check_dims(modality_dims, X.shape[1])
    if modality_names is None:
        modality_names = [f"modality{i}" for i in range(len(dims))]

    def block(m):
        return f"block {m} ({modality_names[m]!r}, columns {bounds[m][0]}:{bounds[m][1]})"

    bounds = _block_bounds(dims)
    inf_rows, inf_cols = np.nonzero(np.isinf(X))
    if inf_rows.size:
        r, c = int(inf_rows[0]), int(inf_cols[0])
        m = int(np.searchsorted(np.cumsum(dims), c, side="right"))
        raise ValueError(
            f"Row {r} holds an infinite value in column {c} of {block(m)}; "
            "mixed-modal data must be finite inside observed blocks."
        )
    observed = ~np.isnan(X)
    any_obs = np.stack([observed[:, a:b].any(axis=1) for a, b in bounds], axis=1)
    all_obs = np.stack([observed[:, a:b].all(axis=1) for a, b in bounds], axis=1)
    n_obs = any_obs.sum(axis=1)
    bad = np.flatnonzero(n_obs > 1)
    if bad.size:
        r = int(bad[0])
        blocks = np.flatnonzero(any_obs[r])
        raise ValueError(
            f"Row {r} is observed in {block(blocks[0])} and {block(blocks[1])}; "
            "each row of mixed-modal data must fill exactly one modality block "
            "and hold NaN in every other."
        )
    bad = np.flatnonzero(n_obs == 0)
    if bad.size:
        raise ValueError(
            f"Row {int(bad[0])} is NaN in every block, so it belongs to no modality; "
            "drop it or fill its modality block."
        )
    partial = np.flatnonzero((any_obs & ~all_obs).any(axis=1))
    if partial.size:
        r = int(partial[0])
        m = int(np.flatnonzero(any_obs[r])[0])
        a, b = bounds[m]
        c = a + int(np.flatnonzero(~observed[r, a:b])[0])
        raise ValueError(
            f"Row {r} holds NaN in column {c} inside its observed {block(m)}; "
            "missing values within a modality are not supported (impute them first)."
        )
    modality = np.argmax(any_obs, axis=1)
    if require_all:
        counts = np.bincount(modality, minlength=len(dims))
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            raise ValueError(
                f"Modality {block(int(empty[0]))} has no rows; every modality needs "
                "at least one row to fit."
            )
    return modality


def unpack_modalities(X, modality_dims):
    """Split a packed array into per-modality arrays.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.

    Returns
    -------
    views : list of ndarray
        ``views[m]`` has shape ``(n_rows_m, modality_dims[m])`` and holds the
        observed block of the rows of modality ``m``, in row order.
    indices : list of ndarray of int
        ``indices[m]`` are the positions of those rows in ``X``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities, unpack_modalities
    >>> X = pack_modalities(np.ones((1, 2)), np.zeros((2, 1))).X
    >>> views, indices = unpack_modalities(X, (2, 1))
    >>> [v.shape for v in views], indices
    ([(1, 2), (2, 1)], [array([0]), array([1, 2])])
    """
    X = _as_2d_float(X, "X")
    modality = check_mixed_modal(X, modality_dims)
    views, indices = [], []
    for m, (a, b) in enumerate(_block_bounds(tuple(modality_dims))):
        idx = np.flatnonzero(modality == m)
        views.append(X[idx, a:b])
        indices.append(idx)
    return views, indices
