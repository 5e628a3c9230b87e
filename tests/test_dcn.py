"""Tests of the DCN baseline (Yang et al., ICML 2017)."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c._core._training import DivergenceError
from skdm2c.baselines._dcn import DCN, dcn_center_update

torch.set_num_threads(1)

FAST = dict(hidden_sizes=(32,), latent_dim=4, pretrain_epochs=3, epochs=4, kmeans_every=2,
            batch_size=32, n_init=2)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=120, centers=3, n_features=6, cluster_std=1.0, random_state=0)
    return (X - X.mean(0)) / X.std(0), y


@parametrize_with_checks([DCN(n_clusters=3, random_state=0, **FAST)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# ------------------------------------------------------------ centre update
def test_center_update_hand_computed():
    centers = np.array([[0.0, 0.0], [10.0, 10.0]])
    counts = np.array([1.0, 3.0])
    Z = np.array([[2.0, 0.0], [4.0, 0.0], [10.0, 14.0]])
    assign = np.array([0, 0, 1])
    new_centers, new_counts = dcn_center_update(centers, counts, Z, assign)
    # centre 0: count 2 -> (1/2)*0 + (1/2)*[2,0] = [1,0];
    #           count 3 -> (2/3)*[1,0] + (1/3)*[4,0] = [2,0]
    # centre 1: count 4 -> (3/4)*[10,10] + (1/4)*[10,14] = [10,11]
    np.testing.assert_allclose(new_centers, [[2.0, 0.0], [10.0, 11.0]])
    np.testing.assert_array_equal(new_counts, [3.0, 4.0])
    # inputs untouched
    np.testing.assert_array_equal(centers, [[0.0, 0.0], [10.0, 10.0]])
    np.testing.assert_array_equal(counts, [1.0, 3.0])


def test_center_update_equals_sequential_rule():
    rng = np.random.RandomState(0)
    centers, counts = rng.normal(size=(4, 3)), np.full(4, 100.0)
    Z, assign = rng.normal(size=(50, 3)), rng.randint(0, 3, size=50)  # centre 3 unused
    seq_c, seq_n = centers.copy(), counts.copy()
    for z, c in zip(Z, assign):
        seq_n[c] += 1
        eta = 1.0 / seq_n[c]
        seq_c[c] = (1 - eta) * seq_c[c] + eta * z
    new_c, new_n = dcn_center_update(centers, counts, Z, assign)
    np.testing.assert_allclose(new_c, seq_c)
    np.testing.assert_array_equal(new_n, seq_n)
    np.testing.assert_array_equal(new_c[3], centers[3])


# ---------------------------------------------------------------- behaviour
def test_fit_attributes_and_predict_consistency(blobs):
    X, y = blobs
    dcn = DCN(n_clusters=3, random_state=0, **FAST).fit(X)
    assert dcn.cluster_centers_.shape == (3, 4)
    assert dcn.transform(X).shape == (120, 4)
    np.testing.assert_array_equal(np.unique(dcn.labels_), [0, 1, 2])
    np.testing.assert_array_equal(dcn.predict(X), dcn.labels_)
    assert dcn.n_iter_ == FAST["epochs"]
    train = [r for r in dcn.history_ if r["phase"] == "train"]
    assert [r["epoch"] for r in train] == [0, 1, 2, 3]
    assert {"reconstruction", "clustering", "kmeans"} <= set(train[0])
    # full k-means after epoch 2; the one after the last epoch is the final one
    assert [r["kmeans"] for r in train] == [False, True, False, False]


def test_labels_are_kmeans_of_final_embedding(blobs):
    X, _ = blobs
    dcn = DCN(n_clusters=3, random_state=0, **FAST).fit(X)
    Z = dcn.transform(X)
    # the centres are the means of their clusters (a converged k-means)
    for k in range(3):
        np.testing.assert_allclose(dcn.cluster_centers_[k], Z[dcn.labels_ == k].mean(0),
                                   atol=1e-6)


def test_same_random_state_same_labels(blobs):
    X, _ = blobs
    a = DCN(n_clusters=3, random_state=7, **FAST).fit(X)
    b = DCN(n_clusters=3, random_state=7, **FAST).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_epochs_zero_is_kmeans_on_pretrained_embedding(blobs):
    X, _ = blobs
    dcn = DCN(n_clusters=3, random_state=0, **{**FAST, "epochs": 0}).fit(X)
    assert dcn.n_iter_ == 0
    assert not [r for r in dcn.history_ if r["phase"] == "train"]
    np.testing.assert_array_equal(dcn.predict(X), dcn.labels_)


def test_clustering_weight_pulls_embedding_to_centres(blobs):
    X, _ = blobs
    params = {**FAST, "epochs": 10, "learning_rate": 1e-3}
    loose = DCN(n_clusters=3, lambda_=0.0, random_state=0, **params).fit(X)
    tight = DCN(n_clusters=3, lambda_=10.0, random_state=0, **params).fit(X)
    last = lambda m: [r for r in m.history_ if r["phase"] == "train"][-1]  # noqa: E731
    assert last(tight)["clustering"] < 0.5 * last(loose)["clustering"]


def test_divergence_raises_and_names_the_loss(blobs):
    X, _ = blobs
    dcn = DCN(n_clusters=3, learning_rate=1e6, random_state=0, **FAST)
    with pytest.raises(DivergenceError, match="'(reconstruction|clustering)' loss became"):
        dcn.fit(X)
    assert not hasattr(dcn, "labels_")


def test_invalid_parameter():
    with pytest.raises(ValueError, match="kmeans_every"):
        DCN(kmeans_every=0).fit(np.zeros((10, 2)))
