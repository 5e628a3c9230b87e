"""DM2CClustering: input forms, errors, reproducibility, persistence, edge cases."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from sklearn.base import clone

from skdm2c import DM2CClustering, DivergenceError, pack_modalities

FAST = dict(pretrain_epochs=3, epochs=3, latent_dim=4, hidden_sizes=(16,), n_init=2,
            batch_size=32)


def _two_views(seed=0, n_a=30, n_b=20, d_a=6, d_b=3):
    rng = np.random.RandomState(seed)
    return rng.randn(n_a, d_a), rng.randn(n_b, d_b)


def _model(**kw):
    return DM2CClustering(n_clusters=3, **{"random_state": 0, **FAST, **kw})


def test_input_forms_give_identical_labels():
    Xa, Xb = _two_views()
    packed = pack_modalities(Xa, Xb).X
    ref = _model().fit(packed).labels_
    np.testing.assert_array_equal(_model().fit(Xa, Xb).labels_, ref)
    np.testing.assert_array_equal(_model().fit([Xa, Xb]).labels_, ref)
    np.testing.assert_array_equal(_model().fit({"img": Xa, "txt": Xb}).labels_, ref)
    np.testing.assert_array_equal(_model().fit(packed, np.zeros(len(packed))).labels_, ref)
    np.testing.assert_array_equal(_model().fit(Xa, None).labels_[:0], ref[:0])
    np.testing.assert_array_equal(_model().fit_predict(Xa, Xb), ref)


def test_fitted_attributes_and_predict_transform_forms():
    Xa, Xb = _two_views()
    model = _model(modality_names=["image", "text"], cluster_assignment="joint").fit(Xa, Xb)
    assert model.labels_.shape == (50,) and model.labels_.dtype == np.int64
    assert set(model.labels_) == {0, 1, 2}
    assert model.cluster_centers_.shape == (3, 4)
    assert model.modality_dims_ == (6, 3)
    assert model.modality_names_ == ("image", "text")
    assert model.unified_modality_ == "image"
    assert model.n_features_in_ == 9 and model.n_iter_ == 3
    Z = model.transform(Xa, Xb)
    assert Z.shape == (50, 4)
    np.testing.assert_allclose(model.transform([Xa, Xb]), Z)
    np.testing.assert_allclose(model.transform({"text": Xb}), Z[30:])
    np.testing.assert_allclose(model.fit_transform(Xa, Xb), Z)
    # predict (joint assignment) = nearest centre of the unified codes
    d2 = ((Z[:, None] - model.cluster_centers_[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(model.predict(Xa, Xb), d2.argmin(1))
    np.testing.assert_array_equal(model.predict({"image": Xa}), d2.argmin(1)[:30])
    assert list(model.get_feature_names_out()) == [f"dm2cclustering{i}" for i in range(4)]


def test_history_records_every_epoch_and_phase():
    Xa, Xb = _two_views()
    model = _model(modality_names=["a", "b"]).fit(Xa, Xb)
    phases = [r["phase"] for r in model.history_]
    assert phases == ["pretrain:a"] * 3 + ["pretrain:b"] * 3 + ["train"] * 3
    train = [r for r in model.history_ if r["phase"] == "train"]
    for key in ("reconstruction", "cycle", "cycle_reconstruction", "adversarial", "objective"):
        assert all(np.isfinite(r[key]) for r in train), key


def test_three_modalities_and_unified_modality_by_name():
    rng = np.random.RandomState(0)
    views = {"a": rng.randn(20, 5), "b": rng.randn(15, 3), "c": rng.randn(10, 1)}
    model = _model(unified_modality="b").fit(views)
    assert model.unified_modality_ == "b"
    assert model.labels_.shape == (45,)
    net = model.network_
    assert sorted(net.to_pivot) == ["0", "2"] and net.pivot == 1
    # rows of the unified modality are encoded without translation
    Z = model.transform({"b": views["b"]})
    with torch.no_grad():
        packed = pack_modalities({"a": np.empty((0, 5)), "b": views["b"], "c": np.empty((0, 1))}).X
        x = torch.tensor(model.preprocessor_.transform(packed)[:, 5:8], dtype=torch.float32)
        expected = net.eval().autoencoders[1].encoder(x).numpy()
    np.testing.assert_allclose(Z, expected, rtol=1e-5, atol=1e-6)


def test_single_modality_plain_array_is_autoencoder_kmeans():
    X = np.random.RandomState(0).randn(40, 5)
    model = _model().fit(X)
    assert model.modality_dims_ == (5,)
    assert not model.network_.others
    assert model.transform(X).shape == (40, 4)


def test_same_random_state_same_labels_and_global_rng_untouched():
    Xa, Xb = _two_views(seed=3)
    torch_state = torch.random.get_rng_state().clone()
    np_state = np.random.get_state()[1].copy()
    a = _model(random_state=7).fit(Xa, Xb)
    b = _model(random_state=7).fit(Xa, Xb)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.transform(Xa, Xb), b.transform(Xa, Xb))
    assert torch.equal(torch.random.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    c = _model(random_state=8).fit(Xa, Xb)
    assert not np.allclose(a.transform(Xa, Xb), c.transform(Xa, Xb))


@pytest.mark.parametrize("dump_load", ["pickle", "joblib"])
def test_persistence_roundtrip(tmp_path, dump_load):
    Xa, Xb = _two_views()
    model = _model().fit(Xa, Xb)
    if dump_load == "pickle":
        loaded = pickle.loads(pickle.dumps(model))
    else:
        joblib.dump(model, tmp_path / "m.joblib")
        loaded = joblib.load(tmp_path / "m.joblib")
    np.testing.assert_array_equal(loaded.predict(Xa, Xb), model.predict(Xa, Xb))
    np.testing.assert_allclose(loaded.transform(Xa, Xb), model.transform(Xa, Xb))


def test_model_marked_cuda_predicts_on_cpu_after_unpickling():
    """A model fitted on a GPU keeps device="cuda"; without CUDA it must predict on CPU."""
    Xa, Xb = _two_views()
    model = _model().fit(Xa, Xb)
    expected = model.predict(Xa, Xb)
    model.device = "cuda"  # what a GPU fit leaves behind (the parameter)
    loaded = pickle.loads(pickle.dumps(model))
    if not torch.cuda.is_available():
        np.testing.assert_array_equal(loaded.predict(Xa, Xb), expected)
        with pytest.raises(ValueError, match="CUDA is not available"):
            clone(loaded).fit(Xa, Xb)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_fit_then_cpu_load():
    Xa, Xb = _two_views()
    model = _model(device="cuda").fit(Xa, Xb)
    state = pickle.dumps(model)
    loaded = pickle.loads(state)
    assert all(p.device.type == "cpu" for p in loaded.network_.parameters())
    np.testing.assert_array_equal(loaded.predict(Xa, Xb), model.predict(Xa, Xb))


def test_clone_get_set_params_and_refit():
    Xa, Xb = _two_views()
    model = _model()
    params = model.get_params()
    model.fit(Xa, Xb)
    assert model.get_params() == params  # parameters never mutated
    model.set_params(epochs=1).fit(Xa, Xb)
    assert model.n_iter_ == 1
    assert clone(model).get_params()["epochs"] == 1


def test_warm_start_continues_training():
    Xa, Xb = _two_views()
    model = _model(warm_start=True).fit(Xa, Xb)
    model.fit(Xa, Xb)
    phases = [r["phase"] for r in model.history_]
    assert phases.count("train") == 6 and phases.count("pretrain:modality0") == 3
    assert [r["epoch"] for r in model.history_ if r["phase"] == "train"] == list(range(6))
    assert model.n_iter_ == 6


def test_early_stopping_and_convergence_warning():
    from sklearn.exceptions import ConvergenceWarning

    Xa, Xb = _two_views()
    with pytest.warns(ConvergenceWarning, match="tol"):
        _model(tol=1e-12, epochs=2).fit(Xa, Xb)
    # the first epoch always improves on "no objective yet": no stop there
    assert _model(tol=0.0, n_iter_no_change=1, epochs=5).fit(Xa, Xb).n_iter_ >= 2
    stopped = _model(tol=0.5, n_iter_no_change=1, epochs=50).fit(Xa, Xb)
    assert stopped.n_iter_ < 50
    assert stopped.history_[-1]["converged"] is True


def test_verbose_prints_and_default_is_silent(capsys):
    Xa, Xb = _two_views()
    _model().fit(Xa, Xb)
    assert capsys.readouterr().out == ""
    _model(verbose=1).fit(Xa, Xb)
    out = capsys.readouterr().out
    assert "[pretrain:modality0] epoch    1" in out and "[train] epoch    3" in out
    assert "cycle=" in out


def test_divergence_is_reported_not_returned_as_nan():
    Xa, Xb = _two_views()
    with pytest.raises(DivergenceError, match="during .* at epoch"):
        _model(pretrain_learning_rate=1e12, batch_norm=False, preprocessing="none").fit(
            Xa * 1e6, Xb * 1e6)


# ------------------------------------------------------------------- errors
def test_errors_at_fit():
    Xa, Xb = _two_views()
    X = pack_modalities(Xa, Xb).X
    with pytest.raises(ValueError, match="n_samples=50 should be >= n_clusters=60"):
        DM2CClustering(n_clusters=60, **FAST).fit(X)
    with pytest.raises(ValueError, match=r"block 1 .*has no rows"):
        _model(modality_dims=(6, 3)).fit(X[:30])
    bad = X.copy()
    bad[0, 7] = 1.0
    with pytest.raises(ValueError, match="Row 0 holds NaN in column"):
        _model().fit(bad)
    with pytest.raises(ValueError, match="sums to 10"):
        _model(modality_dims=(6, 4)).fit(X)
    with pytest.raises(ValueError, match="unified_modality='z'"):
        _model(unified_modality="z").fit({"a": Xa, "b": Xb})
    with pytest.raises(ValueError, match="only 2 modalities"):
        _model(unified_modality=5).fit(Xa, Xb)
    with pytest.raises(ValueError, match="latent_dim"):
        _model(latent_dim=0).fit(Xa, Xb)
    with pytest.raises(TypeError, match="must follow a 2-D array"):
        _model().fit(Xa, np.zeros(30), Xb)


def test_errors_at_predict():
    Xa, Xb = _two_views()
    model = _model(modality_names=["image", "text"]).fit(Xa, Xb)
    X = pack_modalities(Xa, Xb).X
    with pytest.raises(ValueError, match="9 features"):
        model.predict(X[:, :8])
    bad = X.copy()
    bad[31, 0] = 0.5
    msg = "Row 31 holds NaN in column 1 inside its observed block 0"
    with pytest.raises(ValueError, match=msg):
        model.predict(bad)
    with pytest.raises(ValueError, match="Unknown modality names"):
        model.predict({"audio": Xb})
    with pytest.raises(ValueError, match="expects arrays with 3 columns"):
        model.predict(Xa, Xa)
    with pytest.raises(ValueError, match="Got 3 modality arrays"):
        model.predict([Xa, Xb, Xb])
    with pytest.raises(ValueError, match="infinit"):
        inf = X.copy()
        inf[2, 1] = np.inf
        model.predict(inf)


# --------------------------------------------------------------- edge cases
def test_one_row_per_modality():
    model = DM2CClustering(n_clusters=2, random_state=0, **FAST)
    model.fit(np.ones((1, 3)), np.zeros((1, 2)))
    assert sorted(model.labels_) == [0, 1]
    # too few rows to cluster each modality on its own: "auto" uses the joint k-means
    assert model.cluster_assignment_ == "joint"
    with pytest.raises(ValueError, match=r"'structure'.*modality 0 has 1 distinct rows"):
        DM2CClustering(n_clusters=2, random_state=0, cluster_assignment="structure",
                       **FAST).fit(np.ones((1, 3)), np.zeros((1, 2)))


def test_constant_columns_and_width_one_modalities():
    rng = np.random.RandomState(0)
    Xa = np.c_[rng.randn(20, 1), np.full((20, 1), 3.0)]
    Xb = rng.randn(15, 1)
    model = _model().fit(Xa, Xb)
    assert np.isfinite(model.transform(Xa, Xb)).all()
    assert model.modality_dims_ == (2, 1)


def test_very_unbalanced_modalities():
    rng = np.random.RandomState(0)
    model = _model().fit(rng.randn(95, 4), rng.randn(5, 3))
    assert len(np.unique(model.labels_)) == 3
    assert np.isfinite(model.cluster_centers_).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_input(dtype):
    Xa, Xb = _two_views()
    model = _model().fit(Xa.astype(dtype), Xb.astype(dtype))
    assert model.transform(Xa.astype(dtype), Xb.astype(dtype)).dtype == np.float64


def test_dataframe_input_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    Xa, Xb = _two_views()
    X = pack_modalities(Xa, Xb).X
    cols = [f"img{i}" for i in range(6)] + [f"txt{i}" for i in range(3)]
    df = pd.DataFrame(X, columns=cols)
    model = _model().fit(df)
    np.testing.assert_array_equal(model.feature_names_in_, cols)
    np.testing.assert_array_equal(model.predict(df), _model().fit(X).predict(X))


def test_read_only_memmap_input(tmp_path):
    Xa, Xb = _two_views()
    X = pack_modalities(Xa, Xb).X
    path = tmp_path / "x.npy"
    np.save(path, X)
    X_ro = np.load(path, mmap_mode="r")
    assert not X_ro.flags.writeable
    np.testing.assert_array_equal(_model().fit(X_ro).labels_, _model().fit(X).labels_)
