"""Which blocks each row of a packed array observes (one or several blocks per row).

Kept local to the preprocessing subpackage: a row may observe several blocks,
each either fully observed or fully NaN, which is all a per-block transform
needs to know.
"""

import numpy as np

from .._modality import _block_bounds


def observed_blocks(X, dims):
    """Return a boolean array ``(n_samples, n_blocks)``: row ``i`` observes block ``m``.

    Raises a ``ValueError`` naming the row and block when a block is partly
    NaN on a row, a row observes no block, or an observed value is infinite.
    """
    bounds = _block_bounds(dims)
    observed = ~np.isnan(X)
    obs = np.zeros((X.shape[0], len(bounds)), dtype=bool)
    for m, (a, b) in enumerate(bounds):
        block = observed[:, a:b]
        full, some = block.all(axis=1), block.any(axis=1)
        partial = np.flatnonzero(some & ~full)
        if partial.size:
            r = int(partial[0])
            c = a + int(np.flatnonzero(~block[r])[0])
            raise ValueError(
                f"Row {r} holds NaN in column {c} inside its observed block {m} "
                f"(columns {a}:{b}); a block must be fully observed or fully NaN "
                "(impute missing values first)."
            )
        obs[:, m] = full
    empty = np.flatnonzero(~obs.any(axis=1))
    if empty.size:
        raise ValueError(
            f"Row {int(empty[0])} is NaN in every block, so it belongs to no modality; "
            "drop it or fill one of its blocks."
        )
    inf_rows, inf_cols = np.nonzero(np.isinf(X))
    if inf_rows.size:
        r, c = int(inf_rows[0]), int(inf_cols[0])
        m = int(np.searchsorted(np.cumsum(dims), c, side="right"))
        raise ValueError(
            f"Row {r} holds an infinite value in column {c} of block {m}; "
            "observed values must be finite."
        )
    return obs
