"""Property-based tests (hypothesis) for skdm2c.metrics."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from skdm2c.metrics import (
    clustering_accuracy,
    clustering_report,
    pairwise_f_score,
    pairwise_precision_recall_f_score,
    purity_score,
)

SETTINGS = settings(max_examples=100, deadline=None)
TOL = 1e-12  # float slack for sklearn's NMI/ARI only


@st.composite
def labelings(draw, max_size=60, min_label=-3, max_label=5):
    """Two labelings of the same length (1..max_size) with small int labels."""
    n = draw(st.integers(1, max_size))
    labels = st.lists(st.integers(min_label, max_label), min_size=n, max_size=n)
    return np.array(draw(labels)), np.array(draw(labels))


@st.composite
def relabelled(draw, labels):
    """``labels`` mapped through a random bijection onto new label names."""
    uniq = sorted(set(labels.tolist()))
    offset = draw(st.integers(-100, 100))
    perm = draw(st.permutations([u + offset for u in uniq]))
    mapping = dict(zip(uniq, perm))
    return np.array([mapping[v] for v in labels.tolist()])


def _all_scores(y_true, y_pred):
    scores = dict(clustering_report(y_true, y_pred))
    scores["precision"], scores["recall"], _ = pairwise_precision_recall_f_score(
        y_true, y_pred
    )
    return scores


@SETTINGS
@given(labelings())
def test_scores_are_bounded(pair):
    y_true, y_pred = pair
    scores = _all_scores(y_true, y_pred)
    for key in ("acc", "f_score", "purity", "precision", "recall"):
        assert 0.0 <= scores[key] <= 1.0, key
    assert 0.0 < scores["acc"] and 0.0 < scores["purity"]  # >= 1/n
    assert -TOL <= scores["nmi"] <= 1.0 + TOL
    assert -1.0 - TOL <= scores["ari"] <= 1.0 + TOL


@SETTINGS
@given(st.data())
def test_invariant_to_renaming_labels(data):
    y_true, y_pred = data.draw(labelings())
    new_pred = data.draw(relabelled(y_pred))
    new_true = data.draw(relabelled(y_true))
    expected = _all_scores(y_true, y_pred)
    assert _all_scores(y_true, new_pred) == pytest.approx(expected, abs=1e-12)
    assert _all_scores(new_true, y_pred) == pytest.approx(expected, abs=1e-12)


@SETTINGS
@given(st.data())
def test_perfect_score_for_relabelling(data):
    y_true, _ = data.draw(labelings())
    y_pred = data.draw(relabelled(y_true))
    scores = _all_scores(y_true, y_pred)
    for key in ("acc", "f_score", "purity", "precision", "recall", "ari"):
        assert scores[key] == 1.0, key
    assert scores["nmi"] == pytest.approx(1.0)


@SETTINGS
@given(labelings())
def test_symmetry(pair):
    a, b = pair
    # ACC: the assignment problem on the transposed contingency table has the
    # same optimum, whatever the numbers of clusters and classes.
    assert clustering_accuracy(a, b) == pytest.approx(clustering_accuracy(b, a))
    assert pairwise_f_score(a, b) == pytest.approx(pairwise_f_score(b, a))
    p_ab, r_ab, _ = pairwise_precision_recall_f_score(a, b)
    p_ba, r_ba, _ = pairwise_precision_recall_f_score(b, a)
    assert (p_ab, r_ab) == pytest.approx((r_ba, p_ba))
    assert normalized_mutual_info_score(a, b) == pytest.approx(
        normalized_mutual_info_score(b, a)
    )
    assert adjusted_rand_score(a, b) == pytest.approx(adjusted_rand_score(b, a))


@SETTINGS
@given(labelings())
def test_purity_bounds_accuracy(pair):
    y_true, y_pred = pair
    n = len(y_true)
    acc = clustering_accuracy(y_true, y_pred)
    purity = purity_score(y_true, y_pred)
    assert purity >= acc - 1e-12
    # ACC >= largest contingency cell / n ; purity >= largest class / n
    cells = {}
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        cells[t, p] = cells.get((t, p), 0) + 1
    assert acc >= max(cells.values()) / n - 1e-12
    assert purity >= max(np.unique(y_true, return_counts=True)[1]) / n - 1e-12
    # every sample alone in its cluster is perfectly pure
    assert purity_score(y_true, np.arange(n)) == 1.0


@settings(max_examples=60, deadline=None)
@given(labelings(max_size=40))
def test_pairwise_matches_pair_loop(pair):
    y_true, y_pred = pair
    n = len(y_true)
    iu, ju = np.triu_indices(n, k=1)
    same_true = y_true[iu] == y_true[ju]
    same_pred = y_pred[iu] == y_pred[ju]
    tp = int(np.sum(same_true & same_pred))
    fp = int(np.sum(~same_true & same_pred))
    fn = int(np.sum(same_true & ~same_pred))
    p, r, f = pairwise_precision_recall_f_score(y_true, y_pred)
    if tp + fp + fn == 0:
        assert (p, r, f) == (1.0, 1.0, 1.0)
    else:
        assert p == pytest.approx(tp / (tp + fp) if tp + fp else 0.0)
        assert r == pytest.approx(tp / (tp + fn) if tp + fn else 0.0)
        assert f == pytest.approx(2 * tp / (2 * tp + fp + fn))


@settings(max_examples=60, deadline=None)
@given(labelings(max_size=30, min_label=0, max_label=4))
def test_accuracy_matches_permutation_brute_force(pair):
    y_true, y_pred = pair
    classes = sorted(set(y_true.tolist()))
    clusters = sorted(set(y_pred.tolist()))
    k = max(len(classes), len(clusters))
    table = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        table[classes.index(t), clusters.index(p)] += 1
    best = max(
        table[list(perm), list(range(k))].sum() for perm in itertools.permutations(range(k))
    )
    assert clustering_accuracy(y_true, y_pred) == pytest.approx(best / len(y_true))
