"""The label-free rule that picks a preprocessing method for one modality block."""

import numpy as np
from scipy import sparse

__all__ = ["suggest_method", "COUNT_MIN_ZERO_FRACTION", "COUNT_MIN_FEATURES"]

#: A block is treated as term counts only when at least this share of its
#: observed values is exactly zero ...
COUNT_MIN_ZERO_FRACTION = 0.5
#: ... and it has at least this many columns (a wide bag-of-words block).
COUNT_MIN_FEATURES = 50


def suggest_method(V):
    """Pick ``"counts"`` or ``"standardize"`` for one modality's observed rows.

    The rule looks at the values only, never at labels: a block is
    ``"counts"`` when it is non-negative, at least
    :data:`COUNT_MIN_ZERO_FRACTION` (50 %) of its values are exactly zero
    and it has at least :data:`COUNT_MIN_FEATURES` (50) columns -- a sparse,
    wide, non-negative block such as a bag of words or tf-idf weights.
    Every other block is ``"standardize"``.

    Parameters
    ----------
    V : ndarray of shape (n_rows, n_features)
        The observed rows of one modality (no NaN).

    Returns
    -------
    method : {"counts", "standardize"}
        The method picked for the block.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.preprocessing import suggest_method
    >>> rng = np.random.RandomState(0)
    >>> suggest_method(rng.normal(size=(20, 60)))
    'standardize'
    >>> suggest_method(rng.poisson(0.1, size=(20, 60)).astype(float))
    'counts'
    """
    if sparse.issparse(V):
        V = V.toarray()
    V = np.asarray(V)
    if V.ndim != 2:
        raise ValueError(
            f"suggest_method needs one modality's rows as a 2-D array; got shape {V.shape}."
        )
    if V.dtype.kind not in "biuf":
        raise TypeError(f"suggest_method needs numeric values; got dtype {V.dtype}.")
    if V.size and not np.all(np.isfinite(V)):
        r, c = (int(k) for k in np.argwhere(~np.isfinite(V))[0])
        raise ValueError(
            f"suggest_method got a non-finite value at row {r}, column {c}; pass the "
            "observed rows of one block (no NaN or infinity)."
        )
    if V.size == 0:
        return "standardize"
    if V.shape[1] < COUNT_MIN_FEATURES or np.min(V) < 0:
        return "standardize"
    zero_fraction = float(np.mean(V == 0))
    return "counts" if zero_fraction >= COUNT_MIN_ZERO_FRACTION else "standardize"
