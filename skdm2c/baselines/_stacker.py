"""Per-modality dimensionality reduction into one dense array (the DM2C protocol)."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.decomposition import PCA
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from .._modality import _block_bounds, infer_modality_dims, observed_blocks

__all__ = ["ModalityStacker"]


class ModalityStacker(TransformerMixin, BaseEstimator):
    """Reduce every modality of packed mixed-modal data to a common width.

    The DM2C paper evaluates single-modality clustering baselines on
    mixed-modal data by first reducing each modality to the same number of
    dimensions with its own PCA and then clustering all rows together
    (Jiang et al., 2019, Section 4.2, "Baselines").  This transformer
    implements that protocol on the package's packed layout: each modality's
    reducer is fitted on the rows observing that modality only, and the
    output is one dense array of shape ``(n_samples, n_components)`` in the
    row order of ``X``, ready for any scikit-learn clusterer in a
    :class:`~sklearn.pipeline.Pipeline`.

    A row observing several modalities (an instance with known cross-modal
    correspondence, see :func:`skdm2c.observed_blocks`) contributes each of
    its blocks to the fit of that modality's reducer, and its output is the
    MEAN of its reduced blocks.  That is all a stacked baseline can do with a
    pair: its coordinates of different modalities share no meaning, so the
    mean is a fusion by convention, not a learned alignment.

    Parameters
    ----------
    n_components : int, default=32
        Output width, shared by every modality.  Every modality needs at least
        ``n_components`` rows observing it and ``n_components`` columns at
        fit.
    modality_dims : sequence of int, default=None
        Width of each modality's column block.  ``None`` infers the blocks from
        the NaN pattern at fit with :func:`skdm2c.infer_modality_dims` (every
        modality must then be observed on at least one row, and two modalities
        observed on exactly the same rows are merged).  Pass it explicitly when a
        training subset may miss a modality.  A plain array without NaN is a
        single modality.
    reducer : estimator, default=None
        Transformer cloned once per modality; its ``n_components`` parameter,
        when it has one, is set to ``n_components``.  ``None`` uses
        ``PCA(n_components, svd_solver="full")`` (exact and deterministic;
        the paper's choice of PCA, the solver is ours).

    Attributes
    ----------
    modality_dims_ : tuple of int
        Block widths used (given or inferred).
    reducers_ : list of estimator
        Fitted reducer of each modality, in block order.
    n_features_in_ : int
        Number of columns of ``X`` at fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of ``X`` at fit, only when ``X`` was a DataFrame with
        string column names.

    See Also
    --------
    skdm2c.pack_modalities : Build the packed input array.
    skdm2c.DM2CClustering : Mixed-modal clustering without this reduction.

    Notes
    -----
    Rows stay in place: the output row ``i`` is the reduced form of the input
    row ``i``, whatever its modality (the mean over its modalities for a
    multi-block row).  At transform, new data may hold rows of
    any subset of the modalities.  Since every modality is mapped to its own
    principal axes, coordinate ``j`` of two different modalities has no shared
    meaning; that is the weakness of this protocol that DM2C addresses.

    References
    ----------
    .. [1] Y. Jiang, Q. Xu, Z. Yang, X. Cao, Q. Huang, "DM2C: Deep Mixed-Modal
       Clustering", NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import pack_modalities
    >>> from skdm2c.baselines import ModalityStacker
    >>> rng = np.random.RandomState(0)
    >>> X = pack_modalities(rng.normal(size=(6, 5)), rng.normal(size=(4, 3))).X
    >>> Z = ModalityStacker(n_components=2).fit_transform(X)
    >>> Z.shape
    (10, 2)
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "modality_dims": ["array-like", None],
        "reducer": [HasMethods(["fit", "transform"]), None],
    }

    def __init__(self, n_components=32, *, modality_dims=None, reducer=None):
        self.n_components = n_components
        self.modality_dims = modality_dims
        self.reducer = reducer

    def _make_reducer(self):
        if self.reducer is None:
            return PCA(n_components=self.n_components, svd_solver="full")
        reducer = clone(self.reducer)
        if "n_components" in reducer.get_params(deep=False):
            reducer.set_params(n_components=self.n_components)
        return reducer

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit one reducer per modality on the rows observing that modality.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims))
            Packed mixed-modal data (NaN outside each row's observed blocks).
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None):
        """Fit the reducers and return the stacked reduced rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims))
            Packed mixed-modal data.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Reduced rows, in the row order of ``X``.
        """
        return self._fit(X)

    def _fit(self, X):
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan"
        )
        if self.modality_dims is None:
            dims = infer_modality_dims(X)
        else:
            dims = tuple(int(d) for d in self.modality_dims)
        observed = observed_blocks(X, dims, require_all=True)
        k = self.n_components
        bounds = _block_bounds(dims)
        for m, (a, b) in enumerate(bounds):
            n_rows = int(np.sum(observed[:, m]))
            if n_rows < k or dims[m] < k:
                raise ValueError(
                    f"Modality {m} (columns {a}:{b}) has n_samples={n_rows} rows and "
                    f"n_features={dims[m]} columns at fit, but n_components={k} needs "
                    f"at least {k} of each; lower n_components."
                )
        reducers = []
        for m, (a, b) in enumerate(bounds):
            reducer = self._make_reducer()
            reducer.fit(X[observed[:, m], a:b])
            reducers.append(reducer)
        self.modality_dims_ = dims
        self.reducers_ = reducers
        return self._stack(X, observed)

    def _stack(self, X, observed):
        """Mean of the reduced blocks of every row."""
        Z = np.zeros((X.shape[0], self.n_components), dtype=X.dtype)
        for m, (a, b) in enumerate(_block_bounds(self.modality_dims_)):
            idx = np.flatnonzero(observed[:, m])
            if idx.size:
                Zm = np.asarray(self.reducers_[m].transform(X[idx, a:b]))
                _check_width(Zm, self.n_components, m)
                Z[idx] += Zm
        counts = observed.sum(axis=1)
        if np.any(counts > 1):
            Z /= counts[:, None].astype(Z.dtype)
        return Z

    def transform(self, X):
        """Reduce each row with the reducer of its modality (mean over several).

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_))
            Packed mixed-modal data; any subset of the modalities may be
            present, and rows may observe several modalities.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Reduced rows, in the row order of ``X``.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan",
            reset=False,
        )
        return self._stack(X, observed_blocks(X, self.modality_dims_))

    def get_feature_names_out(self, input_features=None):
        """Output feature names ``stack0, stack1, ...``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Only checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["stack0", ..., f"stack{n_components - 1}"]``.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray([f"stack{i}" for i in range(self.n_components)], dtype=object)


def _check_width(Z, k, m):
    if Z.ndim != 2 or Z.shape[1] != k:
        raise ValueError(
            f"The reducer of modality {m} returned an array of shape {Z.shape}; "
            f"expected {k} columns (n_components={k})."
        )
