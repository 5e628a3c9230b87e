"""How far could cross-modal alignment go?  Label-informed reference points."""

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import normalized_mutual_info_score
from sklearn.utils import check_random_state

from ._clustering import _check_labelings, clustering_accuracy

__all__ = ["alignment_reference"]


def _per_modality_kmeans(X, modality_dims, n_clusters, n_init, random_state):
    """k-means on every modality's rows; ``labels[i, m]`` is -1 where row i lacks m."""
    from sklearn.cluster import KMeans

    from .._modality import infer_modality_dims, observed_blocks, unpack_modalities

    dims = infer_modality_dims(X) if modality_dims is None else tuple(modality_dims)
    observed = observed_blocks(X, dims)
    views, indices = unpack_modalities(X, dims)
    labels = np.full((X.shape[0], len(dims)), -1, dtype=np.int64)
    for m, (view, rows) in enumerate(zip(views, indices)):
        if len(rows):
            top = float(np.max(np.abs(view)))
            if top > 0:  # k-means is scale-equivariant: scale-free, no overflow at 1e200
                view = view / top
            k = min(n_clusters, len(rows))
            if k < n_clusters:
                import warnings

                warnings.warn(
                    f"alignment_reference: modality {m} has only {len(rows)} row(s), fewer "
                    f"than n_clusters={n_clusters}; its k-means uses {k} clusters, so its "
                    "reference scores are not comparable with the other modalities'.",
                    UserWarning)
            labels[rows, m] = KMeans(n_clusters=k, n_init=n_init,
                                     random_state=random_state).fit_predict(view)
    return labels, observed


def _clusters_to_classes(y_idx, labels, n_clusters, n_classes):
    """Relabel clusters by the class index each is matched to (Hungarian).

    ``y_idx`` are class indices over ALL rows, so the result is comparable
    across modalities; clusters left unmatched get ids past the classes.
    """
    table = np.zeros((n_clusters, n_classes))
    np.add.at(table, (labels, y_idx), 1)
    rows, cols = linear_sum_assignment(-table)
    mapping = np.full(n_clusters, -1, dtype=np.int64)
    mapping[rows] = cols
    unmatched = mapping < 0
    mapping[unmatched] = n_classes + np.arange(unmatched.sum())
    return mapping[labels]


def alignment_reference(labels_true, X, modality_dims=None, *, n_clusters=None, n_init=10,
                        n_pairings=20, random_state=None):
    """Reference scores that bound what cross-modal alignment can add.

    k-means is run on the rows of each modality alone, on that modality's own
    features.  Those per-modality clusterings are then put together in two
    ways: with the clusters of every other modality paired at random with
    the first modality's (what a method that keeps each modality's clusters
    but pairs them blindly gets), and with each modality's clusters mapped
    to the classes by the Hungarian method (what it gets with a perfect
    pairing).  A mixed-modal clusterer scoring near the random pairing has
    learned little of the correspondence; the label pairing is the ceiling
    for one that keeps every modality's k-means clusters.

    The labels are used, so this is a diagnostic for evaluation data, not a
    clustering method.

    Rows observing several modalities (known correspondences, see
    :func:`skdm2c.observed_blocks`) take part in the k-means of every
    modality they observe, and count in ``single_*`` of each.  In the pooled
    ``random_*`` and ``aligned_*`` scores every row counts once, with the
    (randomly paired or label-paired) cluster of its FIRST observed modality
    in block order; the pairs are not used to pair the clusters, so these
    stay the references of a method that ignores them.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels.
    X : array-like of shape (n_samples, n_features)
        Packed mixed-modal data (see :func:`skdm2c.pack_modalities`).
    modality_dims : sequence of int, default=None
        Width of each modality's block; ``None`` infers it from the NaN
        layout (:func:`skdm2c.infer_modality_dims`).
    n_clusters : int, default=None
        Clusters per modality; ``None`` uses the number of classes.
    n_init : int, default=10
        k-means restarts per modality.
    n_pairings : int, default=20
        Random pairings averaged for the ``random_*`` scores.
    random_state : int, RandomState instance or None, default=None
        Seeds k-means and the random pairings.

    Returns
    -------
    reference : dict
        ``"single_acc"``, ``"single_nmi"``: lists with the ACC / NMI of
        k-means on each modality's rows alone (over the rows observing it;
        NaN for a modality without rows); ``"random_acc"``, ``"random_nmi"``: mean
        scores over all rows with random pairings; ``"aligned_acc"``,
        ``"aligned_nmi"``: scores over all rows with the label pairing.

    See Also
    --------
    clustering_report : The five metrics of a clustering.

    Examples
    --------
    >>> from skdm2c.datasets import make_mixed_modal_blobs
    >>> from skdm2c.metrics import alignment_reference
    >>> X, y = make_mixed_modal_blobs(n_samples=200, n_clusters=3, random_state=0)
    >>> ref = alignment_reference(y, X, random_state=0)
    >>> ref["single_acc"], ref["aligned_acc"]
    ([1.0, 1.0], 1.0)
    >>> ref["random_acc"] < ref["aligned_acc"]
    True
    """
    from numbers import Integral

    from scipy import sparse

    for name, value in (("n_clusters", n_clusters), ("n_init", n_init),
                        ("n_pairings", n_pairings)):
        if value is None and name == "n_clusters":
            continue
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"{name} must be an int >= 1; got {value!r}.")
    if sparse.issparse(X):
        raise TypeError(
            "X is a scipy.sparse matrix, but packed mixed-modal data is dense (NaN marks "
            "unobserved blocks); build it with skdm2c.pack_modalities, which accepts sparse "
            "modalities and densifies them."
        )
    X = np.asarray(X, dtype=np.float64)
    y, _ = _check_labelings(labels_true, np.zeros(len(labels_true), dtype=np.int64))
    if X.ndim != 2 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X must be 2-D with one row per label; got shape {X.shape} for {y.shape[0]} labels."
        )
    k = len(np.unique(y)) if n_clusters is None else int(n_clusters)
    if k < 1 or int(n_init) < 1 or int(n_pairings) < 1:
        raise ValueError("n_clusters, n_init and n_pairings must be >= 1.")
    rng = check_random_state(random_state)
    # an int seeds k-means directly (and the pairings through RandomState(int))
    seed = random_state if isinstance(random_state, (int, np.integer)) else rng.randint(
        np.iinfo(np.int32).max)
    labels, observed = _per_modality_kmeans(X, modality_dims, k, int(n_init), seed)
    n_modalities = observed.shape[1]
    first = np.argmax(observed, axis=1)  # each row is scored in its first observed modality
    rows_all = np.arange(X.shape[0])
    classes, y_idx = np.unique(y, return_inverse=True)
    out = {"single_acc": [], "single_nmi": []}
    mapped = np.full_like(labels, -1)
    for m in range(n_modalities):
        rows = observed[:, m]
        if not rows.any():
            out["single_acc"].append(float("nan"))
            out["single_nmi"].append(float("nan"))
            continue
        out["single_acc"].append(float(clustering_accuracy(y[rows], labels[rows, m])))
        out["single_nmi"].append(float(normalized_mutual_info_score(y[rows], labels[rows, m])))
        mapped[rows, m] = _clusters_to_classes(y_idx[rows], labels[rows, m], k, len(classes))
    aligned = mapped[rows_all, first]
    out["aligned_acc"] = float(clustering_accuracy(y, aligned))
    out["aligned_nmi"] = float(normalized_mutual_info_score(y, aligned))
    own = labels[rows_all, first]
    acc, nmi = [], []
    for _ in range(int(n_pairings)):
        paired = own.copy()  # modality 0 keeps its cluster ids, the others are permuted
        for m in range(1, n_modalities):
            rows = first == m
            paired[rows] = rng.permutation(k)[own[rows]]
        acc.append(clustering_accuracy(y, paired))
        nmi.append(normalized_mutual_info_score(y, paired))
    out["random_acc"], out["random_nmi"] = float(np.mean(acc)), float(np.mean(nmi))
    return out
