"""Packing of ``scipy.sparse`` modalities."""

from .._modality import _call_form_arrays, pack_modalities

__all__ = ["pack_sparse_modalities"]


def pack_sparse_modalities(*Xs, names=None, dtype=None):
    """Pack per-modality arrays, some of them ``scipy.sparse``, into packed data.

    The same as :func:`skdm2c.pack_modalities`, which accepts sparse
    modalities too (and so do the estimators' multi-array call forms,
    ``fit(X_image, X_text_sparse)``); kept as the explicit name.  The packed
    layout is dense (NaN marks the blocks a row does not observe), so every
    sparse modality is densified first (refused beyond
    :data:`skdm2c._modality.MAX_DENSE_BYTES`, 2 GiB).  A document-term block of a
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
    return pack_modalities(arrays, names=names, dtype=dtype)
