"""Turn paired multi-view data into mixed-modal data (one modality per row)."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._modality import _block_bounds, _check_dims

__all__ = ["make_mixed_modal"]

_PROPORTION_TOL = 1e-6


def _as_view(a, i):
    """Return view ``i`` as a dense 2-D floating array."""
    if hasattr(a, "toarray"):  # scipy.sparse
        a = a.toarray()
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"View {i} must be a 2-D array; got shape {a.shape}.")
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    bad = ~np.isfinite(a)
    if bad.any():
        r, c = (int(k) for k in np.argwhere(bad)[0])
        kind = "NaN" if np.isnan(a[r, c]) else "an infinite value"
        raise ValueError(
            f"View {i} holds {kind} at row {r}, column {c}: the views must be fully "
            "observed (impute missing values first); the protocols themselves decide "
            "which blocks a row observes."
        )
    return a


def _check_proportions(proportions, n_modalities):
    """Validate ``proportions`` and return them as a float array summing to 1."""
    if proportions is None:
        return np.full(n_modalities, 1.0 / n_modalities)
    p = np.asarray(proportions, dtype=float)
    if p.ndim != 1 or p.shape[0] != n_modalities:
        raise ValueError(
            f"proportions must hold one value per modality ({n_modalities}); "
            f"got {np.asarray(proportions).tolist()!r}."
        )
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"proportions must be finite and non-negative; got {p.tolist()}.")
    if abs(p.sum() - 1.0) > _PROPORTION_TOL:
        raise ValueError(f"proportions must sum to 1; got {p.tolist()} (sum {p.sum():.6g}).")
    return p / p.sum()


def _exact_counts(proportions, n):
    """Split ``n`` into integer counts proportional to ``proportions``.

    Largest-remainder rounding: every count is ``floor(p * n)`` or one more,
    and the counts sum to ``n`` exactly.
    """
    raw = proportions * n
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    if short > 0:
        # stable order: the largest fractional parts win, ties go to the first modality
        order = np.argsort(-(raw - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def _draw_assignment(n, proportions, random_state):
    """Exact-count random modality assignment of ``n`` rows."""
    rng = check_random_state(random_state)
    counts = _exact_counts(proportions, n)
    return rng.permutation(np.repeat(np.arange(len(counts)), counts))


def _parse_views(views, y, names, what):
    """Validate paired views; return ``(arrays, names, dims, y)``."""
    if isinstance(views, dict):
        if names is None:
            names = [str(k) for k in views]
        arrays = list(views.values())
    elif isinstance(views, (list, tuple)):
        arrays = list(views)
    else:
        raise TypeError(
            "views must be a list or dict of 2-D arrays (one per modality); "
            f"got {type(views).__name__}."
        )
    if not arrays:
        raise ValueError(f"{what} needs at least one view.")
    arrays = [_as_view(a, i) for i, a in enumerate(arrays)]
    n_modalities = len(arrays)
    n_rows = {a.shape[0] for a in arrays}
    if len(n_rows) != 1:
        raise ValueError(
            "Paired views must have the same number of rows; got "
            f"{[a.shape[0] for a in arrays]}."
        )
    n = n_rows.pop()
    if names is None:
        names = [f"modality{i}" for i in range(n_modalities)]
    names = tuple(str(s) for s in names)
    if len(names) != n_modalities:
        raise ValueError(f"Got {len(names)} names for {n_modalities} views.")
    if len(set(names)) != len(names):
        raise ValueError(f"Modality names must be unique; got {names}.")
    dims = _check_dims([a.shape[1] for a in arrays])

    if y is not None:
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n:
            raise ValueError(f"y must have shape ({n},) to match the views; got {y.shape}.")

    return arrays, names, dims, y


def make_mixed_modal(
    views, y=None, *, proportions=None, assignment=None, names=None, random_state=None
):
    """Make mixed-modal data from paired multi-view data.

    Every instance of a fully paired multi-view data set is kept in exactly
    ONE of its modalities and its other views are dropped.  The result is the
    packed array used throughout :mod:`skdm2c`: row ``i`` fills the column
    block of its modality and holds NaN in every other block.

    Parameters
    ----------
    views : list of array-like or dict of str to array-like
        The paired views; ``views[m]`` has shape ``(n_samples, n_features_m)``
        and row ``i`` of every view describes the same instance.  A dict gives
        the modality names (its keys) and the block order (its insertion
        order).  Sparse matrices are densified.
    y : array-like of shape (n_samples,), default=None
        Labels, returned unchanged as ``target``.
    proportions : array-like of shape (n_modalities,), default=None
        Fraction of instances kept in each modality; non-negative, summing to
        1.  Defaults to equal fractions.  The assignment is exact: the counts
        are ``n_samples * proportions`` rounded (largest remainder, so they
        sum to ``n_samples``), then randomly permuted over the instances.
        Cannot be combined with ``assignment``.
    assignment : array-like of shape (n_samples,), default=None
        Fixed modality id of every instance (integers in
        ``[0, n_modalities)``).  When given, nothing is random.
    names : sequence of str, default=None
        Modality names.  Defaults to the dict keys, else ``"modality0"``,
        ``"modality1"``, ...
    random_state : int, RandomState instance or None, default=None
        Seed of the random assignment (see :term:`Glossary <random_state>`).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields

        - ``data``: ndarray of shape ``(n_samples, sum(modality_dims))``, the
          packed mixed-modal array.  Rows keep the ORIGINAL order: row ``i``
          is instance ``i``.
        - ``target``: ndarray of shape ``(n_samples,)``, or None without ``y``.
        - ``modality``: ndarray of int, the modality id of every row.
        - ``modality_names``: tuple of str.
        - ``modality_dims``: tuple of int, the width of every block.
        - ``index``: ndarray of int, the original row index of every output
          row (``arange(n_samples)``, as the order is kept).

    Raises
    ------
    ValueError
        If the views have different numbers of rows, ``y`` has the wrong
        length, ``proportions`` are negative, do not sum to 1 or do not hold
        one value per view, ``assignment`` holds an unknown modality id, or
        both ``proportions`` and ``assignment`` are given.

    See Also
    --------
    skdm2c.pack_modalities : Pack rows that are already split by modality.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.datasets import make_mixed_modal
    >>> image, text = np.ones((4, 3)), np.zeros((4, 2))
    >>> mixed = make_mixed_modal({"image": image, "text": text}, y=[0, 1, 0, 1],
    ...                          assignment=[0, 1, 1, 0])
    >>> mixed.data
    array([[ 1.,  1.,  1., nan, nan],
           [nan, nan, nan,  0.,  0.],
           [nan, nan, nan,  0.,  0.],
           [ 1.,  1.,  1., nan, nan]])
    >>> mixed.modality_names, mixed.modality_dims, mixed.modality
    (('image', 'text'), (3, 2), array([0, 1, 1, 0]))
    >>> mixed = make_mixed_modal([image, text], proportions=[0.75, 0.25], random_state=0)
    >>> np.bincount(mixed.modality)
    array([3, 1])
    """
    arrays, names, dims, y = _parse_views(views, y, names, "make_mixed_modal")
    n_modalities = len(arrays)
    n = arrays[0].shape[0]

    if assignment is not None:
        if proportions is not None:
            raise ValueError("Give either proportions or assignment, not both.")
        modality = np.asarray(assignment)
        if modality.ndim != 1 or modality.shape[0] != n:
            raise ValueError(
                f"assignment must have shape ({n},) to match the views; got {modality.shape}."
            )
        if modality.size and not (
            np.issubdtype(modality.dtype, np.integer)
            or (np.issubdtype(modality.dtype, np.floating)
                and np.all(modality == np.round(modality)))
        ):
            raise ValueError("assignment must hold integer modality ids.")
        modality = modality.astype(np.intp)
        bad = np.flatnonzero((modality < 0) | (modality >= n_modalities))
        if bad.size:
            raise ValueError(
                f"assignment[{bad[0]}] = {modality[bad[0]]} is not a modality id; "
                f"ids must lie in [0, {n_modalities})."
            )
    else:
        p = _check_proportions(proportions, n_modalities)
        modality = _draw_assignment(n, p, random_state).astype(np.intp)

    dtype = np.result_type(*[a.dtype for a in arrays])
    X = np.full((n, sum(dims)), np.nan, dtype=dtype)
    for m, ((start, stop), a) in enumerate(zip(_block_bounds(dims), arrays)):
        rows = np.flatnonzero(modality == m)
        X[rows, start:stop] = a[rows]
    return Bunch(
        data=X,
        target=y,
        modality=modality,
        modality_names=names,
        modality_dims=dims,
        index=np.arange(n),
    )


def _check_int(value, name, minimum):
    if not isinstance(value, (Integral, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}.")
    return int(value)
