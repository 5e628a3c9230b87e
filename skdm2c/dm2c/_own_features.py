"""Each modality's own features in DM2C's paired final step (``own_features``).

With known pairs DM2C clusters the unified codes of every row
(:func:`skdm2c.dm2c._assign.paired_kmeans`).  Where a modality's own input
keeps more cluster structure than the autoencoder's codes of it (cub10's
image features; ``benchmarks/DM2C_INVESTIGATION.md``, findings 13 and 16),
the assignment also clusters that modality's own features: PCA of its
preprocessed blocks, with the block a row lacks predicted from the blocks it
has by ridge regressions fitted on the pairs.

Public helpers: :func:`cluster_structure` (the label-free score that decides),
:func:`select_own_feature_modalities`, :func:`fit_block_imputers` and
:func:`impute_blocks`.
"""

import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import RidgeCV
from sklearn.utils import check_random_state

#: A modality's own features join the paired assignment when their cluster
#: structure (:func:`cluster_structure`) is at least this multiple of its codes'.
#: Set in the gap measured with DM2C's defaults (seeds 0-2, 10 and 50 % paired;
#: labels not used): cub10's image features 1.3-1.7 times their codes', every
#: other modality of cub10, Scene-15 and landuse21 0.4-1.1.
OWN_FEATURE_RATIO = 1.2

#: Ridge penalties tried by generalised cross-validation on the pairs, as
#: multiples of the trace of the predictor block's covariance.
RIDGE_ALPHAS = np.logspace(-4, 2, 13)

#: Fewest rows observing both modalities before one block is predicted from the other.
MIN_IMPUTER_PAIRS = 3


def _explained(Z, n_clusters, random_state):
    total = ((Z - Z.mean(0)) ** 2).sum()
    if total <= 0:
        return 0.0
    km = KMeans(n_clusters, n_init=4, random_state=random_state).fit(Z)
    return 1.0 - km.inertia_ / total


def cluster_structure(Z, n_clusters, random_state=None):
    """How much more clustered the rows ``Z`` are than a Gaussian cloud like them.

    The share of the variance that k-means with ``n_clusters`` explains on
    ``Z``, minus the share it explains on as many draws from a Gaussian with
    ``Z``'s mean and covariance.  Scale-free and label-free; near 0 for rows
    without cluster structure.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_features)
        Rows to score.
    n_clusters : int
        Number of clusters of the k-means.
    random_state : int, RandomState instance or None, default=None
        Seeds the Gaussian draws and the k-means starts.

    Returns
    -------
    score : float
        ``-inf`` when ``Z`` has no more rows than ``n_clusters`` (nothing to
        measure).
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape[0] <= n_clusters:
        return -np.inf
    rng = check_random_state(random_state)
    seed = rng.randint(np.iinfo(np.int32).max)
    cov = np.atleast_2d(np.cov(Z, rowvar=False))
    G = rng.multivariate_normal(Z.mean(0), cov, size=Z.shape[0], check_valid="ignore")
    return _explained(Z, n_clusters, seed) - _explained(G, n_clusters, seed)


def select_own_feature_modalities(R, U, observed, n_clusters, random_state=None):
    """Modalities whose own features ``R[m]`` are clearly more clustered than their codes.

    Parameters
    ----------
    R : list of ndarray of shape (n_samples, d_m)
        Every modality's own features (NaN on the rows not observing it).
    U : list of ndarray of shape (n_samples, latent_dim)
        Every modality's unified codes (NaN on the rows not observing it).
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        Blocks each row observes.
    n_clusters : int
        Number of clusters.
    random_state : int, RandomState instance or None, default=None
        Seeds :func:`cluster_structure`.

    Returns
    -------
    modalities : list of int
        Modalities ``m`` with ``cluster_structure(R[m]) > 0`` and at least
        :data:`OWN_FEATURE_RATIO` times ``cluster_structure(U[m])``, on the
        rows observing ``m``.
    scores : list of tuple of float
        ``(own features, codes)`` scores of every modality.
    """
    rng = check_random_state(random_state)
    chosen, scores = [], []
    for m, (Rm, Um) in enumerate(zip(R, U)):
        rows = observed[:, m]
        own = cluster_structure(Rm[rows], n_clusters, rng)
        codes = cluster_structure(Um[rows], n_clusters, rng)
        scores.append((own, codes))
        if own > 0 and own >= OWN_FEATURE_RATIO * max(codes, 0.0):
            chosen.append(m)
    return chosen, scores


def fit_block_imputers(R, observed, targets):
    """Ridge regressions predicting every target modality's features from each other's.

    Parameters
    ----------
    R : list of ndarray of shape (n_samples, d_m)
        Every modality's own features (NaN on the rows not observing it).
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        Blocks each row observes.
    targets : list of int
        Modalities to predict.

    Returns
    -------
    imputers : dict
        ``{j: [(m, model), ...]}``: for every target ``j``, a
        :class:`~sklearn.linear_model.RidgeCV` from modality ``m``'s
        features to ``j``'s, fitted on the rows observing both (at least
        :data:`MIN_IMPUTER_PAIRS`; its penalty chosen by generalised
        cross-validation from :data:`RIDGE_ALPHAS` times the trace of
        ``m``'s covariance on those rows).  Modalities with too few pairs, or
        constant features there, have no model.
    """
    imputers = {}
    for j in targets:
        models = []
        for m, Rm in enumerate(R):
            both = observed[:, j] & observed[:, m]
            if m == j or both.sum() < MIN_IMPUTER_PAIRS:
                continue
            scale = float(np.trace(np.atleast_2d(np.cov(Rm[both], rowvar=False))))
            if not np.isfinite(scale) or scale <= 0:
                continue
            models.append((m, RidgeCV(alphas=RIDGE_ALPHAS * scale).fit(Rm[both], R[j][both])))
        imputers[j] = models
    return imputers


def impute_blocks(R, observed, imputers):
    """Every target modality's features for every row, predicted where it is missing.

    Parameters
    ----------
    R : list of ndarray of shape (n_samples, d_m)
        Every modality's own features (NaN on the rows not observing it).
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        Blocks each row observes.
    imputers : dict
        From :func:`fit_block_imputers`, in its order of targets.

    Returns
    -------
    blocks : list of ndarray of shape (n_samples, d_j)
        One per target: the row's own features where it observes ``j``, else
        the mean of the predictions from the modalities it observes that have
        a model; NaN where it has none.
    available : ndarray of shape (n_samples, n_targets), dtype=bool
        Rows that have a value in each block.
    """
    blocks, available = [], []
    for j, models in imputers.items():
        block = np.array(R[j], dtype=np.float64, copy=True)
        has = observed[:, j].copy()
        total = np.zeros_like(block)
        count = np.zeros(block.shape[0])
        for m, model in models:
            rows = ~observed[:, j] & observed[:, m]
            if rows.any():
                total[rows] += model.predict(R[m][rows])
                count[rows] += 1
        fill = ~has & (count > 0)
        block[fill] = total[fill] / count[fill, None]
        blocks.append(block)
        available.append(has | fill)
    n = observed.shape[0]
    return blocks, (np.column_stack(available) if available else np.zeros((n, 0), dtype=bool))
