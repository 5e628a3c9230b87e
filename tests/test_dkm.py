"""Tests of the Deep k-Means baseline."""

import math

import numpy as np
import pytest
import torch
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c._core._training import DivergenceError
from skdm2c.baselines import DKM
from skdm2c.baselines._dkm import annealed_alphas, dkm_clustering_loss

torch.set_num_threads(1)

FAST = dict(hidden_sizes=(8,), pretrain_epochs=3, alphas=[1000.0], epochs_per_alpha=3,
            batch_size=16)


@parametrize_with_checks([
    DKM(n_clusters=2, **FAST),
    DKM(n_clusters=2, hidden_sizes=(8,), pretrain_epochs=0, alphas=[0.1, 1.0, 10.0],
        epochs_per_alpha=2, batch_size=16),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _blobs(seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.normal(size=(3, 5)) * 3
    y = np.repeat(np.arange(3), 20)
    return centres[y] + rng.normal(size=(60, 5)), y


def test_annealed_alphas_formula():
    alphas = annealed_alphas()
    assert alphas.shape == (40,)
    assert alphas[0] == 0.1
    assert alphas[1] == pytest.approx(0.1 * 2 ** (1 / math.log(2) ** 2))
    for i in range(1, 40):  # alpha_{i+1} = 2^(1/ln(i+1)^2) alpha_i, 1-based
        assert alphas[i] / alphas[i - 1] == pytest.approx(2 ** (1 / math.log(i + 1) ** 2))
    # closed form: alpha_n = 0.1 * 2^(sum_{i=1}^{n-1} 1/ln(i+1)^2)
    exponent = sum(1 / math.log(i + 1) ** 2 for i in range(1, 40))
    assert alphas[-1] == pytest.approx(0.1 * 2 ** exponent)
    assert np.all(np.diff(alphas) > 0)


def test_alpha_resolution():
    assert np.array_equal(DKM(pretrain_epochs=5)._resolve_alphas(), np.full(20, 1000.0))
    assert np.array_equal(DKM(pretrain_epochs=0)._resolve_alphas(), annealed_alphas())
    assert np.array_equal(DKM(alphas="annealed")._resolve_alphas(), annealed_alphas())
    assert np.array_equal(DKM(alphas=5.0)._resolve_alphas(), np.full(20, 5.0))
    values = [1.0, 2.0]
    assert np.array_equal(DKM(alphas=values)._resolve_alphas(), [1.0, 2.0])
    for bad in ([], [1.0, -1.0], [[1.0]], [np.nan]):
        with pytest.raises(ValueError, match="alphas must be"):
            DKM(alphas=bad)._resolve_alphas()


def test_softmin_loss_hand_example():
    z = torch.tensor([[0.0, 0.0]])
    reps = torch.tensor([[1.0, 0.0], [0.0, 2.0]])  # squared distances 1 and 4
    loss, d = dkm_clustering_loss(z, reps, 1.0)
    np.testing.assert_allclose(d.numpy(), [[1.0, 4.0]])
    w1, w2 = math.exp(-1.0), math.exp(-4.0)
    assert loss.item() == pytest.approx((w1 * 1 + w2 * 4) / (w1 + w2), rel=1e-6)
    assert dkm_clustering_loss(z, reps, 0.0)[0].item() == pytest.approx(2.5)  # plain mean
    assert dkm_clustering_loss(z, reps, 1e6)[0].item() == pytest.approx(1.0)  # hard min
    # batch mean over rows
    z2 = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    assert dkm_clustering_loss(z2, reps, 1e6)[0].item() == pytest.approx(0.5)


def test_softmin_loss_is_stable_for_huge_alpha():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(16, 3, generator=g, requires_grad=True)
    reps = torch.randn(4, 3, generator=g, requires_grad=True)
    alpha = 1e38
    naive = torch.softmax(-alpha * ((z[:, None] - reps[None]) ** 2).sum(-1), dim=1)
    assert not torch.all(torch.isfinite(naive))  # -inf everywhere -> NaN
    loss, d = dkm_clustering_loss(z, reps, alpha)
    assert torch.isfinite(loss)
    assert loss.item() == pytest.approx(d.min(1).values.mean().item(), rel=1e-6)
    loss.backward()
    assert torch.all(torch.isfinite(z.grad)) and torch.all(torch.isfinite(reps.grad))


def test_fit_with_huge_alpha():
    X, _ = _blobs()
    dkm = DKM(n_clusters=3, **{**FAST, "alphas": [1e30]}, random_state=0).fit(X)
    assert np.isfinite(dkm.history_[-1]["loss"])
    assert set(dkm.labels_) == {0, 1, 2}


def test_divergence_raises():
    X, _ = _blobs()
    with pytest.raises(DivergenceError, match="DKM loss became"):
        DKM(n_clusters=3, hidden_sizes=(8,), pretrain_epochs=0, alphas=[1.0],
            epochs_per_alpha=1, random_state=0).fit(X * 1e20)


def test_same_random_state_same_labels():
    X, y = _blobs()
    a = DKM(n_clusters=3, **FAST, random_state=3).fit(X)
    b = DKM(n_clusters=3, **FAST, random_state=3).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(a.predict(X), a.labels_)


def test_attributes_history_and_params_untouched():
    X, y = _blobs()
    alphas = [10.0, 1000.0]
    dkm = DKM(n_clusters=3, hidden_sizes=(8,), pretrain_epochs=2, alphas=alphas,
              epochs_per_alpha=2, random_state=0).fit(X)
    assert alphas == [10.0, 1000.0]
    assert dkm.latent_dim is None and dkm.cluster_centers_.shape == (3, 3)
    assert dkm.transform(X).shape == (60, 3)
    assert [r["phase"] for r in dkm.history_] == ["pretrain"] * 2 + ["train"] * 4
    assert [r["alpha"] for r in dkm.history_[2:]] == [10.0, 10.0, 1000.0, 1000.0]
    assert {"loss", "reconstruction", "kmeans", "time"} <= set(dkm.history_[-1])
    assert dkm.n_iter_ == 4
    np.testing.assert_array_equal(dkm.alphas_, alphas)
    if not dkm.kmeans_fallback_:
        np.testing.assert_array_equal(dkm.cluster_centers_, dkm.representatives_)
    assert list(dkm.get_feature_names_out()) == ["dkm0", "dkm1", "dkm2"]


def test_dkma_initial_representatives_and_fallback():
    X, _ = _blobs()
    # No training at all: representatives are the U[-1, 1] draw, and data far
    # away from them leaves clusters empty -> k-means fallback.
    dkm = DKM(n_clusters=3, hidden_sizes=(8,), pretrain_epochs=0, alphas=[1.0],
              epochs_per_alpha=0, random_state=0).fit(X + 100.0)
    assert dkm.n_iter_ == 0
    assert np.all(np.abs(dkm.representatives_) <= 1.0)
    assert dkm.kmeans_fallback_
    np.testing.assert_array_equal(np.unique(dkm.labels_), [0, 1, 2])
    np.testing.assert_array_equal(dkm.predict(X + 100.0), dkm.labels_)


def test_clusters_separated_blobs():
    X, y = _blobs()
    from sklearn.metrics import adjusted_rand_score

    dkm = DKM(n_clusters=3, hidden_sizes=(16,), pretrain_epochs=20, alphas=[1000.0],
              epochs_per_alpha=10, batch_size=16, random_state=0).fit(X)
    assert adjusted_rand_score(y, dkm.labels_) > 0.9
