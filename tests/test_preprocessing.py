"""Tests of skdm2c.preprocessing (ModalityPreprocessor, suggest_method, pack_sparse_modalities)."""

import re

import numpy as np
import pytest
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c import DM2CClustering, pack_modalities
from skdm2c.baselines import ModalityStacker
from skdm2c.preprocessing import ModalityPreprocessor, pack_sparse_modalities, suggest_method


@parametrize_with_checks([ModalityPreprocessor(), ModalityPreprocessor(method="standardize")])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _topics(n_docs=90, n_words=1000, n_topics=3, n_own=6, n_background=20, seed=0):
    """Bag-of-words rows: ``n_own`` words of the topic's own 20-word vocabulary
    and ``n_background`` words drawn from the whole vocabulary."""
    rng = np.random.RandomState(seed)
    y = np.arange(n_docs) % n_topics
    X = np.zeros((n_docs, n_words))
    for i, t in enumerate(y):
        own = rng.randint(20 * t, 20 * t + 20, size=n_own)
        background = rng.randint(0, n_words, size=n_background)
        np.add.at(X[i], np.concatenate([own, background]), 1.0)
    return X, y


def _dense(n=40, d=5, seed=1):
    rng = np.random.RandomState(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + 3.0


# ------------------------------------------------------------------ the rule
def test_suggest_method_counts_and_dense():
    counts, _ = _topics()
    assert suggest_method(counts) == "counts"
    assert suggest_method(_dense()) == "standardize"
    assert suggest_method(counts[:, :10]) == "standardize"  # too narrow
    assert suggest_method(-counts) == "standardize"  # negative values
    assert suggest_method(counts + 1.0) == "standardize"  # no zeros


def test_auto_records_method_per_block_and_widths():
    counts, _ = _topics()
    X = pack_modalities(_dense(), counts).X
    prep = ModalityPreprocessor(n_components=7).fit(X)
    assert prep.methods_ == ("standardize", "counts")
    assert prep.modality_dims_ == (5, 1000)
    assert prep.modality_dims_out_ == (5, 7)
    Xt = prep.transform(X)
    assert Xt.shape == (X.shape[0], 12)
    # The output is packed again: NaN exactly outside each row's block.
    assert np.isnan(Xt[:40, 5:]).all() and not np.isnan(Xt[:40, :5]).any()
    assert np.isnan(Xt[40:, :5]).all() and not np.isnan(Xt[40:, 5:]).any()


# ------------------------------------------------------------------ standardize
def test_standardize_matches_standard_scaler_per_block():
    A, B = _dense(seed=1), _dense(n=30, d=3, seed=2) * 50
    packed = pack_modalities(A, B)
    order = np.random.RandomState(0).permutation(70)
    X = packed.X[order]
    Xt = ModalityPreprocessor(method="standardize").fit_transform(X)
    mod = packed.modality[order]
    np.testing.assert_allclose(Xt[mod == 0, :5], StandardScaler().fit_transform(X[mod == 0, :5]),
                               atol=1e-10)
    np.testing.assert_allclose(Xt[mod == 1, 5:], StandardScaler().fit_transform(X[mod == 1, 5:]),
                               atol=1e-10)


@pytest.mark.parametrize("scale", [1e-12, 1e-200, 1e200, 1e300])
def test_standardize_is_scale_free(scale):
    X = pack_modalities(_dense(), _dense(n=20, d=3, seed=3)).X
    X[:, 1] = 7.0 * np.where(np.isnan(X[:, 1]), np.nan, 1.0)  # a constant feature
    reference = ModalityPreprocessor(method="standardize").fit_transform(X)
    scaled = ModalityPreprocessor(method="standardize").fit_transform(X * scale)
    assert np.isfinite(scaled[~np.isnan(X)]).all()
    np.testing.assert_allclose(scaled, reference, atol=1e-9)
    assert np.all(reference[:40, 1] == 0.0)


def test_constant_feature_threshold_is_relative():
    rng = np.random.RandomState(0)
    X = np.column_stack([1e6 + 1e-6 * rng.normal(size=50), 1e-9 * rng.normal(size=50)])
    Xt = ModalityPreprocessor(method="standardize").fit_transform(X)
    assert np.all(Xt[:, 0] == 0.0)  # relative spread 1e-12: constant
    np.testing.assert_allclose(Xt[:, 1].std(), 1.0)  # tiny but not constant


# ------------------------------------------------------------------ counts
def test_count_path_keeps_topics_where_standardizing_loses_them():
    counts, y = _topics(seed=0)
    Xc = ModalityPreprocessor(method="counts", n_components=10).fit_transform(counts)
    Xs = ModalityPreprocessor(method="standardize").fit_transform(counts)
    ari_counts = adjusted_rand_score(y, KMeans(3, n_init=10, random_state=0).fit_predict(Xc))
    ari_std = adjusted_rand_score(y, KMeans(3, n_init=10, random_state=0).fit_predict(Xs))
    # Standardising weights the ~1000 rare background words like the 60
    # topic words; the count path keeps the topics.
    assert ari_counts > 0.9
    assert ari_counts > ari_std + 0.5


def test_count_path_rows_norm_sqrt_width_and_width_capped_by_rows():
    counts, _ = _topics(n_docs=12)
    prep = ModalityPreprocessor(method="counts", n_components=50).fit(counts)
    assert prep.modality_dims_out_ == (12,)
    Xt = prep.transform(counts)
    np.testing.assert_allclose(np.linalg.norm(Xt, axis=1), np.sqrt(12))
    # Mean squared coordinate 1, like standardised features.
    np.testing.assert_allclose(np.mean(Xt ** 2), 1.0)


def test_count_path_transform_of_new_rows_is_row_wise():
    counts, _ = _topics(seed=0)
    prep = ModalityPreprocessor(method="counts", n_components=5).fit(counts)
    full = prep.transform(counts)
    np.testing.assert_allclose(prep.transform(counts[:7]), full[:7], atol=1e-12)
    np.testing.assert_allclose(prep.fit_transform(counts), full, atol=1e-12)


def test_count_path_is_deterministic():
    counts, _ = _topics(seed=4)
    a = ModalityPreprocessor(method="counts", n_components=6).fit_transform(counts)
    b = ModalityPreprocessor(method="counts", n_components=6).fit_transform(counts[:, :])
    np.testing.assert_array_equal(a, b)


def test_none_passes_through_and_list_of_methods():
    counts, _ = _topics()
    X = pack_modalities(_dense(), counts).X
    prep = ModalityPreprocessor(method=["none", "standardize"]).fit(X)
    Xt = prep.transform(X)
    assert prep.methods_ == ("none", "standardize")
    np.testing.assert_array_equal(Xt[:40, :5], X[:40, :5])


def test_float32_preserved():
    X = pack_modalities(_dense().astype(np.float32), _topics()[0].astype(np.float32)).X
    assert ModalityPreprocessor().fit_transform(X).dtype == np.float32


# ------------------------------------------------------------------ rows in several blocks
def test_rows_observing_several_blocks_transform_each_block():
    A, B = _dense(n=30, d=4, seed=5), _topics(n_docs=30)[0]
    X = np.hstack([A, B])
    X[:10, 4:] = np.nan  # rows 0-9: block 0 only
    X[10:20, :4] = np.nan  # rows 10-19: block 1 only; rows 20-29 observe both
    prep = ModalityPreprocessor(n_components=4, modality_dims=(4, 1000)).fit(X)
    Xt = prep.transform(X)
    assert prep.methods_ == ("standardize", "counts")
    assert np.isnan(Xt[:10, 4:]).all() and np.isnan(Xt[10:20, :4]).all()
    assert not np.isnan(Xt[20:]).any()
    # Each block of a two-block row is transformed as that block alone.
    only0 = X[20:].copy()
    only0[:, 4:] = np.nan
    np.testing.assert_allclose(prep.transform(only0)[:, :4], Xt[20:, :4])
    only1 = X[20:].copy()
    only1[:, :4] = np.nan
    np.testing.assert_allclose(prep.transform(only1)[:, 4:], Xt[20:, 4:])
    # Block 0's statistics come from the 20 rows that observe it.
    np.testing.assert_allclose(Xt[np.r_[0:10, 20:30], :4].mean(axis=0), 0.0, atol=1e-10)


# ------------------------------------------------------------------ pipelines and sparse input
def test_pipeline_with_stacker_and_kmeans():
    counts, y = _topics(n_docs=60, seed=2)
    X = pack_modalities(counts[:30], counts[30:]).X
    pipe = Pipeline([("prep", ModalityPreprocessor(n_components=8)),
                     ("stack", ModalityStacker(n_components=3)),
                     ("kmeans", KMeans(3, n_init=10, random_state=0))])
    labels = pipe.fit(X)[-1].labels_
    assert labels.shape == (60,)
    assert pipe.named_steps["prep"].methods_ == ("counts", "counts")


def test_pack_sparse_modalities_equals_dense_packing():
    counts, _ = _topics(n_docs=20)
    A = _dense(n=10)
    for fmt in (sparse.csr_matrix, sparse.csr_array, sparse.coo_matrix):
        packed = pack_sparse_modalities({"image": A, "text": fmt(counts)})
        expected = pack_modalities({"image": A, "text": counts})
        np.testing.assert_array_equal(packed.X, expected.X)
        assert packed.modality_names == ("image", "text")
        np.testing.assert_array_equal(
            pack_modalities({"image": A, "text": fmt(counts)}).X, expected.X)


def test_dm2c_takes_a_sparse_text_modality_directly():
    counts, _ = _topics(n_docs=40)
    A = _dense(n=30)
    kw = dict(n_clusters=2, hidden_sizes=(8,), latent_dim=4, pretrain_epochs=1, epochs=1,
              n_init=1, random_state=0)
    dense = DM2CClustering(**kw).fit(A, counts)
    est = DM2CClustering(**kw).fit(A, sparse.csr_matrix(counts))
    assert est.preprocessor_.methods_ == dense.preprocessor_.methods_ == ("standardize", "counts")
    np.testing.assert_array_equal(est.labels_, dense.labels_)
    np.testing.assert_array_equal(est.predict(A, sparse.csr_array(counts)),
                                  dense.predict(A, counts))


def test_sparse_modality_errors_name_it(monkeypatch):
    from skdm2c import _modality

    counts, _ = _topics(n_docs=20)
    bad = sparse.csr_matrix(counts.astype(float))
    bad.data[3] = np.nan
    row, col = bad.tocoo().row[3], bad.tocoo().col[3]
    with pytest.raises(ValueError, match=rf"Modality 1 holds NaN at row {row}, column {col}"):
        pack_modalities(_dense(n=10), bad)
    with pytest.raises(ValueError, match=rf"Modality 1 holds NaN at row {row}, column {col}"):
        DM2CClustering(n_clusters=2).fit(_dense(n=10), bad)
    monkeypatch.setattr(_modality, "MAX_DENSE_BYTES", 1000)
    with pytest.raises(ValueError, match=r"Modality 1 is a scipy.sparse matrix of shape "
                                         r".*TruncatedSVD"):
        pack_modalities(_dense(n=10), sparse.csr_matrix(counts))


def test_feature_names_out():
    counts, _ = _topics()
    X = pack_modalities(_dense(d=2), counts).X
    prep = ModalityPreprocessor(n_components=3).fit(X)
    names = prep.get_feature_names_out()
    assert list(names) == ["x0", "x1", "modality1_svd0", "modality1_svd1", "modality1_svd2"]


# ------------------------------------------------------------------ errors
def test_nan_inside_an_observed_block_names_the_row():
    X = pack_modalities(_dense(), _dense(n=10, d=3)).X
    X[3, 2] = np.nan
    with pytest.raises(ValueError, match=re.escape("Row 3 holds NaN in column 2")):
        ModalityPreprocessor(modality_dims=(5, 3)).fit(X)
    packed = pack_modalities(_dense(), _dense(n=10, d=3)).X
    prep = ModalityPreprocessor(modality_dims=(5, 3)).fit(packed)
    with pytest.raises(ValueError, match="Row 3 holds NaN"):
        prep.transform(X)


def test_row_in_no_block_is_named():
    X = pack_modalities(_dense(), _dense(n=10, d=3)).X
    X[4] = np.nan
    with pytest.raises(ValueError, match="Row 4 is NaN in every block"):
        ModalityPreprocessor(modality_dims=(5, 3)).fit(X)


def test_block_without_rows_is_named():
    X = _dense()
    X = np.hstack([X, np.full((X.shape[0], 2), np.nan)])
    with pytest.raises(ValueError, match=r"block 1 \(columns 5:7\) is observed on no row"):
        ModalityPreprocessor(modality_dims=(5, 2)).fit(X)


def test_counts_on_negative_values_names_the_block():
    X = pack_modalities(_dense(), _dense(n=10, d=3)).X
    with pytest.raises(ValueError, match="Block 0 has negative values"):
        ModalityPreprocessor(method=["counts", "standardize"]).fit(X - 10.0)


def test_all_zero_count_block_is_rejected():
    with pytest.raises(ValueError, match="Block 0 is zero on every observed row"):
        ModalityPreprocessor(method="counts").fit(np.zeros((5, 60)))


@pytest.mark.parametrize("method, message", [
    (["standardize"], "method lists 1 methods but X has 2 modality blocks"),
    (["standardize", "tfidf"], re.escape("method[1]='tfidf' is not one of")),
])
def test_bad_method_list(method, message):
    X = pack_modalities(_dense(), _dense(n=10, d=3)).X
    with pytest.raises(ValueError, match=message):
        ModalityPreprocessor(method=method).fit(X)


@pytest.mark.parametrize("params", [{"method": "tfidf"}, {"n_components": 0},
                                    {"n_components": 2.5}, {"method": 3}])
def test_bad_parameters_are_named(params):
    name = next(iter(params))
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        ModalityPreprocessor(**params).fit(_dense())


def test_modality_dims_must_match_width():
    with pytest.raises(ValueError, match="modality_dims"):
        ModalityPreprocessor(modality_dims=(2, 2)).fit(_dense())


def test_transform_rejects_other_width():
    prep = ModalityPreprocessor().fit(_dense())
    with pytest.raises(ValueError, match="features"):
        prep.transform(_dense(d=4))


def test_unit_rows_scales_rows_without_overflow_and_keeps_zero_rows():
    from skdm2c._rows import unit_rows

    Z = np.array([[3.0, 4.0], [0.0, 0.0], [1e308, 1e308], [-2.0, 0.0]])
    U = unit_rows(Z)
    assert np.all(np.isfinite(U))
    np.testing.assert_allclose(np.linalg.norm(U[[0, 2, 3]], axis=1), 1.0)
    np.testing.assert_array_equal(U[1], [0.0, 0.0])
    np.testing.assert_allclose(U[0], [0.6, 0.8])
    np.testing.assert_allclose(U[3], [-1.0, 0.0])
    assert unit_rows(np.zeros((3, 0))).shape == (3, 0)
