"""Row-wise array helpers shared by the estimators and the preprocessing."""

import numpy as np


def unit_rows(Z):
    """Rows of ``Z`` scaled to unit Euclidean length; all-zero rows stay zero.

    Each row is first divided by its largest absolute value, so that the
    norm of a row of huge values does not overflow.
    """
    Z = np.asarray(Z)
    if Z.shape[1] == 0:
        return Z
    top = np.max(np.abs(Z), axis=1, keepdims=True)
    Z = Z / np.where(top > 0, top, 1.0)
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    return Z / np.where(norms > 0, norms, 1.0)
