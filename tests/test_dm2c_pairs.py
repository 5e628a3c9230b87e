"""DM2CClustering with known correspondences (rows that observe several modalities)."""

import warnings

import numpy as np
import pytest

from skdm2c import DM2CClustering, pack_modalities
from skdm2c.datasets import make_incomplete, make_partially_aligned
from skdm2c.metrics import clustering_accuracy

FAST = dict(pretrain_epochs=15, epochs=15, latent_dim=8, hidden_sizes=(32,), n_init=3,
            batch_size=64)


def _views(n=240, k=4, seed=0):
    """Two views of k equal-sized clusters: without pairs the correspondence of
    the clusters across views is not identifiable."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    means_a, means_b = rng.normal(scale=3, size=(k, 10)), rng.normal(scale=3, size=(k, 6))
    return [means_a[y] + rng.normal(size=(n, 10)), means_b[y] + rng.normal(size=(n, 6))], y


def test_without_pairs_the_published_model_is_unchanged():
    """No multi-block row: pair losses never run; the published model is one parameter away."""
    views, y = _views()
    X = pack_modalities(*views).X
    a = DM2CClustering(4, random_state=0, lambda_pair=0.0, cluster_assignment="joint",
                       **FAST).fit(X)
    b = DM2CClustering(4, random_state=0, lambda_pair=5.0, lambda_contrastive=1.0,
                       cluster_assignment="joint", **FAST).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    assert a.cluster_assignment_ == "joint"
    assert not any("pair_translation" in r for r in a.history_)
    # the default only changes the final assignment: same network, same unified codes
    c = DM2CClustering(4, random_state=0, **FAST).fit(X)
    assert c.cluster_assignment_ == "structure"
    np.testing.assert_allclose(c.transform(X), a.transform(X))


def test_pairs_drive_the_alignment():
    accs = {0.0: [], 0.5: []}
    for seed in range(3):
        views, y = _views(seed=seed)
        for frac in accs:
            X = make_incomplete(views, y, paired_fraction=frac, random_state=seed).data
            model = DM2CClustering(4, random_state=seed, **FAST).fit(X)
            accs[frac].append(clustering_accuracy(y, model.labels_))
    assert np.mean(accs[0.5]) > 0.9
    assert np.mean(accs[0.5]) > np.mean(accs[0.0]) + 0.1


def test_multi_block_rows_fit_predict_transform():
    views, y = _views()
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    model = DM2CClustering(4, random_state=0, **FAST).fit(data.data)
    assert model.cluster_assignment_ == "paired"
    assert any("pair_translation" in r for r in model.history_ if r["phase"] == "train")
    np.testing.assert_array_equal(model.predict(data.data), model.labels_)
    # the code of a paired row is the mean of its blocks' codes
    paired = np.flatnonzero(data.observed.all(1))[:5]
    both = data.data[paired]
    only_a, only_b = both.copy(), both.copy()
    only_a[:, 10:] = np.nan
    only_b[:, :10] = np.nan
    np.testing.assert_allclose(model.transform(both),
                               (model.transform(only_a) + model.transform(only_b)) / 2,
                               atol=1e-6)


def test_aligned_protocol():
    views, y = _views()
    data = make_partially_aligned(views, y, aligned_fraction=0.5, random_state=0)
    model = DM2CClustering(4, random_state=0, **FAST).fit(data.data)
    assert clustering_accuracy(data.target, model.labels_) > 0.9


@pytest.mark.parametrize("params, match", [
    ({"lambda_pair": -1.0}, "lambda_pair"), ({"pair_temperature": 0.0}, "pair_temperature"),
    ({"lambda_contrastive": -0.5}, "lambda_contrastive"),
    ({"cluster_assignment": "magic"}, "cluster_assignment"),
    ({"learn_pair_temperature": 1}, "learn_pair_temperature"),
])
def test_bad_pair_parameters(params, match):
    views, y = _views()
    X = make_incomplete(views, y, paired_fraction=0.5, random_state=0).data
    with pytest.raises(ValueError, match=match):
        DM2CClustering(4, **{**FAST, **params}).fit(X)


def test_early_errors_name_the_problem():
    views, y = _views()
    X = pack_modalities(*views).X
    with pytest.raises(ValueError, match="cluster_assignment='paired' needs rows observing"):
        DM2CClustering(4, cluster_assignment="paired", **FAST).fit(X)
    with pytest.raises(ValueError, match="modality_names must be unique"):
        DM2CClustering(4, modality_names=["a", "a"], **FAST).fit(X)
    bad = X.copy()
    bad[3, 2] = np.inf
    with pytest.raises(ValueError, match="Row 3 holds an infinite value in column 2"):
        DM2CClustering(4, **FAST).fit(bad)
    same = pack_modalities(np.ones((10, 3)), np.ones((10, 2))).X
    with pytest.raises(ValueError, match="only 2 distinct row"):
        DM2CClustering(4, **FAST).fit(same)


def test_contrastive_pair_loss_is_optional():
    views, y = _views()
    X = make_incomplete(views, y, paired_fraction=0.3, random_state=0).data
    model = DM2CClustering(4, random_state=0, **FAST).fit(X)
    train = [r for r in model.history_ if r["phase"] == "train"]
    assert all(r["pair_contrastive"] > 0 for r in train)
    off = DM2CClustering(4, random_state=0, lambda_contrastive=0.0, **FAST).fit(X)
    assert all(r["pair_contrastive"] == 0 for r in off.history_ if r["phase"] == "train")


def test_learned_pair_temperature():
    from skdm2c.dm2c._training import TEMPERATURE_RANGE

    views, y = _views()
    X = make_incomplete(views, y, paired_fraction=0.3, random_state=0).data
    learned = DM2CClustering(4, random_state=0, **FAST).fit(X)
    train = [r["pair_temperature"] for r in learned.history_ if r["phase"] == "train"]
    assert len(train) == FAST["epochs"]
    lo, hi = TEMPERATURE_RANGE
    assert lo <= learned.pair_temperature_ <= hi
    assert learned.pair_temperature_ != pytest.approx(0.5, abs=0.05)
    assert train[0] != pytest.approx(train[-1])
    fixed = DM2CClustering(4, random_state=0, learn_pair_temperature=False, **FAST).fit(X)
    assert fixed.pair_temperature_ == 0.5
    assert {r["pair_temperature"] for r in fixed.history_ if r["phase"] == "train"} == {0.5}
    # a warm start continues from the learned value, not from pair_temperature
    warm = learned.set_params(warm_start=True, epochs=1)
    before = learned.pair_temperature_
    warm.fit(X)
    first = [r for r in warm.history_ if r["phase"] == "train"][-1]["pair_temperature"]
    assert abs(np.log(first) - np.log(before)) < abs(np.log(first) - np.log(0.5))
    # without pairs nothing is learned and the model is the published one
    unpaired = pack_modalities(*views).X
    a = DM2CClustering(4, random_state=0, **FAST).fit(unpaired)
    b = DM2CClustering(4, random_state=0, learn_pair_temperature=False, **FAST).fit(unpaired)
    assert a.pair_temperature_ is None
    np.testing.assert_array_equal(a.labels_, b.labels_)
    off = DM2CClustering(4, random_state=0, lambda_contrastive=0.0, **FAST).fit(X)
    assert off.pair_temperature_ is None


def test_paired_assignment_warns_when_it_does_not_settle():
    from sklearn.exceptions import ConvergenceWarning

    from skdm2c.dm2c._assign import paired_kmeans

    rng = np.random.RandomState(0)
    observed = np.ones((200, 2), dtype=bool)
    observed[100:150, 1] = observed[150:, 0] = False
    U = [np.where(observed[:, [m]], rng.normal(size=(200, 3)), np.nan) for m in range(2)]
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        paired_kmeans(U, observed, 6, n_init=1, random_state=0, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        labels, *_ = paired_kmeans(U, observed, 6, n_init=1, random_state=0)
    assert set(labels) <= set(range(6))
