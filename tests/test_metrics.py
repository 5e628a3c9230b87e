"""Example-based tests for skdm2c.metrics (hand-computed and brute-force)."""

import doctest
import itertools
import pickle

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.model_selection import GridSearchCV
from scipy.optimize import linear_sum_assignment

import skdm2c.metrics as M
from skdm2c.metrics import (
    SCORERS,
    accuracy_scorer,
    ari_scorer,
    clustering_accuracy,
    clustering_report,
    f_scorer,
    get_scorer,
    nmi_scorer,
    pairwise_f_score,
    pairwise_precision_recall_f_score,
    purity_score,
    purity_scorer,
)
from skdm2c.metrics import _clustering, _scorers

SCORER_NAMES = [
    "clustering_accuracy",
    "adjusted_rand",
    "normalized_mutual_info",
    "pairwise_f",
    "purity",
]
LABEL_FUNCS = [
    clustering_accuracy,
    pairwise_precision_recall_f_score,
    pairwise_f_score,
    purity_score,
    clustering_report,
]


# --------------------------------------------------------------------------
# independent reference implementations
# --------------------------------------------------------------------------
def brute_force_pairs(y_true, y_pred):
    """O(n^2) loop over unordered pairs -> (TP, FP, FN)."""
    tp = fp = fn = 0
    n = len(y_true)
    for i in range(n):
        for j in range(i + 1, n):
            same_true = y_true[i] == y_true[j]
            same_pred = y_pred[i] == y_pred[j]
            tp += same_true and same_pred
            fp += same_pred and not same_true
            fn += same_true and not same_pred
    return tp, fp, fn


def brute_force_accuracy(y_true, y_pred):
    """Max over all permutations of a square zero-padded contingency table."""
    classes = sorted(set(y_true))
    clusters = sorted(set(y_pred))
    k = max(len(classes), len(clusters))
    table = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        table[classes.index(t), clusters.index(p)] += 1
    best = max(
        sum(table[perm[j], j] for j in range(k)) for perm in itertools.permutations(range(k))
    )
    return best / len(y_true)


def dec_cluster_acc(y_true, y_pred):
    """ACC as written in the DEC / DM2C reference code (non-negative int labels)."""
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    d = max(y_pred.max(), y_true.max()) + 1
    w = np.zeros((d, d), dtype=np.int64)
    for i in range(y_pred.size):
        w[y_pred[i], y_true[i]] += 1
    row, col = linear_sum_assignment(-w)
    return w[row, col].sum() / y_pred.size


def brute_force_purity(y_true, y_pred):
    total = 0
    for c in set(y_pred):
        members = [t for t, p in zip(y_true, y_pred) if p == c]
        total += max(members.count(t) for t in set(members))
    return total / len(y_true)


# --------------------------------------------------------------------------
# hand-computed cases
# --------------------------------------------------------------------------
def test_hand_case_two_clusters():
    y_true = [0, 0, 0, 1, 1, 1]
    y_pred = [1, 1, 0, 0, 0, 0]
    # cluster 1 = samples {0, 1}: classes (0, 0)
    # cluster 0 = samples {2, 3, 4, 5}: classes (0, 1, 1, 1)
    # best matching: cluster 1 -> class 0 (2 correct), cluster 0 -> class 1
    # (3 correct) => ACC = 5/6. Purity: majorities 2 + 3 => 5/6.
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(5 / 6)
    assert purity_score(y_true, y_pred) == pytest.approx(5 / 6)
    # Pairs (15 in total):
    #   same class: C(3,2) + C(3,2) = 6; same cluster: C(2,2) + C(4,2) = 7
    #   TP: (0,1) in cluster 1, plus (3,4), (3,5), (4,5) in cluster 0 = 4
    #   FP = 7 - 4 = 3 ; FN = 6 - 4 = 2
    # P = 4/7, R = 4/6, F = 2*4 / (2*4 + 3 + 2) = 8/13
    assert brute_force_pairs(y_true, y_pred) == (4, 3, 2)
    p, r, f = pairwise_precision_recall_f_score(y_true, y_pred)
    assert p == pytest.approx(4 / 7)
    assert r == pytest.approx(4 / 6)
    assert f == pytest.approx(8 / 13)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert pairwise_f_score(y_true, y_pred) == f


def test_accuracy_more_clusters_than_classes():
    # 3 classes, 5 clusters.
    y_true = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 0, 1, 1, 2, 2, 2, 3, 4, 4, 4, 4]
    # contingency (rows classes, cols clusters 0..4):
    #   class 0: [2, 2, 0, 0, 0]
    #   class 1: [0, 0, 3, 1, 0]
    #   class 2: [0, 0, 0, 0, 4]
    # one-to-one: 0->c0 (2), 1->c2 (3), 2->c4 (4) = 9; c1, c3 are errors.
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(9 / 12)
    # purity: every cluster is pure => 12/12
    assert purity_score(y_true, y_pred) == 1.0
    assert brute_force_accuracy(y_true, y_pred) == pytest.approx(9 / 12)


def test_accuracy_fewer_clusters_than_classes_needs_global_matching():
    # 3 classes, 2 clusters; contingency:
    #   class 0: [3, 2]
    #   class 1: [3, 0]
    #   class 2: [0, 1]
    # greedy (c0 -> class 0) gives 3 + 1 = 4; optimal: c0 -> class 1 (3),
    # c1 -> class 0 (2) = 5 => 5/9; class 2 stays unmatched.
    y_true = [0, 0, 0, 0, 0, 1, 1, 1, 2]
    y_pred = [0, 0, 0, 1, 1, 0, 0, 0, 1]
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(5 / 9)
    assert clustering_accuracy(y_pred, y_true) == pytest.approx(5 / 9)
    # purity: c0 majority 3, c1 majority 2 => 5/9
    assert purity_score(y_true, y_pred) == pytest.approx(5 / 9)


def test_all_in_one_cluster():
    y_true = [0, 0, 0, 1, 1, 2]
    y_pred = [7] * 6
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(3 / 6)
    assert purity_score(y_true, y_pred) == pytest.approx(3 / 6)
    # every pair is predicted together: 15 pairs, TP = C(3,2) + C(2,2) = 4
    p, r, f = pairwise_precision_recall_f_score(y_true, y_pred)
    assert (p, r) == (pytest.approx(4 / 15), 1.0)
    assert f == pytest.approx(8 / 19)


def test_purity_rewards_singletons_acc_does_not():
    y_true = [0, 0, 0, 1, 1, 1]
    y_pred = [0, 1, 2, 3, 4, 5]
    assert purity_score(y_true, y_pred) == 1.0
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(2 / 6)
    # not symmetric: one cluster per class seen from the other side
    assert purity_score(y_pred, y_true) == pytest.approx(2 / 6)


def test_string_and_negative_labels():
    y_true = ["cat", "cat", "dog", "dog", "eel"]
    y_pred = ["x", "x", "x", "y", "y"]
    # cat: x2 ; dog: x1 y1 ; eel: y1 -> x->cat (2) + y->dog/eel (1) = 3/5
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(3 / 5)
    as_int_true = [0, 0, 1, 1, 2]
    as_neg_pred = [-1, -1, -1, -5, -5]
    expected = clustering_report(as_int_true, [0, 0, 0, 1, 1])
    assert clustering_report(y_true, y_pred) == pytest.approx(expected)
    assert clustering_report(as_int_true, as_neg_pred) == pytest.approx(expected)
    assert clustering_accuracy([-3, -3, 10, 10], [-1, -1, -2, -2]) == 1.0


def test_labels_larger_than_n_samples():
    # label values must not be used as indices
    y_true = [10**9, 10**9, -(10**9), 5]
    y_pred = [3, 3, 999_999, 999_999]
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(3 / 4)


# --------------------------------------------------------------------------
# pairwise edge cases
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        ([3], [8], (1.0, 1.0, 1.0)),  # single sample: identical partitions
        ([0, 1, 2], [5, 6, 7], (1.0, 1.0, 1.0)),  # both all singletons
        ([0, 0, 1, 1], [0, 1, 2, 3], (0.0, 0.0, 0.0)),  # no pair predicted
        ([0, 1, 2, 3], [0, 0, 1, 1], (0.0, 0.0, 0.0)),  # no pair shares a class
        ([0, 0, 1, 1], [0, 1, 0, 1], (0.0, 0.0, 0.0)),  # TP == 0
        ([0, 0, 1, 1], [4, 4, 9, 9], (1.0, 1.0, 1.0)),  # relabelling
        ([0, 0, 0, 1], [0, 0, 1, 1], (1 / 2, 1 / 3, 2 / 5)),  # TP=1, FP=1, FN=2
    ],
)
def test_pairwise_edge_cases(y_true, y_pred, expected):
    got = pairwise_precision_recall_f_score(y_true, y_pred)
    assert got == pytest.approx(expected)
    assert all(type(v) is float for v in got)


def test_pairwise_matches_brute_force_on_random_labelings():
    rng = np.random.default_rng(0)
    for _ in range(30):
        n = int(rng.integers(2, 40))
        y_true = rng.integers(0, int(rng.integers(1, 6)), size=n)
        y_pred = rng.integers(0, int(rng.integers(1, 6)), size=n)
        tp, fp, fn = brute_force_pairs(y_true, y_pred)
        p, r, f = pairwise_precision_recall_f_score(y_true, y_pred)
        if tp + fp + fn == 0:
            assert (p, r, f) == (1.0, 1.0, 1.0)
            continue
        assert p == pytest.approx(tp / (tp + fp) if tp + fp else 0.0)
        assert r == pytest.approx(tp / (tp + fn) if tp + fn else 0.0)
        assert f == pytest.approx(2 * p * r / (p + r) if p + r else 0.0)


# --------------------------------------------------------------------------
# accuracy / purity against references
# --------------------------------------------------------------------------
def test_accuracy_matches_brute_force_and_dec_reference():
    rng = np.random.default_rng(1)
    for _ in range(40):
        n = int(rng.integers(1, 30))
        y_true = rng.integers(0, int(rng.integers(1, 6)), size=n)
        y_pred = rng.integers(0, int(rng.integers(1, 6)), size=n)
        acc = clustering_accuracy(y_true, y_pred)
        assert acc == pytest.approx(brute_force_accuracy(list(y_true), list(y_pred)))
        assert acc == pytest.approx(dec_cluster_acc(y_true, y_pred))
        assert purity_score(y_true, y_pred) == pytest.approx(
            brute_force_purity(list(y_true), list(y_pred))
        )


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------
def test_clustering_report_keys_types_and_values():
    rng = np.random.default_rng(2)
    y_true = rng.integers(0, 4, size=50)
    y_pred = rng.integers(0, 3, size=50)
    report = clustering_report(y_true, y_pred)
    assert list(report) == ["acc", "ari", "nmi", "f_score", "purity"]
    assert all(type(v) is float for v in report.values())
    assert report["acc"] == clustering_accuracy(y_true, y_pred)
    assert report["ari"] == pytest.approx(adjusted_rand_score(y_true, y_pred))
    assert report["nmi"] == pytest.approx(normalized_mutual_info_score(y_true, y_pred))
    assert report["f_score"] == pairwise_f_score(y_true, y_pred)
    assert report["purity"] == purity_score(y_true, y_pred)
    # random labelings are far from perfect
    assert report["ari"] < 0.2 and report["acc"] < 0.8


def test_clustering_report_perfect():
    report = clustering_report(["b", "a", "a", "c"], [2, 0, 0, 1])
    assert report == {"acc": 1.0, "ari": 1.0, "nmi": pytest.approx(1.0),
                      "f_score": 1.0, "purity": 1.0}


# --------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------
@pytest.mark.parametrize("func", LABEL_FUNCS)
def test_length_mismatch_raises(func):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        func([0, 1, 1], [0, 1])


@pytest.mark.parametrize("func", LABEL_FUNCS)
def test_empty_raises(func):
    with pytest.raises(ValueError, match="non-empty"):
        func([], [])


@pytest.mark.parametrize("func", LABEL_FUNCS)
@pytest.mark.parametrize(
    "y_true, y_pred",
    [([[0, 1], [1, 0]], [0, 1]), ([0, 1], [[0], [1]]), (0, 0)],
)
def test_non_1d_raises(func, y_true, y_pred):
    with pytest.raises(ValueError, match="1-D"):
        func(y_true, y_pred)


# --------------------------------------------------------------------------
# scorers
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def blobs():
    return make_blobs(n_samples=90, centers=3, cluster_std=0.5, random_state=0)


@pytest.mark.parametrize(
    "scorer", [accuracy_scorer, ari_scorer, nmi_scorer, f_scorer, purity_scorer]
)
def test_grid_search_with_scorer_selects_true_k(blobs, scorer):
    X, y = blobs
    search = GridSearchCV(
        KMeans(n_init=1, random_state=0), {"n_clusters": [2, 3]}, scoring=scorer, cv=3
    ).fit(X, y)
    assert search.best_params_ == {"n_clusters": 3}
    scores = search.cv_results_["mean_test_score"]
    assert scores[1] > scores[0]


def test_grid_search_multimetric(blobs):
    X, y = blobs
    search = GridSearchCV(
        KMeans(n_init=1, random_state=0),
        {"n_clusters": [2, 3]},
        scoring=SCORERS,
        refit="adjusted_rand",
        cv=3,
    ).fit(X, y)
    for name in SCORER_NAMES:
        assert f"mean_test_{name}" in search.cv_results_
    assert search.best_params_ == {"n_clusters": 3}
    assert search.best_estimator_.n_clusters == 3


@pytest.mark.parametrize(
    "scorer, metric",
    [
        (accuracy_scorer, clustering_accuracy),
        (ari_scorer, adjusted_rand_score),
        (nmi_scorer, normalized_mutual_info_score),
        (f_scorer, pairwise_f_score),
        (purity_scorer, purity_score),
    ],
)
def test_scorer_calls_metric_on_predict(blobs, scorer, metric):
    X, y = blobs
    est = KMeans(n_clusters=4, n_init=1, random_state=0).fit(X)
    assert scorer(est, X, y) == pytest.approx(metric(y, est.predict(X)))
    restored = pickle.loads(pickle.dumps(scorer))
    assert restored(est, X, y) == pytest.approx(scorer(est, X, y))


def test_get_scorer_and_scorers_dict(blobs):
    X, y = blobs
    est = KMeans(n_clusters=2, n_init=1, random_state=0).fit(X)
    assert list(SCORERS) == SCORER_NAMES
    for name in SCORER_NAMES:
        scorer = get_scorer(name)
        assert scorer is not SCORERS[name]  # a copy, safe to configure
        assert scorer(est, X, y) == pytest.approx(SCORERS[name](est, X, y))
    SCORERS_backup = dict(SCORERS)
    try:
        SCORERS.clear()  # mutating the public dict must not break get_scorer
        assert get_scorer("purity")(est, X, y) == pytest.approx(
            purity_score(y, est.predict(X))
        )
    finally:
        SCORERS.update(SCORERS_backup)


@pytest.mark.parametrize("bad", ["accuracy", "ARI", "", None, 3])
def test_get_scorer_invalid_name(bad):
    with pytest.raises(ValueError) as excinfo:
        get_scorer(bad)
    for name in SCORER_NAMES:
        assert repr(name) in str(excinfo.value)


# --------------------------------------------------------------------------
# public API and documentation
# --------------------------------------------------------------------------
def test_public_api_exports():
    for name in M.__all__:
        assert hasattr(M, name), name
    assert M.adjusted_rand_score is adjusted_rand_score
    assert M.normalized_mutual_info_score is normalized_mutual_info_score


@pytest.mark.parametrize(
    "func", LABEL_FUNCS + [get_scorer], ids=lambda f: f.__name__
)
def test_docstrings_have_numpydoc_sections(func):
    doc = func.__doc__
    for section in ("Parameters\n    ----------", "Returns\n    -------",
                    "Examples\n    --------"):
        assert section in doc, (func.__name__, section)
    assert "References\n    ----------" in doc or "Notes\n    -----" in doc


@pytest.mark.parametrize("module", [_clustering, _scorers], ids=["clustering", "scorers"])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
