"""The mixed-modal data model: one packed 2-D array with NaN-filled blocks.

The canonical in-memory form used by every estimator of this package is a
single 2-D float array ``X`` of shape ``(n_samples, sum(modality_dims))``: the
columns are split into consecutive blocks, one per modality.  Each row is one
instance; each of its blocks is either fully observed or fully NaN, and at
least one block is observed.  A row observing a single block is an instance
seen in that modality only (image-only rows, text-only rows, ...: the
mixed-modal setting of DM2C); a row observing several blocks is one instance
whose cross-modal correspondence is known (an image with its caption).  A
single array survives ``train_test_split``, ``cross_val_score``,
``GridSearchCV`` and ``Pipeline`` unchanged, which a list of arrays or a
separate modality vector does not.
"""

from collections import namedtuple
from numbers import Integral

import numpy as np
from scipy import sparse

__all__ = [
    "PackedInstances",
    "PackedModalities",
    "check_mixed_modal",
    "observed_blocks",
    "pack_instances",
    "pack_modalities",
    "unpack_modalities",
    "infer_modality_dims",
    "row_modality",
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

PackedInstances = namedtuple(
    "PackedInstances",
    ["X", "modality_dims", "modality_names", "observed", "ids", "rows"],
)
PackedInstances.__doc__ = """Result of :func:`pack_instances`.

Attributes
----------
X : ndarray of shape (n_instances, sum(modality_dims))
    The packed array: one row per distinct instance id, filling the block of
    every modality that holds the id and NaN elsewhere.
modality_dims : tuple of int
    Width of each modality's column block, in block order.
modality_names : tuple of str
    Name of each modality, in block order.
observed : ndarray of shape (n_instances, n_modalities), dtype=bool
    ``observed[i, m]`` is True when row ``i`` fills block ``m``.
ids : ndarray of shape (n_instances,)
    The instance id of each row (order of first appearance, modality 0
    first).
rows : list of ndarray of int
    ``rows[m][j]`` is the row of ``X`` that input row ``j`` of modality ``m``
    went to.

Examples
--------
>>> import numpy as np
>>> from skdm2c import pack_instances
>>> packed = pack_instances(np.ones((2, 3)), np.zeros((1, 2)), ids=[[7, 8], [8]])
>>> packed.X.shape, packed.ids, packed.rows
((2, 5), array([7, 8]), [array([0, 1]), array([1])])
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
    if modality_dims is None or isinstance(modality_dims, (str, bytes, dict, set)) \
            or not hasattr(modality_dims, "__iter__"):
        raise TypeError(
            "modality_dims must be a sequence of block widths (positive ints), e.g. "
            f"(128, 10); got {modality_dims!r}."
        )
    entries = list(modality_dims)
    for i, d in enumerate(entries):
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (Integral, np.integer)):
            raise TypeError(
                "modality_dims must be a sequence of block widths (positive ints), e.g. "
                f"(128, 10); entry {i} is {d!r} of type {type(d).__name__}."
            )
    dims = tuple(int(d) for d in entries)
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


#: Largest dense size (bytes, float64) a ``scipy.sparse`` modality is expanded
#: to when it is packed; beyond it the packing refuses and says how to reduce it.
MAX_DENSE_BYTES = 2 * 1024 ** 3


def _as_2d_float(X, what):
    if sparse.issparse(X):
        raise TypeError(
            f"{what} is a scipy.sparse matrix, but the packed mixed-modal layout is dense "
            "(NaN marks the blocks a row does not observe). Pass the modalities as separate "
            "arrays, a list or a dict instead (sparse modalities are accepted there and "
            "densified), or pack them with skdm2c.pack_modalities / "
            "skdm2c.preprocessing.pack_sparse_modalities."
        )
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array; got an array with shape {X.shape}.")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    return X


def _densified(X, what):
    """A ``scipy.sparse`` modality as a dense array (other inputs unchanged).

    Refuses, naming ``what``, a matrix whose dense float64 form would exceed
    :data:`MAX_DENSE_BYTES`, or one whose stored values are not finite.
    """
    if not sparse.issparse(X):
        return X
    if len(X.shape) != 2:
        raise ValueError(f"{what} must be a 2-D sparse matrix; got shape {X.shape}.")
    n, d = (int(k) for k in X.shape)
    size = n * d * 8
    if size > MAX_DENSE_BYTES:
        raise ValueError(
            f"{what} is a scipy.sparse matrix of shape {X.shape}, which takes "
            f"{size / 1024 ** 3:.1f} GiB dense (float64); the packed layout is dense and "
            f"the limit is {MAX_DENSE_BYTES / 1024 ** 3:.0f} GiB "
            "(skdm2c._modality.MAX_DENSE_BYTES). Reduce the block first, e.g. with "
            "sklearn.feature_extraction.text.TfidfTransformer + "
            "sklearn.decomposition.TruncatedSVD on the sparse matrix, and pass the result."
        )
    if X.dtype.kind in "fc":
        coo = X.tocoo()
        bad = ~np.isfinite(coo.data)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            kind = "NaN" if np.isnan(coo.data[i]) else "an infinite value"
            raise ValueError(
                f"{what} holds {kind} at row {int(coo.row[i])}, column {int(coo.col[i])} "
                "of its sparse matrix; a modality must be fully observed."
            )
    return np.asarray(X.toarray())


def _check_out_dtype(dtype, arrays, what):
    """A floating output dtype (NaN marks unobserved blocks) that holds every value."""
    if dtype is None:
        return np.result_type(*[a.dtype for a in arrays])
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"{what}: dtype={dtype!r} is not a numpy dtype.") from exc
    if dtype.kind != "f":
        raise TypeError(
            f"{what}: dtype must be a floating dtype (NaN marks the blocks a row does not "
            f"observe); got {dtype}."
        )
    top = np.finfo(dtype).max
    for i, a in enumerate(arrays):
        finite = a[np.isfinite(a)] if a.size else a
        if finite.size and float(np.max(np.abs(finite))) > top:
            raise ValueError(
                f"{what}: modality {i} holds the value {float(np.max(np.abs(finite))):.6g}, "
                f"which overflows dtype={dtype} (largest {float(top):.4g}); use a wider dtype "
                "or rescale."
            )
    return dtype


def pack_modalities(*Xs, names=None, dtype=None):
    """Pack per-modality arrays into one NaN-blocked mixed-modal array.

    Parameters
    ----------
    *Xs : array-like of shape (n_samples_m, n_features_m), or one dict or list
        The rows of each modality.  Either several arrays
        (``pack_modalities(X_image, X_text)``), a single list of arrays, or a
        single dict ``{name: array}`` whose insertion order gives the block
        order.  A modality may have zero rows (shape ``(0, n_features_m)``).
        A modality may be a ``scipy.sparse`` matrix or array (a document-term
        block): it is densified, since the packed layout is dense; a block
        whose dense float64 form would exceed :data:`MAX_DENSE_BYTES` (2 GiB)
        is refused with a hint to reduce it first.
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
    arrays, names = _split_modalities(Xs, names, "pack_modalities")
    dims = _check_dims([a.shape[1] for a in arrays])
    dtype = _check_out_dtype(dtype, arrays, "pack_modalities")
    n_rows = [a.shape[0] for a in arrays]
    X = np.full((sum(n_rows), sum(dims)), np.nan, dtype=dtype)
    modality = np.repeat(np.arange(len(arrays)), n_rows)
    row = 0
    for (start, stop), a in zip(_block_bounds(dims), arrays):
        X[row:row + a.shape[0], start:stop] = a
        row += a.shape[0]
    return PackedModalities(X, dims, names, modality)


def infer_modality_dims(X):
    """Infer the block widths of a packed array from its NaN pattern.

    Consecutive columns that are observed (not NaN) on exactly the same set of
    rows form one block.  Rows may observe several blocks (instances with
    known cross-modal correspondence).  Inference needs every modality to be
    observed on at least one row, and two modalities observed on exactly the
    same rows cannot be told apart: with fully paired data (every row observes
    every block), or whenever two adjacent blocks share their observed rows,
    they are merged into one block.  In those cases, and whenever a subset of
    the data may miss a modality (cross-validation folds, a single-modality
    ``predict``), pass ``modality_dims`` explicitly.  A stray NaN inside a
    block splits it into adjacent column groups observed on nested row sets;
    inference refuses such a layout (it also refuses two real adjacent
    modalities one of which is only observed on rows that observe the other:
    pass ``modality_dims`` then).  Stray NaNs in several columns of one block
    may still look like a valid layout: pass ``modality_dims`` to have every
    partially observed block reported as an error.

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
        If a column is never observed, if two adjacent column groups are
        observed on nested row sets (a NaN inside a block), or if a row is NaN
        in every inferred block or holds an infinite value.

    See Also
    --------
    observed_blocks : Validate a layout and return which blocks each row holds.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import infer_modality_dims, pack_instances, pack_modalities
    >>> X = pack_modalities(np.ones((3, 4)), np.ones((2, 2))).X
    >>> infer_modality_dims(X)
    (4, 2)

    A row observing both blocks (a known pair) is accepted:

    >>> X = pack_instances(np.ones((2, 4)), np.ones((2, 2)), ids=[[0, 1], [1, 2]]).X
    >>> infer_modality_dims(X)
    (4, 2)
    """
    X = _as_2d_float(X, "X")
    if X.shape[1] == 0:
        raise ValueError("X has no columns.")
    if X.shape[0] == 0:
        raise ValueError(
            "X has no rows, so its modality blocks cannot be inferred; pass modality_dims "
            "explicitly."
        )
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
    # A stray NaN inside a block splits it into adjacent pieces whose observed
    # rows are nested; real adjacent modalities rarely are, so refuse to guess.
    bounds = _block_bounds(dims)
    for (a, b), (c, d) in zip(bounds[:-1], bounds[1:]):
        left, right = observed[:, a], observed[:, c]
        if (left & right).any() and ((left <= right).all() or (right <= left).all()):
            r = int(np.flatnonzero(left != right)[0])
            nan_cols, obs_cols = (f"{a}:{b}", f"{c}:{d}") if right[r] else (f"{c}:{d}", f"{a}:{b}")
            raise ValueError(
                f"Row {r} holds NaN in columns {nan_cols} of X but is observed in the "
                f"adjacent columns {obs_cols}, which are observed on every row where "
                f"{nan_cols} are: this looks like missing values inside one modality "
                "block (impute them), so the blocks are not inferred. If these columns "
                "really are two modalities, pass modality_dims explicitly."
            )
    observed_blocks(X, dims)  # rows NaN everywhere, inf values
    return dims


def observed_blocks(X, modality_dims, *, modality_names=None, require_all=False):
    """Validate a packed array and return which modality blocks each row observes.

    A packed row observes one or several blocks: each block of a row is either
    fully observed or fully NaN, and at least one block is observed.  A row
    observing several blocks is ONE instance whose cross-modal correspondence
    is known (an image together with its caption); a row observing a single
    block is an instance seen in that modality only.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.
    modality_names : sequence of str, default=None
        Names used in error messages.
    require_all : bool, default=False
        If True, every modality must be observed on at least one row (needed
        at fit).

    Returns
    -------
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        ``observed[i, m]`` is True when row ``i`` fills block ``m``.

    Raises
    ------
    ValueError
        Naming the row, column and block: if a row holds an infinite value,
        is NaN in every block, or holds NaN in some but not all columns of a
        block (a partially observed block); also if the width does not match
        ``modality_dims``, or (with ``require_all``) if a modality is observed
        on no row.

    See Also
    --------
    check_mixed_modal : The modality of each single-block row.
    unpack_modalities : The rows of every modality.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import observed_blocks, pack_instances
    >>> X = pack_instances(np.ones((2, 3)), np.zeros((2, 2)), ids=[[0, 1], [1, 2]]).X
    >>> observed_blocks(X, (3, 2))
    array([[ True, False],
           [ True,  True],
           [False,  True]])
    >>> X[1, 4] = np.nan
    >>> observed_blocks(X, (3, 2))
    Traceback (most recent call last):
    ...
    ValueError: Row 1 holds NaN in column 4 inside its observed block 1 ('modality1', ...
    """
    X = _as_2d_float(X, "X")
    dims = _check_dims(modality_dims, X.shape[1])
    if modality_names is None:
        modality_names = [f"modality{i}" for i in range(len(dims))]
    elif len(modality_names) != len(dims):
        raise ValueError(
            f"Got {len(modality_names)} modality_names for {len(dims)} blocks "
            f"modality_dims={dims}; pass one name per block."
        )
    bounds = _block_bounds(dims)

    def block(m):
        return f"block {m} ({modality_names[m]!r}, columns {bounds[m][0]}:{bounds[m][1]})"

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
    partial_rows, partial_blocks = np.nonzero(any_obs & ~all_obs)
    if partial_rows.size:
        r, m = int(partial_rows[0]), int(partial_blocks[0])
        a, b = bounds[m]
        c = a + int(np.flatnonzero(~observed[r, a:b])[0])
        n_nan = int(np.sum(~observed[r, a:b]))
        raise ValueError(
            f"Row {r} holds NaN in column {c} inside its observed {block(m)} "
            f"({n_nan} of its {b - a} columns are NaN, the others are observed); "
            "a block must be fully observed or fully NaN: missing values within "
            "a modality are not supported (impute them first)."
        )
    empty = np.flatnonzero(~any_obs.any(axis=1))
    if empty.size:
        raise ValueError(
            f"Row {int(empty[0])} is NaN in every block, so it belongs to no modality; "
            "drop it or fill its modality block."
        )
    if require_all:
        unseen = np.flatnonzero(~any_obs.any(axis=0))
        if unseen.size:
            raise ValueError(
                f"Modality {block(int(unseen[0]))} has no rows; every modality needs "
                "at least one row to fit."
            )
    return any_obs


def row_modality(X, modality_dims, *, allow_multi=False):
    """Return the modality index of every row of a packed array.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.
    allow_multi : bool, default=False
        If False, a row observing several blocks is an error; if True such a
        row gets the modality ``-1`` (use :func:`observed_blocks` for its
        blocks).

    Returns
    -------
    modality : ndarray of shape (n_samples,), dtype=int
        Position in ``modality_dims`` of the block each row fills, ``-1`` for
        a multi-block row (only with ``allow_multi=True``).

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities, row_modality
    >>> X = pack_modalities(np.ones((1, 2)), np.ones((2, 3))).X
    >>> row_modality(X, (2, 3))
    array([0, 1, 1])
    >>> X[0, 2:] = 0.0  # row 0 now also observes block 1
    >>> row_modality(X, (2, 3), allow_multi=True)
    array([-1,  1,  1])
    """
    return check_mixed_modal(X, modality_dims, allow_multi=allow_multi)


def check_mixed_modal(X, modality_dims, *, modality_names=None, require_all=False,
                      allow_multi=False):
    """Validate a packed array and return each row's modality.

    This is the single-modality view of the data: it returns one modality per
    row.  Rows observing several blocks (known correspondences) are rejected
    unless ``allow_multi=True``; :func:`observed_blocks` returns the full
    ``(n_samples, n_modalities)`` picture.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.
    modality_names : sequence of str, default=None
        Names used in error messages.
    require_all : bool, default=False
        If True, every modality must be observed on at least one row (needed
        at fit); multi-block rows count for each of their blocks.
    allow_multi : bool, default=False
        If False, a row observing several blocks raises a ValueError; if True
        such a row gets the modality ``-1``.

    Returns
    -------
    modality : ndarray of shape (n_samples,), dtype=int
        Modality index of each row; ``-1`` for a multi-block row (only with
        ``allow_multi=True``).

    Raises
    ------
    ValueError
        Everything :func:`observed_blocks` rejects (with the offending row and
        block named) and, unless ``allow_multi``, a row observing several
        blocks.

    See Also
    --------
    observed_blocks : Which blocks every row observes.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import check_mixed_modal, pack_modalities
    >>> X = pack_modalities(np.ones((2, 3)), np.zeros((1, 2))).X
    >>> check_mixed_modal(X, (3, 2))
    array([0, 0, 1])
    >>> X[0, 3:] = 1.0
    >>> check_mixed_modal(X, (3, 2), allow_multi=True)
    array([-1,  0,  1])
    >>> check_mixed_modal(X, (3, 2))
    Traceback (most recent call last):
    ...
    ValueError: Row 0 observes block 0 ('modality0', columns 0:3) and block 1 ...
    """
    X = _as_2d_float(X, "X")
    observed = observed_blocks(X, modality_dims, modality_names=modality_names,
                               require_all=require_all)
    n_obs = observed.sum(axis=1)
    multi = n_obs > 1
    if multi.any() and not allow_multi:
        dims = _check_dims(modality_dims)
        names = modality_names or [f"modality{i}" for i in range(len(dims))]
        bounds = _block_bounds(dims)
        r = int(np.flatnonzero(multi)[0])
        blocks = " and ".join(
            f"block {m} ({names[m]!r}, columns {bounds[m][0]}:{bounds[m][1]})"
            for m in np.flatnonzero(observed[r])
        )
        raise ValueError(
            f"Row {r} observes {blocks}: it is one instance seen in several "
            "modalities, but check_mixed_modal needs exactly one observed block "
            "per row. Use skdm2c.observed_blocks for data with multi-block rows, "
            "or pass allow_multi=True to get modality -1 for them."
        )
    modality = np.argmax(observed, axis=1)
    modality[multi] = -1
    return modality


def unpack_modalities(X, modality_dims):
    """Split a packed array into per-modality arrays.

    A row observing several blocks appears in the view of each of them.

    Parameters
    ----------
    X : array-like of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data.
    modality_dims : sequence of int
        Width of each modality's block.

    Returns
    -------
    views : list of ndarray
        ``views[m]`` has shape ``(n_rows_m, modality_dims[m])`` and holds
        block ``m`` of every row observing modality ``m``, in row order.
    indices : list of ndarray of int
        ``indices[m]`` are the positions of those rows in ``X``; a multi-block
        row's position is in several of them.

    See Also
    --------
    pack_instances : The inverse for data with instance ids.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities, unpack_modalities
    >>> X = pack_modalities(np.ones((1, 2)), np.zeros((2, 1))).X
    >>> views, indices = unpack_modalities(X, (2, 1))
    >>> [v.shape for v in views], indices
    ([(1, 2), (2, 1)], [array([0]), array([1, 2])])
    >>> X[0, 2] = 5.0  # row 0 now observes both blocks
    >>> unpack_modalities(X, (2, 1))[1]
    [array([0]), array([0, 1, 2])]
    """
    X = _as_2d_float(X, "X")
    observed = observed_blocks(X, modality_dims)
    views, indices = [], []
    for m, (a, b) in enumerate(_block_bounds(_check_dims(modality_dims))):
        idx = np.flatnonzero(observed[:, m])
        views.append(X[idx, a:b])
        indices.append(idx)
    return views, indices


def _call_form_arrays(Xs, names, what):
    """The per-modality arrays of ``*Xs`` (several arrays, one list or one dict) and
    the names a dict brings (``names`` when given); no conversion."""
    from scipy import sparse

    if len(Xs) == 1 and isinstance(Xs[0], dict) and not sparse.issparse(Xs[0]):
        mapping = Xs[0]
        if names is None:
            names = [str(k) for k in mapping]
        arrays = list(mapping.values())
    elif len(Xs) == 1 and isinstance(Xs[0], (list, tuple)):
        arrays = list(Xs[0])
    else:
        arrays = list(Xs)
        bad = [i for i, a in enumerate(arrays) if isinstance(a, (list, tuple, dict))]
        if len(arrays) > 1 and bad:
            raise TypeError(
                f"{what} takes several arrays, or ONE list or dict of arrays; argument "
                f"{bad[0]} is a {type(arrays[bad[0]]).__name__} next to other arguments."
            )
    return arrays, names


def _split_modalities(Xs, names, what):
    """Arrays and names from ``*Xs`` (several arrays, one list or one dict)."""
    arrays, names = _call_form_arrays(Xs, names, what)
    if not arrays:
        raise ValueError(f"{what} needs at least one modality.")
    arrays = [_as_2d_float(_densified(a, f"Modality {i}"), f"Modality {i}")
              for i, a in enumerate(arrays)]
    if names is None:
        names = [f"modality{i}" for i in range(len(arrays))]
    names = tuple(str(n) for n in names)
    if len(names) != len(arrays):
        raise ValueError(f"Got {len(names)} names for {len(arrays)} modalities.")
    if len(set(names)) != len(names):
        raise ValueError(f"Modality names must be unique; got {names}.")
    return arrays, names


def _as_id_array(ids):
    """1-D id array; a list mixing kinds (``["x", 3]``) stays objects, not strings."""
    if isinstance(ids, np.ndarray):
        return ids
    arr = np.asarray(ids)
    if arr.ndim == 1 and arr.dtype.kind in "US" and not all(isinstance(v, str) for v in ids):
        arr = np.empty(len(ids), dtype=object)
        arr[:] = list(ids)
    return arr


def pack_instances(*Xs, ids, names=None, dtype=None):
    """Pack per-modality arrays with instance ids; rows sharing an id become one row.

    Use it when some instances are observed in several modalities and you
    know which rows belong together (an image and its caption share an id).
    Each distinct id becomes ONE packed row that fills the block of every
    modality holding that id and is NaN in the others.

    Parameters
    ----------
    *Xs : array-like of shape (n_samples_m, n_features_m), or one dict or list
        The rows of each modality, as for :func:`pack_modalities`.
    ids : sequence of array-like of shape (n_samples_m,), or dict
        Instance id of every row of every modality (one 1-D array per
        modality, in block order, or a dict keyed like the dict ``Xs``).  Ids
        may be of any hashable kind (int, str, ...); an id is unique within a
        modality.
    names : sequence of str, default=None
        Modality names.  Defaults to the dict keys, else ``"modality0"``,
        ``"modality1"``, ...
    dtype : numpy dtype, default=None
        Output dtype.  Defaults to the common floating type of the inputs.

    Returns
    -------
    packed : PackedInstances
        Named tuple ``(X, modality_dims, modality_names, observed, ids,
        rows)``.  One row per distinct id, in order of first appearance
        (modality 0's ids first, then the new ids of modality 1, ...);
        ``observed`` is the ``(n_rows, n_modalities)`` bool mask of the blocks
        each row fills, ``ids`` the id of each row, and ``rows[m][i]`` the
        packed row that input row ``i`` of modality ``m`` went to.

    Raises
    ------
    ValueError
        If the number of id arrays differs from the number of modalities, an
        id array is not 1-D or does not have one id per row, or an id appears
        twice within one modality (the modality and the id are named).

    See Also
    --------
    pack_modalities : Pack rows that each belong to one modality.
    unpack_modalities : Split the packed array back by modality.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_instances
    >>> image = np.array([[1.0, 1.0], [2.0, 2.0]])
    >>> text = np.array([[20.0], [30.0]])
    >>> packed = pack_instances({"image": image, "text": text},
    ...                         ids=[["a", "b"], ["b", "c"]])
    >>> packed.X
    array([[ 1.,  1., nan],
           [ 2.,  2., 20.],
           [nan, nan, 30.]])
    >>> packed.ids, packed.rows
    (array(['a', 'b', 'c'], dtype='<U1'), [array([0, 1]), array([1, 2])])
    >>> packed.observed
    array([[ True, False],
           [ True,  True],
           [False,  True]])
    """
    arrays, names = _split_modalities(Xs, names, "pack_instances")
    n_mod = len(arrays)
    if isinstance(ids, dict):
        missing = [n for n in names if n not in ids]
        if missing or len(ids) != n_mod:
            raise ValueError(
                f"ids must hold one id array per modality {list(names)}; got the keys "
                f"{list(ids)}."
            )
        ids = [ids[n] for n in names]
    if ids is None or isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
        raise TypeError(
            f"ids must be a sequence of 1-D id arrays, one per modality ({n_mod}), or a "
            f"dict keyed by modality name; got {ids!r}."
        )
    if isinstance(ids, np.ndarray) and ids.ndim == 1 and n_mod != 1 and ids.dtype != object:
        raise ValueError("ids must be a sequence of 1-D id arrays, one per modality.")
    ids = list(ids)
    if len(ids) != n_mod:
        raise ValueError(f"Got {len(ids)} id arrays for {n_mod} modalities; pass one per modality.")
    id_arrays = []
    for m, (a, ids_m) in enumerate(zip(arrays, ids)):
        ids_m = _as_id_array(ids_m)
        if ids_m.ndim != 1 or ids_m.shape[0] != a.shape[0]:
            raise ValueError(
                f"ids of modality {m} ({names[m]!r}) must be a 1-D array of one id per "
                f"row ({a.shape[0]} rows); got shape {ids_m.shape}."
            )
        id_arrays.append(ids_m)
    dims = _check_dims([a.shape[1] for a in arrays])
    table = {}  # id -> output row
    first = []  # (modality, input row) of each output row's first appearance
    rows = []
    for m, ids_m in enumerate(id_arrays):
        rows_m = np.empty(ids_m.shape[0], dtype=np.intp)
        seen = set()
        for i, key in enumerate(ids_m.tolist()):
            try:
                new_here = key not in seen
            except TypeError:
                raise TypeError(
                    f"ids of modality {m} ({names[m]!r}) must be hashable; row {i} has "
                    f"the id {key!r}."
                ) from None
            if not new_here:
                raise ValueError(
                    f"Modality {m} ({names[m]!r}) holds the id {key!r} twice (again at "
                    f"row {i}); an id names one instance, observed at most once per "
                    "modality."
                )
            if isinstance(key, float) and key != key:
                raise ValueError(
                    f"ids of modality {m} ({names[m]!r}) hold NaN at row {i}; NaN names no "
                    "instance (it is equal to nothing, not even itself)."
                )
            seen.add(key)
            row = table.get(key)
            if row is None:
                row = table[key] = len(first)
                first.append((m, i))
            rows_m[i] = row
        rows.append(rows_m)
    n_out = len(first)
    try:
        all_ids = np.concatenate(id_arrays)
    except (TypeError, ValueError):
        all_ids = np.concatenate([a.astype(object) for a in id_arrays])
    offsets = np.concatenate([[0], np.cumsum([a.shape[0] for a in id_arrays])])
    out_ids = all_ids[np.asarray([offsets[m] + i for m, i in first], dtype=np.intp)]
    dtype = _check_out_dtype(dtype, arrays, "pack_instances")
    X = np.full((n_out, sum(dims)), np.nan, dtype=dtype)
    observed = np.zeros((n_out, n_mod), dtype=bool)
    for m, ((start, stop), a) in enumerate(zip(_block_bounds(dims), arrays)):
        X[rows[m], start:stop] = a
        observed[rows[m], m] = True
    return PackedInstances(X, dims, names, observed, out_ids, rows)
