"""Final cluster assignment of DM2C: joint, matched, structure-matched or paired k-means.

Every function takes the unified codes of the observed blocks (``U[m]``, one
array per modality with NaN on the rows that do not observe ``m``) and the
``(n_samples, n_modalities)`` observed mask; a row observing several
modalities is one instance.

``"joint"`` is the published step: one k-means over the unified codes of all
rows (a multi-block row: the mean of its blocks' codes).  ``"matched"`` (an
option of this package) runs k-means on each modality's unified codes
separately and relabels every modality's clusters by a minimum-cost
one-to-one matching (Hungarian algorithm) of its centres to the reference
modality's centres, so that the translation only has to bring each cluster
near its counterpart, not to interleave the modalities row by row.
``"structure"`` (the unpaired default of this package) clusters every
modality on its own features and pairs the clusters across modalities by
the structure of their centres and their sizes
(:func:`structure_matched_kmeans`).  ``"paired"`` (the
default when rows observe several modalities) clusters the rows with one
centre per modality and cluster, tied together by the multi-block rows
(:func:`paired_kmeans`).
"""

import warnings

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.covariance import OAS
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score

from .._cluster_matching import match_clusters, within_cluster_covariance
from .._core._base import _count_distinct, kmeans_on_embedding, nearest_center
from .._core._validation import warn_empty_clusters
from .._rows import unit_rows
from ._joint_mixture import JointMixture, fit_joint_mixture

#: Geometries of the cluster centres compared by the unpaired matching
#: (``"structure"``): plain cosine and cosine after within-cluster whitening.
UNPAIRED_STRUCTURE = ("whitened-cosine", "cosine")


def joint_kmeans(Z, n_clusters, *, n_init, random_state, n_modalities):
    """Published assignment: k-means over all unified codes.

    Returns ``(labels, centers, modality_centers)``; every modality shares
    the same centres.
    """
    km = kmeans_on_embedding(Z, n_clusters, n_init=n_init, random_state=random_state)
    return km.labels_.astype(np.int64), km.cluster_centers_, [km.cluster_centers_] * n_modalities


def matched_kmeans(Z, modality, n_clusters, pivot, *, n_init, random_state, n_modalities):
    """Per-modality k-means in the unified space, clusters matched to the reference's.

    The reference is the unified modality ``pivot`` when it holds at least
    ``n_clusters`` distinct rows, else the modality with most rows.  A
    modality with too few distinct rows for its own k-means is assigned to
    the reference centres.

    Returns ``(labels, centers, modality_centers)``: ``centers`` are the
    reference modality's centres; ``modality_centers[m]`` are modality
    ``m``'s centres, row ``j`` belonging to cluster ``j``.
    """
    counts = [len(np.unique(Z[modality == m], axis=0)) for m in range(n_modalities)]
    ref = pivot if counts[pivot] >= n_clusters else int(np.argmax(counts))
    if counts[ref] < n_clusters:
        return joint_kmeans(Z, n_clusters, n_init=n_init, random_state=random_state,
                            n_modalities=n_modalities)
    labels = np.zeros(len(Z), dtype=np.int64)
    centers = [None] * n_modalities
    km = kmeans_on_embedding(Z[modality == ref], n_clusters, n_init=n_init,
                             random_state=random_state)
    centers[ref] = km.cluster_centers_
    labels[modality == ref] = km.labels_
    for m in range(n_modalities):
        if m == ref:
            continue
        rows = modality == m
        if counts[m] < n_clusters:
            centers[m] = centers[ref]
            if rows.any():
                labels[rows] = nearest_center(Z[rows], centers[ref])
            continue
        km_m = kmeans_on_embedding(Z[rows], n_clusters, n_init=n_init,
                                   random_state=random_state)
        cost = ((centers[ref][:, None, :] - km_m.cluster_centers_[None, :, :]) ** 2).sum(-1)
        ref_idx, m_idx = linear_sum_assignment(cost)
        relabel = np.empty(n_clusters, dtype=np.int64)
        relabel[m_idx] = ref_idx
        centers[m] = np.empty_like(km_m.cluster_centers_)
        centers[m][relabel] = km_m.cluster_centers_
        labels[rows] = relabel[km_m.labels_]
    return labels, centers[ref], centers


def fused_codes(U, observed):
    """Code of every row: the mean of the codes of the blocks it observes."""
    Z = np.zeros((observed.shape[0], U[0].shape[1]))
    for m, Um in enumerate(U):
        rows = observed[:, m]
        Z[rows] += Um[rows]
    return Z / observed.sum(1, keepdims=True)


def _unit_codes(U):
    """Block codes scaled to unit length (0 on the rows that do not observe the block)."""
    return [unit_rows(np.where(np.isnan(Um), 0.0, Um)) for Um in U]


def _block_cost(U, observed, centers, weights=None):
    """``cost[i, k]``: sum over the observed blocks of row i of the block's distance to
    ``C_m[k]``: ``w_m ||U_m[i] - C_m[k]||^2`` for a scalar weight ``w_m``, the squared
    Mahalanobis distance ``(U_m[i] - C_m[k])^T P_m (U_m[i] - C_m[k])`` for a precision
    matrix ``P_m``."""
    k = centers[0].shape[0]
    cost = np.zeros((observed.shape[0], k))
    for m, Um in enumerate(U):
        rows = observed[:, m]
        if not rows.any():
            continue
        w = 1.0 if weights is None else weights[m]
        X, C = Um[rows], centers[m]
        if np.ndim(w) == 2:
            # P = L L^T, so the Mahalanobis distance is the Euclidean one after L
            L = np.linalg.cholesky(w)
            X, C, w = X @ L, C @ L, 1.0
        # cdist, not a broadcast difference: no (rows, clusters, width) temporary
        cost[rows] += cdist(X, C, "sqeuclidean") * w
    return cost


def _block_centers(blocks, seen, labels, fallback):
    """Mean of every block over each cluster's rows observing it (``fallback[m][j]`` for
    a cluster without such rows)."""
    centers = []
    for m, Vm in enumerate(blocks):
        rows = seen[:, m]
        C = np.array(fallback[m], dtype=np.float64, copy=True)
        for j in range(C.shape[0]):
            members = rows & (labels == j)
            if members.any():
                C[j] = Vm[members].mean(0)
        centers.append(C)
    return centers


def _spherical_weights(blocks, seen, labels, centers):
    """Inverse of every block's mean squared distance to its cluster centres."""
    weights = []
    for m, Vm in enumerate(blocks):
        rows = seen[:, m]
        spread = ((Vm[rows] - centers[m][labels[rows]]) ** 2).sum(1).mean() if rows.any() else 1.0
        weights.append(1.0 / max(spread, 1e-12))
    return weights


def _isotropic_precision(weight, width):
    """Precision (a scalar times the identity) of a block of ``width`` dimensions whose
    spherical weight is ``weight`` (1 / its mean squared distance, which spreads over
    ``width`` dimensions)."""
    return weight * width


def _tied_precisions(blocks, seen, labels, centers, n_clusters):
    """Inverse of every block's within-cluster covariance, pooled over the clusters and
    shrunk by the Oracle Approximating Shrinkage estimator.

    A block with no more rows than clusters, or without spread, gets the
    isotropic covariance of its mean squared distance instead (a scalar
    weight: its width over that distance), so that every block's cost is a
    squared Mahalanobis distance of the same scale.
    """
    precisions = []
    for m, Vm in enumerate(blocks):
        rows = seen[:, m]
        residuals = Vm[rows] - centers[m][labels[rows]]
        # the mean squared distance, as in _spherical_weights, and its share per dimension
        spread = (residuals ** 2).sum(1).mean() if rows.any() else 1.0
        scale = spread / Vm.shape[1]
        if rows.sum() <= n_clusters or scale <= 1e-12:
            precisions.append(_isotropic_precision(1.0 / max(spread, 1e-12), Vm.shape[1]))
            continue
        cov = OAS(assume_centered=True).fit(residuals).covariance_
        # a floor far below the spread keeps the inverse defined for flat directions
        cov[np.diag_indices_from(cov)] += 1e-6 * scale
        precision = np.linalg.inv(cov)
        precisions.append((precision + precision.T) / 2)
    return precisions


def paired_kmeans(U, observed, n_clusters, *, n_init, random_state, max_iter=100,
                  extra=(), extra_observed=None, covariance="tied", extra_modalities=None,
                  n_starts=1):
    """Assignment for partially paired data: shared clusters, per-modality centres.

    The block codes are scaled to unit length.  k-means on the mean code of
    every row starts the clustering; it is then refined by a k-means in which
    every cluster has one centre PER MODALITY and a row's cost is the sum
    over its observed blocks of the squared distances to that modality's
    centre, each modality weighted by the inverse of its mean within-cluster
    distance.  Paired rows tie the modalities' centres to the same cluster;
    single-modality rows are compared with centres of their own modality,
    so a systematic offset between the modalities' unified codes (the
    modality gap) does not split clusters by modality.

    With ``covariance="tied"`` (the default) the refinement then goes on
    with every block's squared distances measured in the metric of its
    within-cluster covariance (pooled over the clusters, shrunk by the
    Oracle Approximating Shrinkage estimator): a classification EM of a
    Gaussian mixture with one covariance per block, shared by the clusters,
    which stops stretching clusters along the directions in which the codes
    vary within every cluster.  ``"spherical"`` stops after the first
    refinement.

    ``n_starts`` runs of the k-means start and its refinements (seeds
    ``random_state``, then draws from it) are compared by the
    classification log-likelihood of their last stage (:func:`_stage_loglik`):
    the Gaussian with every block's covariance, shared by the clusters,
    that the stage's metric measures; the most likely one is kept (and,
    with ``"cross-block"``, refined by the mixture).  One start is the
    behaviour before this option.

    ``extra`` blocks (any widths; ``extra_observed`` says which rows have
    them), scaled to unit length too, take part as further blocks: the
    starting k-means clusters the mean code concatenated with them, and the
    refinement gives each its centres and weight (DM2C's ``own_features``).

    With ``covariance="cross-block"`` the tied refinement is followed by the EM of
    a Gaussian mixture over all blocks side by side, with one full
    covariance shared by the clusters and a row's unobserved blocks
    marginalised (:mod:`._joint_mixture`): it also learns how the blocks of
    one instance vary together, from the rows observing several.  An extra
    block counts there as observed only on the rows observing its modality
    ``extra_modalities[j]`` (its predicted values are not used; without
    ``extra_modalities``, on the rows of ``extra_observed``).

    Returns ``(labels, centers, block_centers, weights)``: ``centers`` in the
    space of the mean unit code, ``block_centers`` and ``weights`` (scalars,
    or with ``"tied"`` precision matrices) for the modalities' codes, then
    the extra blocks; with ``"cross-block"``, ``block_centers`` are the mixture's
    means of every block and ``weights`` the fitted :class:`JointMixture`.
    A ``ConvergenceWarning`` says when the labels still changed after
    ``max_iter`` refinements of either k-means stage, or when the mixture's
    EM has not converged; a ``DegenerateClusteringWarning`` names the
    clusters the refinement (or the mixture) left without rows.
    """
    V = _unit_codes(U)
    E = _unit_codes(list(extra))
    blocks = V + E
    seen = observed if not E else np.hstack([observed, extra_observed])
    start = np.hstack([fused_codes(V, observed), *E])
    seeds = [random_state, *np.random.RandomState(random_state).randint(
        np.iinfo(np.int32).max, size=n_starts - 1)]
    best = None
    for seed in seeds:
        km = kmeans_on_embedding(start, n_clusters, n_init=n_init, random_state=seed)
        run = _refine_paired(blocks, seen, km, len(V), n_clusters, covariance, max_iter)
        if best is None or run[-1] > best[-1]:
            best = run
    labels, centers, weights, km, _ = best
    warn_empty_clusters(labels, n_clusters, "DM2CClustering: the per-modality-centre "
                        "k-means of the 'paired' assignment")
    if covariance == "cross-block":
        n_mod = observed.shape[1]
        own = (range(n_mod, n_mod + len(E)) if extra_modalities is None
               else extra_modalities)
        labels, weights = fit_joint_mixture(blocks, seen, labels, n_clusters,
                                            columns=[*range(n_mod), *own])
        centers = weights.block_means()
    return labels, km.cluster_centers_[:, :V[0].shape[1]], centers, weights


def _refine_paired(blocks, seen, km, n_codes, n_clusters, covariance, max_iter):
    """The refinements of :func:`paired_kmeans` from the k-means ``km`` of the mean code
    and the extra blocks (``blocks[n_codes:]``) side by side: ``(labels, centers,
    weights, km, log-likelihood of the last stage)``."""
    width = blocks[0].shape[1]
    edges = np.cumsum([width] + [b.shape[1] for b in blocks[n_codes:]])
    fallback = ([km.cluster_centers_[:, :width]] * n_codes
                + [km.cluster_centers_[:, a:b] for a, b in zip(edges[:-1], edges[1:])])
    labels = km.labels_.astype(np.int64)
    stages = [_spherical_weights] + ([] if covariance == "spherical" else [
        lambda b, s, lab, c: _tied_precisions(b, s, lab, c, n_clusters)])
    for name, metric in zip(["spherical", "tied"], stages):
        for _ in range(max_iter):
            centers = _block_centers(blocks, seen, labels, fallback)
            weights = metric(blocks, seen, labels, centers)
            new = np.argmin(_block_cost(blocks, seen, centers, weights), axis=1).astype(np.int64)
            if np.array_equal(new, labels):
                break
            labels = new
        else:
            warnings.warn(
                f"DM2CClustering: the per-modality-centre assignment ('paired', {name} "
                f"stage) still moved rows after max_iter={max_iter} refinements; its last "
                "labels are used.",
                ConvergenceWarning,
            )
            centers = _block_centers(blocks, seen, labels, fallback)
            weights = metric(blocks, seen, labels, centers)
    if covariance == "spherical":
        precisions = [_isotropic_precision(w, b.shape[1]) for w, b in zip(weights, blocks)]
    else:
        precisions = weights
    return labels, centers, weights, km, _stage_loglik(blocks, seen, labels, centers, precisions)


def _stage_loglik(blocks, seen, labels, centers, precisions):
    """Classification log-likelihood (up to a constant) of hard ``labels`` under one
    Gaussian per block and cluster, centred on ``centers[m][k]``, with the precision
    ``precisions[m]`` (a matrix, or a scalar times the identity) shared by the clusters."""
    cost = _block_cost(blocks, seen, centers, precisions)[np.arange(len(labels)), labels].sum()
    logdet = 0.0
    for m, (block, precision) in enumerate(zip(blocks, precisions)):
        if np.ndim(precision) == 2:
            det = np.linalg.slogdet(precision)[1]
        else:
            det = block.shape[1] * np.log(precision)
        logdet += seen[:, m].sum() * det
    return 0.5 * (logdet - cost)


def unclusterable_modality(R, observed, n_clusters):
    """``(m, n_distinct)`` of the first modality whose blocks ``R[m]`` hold fewer
    than ``n_clusters`` distinct rows (it cannot be clustered on its own), else None."""
    for m, Rm in enumerate(R):
        distinct = _count_distinct(Rm[observed[:, m]], n_clusters)
        if distinct < n_clusters:
            return m, distinct
    return None


def _cooccurrence(models, observed, m, pivot, n_clusters):
    """``C[i, j]``: rows observing modalities ``m`` and ``pivot`` whose blocks fall in
    cluster ``i`` of ``m`` and cluster ``j`` of ``pivot`` (None without such rows)."""
    both = observed[:, m] & observed[:, pivot]
    if m == pivot or not both.any():
        return None
    # position of each such row among the rows each modality's k-means was fitted on
    own = [models[i].labels_[np.cumsum(observed[:, i])[both] - 1] for i in (m, pivot)]
    counts = np.zeros((n_clusters, n_clusters))
    np.add.at(counts, tuple(own), 1.0)
    return counts


def structure_matched_kmeans(R, U, observed, n_clusters, pivot, *, n_init, random_state,
                             n_draws=1):
    """Assignment for unpaired data: clusters of each modality, matched as graphs.

    Every modality is clustered on its own features ``R[m]`` (k-means on the
    rows observing it), so each keeps its own cluster quality.  The clusters
    of every modality are then paired with those of the unified modality
    ``pivot`` by :func:`skdm2c._cluster_matching.match_clusters`: the matching
    that best preserves the structure of the cluster centres, compared as
    graphs in two geometries (cosine distances between the centres, and the
    same after whitening the modality by its pooled within-cluster
    covariance, which no invertible linear map of its features changes), the
    cluster sizes and, for rows observing several modalities, how often
    their blocks fall in each pair of clusters.  The distances between the
    clusters' mean unified codes (DM2C's learned translation) are not used:
    on stored cub10 fits they rank the correct matching no better than
    chance, and dropping them raised ACC on seven of eight sets (finding 19
    of ``benchmarks/DM2C_INVESTIGATION.md``).
    A row's cluster is the one with the lowest sum over its observed blocks
    of the squared distance to that modality's centre, each modality
    weighted by the inverse of its mean squared distance to its own k-means
    centres; for a single-block row that is its own modality's k-means
    cluster.

    With ``n_draws > 1`` the per-modality k-means and the matching are drawn
    that many times (successive seeds of ``random_state``; the first draw
    is the one-draw result) and the most typical draw is kept: the one with
    the highest summed adjusted Rand index to the other draws
    (:func:`most_typical`).  The matching's signal is weak, so single draws
    disagree; errors peculiar to one draw are what the others outvote.

    Parameters
    ----------
    R : list of ndarray of shape (n_samples, n_features_m)
        Features of every modality's blocks (NaN on the rows not observing it).
    U : list of ndarray of shape (n_samples, latent_dim)
        Unified codes of the same blocks (the mean code of each cluster).
    observed, n_clusters, pivot, n_init, random_state
        As in :func:`assign_clusters`.
    n_draws : int, default=1
        Draws of the per-modality clusterings and their matching; the most
        typical is kept.

    Returns
    -------
    labels, centers, modality_centers, weights
        ``centers``: the mean unified code of each cluster's rows;
        ``modality_centers[m]``: the centres in ``R[m]``'s space.

    Raises
    ------
    ValueError
        When a modality has fewer distinct rows than ``n_clusters``.
    """
    rng = np.random.RandomState(random_state)
    small = unclusterable_modality(R, observed, n_clusters)
    if small is not None:
        m, distinct = small
        raise ValueError(
            f"cluster_assignment='structure' clusters every modality on its own, but "
            f"modality {m} has {distinct} distinct rows for n_clusters={n_clusters}; use "
            "cluster_assignment='joint' or fewer clusters.")
    draws = []
    for _ in range(n_draws):
        models = _cluster_each_modality(R, observed, n_clusters, n_init=n_init, rng=rng)
        perm = _match_modality_clusters(models, R, observed, n_clusters, pivot, rng)
        draws.append((models, perm, *_matched_labels(models, perm, R, observed)))
    models, perm, labels, centers, weights = draws[most_typical([d[2] for d in draws])]
    fused = fused_codes(U, observed)
    pivot_codes = U[pivot][observed[:, pivot]]
    pivot_labels = perm[pivot][models[pivot].labels_]
    mean_codes = np.array([fused[labels == j].mean(0) if np.any(labels == j)
                           else pivot_codes[pivot_labels == j].mean(0)
                           for j in range(n_clusters)])
    return labels, mean_codes, centers, weights


def most_typical(labelings):
    """Index of the most typical of several labelings of the same rows.

    Parameters
    ----------
    labelings : list of ndarray of shape (n_samples,)
        Cluster labels of the same rows, from different draws.

    Returns
    -------
    index : int
        The labeling with the highest summed adjusted Rand index to the
        others (the first of ties; 0 for a single labeling).
    """
    n = len(labelings)
    agreement = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            agreement[i, j] = agreement[j, i] = adjusted_rand_score(labelings[i], labelings[j])
    return int(np.argmax(agreement.sum(axis=1)))


def _cluster_each_modality(R, observed, n_clusters, *, n_init, rng):
    """k-means of every modality's features on the rows observing it (one seed each from
    ``rng``)."""
    return [kmeans_on_embedding(Rm[observed[:, m]], n_clusters, n_init=n_init,
                                random_state=rng.randint(np.iinfo(np.int32).max))
            for m, Rm in enumerate(R)]


def matching_inputs(models, R, observed, n_clusters, pivot):
    """The unpaired step's matching problem, as keyword arguments.

    Parameters
    ----------
    models : list of fitted KMeans
        Every modality's k-means, fitted on the rows observing it.
    R : list of ndarray of shape (n_samples, n_features_m)
        Every modality's features (NaN on the rows not observing it).
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        Blocks each row observes.
    n_clusters : int
        Number of clusters.
    pivot : int
        The modality the others are matched to.

    Returns
    -------
    kwargs : dict
        For :func:`~skdm2c._cluster_matching.match_clusters` and
        :func:`~skdm2c._cluster_matching.matching_objective`: the centres,
        the cluster sizes, every modality's pooled within-cluster
        covariance, the co-occurrence counts of rows observing the modality
        and the pivot (``None`` without such rows), ``reference=pivot`` and
        ``structure=UNPAIRED_STRUCTURE``.
    """
    sizes = [np.bincount(km.labels_, minlength=n_clusters) for km in models]
    within = [within_cluster_covariance(R[m][observed[:, m]], km.labels_, km.cluster_centers_)
              for m, km in enumerate(models)]
    cooc = [_cooccurrence(models, observed, m, pivot, n_clusters) for m in range(len(models))]
    return dict(centers=[km.cluster_centers_ for km in models], sizes=sizes,
                cooccurrence=cooc, reference=pivot, structure=UNPAIRED_STRUCTURE,
                within_covariances=within)


def _match_modality_clusters(models, R, observed, n_clusters, pivot, rng, *, cross_cost=None,
                             cross_cost_weight=1.0):
    """``perm[m][k]``: the pivot's cluster matched to cluster ``k`` of modality ``m``, from
    the centres' structure (plain and whitened cosine), the sizes and co-occurrence (and an
    optional further linear cost per modality, as in :func:`match_clusters`)."""
    return match_clusters(**matching_inputs(models, R, observed, n_clusters, pivot),
                          cross_cost=cross_cost, cross_cost_weight=cross_cost_weight,
                          random_state=rng.randint(np.iinfo(np.int32).max))


def _matched_labels(models, perm, R, observed):
    """``(labels, centers, weights)`` of the structure assignment from every modality's
    k-means ``models`` and their matching ``perm`` to the pivot's clusters."""
    centers = [_relabel_rows(km.cluster_centers_, perm[m]) for m, km in enumerate(models)]
    # a modality's weight: the inverse of its mean squared distance to its own centres
    weights = [observed[:, m].sum() / max(km.inertia_, 1e-12) for m, km in enumerate(models)]
    return _structure_labels(models, perm, R, observed, centers, weights), centers, weights


def _relabel_rows(centers, perm):
    """Centres reordered so that row ``perm[k]`` holds centre ``k``."""
    out = np.empty_like(centers)
    out[perm] = centers
    return out


def _structure_labels(models, perm, R, observed, centers, weights):
    """A single-block row: its modality's k-means cluster, matched; a multi-block row: the
    lowest weighted sum of its blocks' squared distances to the matched centres."""
    labels = np.empty(observed.shape[0], dtype=np.int64)
    single = observed.sum(1) == 1
    for m, km in enumerate(models):
        rows = observed[:, m]
        own = single[rows]
        labels[np.flatnonzero(rows)[own]] = perm[m][km.labels_[own]]
    if not single.all():
        cost = _block_cost(R, observed, centers, weights)
        labels[~single] = np.argmin(cost[~single], axis=1)
    return labels


def assign_clusters(U, observed, n_clusters, *, how, pivot, n_init, random_state, R=None,
                    extra=(), extra_observed=None, covariance="tied", extra_modalities=None,
                    n_starts=1, n_draws=1):
    """Cluster the rows of packed data from their blocks' unified codes.

    Parameters
    ----------
    U : list of ndarray of shape (n_samples, latent_dim)
        Unified codes of every modality's blocks (NaN where not observed).
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        Blocks each row observes.
    n_clusters : int
        Number of clusters.
    how : {"joint", "matched", "structure", "paired"}
        ``"joint"``: the published k-means of all rows' (mean) codes;
        ``"matched"``: per-modality k-means matched to the reference
        modality's clusters (:func:`matched_kmeans`); ``"structure"``:
        :func:`structure_matched_kmeans` on the features ``R``;
        ``"paired"``: :func:`paired_kmeans`.
    pivot : int
        The unified modality (reference of ``"matched"``).
    n_init : int
        k-means restarts.
    random_state : int
        Seed of k-means.
    R : list of ndarray or None
        Every modality's own features of its blocks (``"structure"`` only).
    extra, extra_observed : list of ndarray, ndarray of bool
        Further blocks and the rows having them (``"paired"`` only; see
        :func:`paired_kmeans`).
    covariance : {"tied", "spherical", "cross-block"}, default="tied"
        Metric of the block distances of ``"paired"`` (see
        :func:`paired_kmeans`).
    extra_modalities : list of int, default=None
        The modality of every extra block (``"paired"`` with ``"cross-block"``).
    n_starts : int, default=1
        Starts of ``"paired"``, the most likely kept (see :func:`paired_kmeans`).
    n_draws : int, default=1
        Draws of ``"structure"``, the most typical kept (see
        :func:`structure_matched_kmeans`).

    Returns
    -------
    labels : ndarray of shape (n_samples,)
    centers : ndarray of shape (n_clusters, latent_dim)
    modality_centers : list of ndarray
        Centres used by :func:`nearest_observed` for each modality (in the
        space of ``R`` with ``"structure"``), then for each ``extra`` block.
    weights : list of float or ndarray, JointMixture, or None
        Per-modality weights of the block costs (``"paired"`` and
        ``"structure"``): scalars, or precision matrices (``"paired"`` with
        ``covariance="tied"``); the fitted mixture with ``"cross-block"``.
    """
    n_mod = observed.shape[1]
    if how == "paired":
        return paired_kmeans(U, observed, n_clusters, n_init=n_init, random_state=random_state,
                             extra=extra, extra_observed=extra_observed,
                             covariance=covariance, extra_modalities=extra_modalities,
                             n_starts=n_starts)
    if how == "structure":
        return structure_matched_kmeans(R, U, observed, n_clusters, pivot, n_init=n_init,
                                        random_state=random_state, n_draws=n_draws)
    if how == "matched":
        _, centers, per_modality = _matched_on_blocks(U, observed, n_clusters, pivot,
                                                      n_init=n_init, random_state=random_state)
        labels = np.argmin(_block_cost(U, observed, per_modality), axis=1).astype(np.int64)
        return labels, centers, per_modality, None
    labels, centers, per_modality = joint_kmeans(fused_codes(U, observed), n_clusters,
                                                 n_init=n_init, random_state=random_state,
                                                 n_modalities=n_mod)
    return labels, centers, per_modality, None


def _matched_on_blocks(U, observed, n_clusters, pivot, *, n_init, random_state):
    """:func:`matched_kmeans` on block codes (multi-block rows join every modality)."""
    n_mod = observed.shape[1]
    rows = [np.flatnonzero(observed[:, m]) for m in range(n_mod)]
    Z = np.concatenate([U[m][rows[m]] for m in range(n_mod)])
    modality = np.concatenate([np.full(len(rows[m]), m) for m in range(n_mod)])
    return matched_kmeans(Z, modality, n_clusters, pivot, n_init=n_init,
                          random_state=random_state, n_modalities=n_mod)


def nearest_observed(U, observed, modality_centers, *, how, weights=None):
    """Cluster of every row: the lowest summed block cost (see :func:`assign_clusters`).

    ``U`` holds the codes the centres live in: the unified block codes, or
    with ``how="structure"`` every modality's own features.
    """
    if how == "paired":
        U = _unit_codes(U)
    if isinstance(weights, JointMixture):
        return weights.predict(U, observed)
    return np.argmin(_block_cost(U, observed, modality_centers, weights),
                     axis=1).astype(np.int64)
