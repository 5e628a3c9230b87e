"""The metric of DM2C's paired final step (``paired_covariance``)."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skdm2c import DM2CClustering
from skdm2c.datasets import make_incomplete
from skdm2c.dm2c._assign import _block_cost, _tied_precisions, paired_kmeans
from skdm2c.dm2c._joint_mixture import JointMixture
from skdm2c.metrics import clustering_accuracy

FAST = dict(pretrain_epochs=10, epochs=10, latent_dim=8, hidden_sizes=(32,), n_init=3,
            batch_size=64)


def _elongated(seed, n=300, k=3, d=3, separation=2.0):
    """Two partially paired blocks whose clusters share an elongated covariance:
    narrow (0.4) along the axis that separates them, wide (1.0) across it, rotated."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    observed = np.ones((n, 2), dtype=bool)
    perm = rng.permutation(n)
    observed[perm[:n // 3], 1] = observed[perm[n // 3:2 * n // 3], 0] = False
    U = []
    for m in range(2):
        means = np.zeros((k, d))
        means[:, 0] = separation * np.arange(-(k // 2), k - k // 2)
        noise = rng.normal(size=(n, d)) * np.array([0.4] + [1.0] * (d - 1))
        rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
        U.append(np.where(observed[:, [m]], (means[y] + noise) @ rotation + 20.0, np.nan))
    return U, observed, y


def test_tied_metric_follows_the_shared_shape_of_the_clusters():
    scores = {"spherical": [], "tied": []}
    for seed in range(6):
        U, observed, y = _elongated(seed)
        for covariance in scores:
            labels = paired_kmeans(U, observed, 3, n_init=5, random_state=0,
                                   covariance=covariance)[0]
            scores[covariance].append(clustering_accuracy(y, labels))
    tied, spherical = np.mean(scores["tied"]), np.mean(scores["spherical"])
    assert tied > 0.88
    assert tied > spherical + 0.05


def test_tied_returns_precisions_and_the_cost_is_the_mahalanobis_distance():
    U, observed, y = _elongated(0)
    labels, _, centers, weights = paired_kmeans(U, observed, 3, n_init=2, random_state=0)
    assert all(np.ndim(w) == 2 and w.shape == (3, 3) for w in weights)
    for w in weights:
        np.testing.assert_allclose(w, w.T)
        assert np.all(np.linalg.eigvalsh(w) > 0)
    V = [np.nan_to_num(u / np.linalg.norm(u, axis=1, keepdims=True)) for u in U]
    cost = _block_cost(V, observed, centers, weights)
    i = int(np.flatnonzero(observed.all(1))[0])
    expected = [sum((V[m][i] - centers[m][j]) @ weights[m] @ (V[m][i] - centers[m][j])
                    for m in range(2)) for j in range(3)]
    np.testing.assert_allclose(cost[i], expected)
    np.testing.assert_array_equal(np.argmin(cost, axis=1), labels)
    _, _, _, spherical = paired_kmeans(U, observed, 3, n_init=2, random_state=0,
                                       covariance="spherical")
    assert all(np.ndim(w) == 0 for w in spherical)


def test_a_block_with_too_few_rows_keeps_an_isotropic_weight_of_the_same_scale():
    rng = np.random.RandomState(0)
    blocks = [rng.normal(size=(40, 4)), rng.normal(size=(40, 5))]
    seen = np.ones((40, 2), dtype=bool)
    seen[3:, 1] = False                                    # 3 rows for 3 clusters
    labels = np.arange(40) % 3
    centers = [np.array([b[seen[:, m] & (labels == j)].mean(0) for j in range(3)])
               for m, b in enumerate(blocks)]
    full, few = _tied_precisions(blocks, seen, labels, centers, 3)
    assert full.shape == (4, 4)
    assert np.ndim(few) == 0 and few == pytest.approx(5 / 1e-12)   # no spread: the floor
    seen[:6, 1] = True
    labels[:6] = [0, 0, 1, 1, 2, 2]
    centers[1] = np.array([blocks[1][:6][labels[:6] == j].mean(0) for j in range(3)])
    spread = ((blocks[1][:6] - centers[1][labels[:6]]) ** 2).sum(1).mean()
    few = _tied_precisions(blocks, seen, labels, centers, 6)[1]
    assert few == pytest.approx(5 / spread)


def _views(n=240, k=4, seed=0):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    return [rng.normal(scale=3, size=(k, 10))[y] + rng.normal(size=(n, 10)),
            rng.normal(scale=3, size=(k, 6))[y] + rng.normal(size=(n, 6))], y


@pytest.mark.parametrize("covariance", ["tied", "spherical"])
def test_estimator_predicts_with_the_metric_it_was_fitted_with(covariance):
    views, y = _views()
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    model = DM2CClustering(4, random_state=0, paired_covariance=covariance,
                           **FAST).fit(data.data)
    ndim = 2 if covariance == "tied" else 0
    assert all(np.ndim(w) == ndim for w in model._assignment_weights)
    np.testing.assert_array_equal(model.predict(data.data), model.labels_)
    assert clustering_accuracy(y, model.labels_) > 0.9


@pytest.mark.parametrize("own_features", ["none", "all"])
def test_estimator_with_cross_block_predicts_its_labels(own_features):
    views, y = _views()
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    model = DM2CClustering(4, random_state=0, paired_covariance="cross-block",
                           own_features=own_features, **FAST).fit(data.data)
    assert isinstance(model._assignment_weights, JointMixture)
    n_own = 2 if own_features == "all" else 0
    assert len(model.own_feature_cluster_centers_) == n_own
    assert model._assignment_weights.means.shape == (4, 2 * 8 + sum(
        c.shape[1] for c in model.own_feature_cluster_centers_))
    np.testing.assert_array_equal(model.predict(data.data), model.labels_)
    assert clustering_accuracy(y, model.labels_) > 0.9


@pytest.mark.parametrize("own_features, expected", [("none", "cross-block"), ("all", "tied")])
def test_auto_takes_the_mixture_only_without_own_feature_blocks(own_features, expected):
    views, y = _views(seed=2)
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    params = dict(random_state=0, own_features=own_features, **FAST)
    auto = DM2CClustering(4, **params).fit(data.data)
    assert auto.get_params()["paired_covariance"] == "auto"
    assert auto.paired_covariance_ == expected
    explicit = DM2CClustering(4, paired_covariance=expected, **params).fit(data.data)
    assert explicit.paired_covariance_ == expected
    np.testing.assert_array_equal(auto.labels_, explicit.labels_)
    assert isinstance(auto._assignment_weights, JointMixture) == (expected == "cross-block")


def test_a_pickled_cross_block_model_predicts_the_same():
    import pickle

    views, y = _views(seed=1)
    data = make_incomplete(views, y, paired_fraction=0.5, random_state=1)
    model = DM2CClustering(4, random_state=0, paired_covariance="cross-block",
                           **FAST).fit(data.data)
    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict(data.data), model.labels_)
    np.testing.assert_allclose(clone._assignment_weights.covariance,
                               model._assignment_weights.covariance)


def test_paired_covariance_is_validated_and_ignored_without_pairs():
    views, y = _views()
    with pytest.raises(InvalidParameterError, match="paired_covariance"):
        DM2CClustering(4, paired_covariance="full", **FAST).fit(views[0])
    data = make_incomplete(views, y, paired_fraction=0.0, random_state=0)
    a = DM2CClustering(4, random_state=0, **FAST).fit(data.data)
    b = DM2CClustering(4, random_state=0, paired_covariance="spherical", **FAST).fit(data.data)
    assert a.cluster_assignment_ == "structure"
    np.testing.assert_array_equal(a.labels_, b.labels_)


def test_the_refinement_names_a_cluster_it_leaves_without_rows():
    # a small draw (found by search) where the per-modality-centre refinement empties a
    # cluster although the rows are distinct: it must say so, not return fewer clusters
    # silently
    from skdm2c._core._validation import DegenerateClusteringWarning

    rng = np.random.RandomState(938)
    n, k, d = rng.randint(8, 40), rng.randint(2, 8), rng.randint(2, 5)
    observed = np.zeros((n, 2), dtype=bool)
    observed[:, 0] = rng.rand(n) < 0.6
    observed[:, 1] = ~observed[:, 0] | (rng.rand(n) < 0.3)
    U = [np.where(observed[:, [m]], rng.normal(size=(n, d)) * rng.uniform(0.1, 3, d), np.nan)
         for m in range(2)]
    with pytest.warns(DegenerateClusteringWarning,
                      match=r"k-means of the 'paired' assignment left 1 of n_clusters=7 "
                            r"clusters without rows \(\[2\]\)"):
        labels = paired_kmeans(U, observed, k, n_init=1, random_state=938)[0]
    assert len(np.unique(labels)) == k - 1
