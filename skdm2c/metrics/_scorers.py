"""Scorers for model selection of clusterers with ground-truth labels.

The scorers call ``estimator.predict(X)`` and compare the returned cluster
labels with ``y``, so they can be passed as ``scoring=`` to
:class:`~sklearn.model_selection.GridSearchCV` when fitting with ``fit(X, y)``.
"""

import copy

from sklearn.metrics import (
    adjusted_rand_score,
    make_scorer,
    normalized_mutual_info_score,
)

from ._clustering import clustering_accuracy, pairwise_f_score, purity_score

__all__ = [
    "accuracy_scorer",
    "ari_scorer",
    "nmi_scorer",
    "f_scorer",
    "purity_scorer",
    "SCORERS",
    "get_scorer",
]

accuracy_scorer = make_scorer(clustering_accuracy)
ari_scorer = make_scorer(adjusted_rand_score)
nmi_scorer = make_scorer(normalized_mutual_info_score)
f_scorer = make_scorer(pairwise_f_score)
purity_scorer = make_scorer(purity_score)

_SCORERS = {
    "clustering_accuracy": accuracy_scorer,
    "adjusted_rand": ari_scorer,
    "normalized_mutual_info": nmi_scorer,
    "pairwise_f": f_scorer,
    "purity": purity_scorer,
}

#: dict of str to scorer: all clustering scorers by name, usable as
#: ``scoring=SCORERS`` for multi-metric search (``refit`` must then name one
#: of the keys, or be False). Mutating it does not affect :func:`get_scorer`.
SCORERS = dict(_SCORERS)


def get_scorer(name):
    """Get a clustering scorer by name.

    Parameters
    ----------
    name : str
        One of ``"clustering_accuracy"``, ``"adjusted_rand"``,
        ``"normalized_mutual_info"``, ``"pairwise_f"`` or ``"purity"``.

    Returns
    -------
    scorer : callable
        A scorer with signature ``scorer(estimator, X, y)`` built with
        :func:`sklearn.metrics.make_scorer`. It scores
        ``estimator.predict(X)`` against ``y``; higher is better. A fresh
        copy is returned, so configuring it (e.g. ``set_score_request``)
        does not affect the module-level scorer.

    Raises
    ------
    ValueError
        If ``name`` is not a valid scorer name; the message lists them.

    Notes
    -----
    Mirrors :func:`sklearn.metrics.get_scorer`, which also returns a copy.
    The metrics are those reported by DM2C (Jiang et al., NeurIPS 2019).

    Examples
    --------
    >>> from sklearn.cluster import KMeans
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skdm2c.metrics import get_scorer
    >>> X, y = make_blobs(n_samples=60, centers=3, random_state=0)
    >>> search = GridSearchCV(
    ...     KMeans(n_init=1, random_state=0), {"n_clusters": [2, 3]},
    ...     scoring=get_scorer("adjusted_rand"), cv=3,
    ... ).fit(X, y)
    >>> search.best_params_
    {'n_clusters': 3}
    """
    if not isinstance(name, str) or name not in _SCORERS:
        valid = ", ".join(repr(key) for key in _SCORERS)
        raise ValueError(f"Unknown clustering scorer {name!r}; valid names are: {valid}.")
    return copy.deepcopy(_SCORERS[name])
