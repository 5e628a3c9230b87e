"""Tests of the synthetic generator make_mixed_modal_blobs."""


import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from skdm2c import check_mixed_modal, unpack_modalities
from skdm2c.datasets import make_mixed_modal_blobs


def test_default_shapes_and_layout():
    X, y = make_mixed_modal_blobs(random_state=0)
    assert X.shape == (300, 30)
    assert y.shape == (300,)
    assert np.bincount(y).tolist() == [100, 100, 100]
    modality = check_mixed_modal(X, (20, 10), require_all=True)
    assert np.bincount(modality).tolist() == [150, 150]


def test_return_modality_matches_nan_pattern():
    X, y, modality = make_mixed_modal_blobs(
        n_samples=101, n_clusters=4, modality_dims=(5, 7, 3), latent_dim=3,
        proportions=(0.5, 0.3, 0.2), random_state=1, return_modality=True,
    )
    assert X.shape == (101, 15)
    np.testing.assert_array_equal(check_mixed_modal(X, (5, 7, 3)), modality)
    # exact-count assignment: round(101 * p) with largest remainders, summing to 101
    assert np.bincount(modality).tolist() == [51, 30, 20]
    assert sorted(np.bincount(y).tolist()) == [25, 25, 25, 26]


def test_reproducible_and_seed_dependent():
    a = make_mixed_modal_blobs(random_state=7, return_modality=True)
    b = make_mixed_modal_blobs(random_state=np.random.RandomState(7), return_modality=True)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    c = make_mixed_modal_blobs(random_state=8)
    assert not np.array_equal(np.nan_to_num(a[0]), np.nan_to_num(c[0]))


def test_does_not_touch_global_random_state():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    make_mixed_modal_blobs(random_state=0)
    assert np.random.rand() == expected


def test_return_bunch():
    b = make_mixed_modal_blobs(
        n_samples=60, modality_names=("image", "text"), random_state=0, return_bunch=True
    )
    assert b.modality_names == ("image", "text")
    assert b.modality_dims == (20, 10)
    assert b.latent.shape == (60, 2) and b.centers.shape == (3, 2)
    assert [v.shape for v in b.views] == [(60, 20), (60, 10)]
    # each packed row equals its modality's paired view row
    for m, (a, z) in enumerate([(0, 20), (20, 30)]):
        rows = b.modality == m
        np.testing.assert_array_equal(b.data[rows, a:z], b.views[m][rows])
    # the centres are well separated: minimum distance 2
    d = np.linalg.norm(b.centers[:, None] - b.centers[None], axis=-1)
    assert d[np.triu_indices(3, 1)].min() == pytest.approx(2.0)


def test_modality_scales():
    b = make_mixed_modal_blobs(random_state=0, return_bunch=True)
    b1 = make_mixed_modal_blobs(random_state=0, return_bunch=True, modality_scales=(1, 1))
    np.testing.assert_allclose(b.views[0], b1.views[0])
    np.testing.assert_allclose(b.views[1], 0.2 * b1.views[1])


def _ari_gap(seed):
    """ARI of k-means per single modality, and on PCA-stacked rows."""
    with threadpool_limits(limits=1):  # tiny problems: threads only add overhead
        return _ari_gap_inner(seed)


def _ari_gap_inner(seed):
    X, y, modality = make_mixed_modal_blobs(random_state=seed, return_modality=True)
    views, indices = unpack_modalities(X, (20, 10))
    single, stacked = [], np.empty((X.shape[0], 2))
    for V, idx in zip(views, indices):
        labels = KMeans(3, n_init=10, random_state=0).fit_predict(V)
        single.append(adjusted_rand_score(y[idx], labels))
        stacked[idx] = PCA(n_components=2).fit_transform(V)
    pooled = adjusted_rand_score(y, KMeans(3, n_init=10, random_state=0).fit_predict(stacked))
    return single, pooled


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_modality_easy_but_pca_stacking_fails(seed):
    single, pooled = _ari_gap(seed)
    msg = (f"seed={seed}: per-modality k-means ARI={np.round(single, 3)}, "
           f"PCA-stacked ARI={pooled:.3f}")
    assert min(single) > 0.8, msg
    assert pooled < 0.4, msg
    assert min(single) - pooled > 0.5, msg


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_samples": 2, "n_clusters": 3}, "smaller than n_clusters"),
        ({"n_clusters": 0}, "n_clusters"),
        ({"latent_dim": 0}, "latent_dim"),
        ({"modality_dims": (20, 0)}, "width"),
        ({"cluster_std": -1.0}, "cluster_std"),
        ({"noise": np.nan}, "noise"),
        ({"proportions": (0.5, 0.6)}, "sum to 1"),
        ({"proportions": (1.0,)}, "one value per modality"),
        ({"modality_names": ("a",)}, "modality_names"),
        ({"modality_scales": (1.0, 0.0)}, "modality_scales"),
    ],
)
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_mixed_modal_blobs(**kwargs)


def test_non_integer_sizes_rejected():
    with pytest.raises(TypeError):
        make_mixed_modal_blobs(n_samples=10.5)


def test_many_clusters_and_one_modality():
    X, y = make_mixed_modal_blobs(
        n_samples=200, n_clusters=8, modality_dims=(6,), latent_dim=2, random_state=0
    )
    assert not np.isnan(X).any() and X.shape == (200, 6)
    with threadpool_limits(limits=1):
        labels = KMeans(8, n_init=10, random_state=0).fit_predict(X)
    assert adjusted_rand_score(y, labels) > 0.7


def test_weights_give_exact_cluster_sizes_and_validate():
    X, y = make_mixed_modal_blobs(200, n_clusters=3, weights=(0.5, 0.3, 0.2), random_state=0)
    np.testing.assert_array_equal(np.bincount(y), [100, 60, 40])
    _, y = make_mixed_modal_blobs(10, n_clusters=3, weights=(100, 1, 1), random_state=0)
    assert np.bincount(y, minlength=3).min() >= 1 and len(y) == 10
    with pytest.raises(ValueError, match="weights must hold 3 positive numbers"):
        make_mixed_modal_blobs(30, n_clusters=3, weights=(0.5, 0.5))
    with pytest.raises(ValueError, match="weights must hold 3 positive numbers"):
        make_mixed_modal_blobs(30, n_clusters=3, weights=(1, 0, 1))
