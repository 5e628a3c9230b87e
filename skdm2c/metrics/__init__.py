"""Clustering evaluation metrics and scorers (ACC, ARI, NMI, F-score, purity).

``adjusted_rand_score`` and ``normalized_mutual_info_score`` are re-exported
unchanged from :mod:`sklearn.metrics` for convenience.
"""

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from ._alignment import alignment_reference
from ._clustering import (
    clustering_accuracy,
    clustering_report,
    pairwise_f_score,
    pairwise_precision_recall_f_score,
    purity_score,
)
from ._scorers import (
    SCORERS,
    accuracy_scorer,
    ari_scorer,
    f_scorer,
    get_scorer,
    nmi_scorer,
    purity_scorer,
)

__all__ = [
    "clustering_accuracy",
    "pairwise_precision_recall_f_score",
    "pairwise_f_score",
    "purity_score",
    "clustering_report",
    "alignment_reference",
    "adjusted_rand_score",
    "normalized_mutual_info_score",
    "accuracy_scorer",
    "ari_scorer",
    "nmi_scorer",
    "f_scorer",
    "purity_scorer",
    "SCORERS",
    "get_scorer",
]
