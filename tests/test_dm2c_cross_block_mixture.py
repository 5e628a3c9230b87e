"""The cross-block Gaussian mixture of DM2C's paired step (``paired_covariance="cross-block"``)."""

import warnings

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.covariance import oas
from sklearn.exceptions import ConvergenceWarning

from skdm2c.dm2c._assign import paired_kmeans
from skdm2c.dm2c._joint_mixture import (
    JointMixture, _m_step, _oas, _stack, fit_joint_mixture,
)
from skdm2c.metrics import clustering_accuracy


def _shared_nuisance(seed, n=300, k=2, nuisance=1.0):
    """Two 2-d blocks of every instance that share a nuisance ``e_i`` on their first
    axis; only block 0 shows the clusters (+-1 there), blurred by the nuisance, which
    block 1 measures: the difference of the two blocks shows the clusters sharply,
    which a per-block covariance cannot see.  (Far from the origin, so that the unit
    scaling of the paired step is close to linear.)"""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    shift = np.where(y == 1, 1.0, -1.0)
    e = rng.normal(scale=nuisance, size=n)
    blocks = [np.column_stack([axis + rng.normal(scale=0.2, size=n),
                               rng.normal(scale=0.3, size=n)]) + 50.0
              for axis in (shift + e, e)]
    observed = np.ones((n, 2), dtype=bool)
    single = rng.permutation(n)[:n // 10]               # a few rows observe one block
    observed[single[: len(single) // 2], 1] = observed[single[len(single) // 2:], 0] = False
    return [np.where(observed[:, [m]], b, np.nan) for m, b in enumerate(blocks)], observed, y


def test_cross_block_covariance_finds_clusters_that_only_the_blocks_together_show():
    scores = {"tied": [], "cross-block": []}
    for seed in range(4):
        U, observed, y = _shared_nuisance(seed)
        paired = observed.all(1)
        for covariance in scores:
            labels = paired_kmeans(U, observed, 2, n_init=5, random_state=0,
                                   covariance=covariance)[0]
            scores[covariance].append(clustering_accuracy(y[paired], labels[paired]))
    assert np.mean(scores["cross-block"]) > 0.95
    assert np.mean(scores["cross-block"]) > np.mean(scores["tied"]) + 0.2


def _random_mixture(rng, widths, k):
    width = sum(widths)
    A = rng.normal(size=(width, width))
    return JointMixture(rng.normal(size=(k, width)), A @ A.T / width + np.eye(width),
                        np.log(rng.dirichlet(np.ones(k))), tuple(widths),
                        tuple(range(len(widths))))


def _random_rows(rng, widths, n):
    seen = rng.rand(n, len(widths)) < 0.6
    seen[~seen.any(1), 0] = True
    blocks = [np.where(seen[:, [j]], rng.normal(size=(n, w)), np.nan)
              for j, w in enumerate(widths)]
    return blocks, seen


def test_likelihood_of_a_row_is_the_marginal_gaussian_of_its_observed_blocks():
    rng = np.random.RandomState(0)
    widths, k = (2, 3, 1), 3
    mixture = _random_mixture(rng, widths, k)
    blocks, seen = _random_rows(rng, widths, 40)
    X, patterns = _stack(blocks, seen)
    log_joint, _ = mixture._e_step(X, patterns)
    cols = np.repeat(seen, widths, axis=1)
    for i in range(40):
        o = cols[i]
        for j in range(k):
            expected = mixture.log_weights[j] + multivariate_normal(
                mixture.means[j, o], mixture.covariance[np.ix_(o, o)]).logpdf(X[i, o])
            assert log_joint[i, j] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    np.testing.assert_array_equal(mixture.predict(blocks, seen), log_joint.argmax(1))


def test_m_step_uses_the_conditional_moments_of_the_unobserved_blocks():
    rng = np.random.RandomState(1)
    widths, k, n = (2, 2), 2, 30
    mixture = _random_mixture(rng, widths, k)
    blocks, seen = _random_rows(rng, widths, n)
    X, patterns = _stack(blocks, seen)
    log_joint, parts = mixture._e_step(X, patterns)
    resp = np.exp(log_joint - log_joint.max(1, keepdims=True))
    resp /= resp.sum(1, keepdims=True)
    new = _m_step(X, resp, parts, mixture, n)
    # the same step written out row by row
    S, mu = mixture.covariance, mixture.means
    cols = np.repeat(seen, widths, axis=1)
    xhat = np.empty((n, k, X.shape[1]))
    extra = np.zeros_like(S)
    for i in range(n):
        o, m = cols[i], ~cols[i]
        B = S[np.ix_(m, o)] @ np.linalg.inv(S[np.ix_(o, o)])
        for j in range(k):
            xhat[i, j, o] = X[i, o]
            xhat[i, j, m] = mu[j, m] + B @ (X[i, o] - mu[j, o])
        extra[np.ix_(m, m)] += S[np.ix_(m, m)] - B @ S[np.ix_(o, m)]
    Nk = resp.sum(0)
    means = np.einsum("ik,ikd->kd", resp, xhat) / Nk[:, None]
    diff = xhat - means[None]
    scatter = (np.einsum("ik,ikd,ike->de", resp, diff, diff) + extra) / n
    np.testing.assert_allclose(new.means, means, atol=1e-10)
    expected = _oas(scatter, n)
    expected[np.diag_indices_from(expected)] += 1e-6 * np.trace(expected) / len(expected)
    np.testing.assert_allclose(new.covariance, expected, atol=1e-10)
    np.testing.assert_allclose(np.exp(new.log_weights), Nk / n)


@pytest.mark.parametrize("n", [5, 50, 500])
def test_shrinkage_is_scikit_learns_oas(n):
    X = np.random.RandomState(n).normal(size=(n, 6)) @ np.diag([3, 2, 1, 1, 0.5, 0.1])
    np.testing.assert_allclose(_oas(X.T @ X / n, n), oas(X, assume_centered=True)[0])


def test_the_mixture_warns_when_em_has_not_converged():
    U, observed, _ = _shared_nuisance(0)
    blocks = [np.nan_to_num(u) for u in U]
    labels = np.arange(len(blocks[0])) % 2
    with pytest.warns(ConvergenceWarning, match="joint Gaussian mixture"):
        fit_joint_mixture(blocks, observed, labels, 2, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        out, mixture = fit_joint_mixture(blocks, observed, labels, 2)
    np.testing.assert_array_equal(mixture.predict(blocks, observed), out)


def test_the_mixture_warns_when_a_cluster_is_left_without_rows():
    U, observed, _ = _shared_nuisance(0)
    blocks = [np.nan_to_num(u) for u in U]
    labels = np.arange(len(blocks[0])) % 2          # the start leaves cluster 2 empty
    with pytest.warns(UserWarning, match=r"left 1 of n_clusters=3 clusters without rows \(\[2\]\)"):
        out, _ = fit_joint_mixture(blocks, observed, labels, 3)
    assert set(out) <= {0, 1}


def test_block_means_split_the_means_by_block_and_predict_reads_the_mixtures_columns():
    rng = np.random.RandomState(2)
    widths, k = (2, 3, 1), 2
    mixture = _random_mixture(rng, widths, k)
    parts = mixture.block_means()
    assert [p.shape for p in parts] == [(k, 2), (k, 3), (k, 1)]
    np.testing.assert_array_equal(np.hstack(parts), mixture.means)
    blocks, seen = _random_rows(rng, widths, 30)
    # the same mask with an unrelated column in front: the mixture reads its own columns
    moved = JointMixture(mixture.means, mixture.covariance, mixture.log_weights, widths,
                         (1, 2, 3))
    padded = np.hstack([rng.rand(30, 1) < 0.5, seen])
    np.testing.assert_array_equal(moved.predict(blocks, padded), mixture.predict(blocks, seen))
