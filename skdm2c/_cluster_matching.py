"""Match the clusters of separately clustered modalities without paired rows.

In mixed-modal data every modality can be clustered on its own, but the
cluster ids of two modalities mean nothing to each other.  This module pairs
them (the idea of CPMN, Wang et al., NeurIPS 2025, "Learning from Disjoint
Views": match the cluster prototypes of the modalities as graphs) from the
signals unpaired data offers, plus known pairs where there are some:

* **structure** -- the matrix of distances between a modality's cluster
  centres, in its own space, compared with the reference's
  (Gromov-Wasserstein / quadratic assignment: dimensions may differ); the
  distances may be taken after whitening each modality by its pooled
  within-cluster covariance (the discriminant geometry of the clusters,
  unchanged by any invertible linear map of that modality's features);
* **cluster sizes** -- a large cluster should meet a large cluster;
* **co-occurrence** -- rows observed in several modalities (known pairs):
  ``C[i, j]`` paired rows fall in cluster ``i`` of the modality and in
  cluster ``j`` of the reference;
* **cross cost** -- any linear cost between the clusters, e.g. centre
  distances in a latent space shared by the modalities.

For one modality ``m`` and a candidate matching ``perm`` (cluster ``k`` of
``m`` goes to reference cluster ``perm[k]``) the objective minimised is::

    S(perm) / E[S]                                   (structure)
    + size_weight * Z(perm) / E[Z]                   (sizes)
    + cross_cost_weight * X(perm) / E[X]             (cross cost)
    + cooccurrence_weight * (n_pairs - sum_k C[k, perm[k]])

where ``S(perm) = sum_kl (D_m[k, l] - D_ref[perm[k], perm[l]])**2`` on the
distance matrices scaled to mean 1 (with several structures, one such
normalised term per structure, added), ``Z`` the summed absolute differences
of the cluster shares, ``X = sum_k cross_cost[k, perm[k]]`` and every ``E[.]``
the exact mean of that term over uniformly random matchings: each normalised
term is 1 for a blind pairing and 0 for a perfect one.  The co-occurrence
term counts the known pairs a matching breaks, so its weight is per pair and
it dominates the structure once there are many pairs.

The search starts from ``n_restarts`` (fused) Gromov-Wasserstein couplings
(POT; on the first structure), each from a random initial coupling, rounds
each to a one-to-one matching (Hungarian method) and improves it by swapping
pairs of assignments (2-opt) on the exact objective; the lowest objective
wins.
"""

import numbers

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
from sklearn.utils import check_random_state

__all__ = ["match_clusters", "matching_objective", "cluster_and_match",
           "within_cluster_covariance"]

_METHODS = ("gw", "linear")
_STRUCTURES = ("cosine", "euclidean", "whitened-cosine")


# ------------------------------------------------------------------ validation
def _check_weight(value, name):
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not np.isfinite(value) or value < 0):
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return float(value)


def _check_list_length(values, name, n_modalities, *, or_none=False):
    """``values`` must be a list (not an array) with one entry per modality."""
    if isinstance(values, np.ndarray) or not hasattr(values, "__len__"):
        raise ValueError(f"{name} must be a list with one entry per modality "
                         f"({n_modalities}){' or None' if or_none else ''}; "
                         f"got {type(values).__name__}.")
    if len(values) != n_modalities:
        raise ValueError(f"{name} must have one entry per modality ({n_modalities}); "
                         f"got {len(values)}.")


def _check_per_modality(values, name, n_modalities, shape, *, nonneg):
    """``None`` or a list with one array (or ``None``) per modality."""
    if values is None:
        return [None] * n_modalities
    _check_list_length(values, name, n_modalities, or_none=True)
    out = []
    for m, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        a = np.asarray(v, dtype=np.float64)
        if a.shape != shape:
            raise ValueError(f"{name}[{m}] must have shape {shape}; got {a.shape}.")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name}[{m}] contains NaN or infinite values.")
        if nonneg and np.any(a < 0):
            raise ValueError(f"{name}[{m}] must be non-negative.")
        out.append(a)
    return out


def _check_centers(centers):
    if not isinstance(centers, (list, tuple)):
        raise ValueError("centers must be a list with one (n_clusters, n_features_m) array "
                         f"per modality; got {type(centers).__name__}.")
    if len(centers) < 1:
        raise ValueError("centers must hold at least one modality; got an empty list.")
    out = []
    for m, c in enumerate(centers):
        if hasattr(c, "toarray"):  # scipy.sparse
            c = c.toarray()
        try:
            a = np.asarray(c, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"centers[{m}] must be a numeric 2-D array; {exc}.") from None
        if a.ndim != 2 or a.shape[0] < 1 or a.shape[1] < 1:
            raise ValueError(f"centers[{m}] must be a non-empty 2-D array "
                             f"(n_clusters, n_features_m); got shape {a.shape}.")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"centers[{m}] contains NaN or infinite values.")
        out.append(a)
    ks = [a.shape[0] for a in out]
    if len(set(ks)) != 1:
        raise ValueError(f"every modality must have the same number of clusters; "
                         f"centers have {ks} rows.")
    return out, ks[0]


def _check_within_covariances(values, structure, centers):
    """One ``(d_m, d_m)`` covariance per modality where ``"whitened-cosine"`` needs
    them (validated, by modality), else a list of ``None``."""
    n_mod = len(centers)
    if "whitened-cosine" not in structure:
        return [None] * n_mod
    if values is None:
        raise ValueError("structure='whitened-cosine' needs within_covariances: one pooled "
                         "within-cluster covariance per modality.")
    _check_list_length(values, "within_covariances", n_mod)
    out = []
    for m, (v, c) in enumerate(zip(values, centers)):
        d = c.shape[1]
        a = None if v is None else np.asarray(v, dtype=np.float64)
        if a is None or a.shape != (d, d):
            raise ValueError(f"within_covariances[{m}] must have shape {(d, d)}; got "
                             f"{None if a is None else a.shape}.")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"within_covariances[{m}] contains NaN or infinite values.")
        if np.trace(a) <= 0:
            raise ValueError(f"within_covariances[{m}] must have a positive trace.")
        out.append(a)
    return out


# ------------------------------------------------------------------ objective
def _check_structure(structure):
    """``structure`` as a tuple of distinct names from ``_STRUCTURES``."""
    names = (structure,) if isinstance(structure, str) else structure
    if (not isinstance(names, (tuple, list)) or not names
            or any(not isinstance(n, str) or n not in _STRUCTURES for n in names)
            or len(set(names)) != len(names)):
        raise ValueError(f"structure must be one of {_STRUCTURES} or a non-empty tuple of "
                         f"distinct ones; got {structure!r}.")
    return tuple(names)


def _whiten(center, covariance):
    """``center`` in the coordinates where ``covariance`` is the identity (eigenvalues
    floored at 1e-9 of the largest, so a singular covariance stays usable)."""
    ev, vecs = np.linalg.eigh((covariance + covariance.T) / 2.0)
    top = ev.max() if ev.size and ev.max() > 0 else 1.0
    return center @ vecs / np.sqrt(np.maximum(ev, 1e-9 * top))


def _structure(center, share, kind, covariance=None):
    """Distances between cluster centres, scaled to mean 1 off the diagonal.

    ``"cosine"`` measures angles around the centre of mass of the clusters
    (weighted by ``share`` when known: the data mean for k-means centres);
    ``"whitened-cosine"`` the same after whitening by the pooled
    within-cluster ``covariance``.
    """
    if kind == "whitened-cosine":
        center, kind = _whiten(center, covariance), "cosine"
    if kind == "cosine":
        w = np.full(len(center), 1.0 / len(center)) if share is None else share
        center = center - w @ center
        d = cdist(center, center, "cosine") if len(center) > 1 else np.zeros((1, 1))
        d = np.nan_to_num(d, nan=1.0)  # a centre at the centre of mass: no direction
        np.fill_diagonal(d, 0.0)
    else:
        d = cdist(center, center)
    k = len(d)
    off = d[~np.eye(k, dtype=bool)]
    scale = off.mean() if off.size and off.mean() > 0 else 1.0
    return d / scale


def _mean_quadratic(a, b):
    """Mean of sum_{k != l} (a[k,l] - b[p(k), p(l)])**2 over random permutations p."""
    k = len(a)
    off = ~np.eye(k, dtype=bool)
    ao, bo = a[off], b[off]
    return float((ao ** 2).sum() + (bo ** 2).sum() - 2.0 * ao.sum() * bo.mean())


class _Objective:
    """Exact objective of one modality's matching: the linear terms plus one
    normalised quadratic term per pair ``(a, b)`` of structure matrices."""

    def __init__(self, pairs, linear):
        self.linear = linear
        self.terms = []
        for a, b in pairs:
            mean = _mean_quadratic(a, b)
            if mean > 0:
                self.terms.append((a, b, 1.0 / mean))

    @property
    def scale(self):
        """Scale of the first structure term (0 without one): the GW start's."""
        return self.terms[0][2] if self.terms else 0.0

    def __call__(self, perm):
        value = self.linear[np.arange(len(perm)), perm].sum()
        for a, b, scale in self.terms:
            value += scale * ((a - b[np.ix_(perm, perm)]) ** 2).sum()
        return float(value)

    def two_opt(self, perm):
        """Swap pairs of assignments while that lowers the objective (best swap first)."""
        perm = perm.copy()
        k = len(perm)
        best = self(perm)
        while k > 1:
            candidates = []
            for i in range(k - 1):
                for j in range(i + 1, k):
                    p = perm.copy()
                    p[i], p[j] = p[j], p[i]
                    candidates.append((self(p), i, j))
            value, i, j = min(candidates)
            if value >= best - 1e-12 * max(1.0, abs(best)):
                break
            perm[i], perm[j] = perm[j], perm[i]
            best = value
        return perm, best


def _linear_terms(k, p, q, size_weight, cooc, cooc_weight, cross, cross_weight):
    """k x k linear cost L with objective term sum_k L[k, perm[k]]."""
    L = np.zeros((k, k))
    if size_weight and p is not None and q is not None:
        z = np.abs(p[:, None] - q[None, :])
        mean = z.mean() * k
        if mean > 0:
            L += size_weight * z / mean
    if cross_weight and cross is not None:
        x = cross - cross.min()
        mean = x.mean() * k
        if mean > 0:
            L += cross_weight * x / mean
    if cooc is not None and cooc_weight:
        L += cooc_weight * (cooc.sum(axis=1, keepdims=True) - cooc)
    return L


def _gw_start(a, b, L, p, q, G0, scale):
    """A (fused) Gromov-Wasserstein coupling from ``G0``, as a matching."""
    import ot

    k = len(a)
    if np.any(L):
        # alpha * GW + (1 - alpha) <M, T> with T = P / k reproduces
        # scale * S(perm) + sum L[k, perm k] up to the factor 2 / k**2
        c = np.sqrt(2.0 * scale) * k if scale else 0.0
        T = ot.gromov.fused_gromov_wasserstein(
            2.0 * k * L, c * a, c * b, p, q, loss_fun="square_loss", alpha=0.5,
            G0=G0, max_iter=200, tol_rel=1e-7, tol_abs=1e-9)
    else:
        T = ot.gromov.gromov_wasserstein(a, b, p, q, loss_fun="square_loss", G0=G0,
                                         max_iter=200, tol_rel=1e-7, tol_abs=1e-9)
    T = np.asarray(T, dtype=np.float64)
    T = T / np.maximum(T.sum(axis=1, keepdims=True), 1e-300)
    _, cols = linear_sum_assignment(-T)
    return cols.astype(np.int64)


def _match_one(pairs, L, p, q, method, n_restarts, rng):
    """Matching of one modality: ``pairs`` holds one ``(a, b)`` of structure matrices
    (modality, reference) per structure; the GW starts use the first."""
    k = len(L)
    if k == 1:
        return np.zeros(1, dtype=np.int64)
    if method == "linear":
        _, cols = linear_sum_assignment(L)
        return cols.astype(np.int64)
    obj = _Objective(pairs, L)
    a, b = pairs[0]
    pu = np.full(k, 1.0 / k) if p is None else p
    qu = np.full(k, 1.0 / k) if q is None else q
    starts = []
    if np.any(L):
        starts.append(linear_sum_assignment(L)[1].astype(np.int64))
    for r in range(n_restarts):
        if r == 0:
            G0 = np.outer(pu, qu)  # the product coupling
        else:  # a random vertex of the coupling polytope, mixed with the product
            import ot
            G0 = 0.5 * ot.emd(pu, qu, rng.uniform(size=(k, k))) + 0.5 * np.outer(pu, qu)
        with np.errstate(all="ignore"):
            try:
                starts.append(_gw_start(a, b, L, pu, qu, G0, obj.scale))
            except (ValueError, FloatingPointError):  # a degenerate relaxation
                starts.append(rng.permutation(k).astype(np.int64))
        starts.append(rng.permutation(k).astype(np.int64))
    best, best_value = None, np.inf
    for s in starts:
        perm, value = obj.two_opt(s)
        if value < best_value - 1e-12:
            best, best_value = perm, value
    return best


def _prepare(centers, sizes, cooccurrence, cross_cost, reference, method, structure,
             within_covariances, size_weight, cooccurrence_weight, cross_cost_weight):
    """Validate :func:`match_clusters`' inputs and build every modality's matching problem.

    Returns ``(k, problems)``: ``problems[m]`` is ``None`` for the reference and
    otherwise ``(pairs, L, p, q)``: the ``(modality, reference)`` structure
    matrices (one pair per structure; ``None`` for ``method="linear"``), the
    linear cost and the relaxation's marginals (``None`` without sizes).
    """
    centers, k = _check_centers(centers)
    n_mod = len(centers)
    if (isinstance(reference, bool) or not isinstance(reference, numbers.Integral)
            or not 0 <= reference < n_mod):
        raise ValueError(f"reference must be an int in [0, {n_mod - 1}]; got {reference!r}.")
    structure = _check_structure(structure)
    covariances = _check_within_covariances(within_covariances, structure, centers)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    size_weight = _check_weight(size_weight, "size_weight")
    cooccurrence_weight = _check_weight(cooccurrence_weight, "cooccurrence_weight")
    cross_cost_weight = _check_weight(cross_cost_weight, "cross_cost_weight")
    sizes = _check_per_modality(sizes, "sizes", n_mod, (k,), nonneg=True)
    cooccurrence = _check_per_modality(cooccurrence, "cooccurrence", n_mod, (k, k),
                                       nonneg=True)
    cross_cost = _check_per_modality(cross_cost, "cross_cost", n_mod, (k, k), nonneg=False)
    shares = []
    for m, s in enumerate(sizes):
        if s is not None and s.sum() <= 0:
            raise ValueError(f"sizes[{m}] must have a positive sum.")
        shares.append(None if s is None else s / s.sum())
    structures = ([[_structure(c, w, kind, cov) for kind in structure]
                   for c, w, cov in zip(centers, shares, covariances)]
                  if method == "gw" else None)
    problems = []
    for m in range(n_mod):
        if m == reference:
            problems.append(None)
            continue
        L = _linear_terms(k, shares[m], shares[reference], size_weight, cooccurrence[m],
                          cooccurrence_weight, cross_cost[m], cross_cost_weight)
        if method == "linear" and k > 1 and not np.any(L):
            raise ValueError(
                f"method='linear' needs a linear signal for modality {m}: a non-zero "
                "cooccurrence or cross_cost entry with a positive weight, or sizes "
                "with size_weight > 0.")
        p = q = None
        if shares[m] is not None and shares[reference] is not None:
            # marginals for the relaxation; a tiny floor keeps empty clusters matchable
            p = (shares[m] + 1e-3 / k) / (1 + 1e-3)
            q = (shares[reference] + 1e-3 / k) / (1 + 1e-3)
        pairs = list(zip(structures[m], structures[reference])) if structures else None
        problems.append((pairs, L, p, q))
    return k, problems


# ------------------------------------------------------------------ public API
def match_clusters(centers, *, sizes=None, cooccurrence=None, cross_cost=None, reference=0,
                   method="gw", structure="cosine", within_covariances=None, n_restarts=10,
                   size_weight=1.0, cooccurrence_weight=1.0, cross_cost_weight=1.0,
                   random_state=None):
    """Match the clusters of every modality to those of a reference modality.

    Each modality is clustered on its own; this finds, for every modality,
    the one-to-one correspondence of its clusters with the reference's that
    best agrees with the structure of the cluster centres (distances between
    centres, compared across modalities as graphs: Gromov-Wasserstein /
    quadratic assignment, so the spaces may differ) and with the optional
    linear signals: cluster sizes, counts of known pairs, and a cross-modal
    cost.  See the module docstring for the exact objective.

    Parameters
    ----------
    centers : list of array-like of shape (n_clusters, n_features_m)
        Cluster centres of each modality, in that modality's own space
        (widths may differ; the number of clusters must not).
    sizes : list of array-like of shape (n_clusters,) or None, default=None
        Number of rows in each cluster, per modality (an entry may be
        ``None``).  Used as the marginals of the Gromov-Wasserstein
        relaxation and, with ``size_weight > 0``, as a linear term.
    cooccurrence : list of array-like of shape (n_clusters, n_clusters) or None, default=None
        ``cooccurrence[m][i, j]``: number of rows observed in both modality
        ``m`` (in its cluster ``i``) and the reference (in its cluster
        ``j``).  An entry may be ``None``; the reference's entry is ignored.
    cross_cost : list of array-like of shape (n_clusters, n_clusters) or None, default=None
        ``cross_cost[m][i, j]``: a cost of matching cluster ``i`` of modality
        ``m`` to cluster ``j`` of the reference that is comparable across
        modalities (e.g. centre distances in a shared latent space).
    reference : int, default=0
        Modality whose cluster indices the others are mapped to.
    method : {"gw", "linear"}, default="gw"
        ``"gw"``: structure plus the linear terms, searched from
        ``n_restarts`` Gromov-Wasserstein starts with 2-opt refinement.
        ``"linear"``: the linear terms alone, solved exactly by the
        Hungarian method (needs ``cooccurrence``, ``cross_cost`` or sizes
        with ``size_weight > 0`` for every non-reference modality).
    structure : {"cosine", "euclidean", "whitened-cosine"} or tuple of them, default="cosine"
        Intra-modality distance between cluster centres compared across
        modalities: cosine distance around the clusters' centre of mass
        (size-weighted when ``sizes`` are given), Euclidean distance, or the
        cosine distance after whitening each modality by its
        ``within_covariances`` entry (the pooled within-cluster covariance:
        then the distances do not change under an invertible linear map of
        that modality's features); each is scaled to mean 1.  A tuple adds
        one normalised structure term per name (the Gromov-Wasserstein starts
        use the first).  Cosine was chosen by measurement
        (``benchmarks/check_cluster_matching.md``); DM2C's unpaired
        assignment uses ``("whitened-cosine", "cosine")``
        (``benchmarks/DM2C_INVESTIGATION.md``, finding 19).
    within_covariances : list of array-like of shape (n_features_m, n_features_m) or None, \
default=None
        Pooled within-cluster covariance of every modality, in the space of
        its ``centers``; required by ``"whitened-cosine"``, ignored otherwise.
    n_restarts : int, default=10
        Random Gromov-Wasserstein starts per modality (each also adds a
        random-permutation start); more starts find lower objectives.
    size_weight : float, default=1.0
        Weight of the cluster-share term (1 = as strong as the structure
        term for a random matching); used when ``sizes`` are given.
    cooccurrence_weight : float, default=1.0
        Weight of every known pair that a matching breaks, relative to the
        structure term (which is 1 for a random matching).
    cross_cost_weight : float, default=1.0
        Weight of the normalised ``cross_cost`` term.
    random_state : int, RandomState instance or None, default=None
        Seeds the random starts.

    Returns
    -------
    perm : list of ndarray of shape (n_clusters,), dtype int64
        ``perm[m][k]`` is the reference cluster matched to cluster ``k`` of
        modality ``m``; ``perm[reference]`` is the identity.  Relabel
        modality ``m``'s rows with ``perm[m][labels_m]``.

    Raises
    ------
    ValueError
        On a malformed ``centers`` / ``sizes`` / ``cooccurrence`` /
        ``cross_cost`` / ``within_covariances`` entry (named with its
        modality), an invalid ``reference``, ``method``, ``structure``,
        ``n_restarts`` or weight, ``"whitened-cosine"`` without
        ``within_covariances``, or ``method="linear"`` without a linear
        signal.

    See Also
    --------
    cluster_and_match : Per-modality k-means followed by this matching.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c._cluster_matching import match_clusters
    >>> rng = np.random.RandomState(0)
    >>> a = rng.normal(size=(5, 3)) * [1, 2, 4]
    >>> q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    >>> b = (a @ q)[[3, 0, 4, 1, 2]]  # rotated, clusters relabelled
    >>> perm = match_clusters([a, b], random_state=0)
    >>> perm[1].tolist()
    [3, 0, 4, 1, 2]
    """
    k, problems = _prepare(centers, sizes, cooccurrence, cross_cost, reference, method,
                           structure, within_covariances, size_weight, cooccurrence_weight,
                           cross_cost_weight)
    if (isinstance(n_restarts, bool) or not isinstance(n_restarts, numbers.Integral)
            or n_restarts < 1):
        raise ValueError(f"n_restarts must be an int >= 1; got {n_restarts!r}.")
    rng = check_random_state(random_state)
    perms = []
    for problem in problems:
        if problem is None:  # the reference
            perms.append(np.arange(k, dtype=np.int64))
            continue
        pairs, L, p, q = problem
        perms.append(_match_one(pairs, L, p, q, method, int(n_restarts), rng))
    return perms


def matching_objective(centers, perms, *, sizes=None, cooccurrence=None, cross_cost=None,
                       reference=0, structure="cosine", within_covariances=None,
                       size_weight=1.0, cooccurrence_weight=1.0, cross_cost_weight=1.0):
    """The objective :func:`match_clusters` minimises, for given matchings, and its
    mean over random matchings.

    A diagnostic of how much the unpaired signals say, for data where the
    correct matching is known (labelled development data): the correct
    matching's objective against the random mean measures whether the
    signals can identify the correspondence at all
    (``benchmarks/check_matching_signal.py``).  The optimum that
    :func:`match_clusters` finds is no such measure: being the lowest of
    many matchings, it lies well below the random mean even where the
    signals carry nothing (uci_mfeat: 1.31 against 3.00, with the correct
    matching at 2.88).

    Parameters
    ----------
    centers, sizes, cooccurrence, cross_cost, reference, structure, \
within_covariances, size_weight, cooccurrence_weight, cross_cost_weight
        As in :func:`match_clusters` (``method="gw"``).
    perms : list of array-like of shape (n_clusters,)
        One matching per modality, as :func:`match_clusters` returns them;
        the reference's entry is ignored.

    Returns
    -------
    objective : ndarray of shape (n_modalities,)
        The objective of every modality's matching (0 for the reference).
    random_mean : ndarray of shape (n_modalities,)
        Its exact mean over uniformly random matchings (0 for the
        reference): one per normalised structure term, plus the mean of the
        linear terms.

    Raises
    ------
    ValueError
        On any input :func:`match_clusters` refuses, or a ``perms`` entry
        that is not a permutation of the clusters.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c._cluster_matching import match_clusters, matching_objective
    >>> rng = np.random.RandomState(0)
    >>> a = rng.normal(size=(5, 3)) * [1, 2, 4]
    >>> b = a[[3, 0, 4, 1, 2]] + 0.01 * rng.normal(size=(5, 3))
    >>> perm = match_clusters([a, b], random_state=0)
    >>> objective, random_mean = matching_objective([a, b], perm)
    >>> bool(objective[1] < 0.01 * random_mean[1])
    True
    """
    k, problems = _prepare(centers, sizes, cooccurrence, cross_cost, reference, "gw",
                           structure, within_covariances, size_weight, cooccurrence_weight,
                           cross_cost_weight)
    _check_list_length(perms, "perms", len(problems))
    objective, random_mean = np.zeros(len(problems)), np.zeros(len(problems))
    for m, problem in enumerate(problems):
        if problem is None:
            continue
        perm = np.asarray(perms[m])
        if (perm.shape != (k,) or perm.dtype.kind not in "iu"
                or not np.array_equal(np.sort(perm), np.arange(k))):
            raise ValueError(f"perms[{m}] must be a permutation of range({k}); got "
                             f"{perms[m]!r}.")
        pairs, L, _, _ = problem
        obj = _Objective(pairs, L)
        objective[m] = obj(perm)
        random_mean[m] = len(obj.terms) + L.sum() / k
    return objective, random_mean


def within_cluster_covariance(X, labels, centers):
    """Pooled within-cluster covariance of ``X``, shrunk by OAS.

    The covariance of every row's offset from its cluster's centre, with the
    Oracle Approximating Shrinkage of scikit-learn (well conditioned even
    when the rows are few for the width): the ``within_covariances`` entry
    of :func:`match_clusters` for one modality.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        Cluster of every row (indices into ``centers``).
    centers : ndarray of shape (n_clusters, n_features)

    Returns
    -------
    covariance : ndarray of shape (n_features, n_features)
    """
    from sklearn.covariance import oas

    return oas(np.asarray(X, dtype=np.float64) - centers[labels], assume_centered=True)[0]


def cluster_and_match(views, n_clusters, *, paired_views=None, reference=0, n_init=10,
                      use_sizes=True, random_state=None, **match_params):
    """Cluster every modality with k-means, then match the clusters across modalities.

    Parameters
    ----------
    views : list of array-like of shape (n_samples_m, n_features_m)
        The rows of each modality (different instances in each), already
        preprocessed (e.g. standardised, reduced).
    n_clusters : int
        Clusters per modality.
    paired_views : list of array-like of shape (n_pairs, n_features_m) or None, default=None
        Known pairs: row ``i`` of every array is the same instance seen in
        each modality.  Each modality's k-means labels them, and the counts
        of label pairs become the ``cooccurrence`` term of
        :func:`match_clusters`.
    reference : int, default=0
        Modality whose cluster indices are the common ones.
    n_init : int, default=10
        k-means restarts per modality.
    use_sizes : bool, default=True
        Pass the k-means cluster sizes to :func:`match_clusters`.
    random_state : int, RandomState instance or None, default=None
        Seeds k-means and the matching.
    **match_params : dict
        Further parameters of :func:`match_clusters` (``method``,
        ``structure``, ``n_restarts``, weights, ``cross_cost``).  With a
        ``"whitened-cosine"`` structure the within-cluster covariances are
        computed from the k-means fits (:func:`within_cluster_covariance`).

    Returns
    -------
    labels : list of ndarray of shape (n_samples_m,)
        Cluster of every row of each modality, in the common (reference)
        cluster index.
    perm : list of ndarray of shape (n_clusters,)
        The matching (see :func:`match_clusters`).

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c._cluster_matching import cluster_and_match
    >>> rng = np.random.RandomState(0)
    >>> means = rng.normal(scale=6, size=(3, 2))
    >>> xa = np.repeat(means, 30, axis=0) + rng.normal(size=(90, 2))
    >>> xb = np.repeat(means[:, ::-1], 30, axis=0) + rng.normal(size=(90, 2))
    >>> labels, perm = cluster_and_match([xa, xb], 3, random_state=0)
    >>> bool(np.all(labels[0] == labels[1]))
    True
    """
    from sklearn.cluster import KMeans

    if isinstance(views, np.ndarray) or not hasattr(views, "__len__") or len(views) < 1:
        raise ValueError("views must be a non-empty list with one 2-D array per modality.")
    if (isinstance(n_clusters, bool) or not isinstance(n_clusters, numbers.Integral)
            or n_clusters < 1):
        raise ValueError(f"n_clusters must be an int >= 1; got {n_clusters!r}.")
    arrays = []
    for m, v in enumerate(views):
        a = np.asarray(v, dtype=np.float64)
        if a.ndim != 2 or not np.all(np.isfinite(a)):
            raise ValueError(f"views[{m}] must be a finite 2-D array; got shape {a.shape}.")
        if len(np.unique(a, axis=0)) < n_clusters:
            raise ValueError(f"views[{m}] has fewer distinct rows than n_clusters="
                             f"{n_clusters}; its clusters cannot be formed.")
        arrays.append(a)
    rng = check_random_state(random_state)
    models = [KMeans(n_clusters=n_clusters, n_init=n_init,
                     random_state=rng.randint(np.iinfo(np.int32).max)).fit(a) for a in arrays]
    cooc = None
    if paired_views is not None:
        if len(paired_views) != len(arrays):
            raise ValueError(f"paired_views must have one array per modality ({len(arrays)}); "
                             f"got {len(paired_views)}.")
        pl = []
        for m, (v, km) in enumerate(zip(paired_views, models)):
            a = np.asarray(v, dtype=np.float64)
            if a.ndim != 2 or a.shape[1] != arrays[m].shape[1] or not np.all(np.isfinite(a)):
                raise ValueError(f"paired_views[{m}] must be a finite 2-D array with "
                                 f"{arrays[m].shape[1]} columns; got shape {a.shape}.")
            pl.append(km.predict(a) if len(a) else np.zeros(0, dtype=np.int64))
        if len({len(x) for x in pl}) != 1:
            raise ValueError("paired_views must all have the same number of rows.")
        cooc = []
        for m in range(len(arrays)):
            c = np.zeros((n_clusters, n_clusters))
            np.add.at(c, (pl[m], pl[reference]), 1)
            cooc.append(c)
    sizes = ([np.bincount(km.labels_, minlength=n_clusters) for km in models]
             if use_sizes else None)
    if ("whitened-cosine" in _check_structure(match_params.get("structure", "cosine"))
            and match_params.get("within_covariances") is None):
        match_params["within_covariances"] = [
            within_cluster_covariance(a, km.labels_, km.cluster_centers_)
            for a, km in zip(arrays, models)]
    perm = match_clusters([km.cluster_centers_ for km in models], sizes=sizes,
                          cooccurrence=cooc, reference=reference, random_state=rng,
                          **match_params)
    labels = [perm[m][km.labels_] for m, km in enumerate(models)]
    return labels, perm
