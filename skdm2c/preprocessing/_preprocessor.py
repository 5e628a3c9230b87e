"""ModalityPreprocessor: one label-free preprocessing per modality block."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._core._validation import check_finite_params
from .._inputs import (
    MixedModalFitTransformMixin,
    check_fitted_names,
    validated_fit_input,
    validated_predict_input,
)
from .._modality import _block_bounds, observed_blocks
from ._rules import suggest_method
from ._transforms import apply_counts, apply_standardize, fit_counts, fit_standardize

__all__ = ["ModalityPreprocessor", "DEFAULT_N_COMPONENTS"]

METHODS = ("auto", "standardize", "counts", "none")
#: Width of a count block after the count path when ``n_components=None``
#: (capped by the block's training rows and columns).
DEFAULT_N_COMPONENTS = 10


class ModalityPreprocessor(MixedModalFitTransformMixin, TransformerMixin, BaseEstimator):
    """Preprocess every modality block of packed data with a method fitted to it.

    Each modality's block is transformed on its own, fitted on the rows that
    observe it, with a method picked from the data alone (no labels):

    - ``"standardize"``: every feature centred and scaled to unit variance.
      The statistics are computed after dividing each feature by its largest
      absolute value, so that data scaled by 1e-12 or 1e200 gives the same
      output; a feature whose standard deviation is at most 1e-10 of its
      largest absolute value is constant and becomes 0.
    - ``"counts"``: the term-count path for bag-of-words blocks:
      ``log(1 + count)`` (sublinear term frequency), times the smoothed
      inverse document frequency ``log((1 + n) / (1 + df)) + 1``, each row
      scaled to unit L2 norm, projected on the block's top ``n_components``
      right singular vectors (latent semantic analysis, exact SVD, so
      deterministic) and scaled to L2 norm ``sqrt(k)``, where
      ``k = min(n_components, n_rows, n_features)`` is the block's new
      width: a mean squared coordinate of 1, the scale of standardised
      features.
    - ``"none"``: the block is passed through unchanged.
    - ``"auto"``: ``"counts"`` when the block's observed values are
      non-negative, at least half of them are exactly zero and the block has
      at least 50 columns (see :func:`suggest_method`); ``"standardize"``
      otherwise.

    The output is packed again: every row keeps NaN outside the blocks it
    observes, so it can be passed to :class:`~skdm2c.DM2CClustering` or to
    :class:`~skdm2c.baselines.ModalityStacker` in a
    :class:`~sklearn.pipeline.Pipeline`.  A row may observe several blocks
    (each fully observed or fully NaN); each observed block is transformed.

    Parameters
    ----------
    method : {"auto", "standardize", "counts", "none"} or list of those, \
            default="auto"
        Method of every block, or one method per block (in block order).
    n_components : int, default=None
        Output width of each ``"counts"`` block (capped by the block's rows
        and columns at fit).  ``None`` means 10 (:data:`DEFAULT_N_COMPONENTS`),
        the best of 5, 10, 15, 20, 50 and 100 measured on bbcsport and
        3sources (5 and 6 topics); with many more clusters than that, a
        larger width (about twice the number of clusters) is the safer
        choice.
    modality_dims : sequence of int, default=None
        Width of each modality's column block.  ``None`` infers the blocks
        from the NaN pattern at fit with :func:`skdm2c.infer_modality_dims`.
        A plain array without NaN is a single block.

    Attributes
    ----------
    methods_ : tuple of str
        Method applied to each block (``"auto"`` resolved).
    modality_dims_ : tuple of int
        Input block widths (given or inferred).
    modality_names_ : tuple of str
        Modality names: the dict keys when ``fit`` got a dict, else
        ``"modality0"``, ``"modality1"``, ...
    modality_dims_out_ : tuple of int
        Output block widths: unchanged for ``"standardize"`` and ``"none"``,
        the number of kept singular vectors for ``"counts"``.
    block_states_ : list of dict
        Fitted parameters of each block: for ``"standardize"`` ``maxabs``,
        ``mean``, ``std`` (of the features divided by ``maxabs``) and
        ``constant``; for ``"counts"`` ``idf``, ``components`` and
        ``singular_values``; empty for ``"none"``.
    n_features_in_ : int
        Number of columns of ``X`` at fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of ``X`` at fit, only when ``X`` was a DataFrame with
        string column names.

    See Also
    --------
    suggest_method : The rule of ``method="auto"``.
    pack_sparse_modalities : Pack ``scipy.sparse`` modalities for this transformer.
    skdm2c.baselines.ModalityStacker : Per-modality PCA to a common width.

    Notes
    -----
    Why two paths: per-feature standardisation of a sparse bag of words
    weights thousands of rare-word columns like the informative ones and
    loses the topic structure, whereas the dense image and tabular features
    of the other data sets gain from it.  The measurements behind the rule
    and the defaults are in ``benchmarks/check_preprocessing.py``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities
    >>> from skdm2c.preprocessing import ModalityPreprocessor
    >>> rng = np.random.RandomState(0)
    >>> image = rng.normal(size=(30, 8)) * 1e6
    >>> text = rng.poisson(0.05, size=(20, 200)).astype(float)
    >>> X = pack_modalities(image, text).X
    >>> prep = ModalityPreprocessor(n_components=5).fit(X)
    >>> prep.methods_, prep.modality_dims_out_
    (('standardize', 'counts'), (8, 5))
    >>> prep.transform(X).shape
    (50, 13)
    """

    _parameter_constraints = {
        "method": [StrOptions(set(METHODS)), list, tuple],
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
        "modality_dims": ["array-like", None],
    }

    # Private switches of the count path, measured in
    # benchmarks/check_preprocessing.py (not public parameters).
    _count_idf = True
    _count_post = "l2-sqrtk"

    def __init__(self, method="auto", n_components=None, modality_dims=None):
        self.method = method
        self.n_components = n_components
        self.modality_dims = modality_dims

    def _resolve_methods(self, n_blocks):
        if isinstance(self.method, str):
            return [self.method] * n_blocks
        methods = list(self.method)
        if len(methods) != n_blocks:
            raise ValueError(
                f"method lists {len(methods)} methods but X has {n_blocks} modality "
                "blocks; give one method per block or a single string."
            )
        for m, name in enumerate(methods):
            if name not in METHODS:
                raise ValueError(
                    f"method[{m}]={name!r} is not one of {list(METHODS)}."
                )
        return methods

    def _validate_params(self):
        super()._validate_params()
        check_finite_params(self)  # no True as n_components

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *Xs):
        """Pick and fit the method of every block on the rows that observe it.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Packed mixed-modal data (NaN outside each row's observed blocks),
            or, as for :class:`skdm2c.DM2CClustering`, the first modality's
            rows followed by further 2-D arrays, a list of per-modality
            arrays or a dict ``{name: array}``.
        y : None, array-like of shape (n_samples,) or 2-D array
            Ignored when 1-D or None; a 2-D array here is the second modality.
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        X, names, dims = validated_fit_input(self, X, y, Xs)
        self.modality_names_ = check_fitted_names(names, dims)
        requested = self._resolve_methods(len(dims))
        obs = observed_blocks(X, dims)
        k = DEFAULT_N_COMPONENTS if self.n_components is None else int(self.n_components)
        methods, states, dims_out = [], [], []
        for m, (a, b) in enumerate(_block_bounds(dims)):
            rows = np.flatnonzero(obs[:, m])
            if rows.size == 0:
                raise ValueError(
                    f"Modality block {m} (columns {a}:{b}) is observed on no row at fit; "
                    "every block needs at least one row."
                )
            V = X[rows, a:b].astype(np.float64)
            method = suggest_method(V) if requested[m] == "auto" else requested[m]
            if method == "standardize":
                state = fit_standardize(V)
                width = b - a
            elif method == "counts":
                state = fit_counts(V, k, m, idf=self._count_idf, post=self._count_post)
                width = state["components"].shape[0]
            else:
                state, width = {}, b - a
            methods.append(method)
            states.append(state)
            dims_out.append(int(width))
        self.modality_dims_ = tuple(dims)
        self.methods_ = tuple(methods)
        self.block_states_ = states
        self.modality_dims_out_ = tuple(dims_out)
        return self

    def transform(self, X, *Xs):
        """Transform every observed block of every row with its block's method.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            Packed mixed-modal data; rows may observe any non-empty subset of
            the blocks.  Also several arrays (one per fitted modality), a
            list of them, or a dict holding any subset of ``modality_names_``.
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        Xt : ndarray of shape (n_samples, sum(modality_dims_out_))
            Packed output: each row's observed blocks transformed, NaN in the
            blocks it does not observe.
        """
        X, obs = validated_predict_input(self, X, Xs)
        Xt = np.full((X.shape[0], sum(self.modality_dims_out_)), np.nan, dtype=X.dtype)
        bounds_out = _block_bounds(self.modality_dims_out_)
        for m, ((a, b), (c, d)) in enumerate(zip(_block_bounds(self.modality_dims_), bounds_out)):
            rows = np.flatnonzero(obs[:, m])
            if rows.size == 0:
                continue
            V = X[rows, a:b].astype(np.float64)
            method, state = self.methods_[m], self.block_states_[m]
            if method == "standardize":
                W = apply_standardize(V, state)
            elif method == "counts":
                W = apply_counts(V, state, m)
            else:
                W = V
            Xt[rows, c:d] = W
        return Xt

    def get_feature_names_out(self, input_features=None):
        """Output feature names.

        Blocks transformed by ``"standardize"`` or ``"none"`` keep their
        input names; a ``"counts"`` block ``m`` becomes
        ``modality{m}_svd0, modality{m}_svd1, ...``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input names; defaults to ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self)
        names_in = _check_feature_names_in(self, input_features)
        names = []
        for m, (a, b) in enumerate(_block_bounds(self.modality_dims_)):
            if self.methods_[m] == "counts":
                names.extend(f"modality{m}_svd{i}" for i in range(self.modality_dims_out_[m]))
            else:
                names.extend(names_in[a:b])
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # NaN is structural (the blocks a row does not observe), not missing
        # values; a NaN inside an observed block is rejected with its row named.
        tags.input_tags.allow_nan = True
        return tags
