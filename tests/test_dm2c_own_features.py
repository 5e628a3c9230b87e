"""The own-feature blocks of DM2C's paired final step (``own_features``)."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skdm2c import DM2CClustering
from skdm2c.datasets import make_incomplete
from skdm2c.dm2c._assign import paired_kmeans
from skdm2c.dm2c._own_features import (
    MIN_IMPUTER_PAIRS,
    cluster_structure,
    fit_block_imputers,
    impute_blocks,
    select_own_feature_modalities,
)
from skdm2c.metrics import clustering_accuracy

FAST = dict(pretrain_epochs=10, epochs=10, latent_dim=8, hidden_sizes=(32,), n_init=3,
            batch_size=64)


def _blobs(n, k, d, rng, spread=6.0):
    y = np.arange(n) % k
    return rng.normal(scale=spread, size=(k, d))[y] + rng.normal(size=(n, d)), y


def test_cluster_structure_separates_clusters_from_a_gaussian_cloud():
    rng = np.random.RandomState(0)
    blobs, _ = _blobs(300, 4, 6, rng)
    cloud = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6))
    assert cluster_structure(blobs, 4, random_state=0) > 0.3
    assert abs(cluster_structure(cloud, 4, random_state=0)) < 0.05
    # scale-free
    assert cluster_structure(10 * blobs, 4, random_state=0) == pytest.approx(
        cluster_structure(blobs, 4, random_state=0))
    assert cluster_structure(blobs[:4], 4) == -np.inf
    assert cluster_structure(np.ones((20, 3)), 4, random_state=0) == 0.0


def test_selection_keeps_the_modality_whose_features_cluster_better_than_its_codes():
    rng = np.random.RandomState(1)
    n, k = 240, 4
    blobs_a, _ = _blobs(n, k, 8, rng)
    blobs_b, _ = _blobs(n, k, 8, rng)
    R = [blobs_a, rng.normal(size=(n, 8))]
    U = [rng.normal(size=(n, 5)), blobs_b[:, :5]]
    observed = np.ones((n, 2), dtype=bool)
    observed[:60, 1] = False
    R[1][:60] = np.nan
    U[1][:60] = np.nan
    chosen, scores = select_own_feature_modalities(R, U, observed, k, random_state=0)
    assert chosen == [0]
    assert scores[0][0] > scores[0][1] and scores[1][0] < scores[1][1]


def test_imputers_predict_the_missing_blocks_from_the_pairs():
    rng = np.random.RandomState(2)
    n = 200
    B = rng.normal(size=(n, 5))
    A = B @ rng.normal(size=(5, 4)) + 0.05 * rng.normal(size=(n, 4))
    observed = np.ones((n, 2), dtype=bool)
    observed[:50, 0] = False       # B only: A is predicted
    observed[50:90, 1] = False     # A only: nothing to predict A from, A is its own
    R = [np.where(observed[:, [0]], A, np.nan), np.where(observed[:, [1]], B, np.nan)]
    imputers = fit_block_imputers(R, observed, [0])
    assert [m for m, _ in imputers[0]] == [1]
    (block,), available = impute_blocks(R, observed, imputers)
    assert available.shape == (n, 1) and available.all()
    np.testing.assert_array_equal(block[50:], A[50:])            # own features kept
    err = ((block[:50] - A[:50]) ** 2).sum() / ((A[:50] - A[:50].mean(0)) ** 2).sum()
    assert err < 0.05                                             # predicted from B


def test_too_few_pairs_leave_a_block_missing():
    rng = np.random.RandomState(3)
    n = 40
    observed = np.zeros((n, 2), dtype=bool)
    observed[:20, 0] = observed[20:, 1] = True
    observed[:MIN_IMPUTER_PAIRS - 1, 1] = True                    # too few pairs
    R = [np.where(observed[:, [m]], rng.normal(size=(n, 3)), np.nan) for m in range(2)]
    imputers = fit_block_imputers(R, observed, [0])
    assert imputers == {0: []}
    (block,), available = impute_blocks(R, observed, imputers)
    np.testing.assert_array_equal(available[:, 0], observed[:, 0])
    assert np.isnan(block[~observed[:, 0]]).all()
    assert impute_blocks(R, observed, {})[1].shape == (n, 0)


def test_paired_kmeans_uses_the_extra_blocks():
    rng = np.random.RandomState(4)
    n, k = 240, 4
    blocks, y = _blobs(n, k, 12, rng)
    U = [rng.normal(size=(n, 6)), rng.normal(size=(n, 6))]        # codes without clusters
    observed = np.ones((n, 2), dtype=bool)
    plain = paired_kmeans(U, observed, k, n_init=3, random_state=0)[0]
    labels, centers, block_centers, weights = paired_kmeans(
        U, observed, k, n_init=3, random_state=0, extra=[blocks],
        extra_observed=np.ones((n, 1), dtype=bool))
    assert clustering_accuracy(y, labels) > 0.95 > clustering_accuracy(y, plain) + 0.3
    assert centers.shape == (k, 6)
    assert [c.shape for c in block_centers] == [(k, 6), (k, 6), (k, 12)]
    assert len(weights) == 3


def _views(n=240, k=4, seed=0):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    return [rng.normal(scale=3, size=(k, 10))[y] + rng.normal(size=(n, 10)),
            rng.normal(scale=3, size=(k, 6))[y] + rng.normal(size=(n, 6))], y


def test_estimator_own_features_all_none_and_predict():
    views, y = _views()
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    model = DM2CClustering(4, random_state=0, own_features="all", **FAST).fit(data.data)
    assert model.own_feature_modalities_ == list(model.modality_names_)
    assert [c.shape[0] for c in model.own_feature_cluster_centers_] == [4, 4]
    assert len(model.modality_cluster_centers_) == 2
    np.testing.assert_array_equal(model.predict(data.data), model.labels_)
    # rows of one modality only are assigned through their predicted other block
    one = data.data[~data.observed.all(1)][:10]
    assert model.predict(one).shape == (10,)
    none = DM2CClustering(4, random_state=0, own_features="none", **FAST).fit(data.data)
    assert none.own_feature_modalities_ == [] and none.own_feature_cluster_centers_ == []
    np.testing.assert_array_equal(none.predict(data.data), none.labels_)
    auto = DM2CClustering(4, random_state=0, **FAST).fit(data.data)
    assert set(auto.own_feature_modalities_) <= set(auto.modality_names_)
    assert len(auto._own_feature_scores) == 2


def test_own_features_need_pairs_and_a_valid_value():
    views, y = _views()
    unpaired = make_incomplete(views, y, paired_fraction=0.0, random_state=0).data
    model = DM2CClustering(4, random_state=0, own_features="all", **FAST).fit(unpaired)
    assert model.cluster_assignment_ == "structure"
    assert model.own_feature_modalities_ == [] and model.own_feature_cluster_centers_ == []
    with pytest.raises(InvalidParameterError, match="own_features"):
        DM2CClustering(4, own_features="codes", **FAST).fit(unpaired)
