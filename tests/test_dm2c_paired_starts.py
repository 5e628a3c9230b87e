"""Several starts of DM2C's paired step (``paired_n_init``) and the rule of
``paired_covariance="auto"`` with every modality's own features."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal
from sklearn.utils._param_validation import InvalidParameterError

import skdm2c.dm2c._estimator as estimator_module
from skdm2c import DM2CClustering
from skdm2c.datasets import make_incomplete
from skdm2c.dm2c._assign import _stage_loglik, _unit_codes, paired_kmeans
from skdm2c.dm2c._joint_mixture import JointMixture

FAST = dict(pretrain_epochs=5, epochs=5, latent_dim=8, hidden_sizes=(32,), n_init=3,
            batch_size=64)


def _blocks(seed, n=240, k=4, d=3, spread=1.6):
    """Two partially paired blocks of overlapping clusters (starts disagree on them)."""
    rng = np.random.RandomState(seed)
    y = rng.randint(k, size=n)
    observed = np.ones((n, 2), dtype=bool)
    perm = rng.permutation(n)
    observed[perm[:n // 3], 1] = observed[perm[n // 3:2 * n // 3], 0] = False
    U = [np.where(observed[:, [m]], rng.normal(size=(k, d))[y] + spread * rng.normal(size=(n, d)),
                  np.nan) for m in range(2)]
    return U, observed, y


def test_stage_loglik_is_the_classification_loglik_of_the_block_gaussians():
    rng = np.random.RandomState(0)
    n, k = 50, 3
    seen = rng.rand(n, 2) < 0.7
    seen[~seen.any(1), 0] = True
    blocks = [rng.normal(size=(n, 3)), rng.normal(size=(n, 2))]
    labels = rng.randint(k, size=n)
    centers = [rng.normal(size=(k, 3)), rng.normal(size=(k, 2))]
    A = rng.normal(size=(3, 3))
    precisions = [A @ A.T + np.eye(3), 2.5]
    expected = 0.0
    for m, (block, P) in enumerate(zip(blocks, precisions)):
        cov = np.linalg.inv(P) if np.ndim(P) == 2 else np.eye(block.shape[1]) / P
        rows = seen[:, m]
        diffs = block[rows] - centers[m][labels[rows]]
        logpdf = multivariate_normal(np.zeros(block.shape[1]), cov).logpdf(diffs)
        # up to the constant -d/2 log(2 pi) of every observed block
        expected += (logpdf + 0.5 * block.shape[1] * np.log(2 * np.pi)).sum()
    assert _stage_loglik(blocks, seen, labels, centers, precisions) == pytest.approx(expected)


@pytest.mark.parametrize("covariance", ["tied", "spherical"])
def test_paired_kmeans_keeps_the_most_likely_of_its_starts(covariance):
    U, observed, _ = _blocks(3)
    n_starts, seed = 6, 11
    seeds = [seed, *np.random.RandomState(seed).randint(np.iinfo(np.int32).max,
                                                        size=n_starts - 1)]
    V = _unit_codes(U)
    runs = []
    for s in seeds:
        labels, _, centers, weights = paired_kmeans(U, observed, 4, n_init=1, random_state=s,
                                                    covariance=covariance)
        if covariance == "spherical":
            weights = [w * 3 for w in weights]     # a Gaussian's precision: width / spread
        runs.append((_stage_loglik(V, observed, labels, centers, weights), labels))
    logliks = [r[0] for r in runs]
    assert len(set(np.round(logliks, 6))) > 1      # the starts differ, so the choice matters
    best = runs[int(np.argmax(logliks))][1]
    kept = paired_kmeans(U, observed, 4, n_init=1, random_state=seed, covariance=covariance,
                         n_starts=n_starts)[0]
    np.testing.assert_array_equal(kept, best)
    # one start is the start of seed random_state
    np.testing.assert_array_equal(
        paired_kmeans(U, observed, 4, n_init=1, random_state=seed, covariance=covariance)[0],
        runs[0][1])


def _views(seed=0, n=200, k=4):
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    return [rng.normal(scale=3, size=(k, 10))[y] + rng.normal(size=(n, 10)),
            rng.normal(scale=3, size=(k, 6))[y] + rng.normal(size=(n, 6))], y


@pytest.mark.parametrize("clustered, expected", [([], "cross-block"), ([0], "tied")])
def test_auto_with_every_own_feature_block_follows_the_selection(monkeypatch, clustered,
                                                                 expected):
    def select(R, U, observed, n_clusters, random_state=None):
        return list(clustered), [(0.0, 0.0)] * len(R)

    monkeypatch.setattr(estimator_module, "select_own_feature_modalities", select)
    views, y = _views()
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    model = DM2CClustering(4, random_state=0, **FAST).fit(data.data)
    assert model.get_params()["own_features"] == "all"
    assert model.own_feature_modalities_ == list(model.modality_names_)
    assert model.paired_covariance_ == expected
    assert isinstance(model._assignment_weights, JointMixture) == (expected == "cross-block")
    np.testing.assert_array_equal(model.predict(data.data), model.labels_)


def test_paired_n_init_is_validated_and_passed_to_the_assignment(monkeypatch):
    views, y = _views(1)
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    with pytest.raises(InvalidParameterError, match="paired_n_init"):
        DM2CClustering(4, paired_n_init=0, **FAST).fit(data.data)
    calls = []
    original = estimator_module.assign_clusters

    def spy(*args, **kwargs):
        calls.append(kwargs["n_starts"])
        return original(*args, **kwargs)

    monkeypatch.setattr(estimator_module, "assign_clusters", spy)
    DM2CClustering(4, paired_n_init=3, random_state=0, **FAST).fit(data.data)
    DM2CClustering(4, paired_n_init=1, random_state=0, **FAST).fit(data.data)
    assert calls == [3, 1]
