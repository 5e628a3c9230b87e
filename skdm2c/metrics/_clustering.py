"""External clustering-quality metrics used to evaluate DM2C.

The DM2C paper (Jiang et al., NeurIPS 2019) reports five external
metrics: clustering accuracy (ACC), adjusted Rand index (ARI), normalized
mutual information (NMI), the pairwise F-score and purity.  ARI and NMI are
taken unchanged from scikit-learn; the other three are implemented here.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix, pair_confusion_matrix
from sklearn.utils.validation import check_array, check_consistent_length

__all__ = [
    "clustering_accuracy",
    "pairwise_precision_recall_f_score",
    "pairwise_f_score",
    "purity_score",
    "clustering_report",
]


def _check_labelings(labels_true, labels_pred):
    """Validate two labelings: 1-D, same length, non-empty.

    Labels may be of any hashable, sortable type (ints, strings, ...).
    """
    arrays = []
    for name, labels in (("labels_true", labels_true), ("labels_pred", labels_pred)):
        arr = np.asarray(labels) if labels is not None else None
        if arr is not None and arr.dtype.kind in "fc" and arr.ndim == 1 \
                and not np.all(np.isfinite(arr)):
            i = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise ValueError(f"{name} holds {arr[i]} at position {i}; labels must be finite.")
        arr = check_array(labels, ensure_2d=False, ensure_min_samples=0, dtype=None)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}.")
        arrays.append(arr)
    check_consistent_length(*arrays)
    if arrays[0].shape[0] == 0:
        raise ValueError("labels_true and labels_pred must be non-empty.")
    return arrays[0], arrays[1]


def _accuracy_from_contingency(contingency, n_samples):
    # linear_sum_assignment on a rectangular matrix matches min(n_classes,
    # n_clusters) pairs; this is exactly equivalent to zero-padding the
    # matrix to a square one (a padded row/column contributes 0 correct
    # samples), so surplus clusters or classes count as errors.
    rows, cols = linear_sum_assignment(contingency, maximize=True)
    return float(contingency[rows, cols].sum() / n_samples)


def _purity_from_contingency(contingency, n_samples):
    # Rows of the contingency table are classes, columns are clusters.
    return float(contingency.max(axis=0).sum() / n_samples)


def _pairwise_from_labels(labels_true, labels_pred):
    # pair_confusion_matrix counts *ordered* pairs (every unordered pair
    # twice); the factor of two cancels in every ratio below.
    (_, fp), (fn, tp) = pair_confusion_matrix(labels_true, labels_pred).tolist()
    if tp + fp == 0 and tp + fn == 0:
        # No pair is grouped together in either labeling: both are all
        # singletons, i.e. the two partitions are identical.
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    # 2TP / (2TP + FP + FN) is the harmonic mean of precision and recall
    # (and 0 when TP == 0), computed from integers so it never exceeds 1.
    f_score = 2 * tp / (2 * tp + fp + fn)
    return float(precision), float(recall), float(f_score)


def clustering_accuracy(labels_true, labels_pred):
    """Clustering accuracy (ACC) under the best one-to-one label matching.

    Each predicted cluster is mapped to at most one class (and each class
    to at most one cluster) so that the number of correctly assigned
    samples is maximal; ACC is that number divided by ``n_samples``.  The
    optimal mapping is found with the Hungarian algorithm on the
    contingency table.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels. Any hashable, sortable labels (ints,
        negative ints, strings) are accepted.
    labels_pred : array-like of shape (n_samples,)
        Cluster labels to evaluate. The number of clusters may differ from
        the number of classes.

    Returns
    -------
    accuracy : float
        Clustering accuracy in ``[0, 1]``; 1.0 means ``labels_pred`` is a
        relabelling of ``labels_true``.

    Raises
    ------
    ValueError
        If an input is not 1-D, is empty, or the lengths differ.

    See Also
    --------
    purity_score : Many-to-one variant (each cluster votes for its
        majority class), an upper bound on ACC.

    Notes
    -----
    The score is symmetric in its two arguments and invariant to renaming
    the labels of either labeling. When the numbers of clusters and classes
    differ, the surplus clusters (or classes) are left unmatched and all
    their samples count as errors; this is identical to zero-padding the
    contingency table to a square matrix before solving the assignment.
    The dense contingency table has ``n_classes * n_clusters`` entries.

    This is the ACC used by DEC [1]_ and DM2C [2]_, with the assignment
    solved by the Hungarian method [3]_
    (:func:`scipy.optimize.linear_sum_assignment`).

    References
    ----------
    .. [1] J. Xie, R. Girshick and A. Farhadi, "Unsupervised Deep Embedding
       for Clustering Analysis", ICML 2016.
    .. [2] Y. Jiang, Q. Xu, Z. Yang, X. Cao and Q. Huang, "DM2C: Deep
       Mixed-Modal Clustering", NeurIPS 2019.
    .. [3] H. W. Kuhn, "The Hungarian method for the assignment problem",
       Naval Research Logistics Quarterly, 2(1-2), 1955.

    Examples
    --------
    >>> from skdm2c.metrics import clustering_accuracy
    >>> clustering_accuracy([0, 0, 1, 1], [1, 1, 0, 0])
    1.0
    >>> clustering_accuracy(["a", "a", "b", "b"], [0, 0, 0, 1])
    0.75
    """
    labels_true, labels_pred = _check_labelings(labels_true, labels_pred)
    contingency = contingency_matrix(labels_true, labels_pred)
    return _accuracy_from_contingency(contingency, labels_true.shape[0])


def pairwise_precision_recall_f_score(labels_true, labels_pred):
    """Pairwise precision, recall and F-score of a clustering.

    Every unordered pair of distinct samples is a decision: "same cluster"
    or "different clusters". With respect to the ground truth, a pair put
    in the same cluster is a true positive (TP) if both samples share a
    class and a false positive (FP) otherwise; a pair of same-class samples
    put in different clusters is a false negative (FN). Then
    ``precision = TP / (TP + FP)``, ``recall = TP / (TP + FN)`` and ``f`` is
    their harmonic mean ``2 TP / (2 TP + FP + FN)``.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels (any hashable, sortable labels).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels to evaluate.

    Returns
    -------
    precision : float
        Pairwise precision in ``[0, 1]``.
    recall : float
        Pairwise recall in ``[0, 1]``.
    f_score : float
        Pairwise F-score (F1) in ``[0, 1]``.

    Raises
    ------
    ValueError
        If an input is not 1-D, is empty, or the lengths differ.

    See Also
    --------
    pairwise_f_score : Only the F-score.
    sklearn.metrics.cluster.pair_confusion_matrix : The pair counts used.

    Notes
    -----
    Edge cases, chosen so that identical partitions always score 1.0 and
    ``precision(a, b) == recall(b, a)``:

    - Both labelings are all singletons (this includes ``n_samples == 1``):
      no pair is grouped in either, the partitions are identical, and
      precision, recall and F are all 1.0.
    - Otherwise, if no pair is predicted together (``TP + FP == 0``),
      precision is 0.0 by convention; likewise, if no pair shares a class
      (``TP + FN == 0``), recall is 0.0. F is 0.0 whenever ``TP == 0``.

    This is the pairwise "F-score" reported by DM2C [1]_ (the F measure of
    [2]_, Sec. 16.3, with beta = 1), not the class-matching F-measure.

    References
    ----------
    .. [1] Y. Jiang, Q. Xu, Z. Yang, X. Cao and Q. Huang, "DM2C: Deep
       Mixed-Modal Clustering", NeurIPS 2019.
    .. [2] C. D. Manning, P. Raghavan and H. Schuetze, "Introduction to
       Information Retrieval", Cambridge University Press, 2008, Sec. 16.3.

    Examples
    --------
    >>> from skdm2c.metrics import pairwise_precision_recall_f_score
    >>> pairwise_precision_recall_f_score([0, 0, 1, 1], [5, 5, 7, 7])
    (1.0, 1.0, 1.0)
    >>> p, r, f = pairwise_precision_recall_f_score([0, 0, 0, 1], [0, 0, 1, 1])
    >>> p, r, round(f, 4)
    (0.5, 0.3333333333333333, 0.4)
    """
    labels_true, labels_pred = _check_labelings(labels_true, labels_pred)
    return _pairwise_from_labels(labels_true, labels_pred)


def pairwise_f_score(labels_true, labels_pred):
    """Pairwise F-score of a clustering (the DM2C "F-score").

    Harmonic mean of pairwise precision and recall; see
    :func:`pairwise_precision_recall_f_score` for definitions and edge-case
    conventions.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels (any hashable, sortable labels).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels to evaluate.

    Returns
    -------
    f_score : float
        Pairwise F-score in ``[0, 1]``; symmetric in its arguments.

    Raises
    ------
    ValueError
        If an input is not 1-D, is empty, or the lengths differ.

    Notes
    -----
    Defined as in [1]_, Sec. 16.3 (beta = 1) and used by DM2C [2]_.

    References
    ----------
    .. [1] C. D. Manning, P. Raghavan and H. Schuetze, "Introduction to
       Information Retrieval", Cambridge University Press, 2008, Sec. 16.3.
    .. [2] Y. Jiang, Q. Xu, Z. Yang, X. Cao and Q. Huang, "DM2C: Deep
       Mixed-Modal Clustering", NeurIPS 2019.

    Examples
    --------
    >>> from skdm2c.metrics import pairwise_f_score
    >>> pairwise_f_score([0, 0, 0, 1], [0, 0, 1, 1])
    0.4
    """
    return pairwise_precision_recall_f_score(labels_true, labels_pred)[2]


def purity_score(labels_true, labels_pred):
    """Purity of a clustering.

    Each predicted cluster is assigned its majority class; purity is the
    fraction of samples belonging to the majority class of their cluster.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels (any hashable, sortable labels).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels to evaluate.

    Returns
    -------
    purity : float
        Purity in ``(0, 1]``.

    Raises
    ------
    ValueError
        If an input is not 1-D, is empty, or the lengths differ.

    See Also
    --------
    clustering_accuracy : One-to-one variant; never larger than purity.

    Notes
    -----
    Purity rewards over-segmentation: putting every sample in its own
    cluster gives a purity of 1.0. Compare methods only at equal numbers of
    clusters, or together with ACC/NMI/ARI. It is not symmetric in its
    arguments. Definition from [1]_, Sec. 16.3; reported by DM2C [2]_.

    References
    ----------
    .. [1] C. D. Manning, P. Raghavan and H. Schuetze, "Introduction to
       Information Retrieval", Cambridge University Press, 2008, Sec. 16.3.
    .. [2] Y. Jiang, Q. Xu, Z. Yang, X. Cao and Q. Huang, "DM2C: Deep
       Mixed-Modal Clustering", NeurIPS 2019.

    Examples
    --------
    >>> from skdm2c.metrics import purity_score
    >>> purity_score([0, 0, 1, 1], [0, 0, 0, 1])
    0.75
    >>> purity_score([0, 0, 1, 1], [0, 1, 2, 3])  # singletons are pure
    1.0
    """
    labels_true, labels_pred = _check_labelings(labels_true, labels_pred)
    contingency = contingency_matrix(labels_true, labels_pred)
    return _purity_from_contingency(contingency, labels_true.shape[0])


def clustering_report(labels_true, labels_pred):
    """Compute the five metrics reported in the DM2C paper.

    Parameters
    ----------
    labels_true : array-like of shape (n_samples,)
        Ground-truth class labels (any hashable, sortable labels).
    labels_pred : array-like of shape (n_samples,)
        Cluster labels to evaluate.

    Returns
    -------
    report : dict of str to float
        Exactly the keys ``"acc"``, ``"ari"``, ``"nmi"``, ``"f_score"`` and
        ``"purity"``, in that order (the column order of the DM2C tables),
        with plain Python ``float`` values.

    Raises
    ------
    ValueError
        If an input is not 1-D, is empty, or the lengths differ.

    See Also
    --------
    clustering_accuracy, pairwise_f_score, purity_score
    sklearn.metrics.adjusted_rand_score
    sklearn.metrics.normalized_mutual_info_score

    Notes
    -----
    ``"ari"`` is :func:`sklearn.metrics.adjusted_rand_score` and ``"nmi"`` is
    :func:`sklearn.metrics.normalized_mutual_info_score` with its default
    arithmetic-mean normalization. Metric order follows DM2C [1]_.

    References
    ----------
    .. [1] Y. Jiang, Q. Xu, Z. Yang, X. Cao and Q. Huang, "DM2C: Deep
       Mixed-Modal Clustering", NeurIPS 2019.

    Examples
    --------
    >>> from skdm2c.metrics import clustering_report
    >>> clustering_report([0, 0, 1, 1], [1, 1, 0, 0])
    {'acc': 1.0, 'ari': 1.0, 'nmi': 1.0, 'f_score': 1.0, 'purity': 1.0}
    >>> list(clustering_report([0, 0, 1, 1], [0, 0, 0, 1]))
    ['acc', 'ari', 'nmi', 'f_score', 'purity']
    """
    labels_true, labels_pred = _check_labelings(labels_true, labels_pred)
    n_samples = labels_true.shape[0]
    contingency = contingency_matrix(labels_true, labels_pred)
    return {
        "acc": _accuracy_from_contingency(contingency, n_samples),
        "ari": float(adjusted_rand_score(labels_true, labels_pred)),
        "nmi": float(normalized_mutual_info_score(labels_true, labels_pred)),
        "f_score": _pairwise_from_labels(labels_true, labels_pred)[2],
        "purity": _purity_from_contingency(contingency, n_samples),
    }
