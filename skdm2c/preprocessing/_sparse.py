"""Packing of ``scipy.sparse`` modalities."""

import numpy as np
from scipy import sparse

from .._modality import _call_form_arrays, pack_modalities

__all__ = ["pack_sparse_modalities"]


def pack_sparse_modalities(*Xs, names=None, dtype=None):
    """Pack per-modality arrays, some of them ``scipy.sparse``, into packed data.

    The packed layout is dense (NaN marks the blocks a row does not observe),
    so every sparse modality is densified first.  A document-term block of a
    few thousand rows and columns takes a few tens of MiB in float64;
    :class:`ModalityPreprocessor` then reduces count blocks to at most
    ``n_components`` columns.

    Parameters
    ----------
    *Xs : array-like or sparse matrix of shape (n_samples_m, n_features_m), \
            or one dict or list of them
        The rows of each modality, in any form accepted by
        :func:`skdm2c.pack_modalities`, where each array may also be a
        ``scipy.sparse`` matrix or array.
    names : sequence of str, default=None
        Modality names (see :func:`skdm2c.pack_modalities`).
    dtype : numpy dtype, default=None
        Output dtype (see :func:`skdm2c.pack_modalities`).

    Returns
    -------
    packed : skdm2c.PackedModalities
        Named tuple ``(X, modality_dims, modality_names, modality)``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> from skdm2c.preprocessing import pack_sparse_modalities
    >>> packed = pack_sparse_modalities(np.ones((2, 3)), sparse.eye(1, 2, format="csr"))
    >>> packed.X
    array([[ 1.,  1.,  1., nan, nan],
           [ 1.,  1.,  1., nan, nan],
           [nan, nan, nan,  1.,  0.]])
    """
    arrays, names = _call_form_arrays(Xs, names, "pack_sparse_modalities")
    dense = [np.asarray(a.toarray()) if sparse.issparse(a) else a for a in arrays]
    return pack_modalities(dense, names=names, dtype=dtype)
