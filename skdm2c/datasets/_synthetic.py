"""Synthetic mixed-modal blobs: different non-linear views of the same clusters."""

import numpy as np
from sklearn.utils import check_random_state

from .._modality import _check_dims
from ._mixed import _check_int, _check_proportions, _draw_assignment, make_mixed_modal

__all__ = ["make_mixed_modal_blobs"]

# Shape constants of the generator (not tuned per call).
_MIN_CENTRE_DISTANCE = 2.0  # smallest distance between two latent cluster centres
_LENS_RATIO = 0.35  # weakest / strongest latent direction seen by a modality
_HIDDEN = 32  # hidden width of the random per-modality networks
_SCALE_STEP = 0.2  # default feature scale of modality m is _SCALE_STEP ** m


def _orthonormal(rng, n_rows, n_cols):
    """A random matrix with orthonormal rows or columns (whichever is fewer)."""
    q, r = np.linalg.qr(rng.standard_normal((max(n_rows, n_cols),) * 2))
    q = q * np.sign(np.diag(r))  # Haar-distributed
    return q[:n_rows, :n_cols]


def _centres(rng, n_clusters, latent_dim):
    """Well separated cluster centres with minimum pairwise distance 2.

    Up to ``latent_dim + 1`` clusters sit on the vertices of a randomly
    rotated regular simplex (no three centres collinear).  More clusters are
    the best of 30 random draws (largest minimum distance), rescaled.
    """
    if n_clusters == 1:
        return np.zeros((1, latent_dim))
    if n_clusters <= latent_dim + 1:
        simplex = np.eye(n_clusters) - 1.0 / n_clusters
        _, _, vt = np.linalg.svd(simplex)
        coords = simplex @ vt[: n_clusters - 1].T  # (k, k - 1), a regular simplex
        centres = coords @ _orthonormal(rng, latent_dim, latent_dim)[: n_clusters - 1]
    else:
        best, best_d = None, -1.0
        for _ in range(30):
            c = rng.standard_normal((n_clusters, latent_dim))
            d = np.sqrt(((c[:, None] - c[None]) ** 2).sum(-1))
            d_min = d[np.triu_indices(n_clusters, 1)].min()
            if d_min > best_d:
                best, best_d = c, d_min
        centres = best
    d = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(-1))
    return centres * (_MIN_CENTRE_DISTANCE / d[np.triu_indices(n_clusters, 1)].min())


def _lens(rng, latent_dim, n_modalities):
    """Per-modality linear lenses: each modality stresses other latent directions.

    Lens ``m`` scales a random orthonormal latent basis by
    ``geomspace(1, _LENS_RATIO)``, rotated by ``pi * m / n_modalities`` in the
    plane of its first two axes, so no two modalities stress the same
    direction.
    """
    scales = np.geomspace(1.0, _LENS_RATIO, latent_dim)
    base = _orthonormal(rng, latent_dim, latent_dim)
    lenses = []
    for m in range(n_modalities):
        rot = np.eye(latent_dim)
        if latent_dim >= 2:
            a = np.pi * m / n_modalities
            rot[:2, :2] = [[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]
        basis = base @ rot
        lenses.append(basis @ np.diag(scales) @ basis.T)
    return lenses


def _random_map(rng, latent, n_out, activation):
    """A random 2-layer network ``activation(z W1 + b1) W2`` with random weights.

    ``W1`` and ``W2`` have orthonormal rows/columns, so the map is a smooth
    non-linear warp followed by a random rotation into ``n_out`` dimensions.
    """
    latent_dim = latent.shape[1]
    w1 = _orthonormal(rng, latent_dim, _HIDDEN) * np.sqrt(_HIDDEN / latent_dim)
    b1 = rng.uniform(-1.0, 1.0, _HIDDEN)
    w2 = _orthonormal(rng, _HIDDEN, n_out)
    return activation(latent @ w1 + b1) @ w2


def _cluster_labels(n_samples, n_clusters, weights):
    """Labels with exact per-cluster counts from ``weights`` (sorted order)."""
    if weights is None:
        return np.arange(n_samples) % n_clusters
    w = np.asarray(weights, dtype=float)
    if w.shape != (n_clusters,) or not np.all(np.isfinite(w)) or np.any(w <= 0):
        raise ValueError(
            f"weights must hold {n_clusters} positive numbers; "
            f"got {np.asarray(weights).tolist()!r}."
        )
    w = w / w.sum()
    counts = np.maximum(1, np.floor(w * n_samples).astype(int))
    while counts.sum() < n_samples:
        counts[np.argmax(w * n_samples - counts)] += 1
    while counts.sum() > n_samples:
        counts[np.argmax(counts)] -= 1
    return np.repeat(np.arange(n_clusters), counts)


def make_mixed_modal_blobs(
    n_samples=300,
    *,
    n_clusters=3,
    weights=None,
    modality_dims=(20, 10),
    latent_dim=2,
    cluster_std=0.15,
    noise=0.05,
    proportions=None,
    modality_names=None,
    modality_scales=None,
    random_state=None,
    return_modality=False,
    return_bunch=False,
):
    """Generate mixed-modal blobs: each modality a different non-linear view.

    The clusters live in a low-dimensional latent space: ``n_clusters``
    well separated centres (minimum distance 2; a regular simplex when
    ``n_clusters <= latent_dim + 1``) and isotropic Gaussian points around
    them.  Every modality observes the latent points through its OWN map: a
    linear lens that stresses a different latent direction per modality
    (anisotropy 0.35), then a random two-layer network (``tanh`` for even,
    ``sin`` for odd modality ids) whose output is randomly rotated into
    ``modality_dims[m]`` features, then Gaussian noise and a per-modality
    feature scale.  Each instance is finally kept in one modality only (see
    :func:`make_mixed_modal`).

    The design makes clustering ONE modality easy while naive pooling fails:
    k-means on the rows of a single modality recovers the clusters, but the
    modalities' coordinate systems do not line up.  Reducing every modality
    by its own PCA to a common width and stacking the rows mixes up the
    clusters of different modalities, because (i) the lenses show the
    cluster layout from different directions, so no rotation or reflection
    of the principal axes maps the layout of one modality onto another, and
    (ii) the modalities have different feature scales (by default modality
    ``m`` is scaled by ``0.2 ** m``, as real modalities such as CNN
    activations and word embeddings differ in scale).  A mixed-modal method
    has to learn the correspondence.  Use ``n_clusters >= 3``: two centres
    always line up after a sign flip.

    Parameters
    ----------
    n_samples : int, default=300
        Number of instances, split as evenly as possible over the clusters.
    n_clusters : int, default=3
        Number of clusters.
    weights : array-like of shape (n_clusters,), default=None
        Fraction of instances in each cluster (exact up to rounding, at least
        one per cluster); equal by default.  With equal sizes and the
        symmetric simplex layout, which cluster of one modality corresponds
        to which of another is not identifiable without pairs; unequal
        weights make the correspondence recoverable from the cluster masses,
        which is what an unpaired alignment method such as DM2C can exploit.
    modality_dims : sequence of int, default=(20, 10)
        Number of features of each modality; its length is the number of
        modalities.
    latent_dim : int, default=2
        Dimension of the shared latent space.
    cluster_std : float, default=0.15
        Standard deviation of the latent points around their centre (the
        centres are at least 2 apart).
    noise : float, default=0.05
        Standard deviation of the Gaussian feature noise, added before the
        per-modality scale.
    proportions : array-like of shape (n_modalities,), default=None
        Fraction of instances kept in each modality (exact up to rounding);
        equal by default.
    modality_names : sequence of str, default=None
        Names of the modalities, returned with ``return_bunch=True``; default
        ``"modality0"``, ``"modality1"``, ...
    modality_scales : array-like of shape (n_modalities,), default=None
        Positive factor multiplying the features of each modality; default
        ``0.2 ** arange(n_modalities)``.  Pass ones for equal scales.
    random_state : int, RandomState instance or None, default=None
        Seed of the whole generation (see :term:`Glossary <random_state>`).
    return_modality : bool, default=False
        If True, also return the modality id of every row.
    return_bunch : bool, default=False
        If True, return a :class:`~sklearn.utils.Bunch` instead of a tuple,
        with ``data``, ``target``, ``modality``, ``modality_names``,
        ``modality_dims``, ``views`` (the paired views before a modality was
        chosen), ``latent`` and ``centers``.

    Returns
    -------
    X : ndarray of shape (n_samples, sum(modality_dims))
        Packed mixed-modal data: each row fills its modality's block, NaN
        elsewhere.  Rows are in random order.
    y : ndarray of shape (n_samples,)
        Cluster label of every row.
    modality : ndarray of shape (n_samples,)
        Modality id of every row; only returned with ``return_modality=True``.

    Raises
    ------
    ValueError
        If a size is not positive, ``cluster_std`` or ``noise`` is negative,
        or ``proportions``, ``modality_names`` or ``modality_scales`` do not
        match the number of modalities.

    See Also
    --------
    make_mixed_modal : Make mixed-modal data from paired views.
    sklearn.datasets.make_blobs : The single-modality analogue.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.datasets import make_mixed_modal_blobs
    >>> X, y, modality = make_mixed_modal_blobs(
    ...     n_samples=90, random_state=0, return_modality=True)
    >>> X.shape, np.bincount(y), np.bincount(modality)
    ((90, 30), array([30, 30, 30]), array([45, 45]))
    >>> bool(np.isnan(X[modality == 0, 20:]).all())
    True
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_clusters = _check_int(n_clusters, "n_clusters", 1)
    latent_dim = _check_int(latent_dim, "latent_dim", 1)
    dims = _check_dims(modality_dims)
    n_modalities = len(dims)
    for value, name in ((cluster_std, "cluster_std"), (noise, "noise")):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number; got {value!r}.")
    if n_samples < n_clusters:
        raise ValueError(f"n_samples={n_samples} is smaller than n_clusters={n_clusters}.")
    p = _check_proportions(proportions, n_modalities)
    if modality_names is None:
        modality_names = [f"modality{m}" for m in range(n_modalities)]
    modality_names = tuple(str(s) for s in modality_names)
    if len(modality_names) != n_modalities:
        raise ValueError(
            f"Got {len(modality_names)} modality_names for {n_modalities} modalities."
        )
    if modality_scales is None:
        scales = _SCALE_STEP ** np.arange(n_modalities, dtype=float)
    else:
        scales = np.asarray(modality_scales, dtype=float)
        if scales.shape != (n_modalities,) or not np.all(np.isfinite(scales)) or np.any(
            scales <= 0
        ):
            raise ValueError(
                f"modality_scales must hold {n_modalities} positive numbers; "
                f"got {np.asarray(modality_scales).tolist()!r}."
            )

    rng = check_random_state(random_state)
    centers = _centres(rng, n_clusters, latent_dim)
    y = rng.permutation(_cluster_labels(n_samples, n_clusters, weights))
    latent = centers[y] + cluster_std * rng.standard_normal((n_samples, latent_dim))
    views = []
    for m, (lens, n_out) in enumerate(zip(_lens(rng, latent_dim, n_modalities), dims)):
        activation = np.tanh if m % 2 == 0 else np.sin
        v = _random_map(rng, latent @ lens, n_out, activation)
        v += noise * rng.standard_normal(v.shape)
        views.append(v * scales[m])
    assignment = _draw_assignment(n_samples, p, rng)
    mixed = make_mixed_modal(views, y, assignment=assignment, names=modality_names)
    if return_bunch:
        mixed.views = views
        mixed.latent = latent
        mixed.centers = centers
        del mixed["index"]
        return mixed
    if return_modality:
        return mixed.data, y, mixed.modality
    return mixed.data, y
