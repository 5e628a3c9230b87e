"""Final cluster assignment of DM2C: joint k-means or per-modality matched k-means.

``"joint"`` is the published step: one k-means over the unified codes of all
rows.  ``"matched"`` (an option of this package) runs k-means on each
modality's unified codes separately and relabels every modality's clusters by
a minimum-cost one-to-one matching (Hungarian algorithm) of its centres to the
reference modality's centres, so that the translation only has to bring each
cluster near its counterpart, not to interleave the modalities row by row.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from .._core._base import kmeans_on_embedding


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
                labels[rows] = nearest(Z[rows], centers[ref])
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


def nearest(Z, centers):
    """Index of the nearest centre of every row."""
    d2 = ((Z[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
    return np.argmin(d2, axis=1).astype(np.int64)
