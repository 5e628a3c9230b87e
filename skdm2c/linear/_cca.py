"""PairedCCAClustering: the linear reference for partially paired mixed-modal data.

Public function :func:`paired_cca_codes` (the linear map), private helpers,
and a thin estimator, in the layout of scikit-learn's ``_kmeans.py``.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from .._core._base import nearest_center
from .._core._validation import (
    apply_standardizer,
    check_distinct_rows,
    check_finite_params,
    fit_standardizer,
    warn_constant_modalities,
)
from .._inputs import (
    MixedModalFitPredictMixin,
    MixedModalFitTransformMixin,
    check_fitted_names,
    validated_fit_input,
    validated_predict_input,
)
from .._modality import _block_bounds, observed_blocks
from .._rows import unit_rows

__all__ = ["PairedCCAClustering", "paired_cca_codes"]

#: Fewest rows observing a modality and the pivot before CCA is fitted.
MIN_PAIRS = 3


def _inv_sqrt(C):
    w, U = np.linalg.eigh(C)
    w = np.maximum(w, 1e-10 * max(w.max(), 1e-300))
    return (U / np.sqrt(w)) @ U.T


def _shrink(C, shrinkage):
    d = C.shape[0]
    return (1.0 - shrinkage) * C + shrinkage * (np.trace(C) / d) * np.eye(d)


def paired_cca_codes(A, B, n_components, *, shrinkage=0.5):
    """Regularised CCA between the paired rows ``A`` and ``B``.

    Parameters
    ----------
    A : ndarray of shape (n_pairs, d_a)
        First modality's codes of the paired rows.
    B : ndarray of shape (n_pairs, d_b)
        Second modality's codes of the same instances, same order.
    n_components : int
        Number of canonical directions kept (at most ``min(d_a, d_b)``).
    shrinkage : float in [0, 1], default=0.5
        Shrinkage of each covariance towards a multiple of the identity
        (``(1 - s) C + s tr(C)/d I``).  0 is classical CCA, which overfits
        when there are few pairs (the benchmark's linear reference on cub10
        with 60 pairs: ACC 0.25 without shrinkage, 0.59 with 0.5;
        ``benchmarks/check_cca_shrinkage.txt``).

    Returns
    -------
    Wa, Wb : ndarrays of shape (d_a, k) and (d_b, k)
        Projections; the canonical codes are ``(A - ma) @ Wa`` and
        ``(B - mb) @ Wb``.
    ma, mb : ndarrays
        Column means of ``A`` and ``B``.
    corr : ndarray of shape (k,)
        Correlation of each pair of canonical codes on the given pairs (with
        shrinkage, lower than classical CCA's on the same pairs).

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.linear import paired_cca_codes
    >>> rng = np.random.RandomState(0)
    >>> shared = rng.normal(size=(100, 1))
    >>> A = np.hstack([shared, rng.normal(size=(100, 2))])
    >>> B = np.hstack([rng.normal(size=(100, 1)), -shared])
    >>> Wa, Wb, ma, mb, corr = paired_cca_codes(A, B, 1, shrinkage=0.0)
    >>> round(float(corr[0]), 3)
    1.0
    """
    ma, mb = A.mean(0), B.mean(0)
    A0, B0 = A - ma, B - mb
    n = max(A.shape[0] - 1, 1)
    Ca = _shrink(A0.T @ A0 / n, shrinkage)
    Cb = _shrink(B0.T @ B0 / n, shrinkage)
    Ia, Ib = _inv_sqrt(Ca), _inv_sqrt(Cb)
    U, s, Vt = np.linalg.svd(Ia @ (A0.T @ B0 / n) @ Ib)
    k = int(min(n_components, U.shape[1], Vt.shape[0]))
    Wa, Wb = Ia @ U[:, :k], Ib @ Vt.T[:, :k]
    Za, Zb = A0 @ Wa, B0 @ Wb
    denom = np.linalg.norm(Za, axis=0) * np.linalg.norm(Zb, axis=0)
    corr = (Za * Zb).sum(0) / np.where(denom > 0, denom, 1.0)
    return Wa, Wb, ma, mb, corr


def _standardize(V, name="X"):
    """Scale-free per-feature mean and scale (data at 1e-12 or 1e200 is fine)."""
    return fit_standardizer(V, name=name, rtol=1e-12)


class PairedCCAClustering(
    MixedModalFitPredictMixin, MixedModalFitTransformMixin,
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator
):
    """Linear reference for partially paired mixed-modal data: CCA on known pairs.

    Every modality is standardised and reduced by its own PCA (fitted on all
    rows that observe it); a regularised CCA fitted on the rows observing
    both a modality and the pivot maps both into one canonical space; a
    row's code is the mean of the canonical codes of the blocks it observes,
    scaled to unit length; k-means clusters the codes.  It is the strong,
    simple number every deep result on partially paired data is shown
    beside (:mod:`skdm2c.benchmark`, method ``linear``).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    n_components : int, default=32
        PCA width per modality and number of canonical directions (capped by
        each modality's width and row count).
    shrinkage : float in [0, 1], default=0.5
        Covariance shrinkage of the CCA (see :func:`paired_cca_codes`).
    modality_dims : sequence of int, default=None
        Block widths of the packed input; ``None`` infers them from the NaN
        pattern (see :func:`skdm2c.infer_modality_dims`).
    pivot : int, default=0
        Modality whose canonical space holds every code.  With more than two
        modalities every other modality is mapped by its own CCA with the
        pivot.
    n_init : int, default=10
        k-means restarts.
    random_state : int, RandomState instance or None, default=None
        Seed of PCA's randomised solver (not used with the default exact
        solver) and of k-means.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of every training row.
    cluster_centers_ : ndarray of shape (n_clusters, n_features_out)
        Centres in the code space.
    modality_dims_ : tuple of int
        Block widths used.
    modality_names_ : tuple of str
        Modality names: the dict keys when ``fit`` got a dict, else
        ``"modality0"``, ``"modality1"``, ...
    n_pairs_ : list of int
        Rows observing both the pivot and modality ``m`` at fit (the pivot's
        own entry counts its rows).
    canonical_correlations_ : list of ndarray or None
        Correlations of each modality's CCA with the pivot (None for the
        pivot and for modalities with fewer than 3 pairs).
    n_features_in_ : int
        Number of columns of the packed input.

    Notes
    -----
    Without known pairs for a modality (fewer than 3 rows observing it and
    the pivot), that modality's PCA coordinates are used as they are and a
    :class:`UserWarning` says so: the codes of that modality are then not
    aligned, as in the PCA-stacking protocol of the DM2C paper.  The
    shrinkage default 0.5 is a compromise, not tuned per data set
    (``benchmarks/check_cca_shrinkage.txt``, 5 seeds): few pairs favour
    more (0.75: cub10 +0.023 ACC at 10 % paired, +0.052 at 30 %), many
    pairs less (0.1: Scene-15 +0.029 at 50 % paired).  Choosing it per
    data set needs labels; with each protocol's best value the reference
    still stays below DM2C's defaults on every protocol measured there.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c import PairedCCAClustering
    >>> from skdm2c.datasets import make_incomplete
    >>> rng = np.random.RandomState(0)
    >>> y = np.repeat([0, 1], 40)
    >>> views = [y[:, None] * 3 + rng.normal(size=(80, 5)),
    ...          -y[:, None] * 3 + rng.normal(size=(80, 4))]
    >>> data = make_incomplete(views, y, paired_fraction=0.5, random_state=0)
    >>> model = PairedCCAClustering(n_clusters=2, n_components=3, random_state=0)
    >>> labels = model.fit_predict(data.data)
    >>> from skdm2c.metrics import clustering_accuracy
    >>> float(clustering_accuracy(y, labels))
    1.0
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "shrinkage": [Interval(Real, 0, 1, closed="both")],
        "modality_dims": ["array-like", None],
        "pivot": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, n_clusters=8, *, n_components=32, shrinkage=0.5, modality_dims=None,
                 pivot=0, n_init=10, random_state=None):
        self.n_clusters = n_clusters
        self.n_components = n_components
        self.shrinkage = shrinkage
        self.modality_dims = modality_dims
        self.pivot = pivot
        self.n_init = n_init
        self.random_state = random_state

    def _validate_params(self):
        super()._validate_params()
        check_finite_params(self)  # no True as an int, no NaN/inf reals

    # ---------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *Xs):
        """Fit the per-modality maps, the CCAs and k-means.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Packed mixed-modal data; rows that fill several blocks are known
            correspondences.  Also, as for :class:`skdm2c.DM2CClustering`,
            the first modality's rows followed by further 2-D arrays, a list
            of per-modality arrays or a dict ``{name: array}`` (rows given
            that way observe one modality each: no known pairs).
        y : None, array-like of shape (n_samples,) or 2-D array
            Ignored when 1-D or None; a 2-D array here is the second modality.
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, names, dims = validated_fit_input(self, X, y, Xs)
        names = check_fitted_names(names, dims)
        if self.pivot >= len(dims):
            raise ValueError(f"pivot={self.pivot} but the data has {len(dims)} modalities.")
        obs = observed_blocks(X, dims, modality_names=names, require_all=True)
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        check_distinct_rows(X, self.n_clusters)
        self.modality_names_ = names
        warn_constant_modalities(X, obs, dims, names, "PairedCCAClustering")
        rng = check_random_state(self.random_state)
        bounds = _block_bounds(dims)
        self.modality_dims_ = dims
        self._fit_maps(X, obs, bounds)
        Z = self._codes(X, obs)
        if Z.shape[1] == 1 and self.n_clusters > 2:
            kept = {name: pca[3].shape[1] for name, pca in zip(names, self._pcas)}
            rows = {name: int(n) for name, n in zip(names, obs.sum(axis=0))}
            raise ValueError(
                f"The codes have a single canonical direction and are scaled to unit length, "
                f"so every code is -1 or +1: n_clusters={self.n_clusters} clusters cannot be "
                f"formed. n_components={self.n_components}; the PCA of each modality keeps at "
                f"most its width and its rows minus one: {kept} components from {rows} rows. "
                "Use n_components >= 2 and give every modality at least 3 rows and 2 columns."
            )
        km = KMeans(self.n_clusters, n_init=self.n_init,
                    random_state=rng.randint(np.iinfo(np.int32).max)).fit(Z)
        self.labels_ = km.labels_.astype(np.int64)
        self.cluster_centers_ = km.cluster_centers_
        return self

    def _fit_maps(self, X, obs, bounds):
        p = self.pivot
        pcas, pca_codes = [], []
        for m, (a, b) in enumerate(bounds):
            V = X[obs[:, m], a:b].astype(np.float64)
            mean, scale = _standardize(V, name=f"modality {m} of X")
            S = apply_standardizer(V, mean, scale, name=f"modality {m} of X")
            k = int(min(self.n_components, S.shape[1], max(S.shape[0] - 1, 1)))
            _, _, vt = np.linalg.svd(S - S.mean(0), full_matrices=False)
            comps = vt[:k].T
            pcas.append((mean, scale, S.mean(0), comps))
            full = np.full((X.shape[0], k), np.nan)
            full[obs[:, m]] = (S - S.mean(0)) @ comps
            pca_codes.append(full)
        self._pcas = pcas
        maps = [None] * len(bounds)
        self.n_pairs_ = [int(obs[:, m].sum()) if m == p else int((obs[:, m] & obs[:, p]).sum())
                         for m in range(len(bounds))]
        self.canonical_correlations_ = [None] * len(bounds)
        pivot_map = None
        for m in range(len(bounds)):
            if m == p:
                continue
            both = obs[:, m] & obs[:, p]
            if both.sum() < MIN_PAIRS:
                warnings.warn(
                    f"PairedCCAClustering: modality {m} shares {int(both.sum())} rows with the "
                    f"pivot modality {p} (fewer than {MIN_PAIRS}); its PCA codes are used "
                    "unaligned, as in PCA stacking.", UserWarning)
                continue
            Wm, Wp, mm, mp, corr = paired_cca_codes(
                pca_codes[m][both], pca_codes[p][both], self.n_components,
                shrinkage=self.shrinkage)
            if pivot_map is None:
                pivot_map = (Wp, mp)
                maps[m] = (Wm, mm)
            else:
                # Later modalities: their canonical codes, mapped by least squares onto
                # the pivot's canonical space of the first CCA (shared rows).
                target = (pca_codes[p][both] - pivot_map[1]) @ pivot_map[0]
                L = np.linalg.lstsq((pca_codes[m][both] - mm) @ Wm, target, rcond=None)[0]
                maps[m] = (Wm @ L, mm)
            self.canonical_correlations_[m] = corr
        maps[p] = pivot_map
        self._maps = maps
        widths = [mp_[0].shape[1] for mp_ in maps if mp_ is not None]
        self._width = widths[0] if widths else min(c[3].shape[1] for c in pcas)

    def _block_codes(self, V, m):
        mean, scale, smean, comps = self._pcas[m]
        with np.errstate(over="ignore", invalid="ignore"):
            P = (apply_standardizer(V, mean, scale, name=f"modality {m} of X") - smean) @ comps
        if not np.all(np.isfinite(P)):
            r = int(np.flatnonzero(~np.isfinite(P).all(axis=1))[0])
            raise ValueError(
                f"The PCA code of row {r} of modality {m}'s rows overflows float64 (its values "
                f"are far outside the training scale of modality {m}); rescale the input."
            )
        if self._maps[m] is None:
            out = np.zeros((P.shape[0], self._width))
            k = min(self._width, P.shape[1])
            out[:, :k] = P[:, :k]
            return out
        W, mu = self._maps[m]
        with np.errstate(over="ignore", invalid="ignore"):
            out = (P - mu) @ W
        if not np.all(np.isfinite(out)):
            r = int(np.flatnonzero(~np.isfinite(out).all(axis=1))[0])
            raise ValueError(
                f"The code of row {r} of modality {m}'s rows overflows float64 (its values are "
                f"far outside the training scale of modality {m}); rescale the input."
            )
        return out

    def _codes(self, X, obs):
        Z = np.zeros((X.shape[0], self._width))
        for m, (a, b) in enumerate(_block_bounds(self.modality_dims_)):
            rows = obs[:, m]
            if rows.any():
                Z[rows] += unit_rows(self._block_codes(X[rows, a:b].astype(np.float64), m))
        return unit_rows(Z / obs.sum(1, keepdims=True))

    # -------------------------------------------------------------- inference
    def _check(self, X, Xs):
        return validated_predict_input(self, X, Xs)

    def transform(self, X, *Xs):
        """Codes of packed rows (mean of the canonical codes of their blocks).

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            Packed rows observing any blocks, or several arrays (one per
            fitted modality), a list of them, or a dict holding any subset
            of ``modality_names_``.
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_features_out)
            Unit-length codes.
        """
        X, obs = self._check(X, Xs)
        return self._codes(X, obs)

    def predict(self, X, *Xs):
        """Nearest cluster centre of every packed row.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            Packed rows observing any blocks, or the other forms of
            :meth:`transform`.
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster index of each row.
        """
        return nearest_center(self.transform(X, *Xs), self.cluster_centers_)

    @property
    def _n_features_out(self):
        return self.cluster_centers_.shape[1]

    def __sklearn_tags__(self):
        # NaN is structural (blocks a row does not observe), not a missing
        # value: arbitrary NaN is rejected, so ``allow_nan`` stays False.
        return super().__sklearn_tags__()
