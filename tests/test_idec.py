"""Tests of the IDEC baseline (Guo et al., IJCAI 2017)."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c._core._training import DivergenceError
from skdm2c.baselines._idec import IDEC, soft_assignment, target_distribution

torch.set_num_threads(1)

FAST = dict(hidden_sizes=(32,), latent_dim=4, pretrain_epochs=3, max_iter=12, batch_size=32,
            n_init=2)


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=120, centers=3, n_features=6, cluster_std=1.0, random_state=0)
    return (X - X.mean(0)) / X.std(0), y


@parametrize_with_checks([IDEC(n_clusters=3, random_state=0, **FAST)])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


# --------------------------------------------------------- target distribution
def test_target_distribution_hand_computed():
    # equal column sums: p_ij = q_ij^2 / sum_j q_ij^2
    q = np.array([[0.6, 0.4], [0.4, 0.6]])
    p = target_distribution(q)
    np.testing.assert_allclose(p[0], [0.36 / 0.52, 0.16 / 0.52])
    np.testing.assert_allclose(p[1], [0.16 / 0.52, 0.36 / 0.52])


def test_target_distribution_rows_sum_to_one_and_sharpen():
    rng = np.random.RandomState(0)
    q = rng.dirichlet(np.ones(4), size=50)
    p = target_distribution(q)
    np.testing.assert_allclose(p.sum(1), 1.0)
    assert np.all(p >= 0)
    # balanced frequencies: the most likely cluster gains mass, argmax kept
    q_bal = np.array([[0.7, 0.2, 0.1], [0.1, 0.7, 0.2], [0.2, 0.1, 0.7]])
    p_bal = target_distribution(q_bal)
    np.testing.assert_array_equal(p_bal.argmax(1), q_bal.argmax(1))
    assert np.all(p_bal.max(1) > q_bal.max(1))
    # entropy decreases row by row
    ent = lambda a: -(a * np.log(a)).sum(1)  # noqa: E731
    assert np.all(ent(p_bal) < ent(q_bal))


def test_target_distribution_penalises_large_clusters():
    # a row undecided between a big and a small cluster leans to the small one
    q = np.array([[0.5, 0.5], [0.9, 0.1], [0.9, 0.1]])
    p = target_distribution(q)
    f = q.sum(0)  # [2.3, 0.7]
    expected = np.array([0.25 / f[0], 0.25 / f[1]])
    np.testing.assert_allclose(p[0], expected / expected.sum())
    assert p[0, 1] > p[0, 0]


def test_target_distribution_torch_matches_numpy():
    q = np.random.RandomState(1).dirichlet(np.ones(3), size=10)
    p_t = target_distribution(torch.tensor(q))
    np.testing.assert_allclose(p_t.numpy(), target_distribution(q))


def test_soft_assignment_student_t():
    Z = torch.tensor([[0.0, 0.0], [3.0, 0.0]], dtype=torch.float64)
    mu = torch.tensor([[0.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    q = soft_assignment(Z, mu, alpha=1.0).exp().numpy()
    # row 0: kernels 1/(1+0)=1 and 1/(1+1)=0.5
    np.testing.assert_allclose(q[0], [1 / 1.5, 0.5 / 1.5])
    # row 1: kernels 1/(1+9) and 1/(1+4)
    np.testing.assert_allclose(q[1], [0.1 / 0.3, 0.2 / 0.3])
    # alpha=2: (1 + d2/2) ** -1.5
    q2 = soft_assignment(Z, mu, alpha=2.0).exp().numpy()
    k = np.array([1.0, 1.5**-1.5])
    np.testing.assert_allclose(q2[0], k / k.sum())


# ------------------------------------------------------------------ behaviour
def test_fit_attributes_and_predict_consistency(blobs):
    X, y = blobs
    idec = IDEC(n_clusters=3, random_state=0, **FAST).fit(X)
    assert idec.cluster_centers_.shape == (3, 4)
    assert idec.transform(X).shape == (120, 4)
    np.testing.assert_array_equal(np.unique(idec.labels_), [0, 1, 2])
    np.testing.assert_array_equal(idec.predict(X), idec.labels_)
    train = [r for r in idec.history_ if r["phase"] == "train"]
    assert train and {"epoch", "iteration", "reconstruction", "kl", "delta_label"} <= set(train[0])
    assert sum(r["phase"] == "pretrain" for r in idec.history_) == FAST["pretrain_epochs"]
    assert train[-1]["iteration"] == idec.n_iter_


def test_same_random_state_same_labels(blobs):
    X, _ = blobs
    a = IDEC(n_clusters=3, random_state=42, **FAST).fit(X)
    b = IDEC(n_clusters=3, random_state=42, **FAST).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)


def test_tol_stop_without_warning(blobs):
    X, _ = blobs
    params = {**FAST, "max_iter": 200}
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        idec = IDEC(n_clusters=3, tol=1.0, update_interval=2, random_state=0, **params).fit(X)
    # stops at the first target update after training started
    assert idec.converged_ and idec.n_iter_ == 2


def test_max_iter_reached_warns(blobs):
    X, _ = blobs
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        idec = IDEC(n_clusters=3, tol=0.0, update_interval=5, random_state=0, **FAST).fit(X)
    assert not idec.converged_ and idec.n_iter_ == FAST["max_iter"]
    # records at every target update (every 5 steps) and at the end
    iters = [r["iteration"] for r in idec.history_ if r["phase"] == "train"]
    assert iters == [5, 10, 12]


def test_max_iter_zero_is_kmeans_on_pretrained_embedding(blobs):
    X, _ = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        idec = IDEC(n_clusters=3, random_state=0, **{**FAST, "max_iter": 0}).fit(X)
    assert idec.n_iter_ == 0
    assert not [r for r in idec.history_ if r["phase"] == "train"]


def test_divergence_raises_and_names_the_loss(blobs):
    X, _ = blobs
    idec = IDEC(n_clusters=3, learning_rate=1e6, random_state=0, **FAST)
    with pytest.raises(DivergenceError, match="'(reconstruction|kl)' loss became"):
        idec.fit(X)
    assert not hasattr(idec, "labels_")


def test_empty_cluster_is_repaired(blobs):
    X, _ = blobs
    idec = IDEC(n_clusters=3, random_state=0, **FAST).fit(X)
    with torch.no_grad():  # move one centre far away: nobody is nearest to it
        idec.network_.centers[2] = 1e4
    idec._finalise(torch.tensor(X, dtype=torch.float32), np.random.RandomState(0))
    np.testing.assert_array_equal(np.unique(idec.labels_), [0, 1, 2])
    np.testing.assert_array_equal(idec.predict(X), idec.labels_)
    assert np.abs(idec.cluster_centers_).max() < 1e3


def test_sgd_optimizer_runs(blobs):
    X, _ = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        idec = IDEC(n_clusters=3, optimizer="sgd", learning_rate=0.01, random_state=0,
                    **FAST).fit(X)
    assert np.unique(idec.labels_).size == 3


def test_invalid_parameter():
    with pytest.raises(ValueError, match="optimizer"):
        IDEC(optimizer="rmsprop").fit(np.zeros((10, 2)))
