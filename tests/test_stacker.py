"""Tests of ModalityStacker (per-modality reduction into one dense array)."""

import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA, TruncatedSVD
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c import pack_modalities
from skdm2c.baselines import ModalityStacker

torch.set_num_threads(1)


@parametrize_with_checks([ModalityStacker(n_components=2)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _two_modalities(n0=30, n1=20, d0=6, d1=4, seed=0):
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(n0, d0)) @ rng.normal(size=(d0, d0))
    B = rng.normal(size=(n1, d1)) + 3.0
    # Interleave the rows so that packed order is not modality order.
    packed = pack_modalities(A, B)
    order = rng.permutation(n0 + n1)
    return packed.X[order], packed.modality[order], A, B, order


def test_fit_transform_matches_manual_pca():
    X, modality, A, B, order = _two_modalities()
    Z = ModalityStacker(n_components=3).fit_transform(X)
    assert Z.shape == (X.shape[0], 3)
    # Rows keep their place: compare each modality with its own PCA.
    expected_A = PCA(3, svd_solver="full").fit_transform(X[modality == 0, :6])
    expected_B = PCA(3, svd_solver="full").fit_transform(X[modality == 1, 6:])
    np.testing.assert_allclose(Z[modality == 0], expected_A, atol=1e-10)
    np.testing.assert_allclose(Z[modality == 1], expected_B, atol=1e-10)
    # fit + transform gives the same as fit_transform.
    stacker = ModalityStacker(n_components=3).fit(X)
    np.testing.assert_allclose(stacker.transform(X), Z, atol=1e-10)
    assert stacker.modality_dims_ == (6, 4)
    assert stacker.n_features_in_ == 10
    assert len(stacker.reducers_) == 2


def test_transform_subset_of_modalities():
    X, modality, *_ = _two_modalities()
    stacker = ModalityStacker(n_components=2).fit(X)
    Z = stacker.transform(X)
    only_b = X[modality == 1]
    np.testing.assert_allclose(stacker.transform(only_b), Z[modality == 1])
    np.testing.assert_allclose(stacker.transform(X[modality == 0][:1]), Z[modality == 0][:1])


def test_explicit_modality_dims_and_missing_modality_at_fit():
    X, modality, *_ = _two_modalities()
    dims = [6, 4]
    stacker = ModalityStacker(n_components=2, modality_dims=dims).fit(X)
    assert dims == [6, 4]  # parameter not mutated
    assert stacker.modality_dims_ == (6, 4)
    with pytest.raises(ValueError, match="has no rows"):
        ModalityStacker(n_components=2, modality_dims=(6, 4)).fit(X[modality == 0])
    with pytest.raises(ValueError, match="sums to"):
        ModalityStacker(n_components=2, modality_dims=(5, 4)).fit(X)


def test_plain_array_is_one_modality():
    X = np.random.RandomState(0).normal(size=(20, 5))
    stacker = ModalityStacker(n_components=2).fit(X)
    assert stacker.modality_dims_ == (5,)
    np.testing.assert_allclose(
        stacker.transform(X), PCA(2, svd_solver="full").fit_transform(X), atol=1e-10
    )


def test_too_few_rows_or_columns():
    X, modality, *_ = _two_modalities(n1=3, d1=4)
    with pytest.raises(ValueError, match=r"Modality 1 \(columns 6:10\) has n_samples=3 rows"):
        ModalityStacker(n_components=4).fit(X)
    X, *_ = _two_modalities(d1=2)
    with pytest.raises(ValueError, match=r"Modality 1 .*n_features=2 columns.*n_components=3"):
        ModalityStacker(n_components=3).fit(X)


def test_bad_layout_raises():
    X, modality, *_ = _two_modalities()
    stacker = ModalityStacker(n_components=2).fit(X)
    bad = X.copy()
    r = int(np.flatnonzero(modality == 1)[0])
    bad[r, 2] = 1.0  # one value in block 0: a partially observed block
    message = rf"Row {r} holds NaN in column 0 inside its observed block 0"
    with pytest.raises(ValueError, match=message):
        stacker.transform(bad)
    with pytest.raises(ValueError, match="expecting 10 features"):
        stacker.transform(X[:, :6])


def test_custom_reducer_cloned_with_n_components():
    X, modality, *_ = _two_modalities()
    reducer = TruncatedSVD(n_components=1, random_state=0)
    stacker = ModalityStacker(n_components=3, reducer=reducer).fit(X)
    assert reducer.n_components == 1  # the given reducer is not touched
    assert all(isinstance(r, TruncatedSVD) and r.n_components == 3 for r in stacker.reducers_)
    assert stacker.reducers_[0] is not stacker.reducers_[1]
    assert stacker.transform(X).shape == (X.shape[0], 3)


def test_feature_names_and_dataframe():
    pd = pytest.importorskip("pandas")
    X, *_ = _two_modalities()
    df = pd.DataFrame(X, columns=[f"c{i}" for i in range(X.shape[1])])
    stacker = ModalityStacker(n_components=2).fit(df)
    assert list(stacker.feature_names_in_) == list(df.columns)
    assert list(stacker.get_feature_names_out()) == ["stack0", "stack1"]
    out = stacker.set_output(transform="pandas").transform(df)
    assert list(out.columns) == ["stack0", "stack1"]


def _pipeline_data():
    rng = np.random.RandomState(0)
    # Three classes observed in two modalities of different widths.
    centres_a, centres_b = rng.normal(size=(3, 8)) * 4, rng.normal(size=(3, 5)) * 4
    ya, yb = np.repeat(np.arange(3), 20), np.repeat(np.arange(3), 15)
    A = centres_a[ya] + rng.normal(size=(60, 8))
    B = centres_b[yb] + rng.normal(size=(45, 5))
    packed = pack_modalities(A, B)
    return packed.X, np.r_[ya, yb]


def test_pipeline_with_kmeans():
    X, y = _pipeline_data()
    pipe = Pipeline([("stack", ModalityStacker(2)), ("km", KMeans(3, n_init=5, random_state=0))])
    labels = pipe.fit_predict(X)
    assert labels.shape == (X.shape[0],)
    np.testing.assert_array_equal(pipe.predict(X), labels)


def test_pipeline_with_dkm():
    from skdm2c.baselines import DKM

    X, y = _pipeline_data()
    dkm = DKM(n_clusters=3, hidden_sizes=(8,), pretrain_epochs=3, alphas=[1000.0],
              epochs_per_alpha=3, batch_size=32, random_state=0)
    pipe = Pipeline([("stack", ModalityStacker(2)), ("dkm", dkm)])
    labels = pipe.fit_predict(X)
    assert set(np.unique(labels)) == {0, 1, 2}
    np.testing.assert_array_equal(pipe.predict(X), labels)


def test_pipeline_with_idec():
    pytest.importorskip("skdm2c.baselines._idec")
    from skdm2c.baselines import IDEC

    X, y = _pipeline_data()
    idec = IDEC(n_clusters=3, hidden_sizes=(8,), pretrain_epochs=2, random_state=0)
    for name, value in (("max_iter", 20), ("update_interval", 5)):
        if name in idec.get_params():
            idec.set_params(**{name: value})
    pipe = Pipeline([("stack", ModalityStacker(2)), ("idec", idec)])
    labels = pipe.fit_predict(X)
    assert labels.shape == (X.shape[0],)
    np.testing.assert_array_equal(pipe.predict(X), labels)


# ------------------------------------------------------- multi-block rows
def _with_pairs(n_pairs=8, seed=0):
    """Single-block rows of two modalities plus ``n_pairs`` rows observing both."""
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(30, 6))
    B = rng.normal(size=(25, 4)) + 3.0
    pairs = np.hstack([rng.normal(size=(n_pairs, 6)), rng.normal(size=(n_pairs, 4)) + 3.0])
    X = np.vstack([pack_modalities(A, B).X, pairs])
    order = rng.permutation(len(X))
    return X[order], order >= 55  # packed X, which rows are pairs


def test_multi_block_rows_fit_every_reducer_and_average():
    X, is_pair = _with_pairs()
    stacker = ModalityStacker(n_components=3).fit(X)
    Z = stacker.transform(X)
    observes_a = ~np.isnan(X[:, 0])
    observes_b = ~np.isnan(X[:, 6])
    # each reducer is fitted on every row observing its modality, pairs included
    expected_a = PCA(3, svd_solver="full").fit(X[observes_a, :6])
    expected_b = PCA(3, svd_solver="full").fit(X[observes_b, 6:])
    np.testing.assert_allclose(stacker.reducers_[0].components_, expected_a.components_)
    np.testing.assert_allclose(stacker.reducers_[1].components_, expected_b.components_)
    za = expected_a.transform(X[is_pair, :6])
    zb = expected_b.transform(X[is_pair, 6:])
    np.testing.assert_allclose(Z[is_pair], (za + zb) / 2, atol=1e-10)
    only_a = observes_a & ~is_pair
    np.testing.assert_allclose(Z[only_a], expected_a.transform(X[only_a, :6]), atol=1e-10)
    np.testing.assert_allclose(stacker.fit_transform(X), Z, atol=1e-10)
    # a pair transformed alone gives the same mean
    np.testing.assert_allclose(stacker.transform(X[is_pair][:2]), Z[is_pair][:2], atol=1e-10)


def test_pairs_count_towards_the_rows_needed_at_fit():
    rng = np.random.RandomState(0)
    pairs = rng.normal(size=(4, 7))  # every row observes both blocks (3 + 4 columns)
    X = np.vstack([pairs, pack_modalities(rng.normal(size=(2, 3)), rng.normal(size=(1, 4))).X])
    # modality 0 is observed on 6 rows, modality 1 on 5
    ModalityStacker(n_components=3, modality_dims=(3, 4)).fit(X)
    with pytest.raises(ValueError, match=r"Modality 0 \(columns 0:3\) has n_samples=6 rows"):
        ModalityStacker(n_components=7, modality_dims=(3, 4)).fit(X)
