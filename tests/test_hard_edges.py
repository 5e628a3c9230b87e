"""Hard edges (issue 11): bad parameters, inputs and call forms fail early and clearly.

Property-based generators (hypothesis) derive bad values for every numeric
parameter of every estimator from its ``_parameter_constraints``; the tests
assert the exception type and words of the message.  The shared validators
of :mod:`skdm2c._core._validation` are tested directly.  Bad files are in
``test_hard_edges_files.py``.
"""

import math
import warnings
from numbers import Integral
from unittest import mock

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.utils._param_validation import Interval, InvalidParameterError

from skdm2c import DM2CClustering, pack_modalities
from skdm2c._core._base import kmeans_on_embedding
from skdm2c._core._device import inference_device, resolve_device, to_tensor
from skdm2c._core._training import DivergenceError, predict_in_batches
from skdm2c._core._validation import (
    DegenerateClusteringWarning,
    InputScaleWarning,
    apply_standardizer,
    check_device,
    check_distinct_rows,
    check_finite_input,
    check_float32_range,
    check_layer_sizes,
    check_per_modality,
    fit_standardizer,
)
from skdm2c.baselines import DCN, DKM, IDEC, IMSAT

FAST = {
    IDEC: dict(n_clusters=2, hidden_sizes=(4,), latent_dim=2, pretrain_epochs=1, max_iter=2,
               n_init=1, batch_size=16, random_state=0),
    DCN: dict(n_clusters=2, hidden_sizes=(4,), latent_dim=2, pretrain_epochs=1, epochs=1,
              n_init=1, batch_size=16, random_state=0),
    DKM: dict(n_clusters=2, hidden_sizes=(4,), latent_dim=2, pretrain_epochs=1, alphas=[10.0],
              epochs_per_alpha=1, batch_size=16, random_state=0),
    IMSAT: dict(n_clusters=2, hidden_sizes=(4,), epochs=1, batch_size=16, random_state=0),
}
BASELINES = list(FAST)
ALL_ESTIMATORS = BASELINES + [DM2CClustering]
HYPO = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _blobs(n=40, d=5, seed=0):
    rng = np.random.RandomState(seed)
    return np.vstack([rng.normal(-2, 1, (n // 2, d)), rng.normal(2, 1, (n - n // 2, d))])


@pytest.fixture(scope="module")
def fitted():
    """One tiny fitted model per baseline (fitted once for the module)."""
    X = _blobs()
    return {cls: cls(**FAST[cls]).fit(X) for cls in BASELINES}


# --------------------------------------------------------- bad parameter values
def _bad_values(interval, allow_none):
    """Strategy of values outside ``interval`` (and of the wrong type)."""
    bad = [st.booleans(), st.sampled_from(["1", "abc", [1], (2.0,)])]
    if not allow_none:
        bad.append(st.none())
    if interval.type is Integral:
        bad.append(st.floats(allow_nan=True, allow_infinity=True).filter(
            lambda v: not float(v).is_integer()))
    else:
        bad.append(st.sampled_from([math.nan, math.inf, -math.inf]))
    if interval.left is not None:
        below = interval.left - 1 if interval.type is Integral else interval.left - 1e-3
        lo = st.integers(max_value=int(math.floor(below))) if interval.type is Integral \
            else st.floats(max_value=below, allow_nan=False, allow_infinity=False)
        bad.append(lo)
        if interval.closed in ("right", "neither"):
            bad.append(st.just(interval.left))
    if interval.right is not None:
        hi = interval.right + 1 if interval.type is Integral else interval.right + 1e-3
        bad.append(st.integers(min_value=int(math.ceil(hi))) if interval.type is Integral
                   else st.floats(min_value=hi, allow_nan=False, allow_infinity=False))
    return st.one_of(bad)


def _numeric_params(cls):
    """``(name, strategy of bad values)`` for the purely numeric parameters of ``cls``."""
    out = []
    for name, options in cls._parameter_constraints.items():
        intervals = [c for c in options if isinstance(c, Interval)]
        others = [c for c in options if not isinstance(c, Interval) and c is not None]
        if len(intervals) != 1 or others:
            continue  # mixed constraints (str options, arrays): tested by tables below
        out.append((name, _bad_values(intervals[0], allow_none=None in options)))
    return out


@pytest.mark.parametrize("cls", ALL_ESTIMATORS, ids=lambda c: c.__name__)
@HYPO
@given(data=st.data())
def test_bad_numeric_parameter_is_named(cls, data):
    """Every numeric parameter rejects bools, NaN, inf, wrong types and out-of-range values."""
    params = _numeric_params(cls)
    name, strategy = data.draw(st.sampled_from(params), label="parameter")
    value = data.draw(strategy, label="value")
    est = cls(**{name: value})
    with pytest.raises(InvalidParameterError, match=f"'?{name}'?"):
        est._validate_params()


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
@pytest.mark.parametrize("name, value", [
    ("n_clusters", True), ("batch_size", False), ("hidden_sizes", (8, 0)),
    ("hidden_sizes", (8, -3)), ("device", "meta"),
])
def test_bad_parameter_fails_before_training(cls, name, value):
    """The error comes before any network is built (``_fit_model`` never runs)."""
    est = cls(**{**FAST[cls], name: value})
    with mock.patch.object(cls, "_fit_model", side_effect=AssertionError("training started")):
        with pytest.raises(InvalidParameterError, match=name):
            est.fit(_blobs())


def _bad_layer_sizes():
    bad_entry = st.one_of(
        st.integers(max_value=0), st.booleans(), st.floats(allow_nan=True),
        st.text(max_size=3), st.none(), st.lists(st.integers(1, 4), min_size=1, max_size=2),
    )
    good = st.integers(1, 64)
    return st.one_of(
        st.tuples(st.lists(good, max_size=3), bad_entry, st.lists(good, max_size=3)).map(
            lambda t: (*t[0], t[1], *t[2])),
        st.sampled_from(["64", 64, 3.0, {"a": 1}, {4, 8}]),
    )


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
@HYPO
@given(value=_bad_layer_sizes())
def test_bad_hidden_sizes_rejected(cls, value):
    with pytest.raises(InvalidParameterError, match="hidden_sizes"):
        cls(hidden_sizes=value)._validate_params()


@pytest.mark.parametrize("value", [[0.0], [-1.0], [math.nan], [math.inf], [], [[1.0, 2.0]],
                                   ["a"], [True], "cold", -2.0, True, [1e31], 1e308])
def test_dkm_bad_alphas(value):
    with pytest.raises(InvalidParameterError, match="alphas"):
        DKM(alphas=value)._validate_params()


@pytest.mark.parametrize("cls", ALL_ESTIMATORS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("device", ["meta", "bogus", "cuda:99", 3, torch.device("meta")])
def test_unusable_device_rejected(cls, device):
    with pytest.raises(InvalidParameterError, match="device"):
        cls(device=device)._validate_params()


# DM2C parameters whose checks need the lead's wiring of the shared validators
# into DM2CClustering (check_layer_sizes / check_per_modality).


@pytest.mark.parametrize("name, value", [
    ("hidden_sizes", (8, 0)), ("hidden_sizes", (True,)), ("hidden_sizes", ((8,), (4, -1))),
    ("hidden_sizes", ((8,), 4)), ("hidden_sizes", (2.5,)), ("generator_hidden_sizes", (0,)),
    ("generator_hidden_sizes", (4.0,)), ("pretrain_learning_rate", (1e-3, -1e-3)),
    ("pretrain_learning_rate", (1e-3, math.nan)), ("pretrain_learning_rate", (True, 1e-3)),
    ("modality_dims", (3, 0)), ("modality_dims", (3, True)),
])
def test_dm2c_structured_parameters_validated(name, value):
    with pytest.raises(InvalidParameterError, match=name):
        DM2CClustering(**{name: value})._validate_params()


def test_dm2c_per_modality_length_checked_before_training():
    A, B = _blobs(20, 3), _blobs(20, 4, seed=1)
    est = DM2CClustering(n_clusters=2, hidden_sizes=((4,), (4,), (4,)), pretrain_epochs=1,
                         epochs=1, latent_dim=2)
    with mock.patch("skdm2c.dm2c._estimator.pretrain_autoencoder",
                    side_effect=AssertionError("training started")):
        with pytest.raises(ValueError, match="hidden_sizes"):
            est.fit(A, B)


@pytest.mark.parametrize("scale", [1e-14, 1e200])
def test_dm2c_scale_free(scale):
    """Data scaled by 1e-14 or 1e200 gets the codes of unit-scale data (preprocessing="auto")."""
    A, B = _blobs(40, 3), _blobs(40, 4, seed=1)
    params = dict(n_clusters=2, hidden_sizes=(8,), latent_dim=2, pretrain_epochs=2, epochs=1,
                  n_init=2, random_state=0)
    ref = DM2CClustering(**params).fit(A, B)
    got = DM2CClustering(**params).fit(A * scale, B * scale)
    np.testing.assert_allclose(got.transform(A * scale, B * scale), ref.transform(A, B),
                               atol=1e-5)
    np.testing.assert_array_equal(got.labels_, ref.labels_)


@pytest.mark.parametrize("change", [dict(latent_dim=3), dict(hidden_sizes=(6,)),
                                    dict(batch_norm=False)])
def test_dm2c_warm_start_with_changed_architecture(change):
    """warm_start with a changed architecture refits from scratch or says why."""
    A, B = _blobs(20, 3), _blobs(20, 4, seed=1)
    est = DM2CClustering(n_clusters=2, hidden_sizes=(4,), latent_dim=2, pretrain_epochs=1,
                         epochs=1, n_init=1, random_state=0, warm_start=True).fit(A, B)
    est.set_params(**change)
    try:
        est.fit(A, B)
    except ValueError as exc:
        assert any(name in str(exc) for name in change), exc
    else:  # refitted from scratch: same model as a cold fit with the new parameters
        cold = DM2CClustering(**{**est.get_params(), "warm_start": False}).fit(A, B)
        np.testing.assert_allclose(est.transform(A, B), cold.transform(A, B))
        assert len(est.get_feature_names_out()) == est.get_params()["latent_dim"]


def test_dm2c_changed_latent_dim_after_fit_keeps_fitted_shapes():
    A, B = _blobs(20, 3), _blobs(20, 4, seed=1)
    est = DM2CClustering(n_clusters=2, hidden_sizes=(4,), latent_dim=2, pretrain_epochs=1,
                         epochs=1, n_init=1, random_state=0).fit(A, B)
    est.set_params(latent_dim=5)
    assert est.transform(A, B).shape == (40, 2)
    assert len(est.get_feature_names_out()) == 2


def test_dm2c_predict_overflow_named():
    A, B = _blobs(20, 3), _blobs(20, 4, seed=1)
    est = DM2CClustering(n_clusters=2, hidden_sizes=(4,), latent_dim=2, pretrain_epochs=1,
                         epochs=1, n_init=1, random_state=0, preprocessing="none").fit(A, B)
    with pytest.raises(ValueError, match="overflows float32"):
        est.predict(A * 1e300, B)


# -------------------------------------------------------------- validators
@pytest.mark.parametrize("value, expected", [
    (None, None), ((), ()), ([8, 4], (8, 4)), (np.array([3, 2]), (3, 2)),
    ((np.int64(5),), (5,)),
])
def test_check_layer_sizes_accepts(value, expected):
    assert check_layer_sizes(value, "hidden_sizes") == expected


def test_check_layer_sizes_per_modality():
    assert check_layer_sizes(((8,), [4, 2]), "hs", n_modalities=2,
                             allow_per_modality=True) == [(8,), (4, 2)]
    assert check_layer_sizes((8, 4), "hs", n_modalities=3, allow_per_modality=True) == (8, 4)
    with pytest.raises(InvalidParameterError, match=r"hs gives 3 per-modality .* 2 modalities"):
        check_layer_sizes(((8,), (4,), (2,)), "hs", n_modalities=2, allow_per_modality=True)
    with pytest.raises(InvalidParameterError, match=r"hs\[1\].*entry 0 is 0"):
        check_layer_sizes(((8,), (0,)), "hs", allow_per_modality=True)
    with pytest.raises(InvalidParameterError, match="flat sequence"):
        check_layer_sizes(((8,), (4,)), "hs")
    with pytest.raises(InvalidParameterError, match="mixes sequences and scalars"):
        check_layer_sizes(((8,), 4), "hs", allow_per_modality=True)
    with pytest.raises(InvalidParameterError, match="got None"):
        check_layer_sizes(None, "hs", allow_none=False)
    with pytest.raises(InvalidParameterError, match="empty"):
        check_layer_sizes((), "hs", allow_empty=False)


@HYPO
@given(value=_bad_layer_sizes())
def test_check_layer_sizes_rejects(value):
    with pytest.raises(InvalidParameterError, match="my_sizes"):
        check_layer_sizes(value, "my_sizes")


def test_check_device():
    assert check_device("cpu") == torch.device("cpu")
    assert check_device(torch.device("cpu")) == torch.device("cpu")
    assert resolve_device("cpu") == torch.device("cpu")
    for bad, words in [("meta", "cannot train"), ("gpu0", "not a torch device"),
                       (None, "must be a str"), (torch.device("meta"), "cannot train")]:
        with pytest.raises(InvalidParameterError, match=words):
            check_device(bad)
        with pytest.raises(ValueError, match=words):
            resolve_device(bad)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA present")
def test_check_device_cuda_missing():
    with pytest.raises(InvalidParameterError, match="CUDA is not available"):
        check_device("cuda")
    # a model fitted on a GPU still predicts on CPU after unpickling
    assert inference_device("cuda") == torch.device("cpu")


def test_inference_device_refuses_meta():
    with pytest.raises(ValueError, match="meta"):
        inference_device("meta")


def test_check_per_modality():
    assert check_per_modality(1e-3, "lr", 3) == [1e-3] * 3
    assert check_per_modality((1e-3, 2e-3), "lr", 2) == [1e-3, 2e-3]
    assert check_per_modality(np.array([0.0, 1.0]), "w", 2, positive=False) == [0.0, 1.0]
    for value, words in [((1e-3,), "1 values for 2"), ((1e-3, 0.0), r"lr\[1\] must be > 0"),
                         ((True, 1e-3), r"lr\[0\] must be a real"),
                         ((1e-3, math.inf), "finite"), ("fast", "real number"),
                         (np.ones((2, 1)), "1-D")]:
        with pytest.raises(InvalidParameterError, match=words):
            check_per_modality(value, "lr", 2)
    with pytest.raises(InvalidParameterError, match=">= 0"):
        check_per_modality(-1.0, "w", 2, positive=False)
    # layout not known yet: entries checked, length not
    assert check_per_modality((1e-3, 2e-3, 3e-3), "lr", None) == [1e-3, 2e-3, 3e-3]
    assert check_per_modality(np.float32(0.5), "lr", None) == [0.5]
    with pytest.raises(InvalidParameterError, match="non-empty"):
        check_per_modality((), "lr", None)
    with pytest.raises(InvalidParameterError, match=r"lr\[1\] must be > 0"):
        check_per_modality((1e-3, -1.0), "lr", None)


@settings(max_examples=30, deadline=None)
@given(exponent=st.integers(-300, 300), seed=st.integers(0, 2**16))
def test_fit_standardizer_is_scale_free(exponent, seed):
    rng = np.random.RandomState(seed)
    V = rng.normal(size=(12, 3)) * rng.uniform(0.5, 2.0, 3) + rng.normal(size=3)
    V[:, 2] = 0.75  # a constant feature
    mean, scale = fit_standardizer(V)
    ref = apply_standardizer(V, mean, scale)
    s = 10.0 ** exponent
    mean_s, scale_s = fit_standardizer(V * s)
    got = apply_standardizer(V * s, mean_s, scale_s)
    np.testing.assert_allclose(got, ref, atol=1e-9)
    assert np.all(got[:, 2] == 0.0)
    np.testing.assert_allclose(got[:, :2].std(axis=0), 1.0)


def test_fit_standardizer_refuses():
    with pytest.raises(ValueError, match="row 1, column 0"):
        fit_standardizer(np.array([[1.0, 2.0], [np.nan, 1.0]]))
    with pytest.raises(ValueError, match="non-empty 2-D"):
        fit_standardizer(np.empty((0, 3)))
    mean, scale = fit_standardizer(np.zeros((3, 2)))
    assert np.all(scale == 1.0) and np.all(mean == 0.0)
    mean, scale = fit_standardizer(np.array([[1e-300], [2e-300]]))
    with pytest.raises(ValueError, match="row 0, column 0.*overflows after standardisation"):
        apply_standardizer(np.array([[1e300]]), mean, scale)


def test_check_float32_range_names_row_and_column():
    X = np.zeros((3, 4))
    X[2, 1] = -1e39
    with pytest.raises(ValueError, match=r"overflows float32 \(value -1e\+39 at row 2, column 1"):
        check_float32_range(X)
    check_float32_range(np.full((2, 2), 3e38))  # in range
    check_float32_range(np.array([[np.inf, np.nan]]))  # non-finite: another check's job
    check_float32_range(np.full((2, 2), np.iinfo(np.int64).max))
    with pytest.raises(ValueError, match="overflows float32"):
        to_tensor(X, "cpu")


def test_predict_in_batches_input_overflow_is_not_divergence():
    X = np.ones((5, 2))
    X[3, 0] = 1e200
    with pytest.raises(ValueError, match="row 3, column 0") as info:
        predict_in_batches(lambda x: x * 2, X, "cpu")
    assert not isinstance(info.value, DivergenceError)
    # finite float32 input that the network blows up: named as an input-scale problem
    with pytest.raises(ValueError, match="input row 1,.*far outside") as info:
        predict_in_batches(lambda x: x * 1e30, np.array([[1.0], [1e10]]), "cpu")
    assert not isinstance(info.value, DivergenceError)
    with pytest.raises(DivergenceError, match="diverged"):
        predict_in_batches(lambda x: x * np.nan, np.ones((2, 1)), "cpu")


def test_check_finite_input_names_entry():
    X = np.ones((4, 3))
    X[2, 1] = np.inf
    X[3, 0] = np.nan
    with pytest.raises(ValueError, match=r"infinity at row 2, column 1 \(2 row"):
        check_finite_input(X)


def test_check_distinct_rows():
    check_distinct_rows(np.array([[0.0], [-0.0], [1.0]]), 2)
    with pytest.raises(ValueError, match="only 1 distinct row"):
        check_distinct_rows(np.array([[0.0], [-0.0], [0.0]]), 2)


def test_collapsed_embedding_warns():
    with pytest.warns(DegenerateClusteringWarning, match="only 1 distinct"):
        kmeans_on_embedding(np.ones((6, 2)), 3, n_init=1, random_state=0)


# ---------------------------------------------------------------- inputs
@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_second_modality_refused(cls):
    A, B = _blobs(20, 3), _blobs(20, 4, seed=1)
    est = cls(**FAST[cls])
    for call in (lambda: est.fit(A, B), lambda: est.fit_predict(A, B),
                 lambda: est.fit_transform(A, B), lambda: est.fit([A, B]),
                 lambda: est.fit([A]), lambda: est.fit((A, B)),
                 lambda: est.fit({"image": A, "text": B})):
        with pytest.raises(TypeError, match="pack_modalities.*ModalityStacker"):
            call()


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_sparse_refused_clearly(cls):
    with pytest.raises(TypeError, match="[Ss]parse.*dense"):
        cls(**FAST[cls]).fit(sparse.csr_matrix(_blobs()))


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_packed_input_names_entry_and_stacker(cls):
    X = pack_modalities(_blobs(20, 3), _blobs(20, 2, seed=1)).X
    with pytest.raises(ValueError, match="NaN at row 0, column 3.*ModalityStacker"):
        cls(**FAST[cls]).fit(X)


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_degenerate_training_data(cls):
    with pytest.raises(ValueError, match="only 1 distinct row.*n_clusters=2"):
        cls(**FAST[cls]).fit(np.ones((30, 4)))
    X = np.repeat(_blobs(2, 4), 10, axis=0)  # 2 distinct rows for 3 clusters
    with pytest.raises(ValueError, match="only 2 distinct rows?.*n_clusters=3"):
        cls(**{**FAST[cls], "n_clusters": 3}).fit(X)


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_scale_problems(cls):
    X = _blobs()
    with pytest.raises(ValueError, match="overflows float32"):
        cls(**FAST[cls]).fit(X * 1e200)
    with pytest.warns(InputScaleWarning, match="Standardise"):
        cls(**FAST[cls]).fit(X * 1e-12)


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_malformed_predict_input_named(cls, fitted, data):
    """NaN, inf or float32-overflowing values at a random entry are named at predict."""
    n = data.draw(st.integers(1, 12), label="n_rows")
    X = np.random.RandomState(n).normal(size=(n, 5))
    r, c = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, 4))
    value = data.draw(st.sampled_from([np.nan, np.inf, -np.inf, 1e39, -1e300]))
    X[r, c] = value
    words = "overflows float32" if np.isfinite(value) else "contains (NaN|infinity)"
    with pytest.raises(ValueError, match=f"{words}.*row {r}, column {c}"):
        fitted[cls].predict(X)


@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_predict_forms(cls, fitted):
    est, X = fitted[cls], _blobs(6, 5)
    with pytest.raises(TypeError, match="pack_modalities"):
        est.predict([X, X])
    with pytest.raises(ValueError, match="5 features"):
        est.predict(X[:, :3])
    with pytest.raises(TypeError, match="[Ss]parse"):
        est.transform(sparse.csr_matrix(X))


# ----------------------------------------- fitted shapes vs. changed parameters
@pytest.mark.parametrize("cls", BASELINES, ids=lambda c: c.__name__)
def test_changed_parameters_do_not_leak_into_fitted_model(cls):
    X = _blobs()
    est = cls(**FAST[cls]).fit(X)
    width = est.transform(X).shape[1]
    labels = est.predict(X)
    changes = dict(n_clusters=5, hidden_sizes=(7, 3))
    if "latent_dim" in est.get_params():
        changes["latent_dim"] = 6
    est.set_params(**changes)
    assert est.transform(X).shape[1] == width == len(est.get_feature_names_out())
    np.testing.assert_array_equal(est.predict(X), labels)
    est.set_params(device="meta")
    with pytest.raises(ValueError, match="meta"):
        est.predict(X)


def test_warnings_are_specific_classes():
    assert issubclass(InputScaleWarning, UserWarning)
    assert issubclass(DegenerateClusteringWarning, UserWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        IDEC(**FAST[IDEC]).fit(_blobs())  # ordinary data: no spurious warning
