"""Tests of the IMSAT baseline."""

import math

import numpy as np
import pytest
import torch
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c._core._training import DivergenceError
from skdm2c.baselines import IMSAT
from skdm2c.baselines._imsat import (
    _IMSATNetwork,
    _kl_from_logits,
    imsat_entropies,
    neighbour_radii,
)

torch.set_num_threads(1)

FAST = dict(hidden_sizes=(16,), epochs=10, batch_size=16)


@parametrize_with_checks([IMSAT(n_clusters=2, **FAST)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _blobs(seed=0):
    rng = np.random.RandomState(seed)
    centres = rng.normal(size=(3, 5)) * 5
    y = np.repeat(np.arange(3), 20)
    return centres[y] + rng.normal(size=(60, 5)), y


def test_entropies_hand_made():
    ln2 = math.log(2)
    uniform = torch.log(torch.tensor([[0.5, 0.5], [0.5, 0.5]]))
    cond, marg = imsat_entropies(uniform)
    assert cond.item() == pytest.approx(ln2, rel=1e-6)
    assert marg.item() == pytest.approx(ln2, rel=1e-6)
    # confident and balanced: H(Y|X) ~ 0, H(Y) = ln 2
    confident = torch.tensor([[30.0, -30.0], [-30.0, 30.0]])
    cond, marg = imsat_entropies(confident)
    assert cond.item() == pytest.approx(0.0, abs=1e-6)
    assert marg.item() == pytest.approx(ln2, rel=1e-6)
    # identical rows p = (0.9, 0.1): both entropies equal H(0.9, 0.1)
    same = torch.log(torch.tensor([[0.9, 0.1], [0.9, 0.1]]))
    h = -(0.9 * math.log(0.9) + 0.1 * math.log(0.1))
    cond, marg = imsat_entropies(same)
    assert cond.item() == pytest.approx(h, rel=1e-5)
    assert marg.item() == pytest.approx(h, rel=1e-5)
    # p = [(1, 0, 0), (0, 0.5, 0.5)]: H(Y|X) = ln2 / 2; pbar = (.5, .25, .25)
    mixed = torch.log(torch.tensor([[1.0, 1e-30, 1e-30], [1e-30, 0.5, 0.5]]))
    cond, marg = imsat_entropies(mixed)
    assert cond.item() == pytest.approx(ln2 / 2, rel=1e-5)
    assert marg.item() == pytest.approx(-(0.5 * math.log(0.5) + 0.5 * math.log(0.25)), rel=1e-5)


def test_kl_zero_for_same_logits_and_positive_otherwise():
    logits = torch.tensor([[1.0, 2.0, 0.5], [0.0, 0.0, 3.0]])
    p, logp = torch.softmax(logits, 1), torch.log_softmax(logits, 1)
    assert _kl_from_logits(p, logp, logits).item() == pytest.approx(0.0, abs=1e-7)
    assert _kl_from_logits(p, logp, logits.flip(1)).item() > 0.1


def test_neighbour_radii_brute_force():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 4))
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    np.fill_diagonal(D, np.inf)  # a row is not its own neighbour
    for k in (1, 3, 10):
        np.testing.assert_allclose(neighbour_radii(X, k), np.sort(D, axis=1)[:, k - 1])
    # clipped to n_samples - 1
    np.testing.assert_allclose(neighbour_radii(X[:5], 10), np.sort(D[:5, :5], axis=1)[:, 3])
    est = IMSAT(n_clusters=3, **FAST, eps_scale=0.5, n_neighbors=3, random_state=0).fit(X)
    np.testing.assert_allclose(est.radii_, 0.5 * np.sort(D, axis=1)[:, 2], rtol=1e-6)


def test_perturbed_passes_keep_batchnorm_statistics():
    g = torch.Generator().manual_seed(0)
    net = _IMSATNetwork(4, (8, 8), 3).initialise(g)
    net.train()
    x = torch.randn(10, 4, generator=g)
    before = [n.running_mean.clone() for n in net.norms]
    logits = net(x)  # the clean pass updates the running statistics
    after_clean = [n.running_mean.clone() for n in net.norms]
    assert not all(torch.equal(a, b) for a, b in zip(before, after_clean))
    radii = torch.full((10,), 0.5)
    vat = IMSAT._vat(net, x, logits.detach(), radii, 10.0, g)
    assert vat.item() >= -1e-6
    for n, ref in zip(net.norms, after_clean):
        assert torch.equal(n.running_mean, ref)
    # p(x) is fixed: the VAT gradient reaches the parameters only through
    # the perturbed pass, and is finite.
    vat.backward()
    assert all(torch.all(torch.isfinite(p.grad)) for p in net.parameters() if p.grad is not None)


def test_output_layer_starts_near_uniform():
    g = torch.Generator().manual_seed(0)
    net = _IMSATNetwork(5, (32, 32), 4).initialise(g).eval()
    assert net.out.weight.std().item() < 1e-4
    assert torch.all(net.out.bias == 0)
    probs = torch.softmax(net(torch.randn(20, 5, generator=g)), 1)
    assert torch.allclose(probs, torch.full_like(probs, 0.25), atol=1e-3)


def test_transform_predict_centres():
    X, y = _blobs()
    est = IMSAT(n_clusters=3, hidden_sizes=(32,), epochs=60, batch_size=20,
                random_state=0).fit(X)
    P = est.transform(X)
    assert P.shape == (60, 3)
    np.testing.assert_allclose(P.sum(1), 1.0, rtol=1e-6)
    assert not est.kmeans_fallback_
    np.testing.assert_array_equal(est.predict(X), P.argmax(1))
    np.testing.assert_array_equal(est.labels_, P.argmax(1))
    for k in range(3):
        np.testing.assert_allclose(est.cluster_centers_[k], P[est.labels_ == k].mean(0))
    assert adjusted_rand_score(y, est.labels_) > 0.9
    assert [r["phase"] for r in est.history_] == ["train"] * 60 and est.n_iter_ == 60
    assert {"loss", "vat", "cond_entropy", "marginal_entropy"} <= set(est.history_[0])
    assert list(est.get_feature_names_out()) == ["imsat0", "imsat1", "imsat2"]


def test_untrained_model_falls_back_to_kmeans():
    X, _ = _blobs()
    # An untrained network with more outputs than the data fill: the argmax
    # leaves clusters empty, k-means on the probabilities fills all 30.
    est = IMSAT(n_clusters=30, hidden_sizes=(16,), epochs=0, random_state=0).fit(X)
    assert est.n_iter_ == 0
    assert est.kmeans_fallback_
    np.testing.assert_array_equal(np.unique(est.labels_), np.arange(30))
    np.testing.assert_array_equal(est.predict(X), est.labels_)


def test_same_random_state_same_labels():
    X, _ = _blobs()
    a = IMSAT(n_clusters=3, **FAST, random_state=5).fit(X)
    b = IMSAT(n_clusters=3, **FAST, random_state=5).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))


def test_divergence_in_vat_raises():
    X, _ = _blobs()
    with pytest.raises(DivergenceError, match="'vat' loss became nan"):
        IMSAT(n_clusters=3, **FAST, eps_scale=1e39, random_state=0).fit(X)


def test_needs_two_samples():
    with pytest.raises(ValueError, match="n_samples=1"):
        IMSAT(n_clusters=1, **FAST).fit(np.zeros((1, 3)))
