"""Per-modality dimensionality reduction into one dense array (the DM2C protocol)."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context, clone
from sklearn.decomposition import PCA
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._core._validation import check_finite_params, warn_constant_modalities
from .._inputs import check_fitted_names, validated_fit_input, validated_predict_input
from .._modality import _block_bounds, observed_blocks

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
        the paper's choice of PCA, the solver is ours), fitted on each block
        divided by its largest absolute value (``scales_``) and scaled back,
        so that blocks scaled by 1e-12 or 1e200 are reduced without
        underflow or overflow.

    Attributes
    ----------
    modality_dims_ : tuple of int
        Block widths used (given or inferred).
    modality_names_ : tuple of str
        Modality names: the dict keys when ``fit`` got a dict, else
        ``"modality0"``, ``"modality1"``, ...  (used by a dict at transform).
    n_components_ : int
        Output width fixed at fit (``n_components`` then).
    reducers_ : list of estimator
        Fitted reducer of each modality, in block order.
    scales_ : ndarray of shape (n_modalities,)
        Factor each block is divided by before its reducer (the block's
        largest absolute value at fit for the default PCA, else 1).
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

    def _validate_params(self):
        super()._validate_params()
        check_finite_params(self)  # no True as n_components

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, *Xs):
        """Fit one reducer per modality on the rows observing that modality.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Packed mixed-modal data (NaN outside each row's observed blocks),
            or the first modality's rows when further 2-D arrays follow, or a
            list of per-modality arrays, or a dict ``{name: array}`` (the
            forms of :class:`skdm2c.DM2CClustering`).
        y : None, array-like of shape (n_samples,) or 2-D array
            Ignored when 1-D or None; a 2-D array here is the second modality
            (``fit(X_image, X_text)``).
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        self._fit(X, y, Xs)
        return self

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None, *Xs):
        """Fit the reducers and return the stacked reduced rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Packed mixed-modal data, or the other forms of :meth:`fit`.
        y : None, 1-D or 2-D array
            Ignored, or the second modality.
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Reduced rows, in the row order of ``X`` (packed, i.e.
            concatenation, order for several arrays).
        """
        return self._fit(X, y, Xs)

    def _fit(self, X, y, Xs):
        X, names, dims = validated_fit_input(self, X, y, Xs)
        names = check_fitted_names(names, dims)
        observed = observed_blocks(X, dims, modality_names=names, require_all=True)
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
        warn_constant_modalities(X, observed, dims, names, "ModalityStacker")
        reducers, scales = [], np.ones(len(dims))
        for m, (a, b) in enumerate(bounds):
            V = X[observed[:, m], a:b]
            if self.reducer is None:
                top = float(np.max(np.abs(V)))
                scales[m] = top if top > 0 else 1.0
            reducer = self._make_reducer()
            with np.errstate(invalid="ignore", divide="ignore"):  # PCA of a constant block
                reducer.fit(V / scales[m])
            reducers.append(reducer)
        self.modality_dims_ = dims
        self.modality_names_ = names
        self.n_components_ = int(k)
        self.reducers_ = reducers
        self.scales_ = scales
        return self._stack(X, observed)

    def _stack(self, X, observed):
        """Mean of the reduced blocks of every row."""
        k = self.n_components_
        Z = np.zeros((X.shape[0], k), dtype=X.dtype)
        for m, (a, b) in enumerate(_block_bounds(self.modality_dims_)):
            idx = np.flatnonzero(observed[:, m])
            if idx.size:
                s = self.scales_[m]
                Zm = np.asarray(self.reducers_[m].transform(X[idx, a:b] / s))
                _check_width(Zm, k, m)
                with np.errstate(over="ignore"):
                    Zm = Zm * s
                if not np.all(np.isfinite(Zm)):
                    r = int(idx[np.flatnonzero(~np.isfinite(Zm).all(axis=1))[0]])
                    raise ValueError(
                        f"The reduced code of row {r} (modality {m}, "
                        f"{self.modality_names_[m]!r}) is not finite: its values overflow "
                        f"float64 at the block's scale ({s:.3g}); rescale the input."
                    )
                Z[idx] += Zm
        counts = observed.sum(axis=1)
        if np.any(counts > 1):
            Z /= counts[:, None].astype(Z.dtype)
        return Z

    def transform(self, X, *Xs):
        """Reduce each row with the reducer of its modality (mean over several).

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            Packed mixed-modal data; any subset of the modalities may be
            present, and rows may observe several modalities.  Also several
            arrays (one per fitted modality), a list of them, or a dict
            holding any subset of ``modality_names_``.
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
            Reduced rows, in the row order of ``X``.
        """
        X, observed = validated_predict_input(self, X, Xs)
        return self._stack(X, observed)

    def get_feature_names_out(self, input_features=None):
        """Output feature names ``stack0, stack1, ...``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Only checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["stack0", ..., f"stack{n_components_ - 1}"]`` (the width fixed
            at fit, whatever ``set_params`` did since).
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        return np.asarray([f"stack{i}" for i in range(self.n_components_)], dtype=object)


def _check_width(Z, k, m):
    if Z.ndim != 2 or Z.shape[1] != k:
        raise ValueError(
            f"The reducer of modality {m} returned an array of shape {Z.shape}; "
            f"expected {k} columns (n_components={k})."
        )
