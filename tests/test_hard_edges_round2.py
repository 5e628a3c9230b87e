"""Hard edges, round 2 (issue 11): the pieces added after the first round.

Multi-block rows, protocols, ModalityPreprocessor, PairedCCAClustering,
ModalityStacker's call forms, packing helpers, loaders' data_home, metrics
and cluster matching.  Every case asserts the exception type and words of
its message; the good call forms assert what they return.
"""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from skdm2c import (
    PairedCCAClustering,
    infer_modality_dims,
    observed_blocks,
    pack_instances,
    pack_modalities,
    unpack_modalities,
)
from skdm2c._cluster_matching import match_clusters
from skdm2c._core._validation import DegenerateClusteringWarning
from skdm2c.baselines import ModalityStacker
from skdm2c.datasets import (
    get_data_home,
    load_3sources,
    load_dm2c_mat,
    make_incomplete,
    make_mixed_modal,
    make_mixed_modal_blobs,
    make_partially_aligned,
)
from skdm2c.metrics import alignment_reference, clustering_accuracy
from skdm2c.preprocessing import ModalityPreprocessor, suggest_method

RNG = np.random.RandomState(0)
Y = np.repeat([0, 1, 2], 20)
A = Y[:, None] * 3 + RNG.normal(size=(60, 6))
B = -Y[:, None] * 3 + RNG.normal(size=(60, 4))
X1 = pack_modalities(A[:30], B[30:]).X
P = pack_instances(A, B, ids=[np.arange(60), np.arange(20, 80)]).X  # 40 pairs


def _with(X, r, c, value):
    X = X.copy()
    X[r, c] = value
    return X


def _stacker():
    return ModalityStacker(2)


def _prep():
    return ModalityPreprocessor()


def _cca():
    return PairedCCAClustering(3, n_components=2, n_init=1, random_state=0)


TRANSFORMERS = [_stacker, _prep, _cca]


# ------------------------------------------------------------ call forms
@pytest.mark.parametrize("make", TRANSFORMERS)
@pytest.mark.parametrize("form", ["arrays", "list", "dict"])
def test_call_forms_fit_like_the_packed_array(make, form):
    """fit(A, B), fit([A, B]) and fit({...}) are the packed array (no silent drop)."""
    a, b = A[:30], B[30:]
    args = {"arrays": (a, b), "list": ([a, b],), "dict": ({"x": a, "y": b},)}[form]
    est = make().fit(*args)
    ref = make().fit(X1)
    assert est.modality_dims_ == (6, 4)
    assert est.n_features_in_ == 10
    np.testing.assert_allclose(est.transform(*args), ref.transform(X1))
    np.testing.assert_allclose(make().fit_transform(*args), ref.transform(X1))


@pytest.mark.parametrize("make", TRANSFORMERS)
def test_transform_dict_subset_and_several_arrays(make):
    est = make().fit({"image": A[:30], "text": B[30:]})
    assert est.modality_names_ == ("image", "text")
    only_text = est.transform({"text": B[30:35]})
    np.testing.assert_allclose(only_text, est.transform(pack_modalities(
        np.empty((0, 6)), B[30:35]).X))
    with pytest.raises(ValueError, match="Unknown modality names"):
        est.transform({"sound": B[:2]})
    with pytest.raises(ValueError, match="expects arrays with 4 columns"):
        est.transform(A[:2], A[:2])


@pytest.mark.parametrize("make", TRANSFORMERS)
def test_packed_x_with_2d_y_is_named(make):
    with pytest.raises(ValueError, match=r"Modality 0 holds NaN at row 0.*pass y as None"):
        make().fit(X1, np.ones((60, 2)))


@pytest.mark.parametrize("make", TRANSFORMERS)
def test_sparse_modalities_accepted_as_separate_arrays(make):
    dense = make().fit(A, B)
    est = make().fit(sparse.csr_matrix(A), sparse.csr_matrix(B))
    np.testing.assert_allclose(est.transform(sparse.csr_matrix(A), sparse.csr_matrix(B)),
                               dense.transform(A, B))
    np.testing.assert_allclose(est.transform({"modality1": sparse.coo_matrix(B)}),
                               dense.transform({"modality1": B}))


@pytest.mark.parametrize("make", TRANSFORMERS)
def test_sparse_packed_array_refused_with_the_path(make):
    with pytest.raises(TypeError, match="separate arrays, a list or a dict"):
        make().fit(sparse.csr_matrix(np.nan_to_num(X1)))


# ------------------------------------------------------------ bad inputs
@pytest.mark.parametrize("make", TRANSFORMERS)
@pytest.mark.parametrize("where", ["fit", "transform"])
def test_inf_names_row_column_block(make, where):
    bad = _with(P, 25, 7, np.inf)
    est = make() if where == "fit" else make().fit(P)
    call = est.fit if where == "fit" else est.transform
    with pytest.raises(ValueError, match=r"Row 25 holds an infinite value in column 7 of block 1"):
        call(bad)


@pytest.mark.parametrize("make", TRANSFORMERS)
def test_nan_inside_a_multi_block_row(make):
    bad = _with(P, 25, 7, np.nan)
    est = make().set_params(modality_dims=(6, 4))
    msg = r"Row 25 holds NaN in column 7 inside its observed block 1"
    with pytest.raises(ValueError, match=msg):
        est.fit(bad)


@pytest.mark.parametrize("make", TRANSFORMERS)
@pytest.mark.parametrize("dims, words", [
    ((True, 9), "entry 0 is True of type bool"),
    ((6, 4.5), "entry 1 is 4.5 of type float"),
    (((6,), (4,)), "entry 0 is \\(6,\\) of type tuple"),
])
def test_modality_dims_entries_are_ints(make, dims, words):
    with pytest.raises(TypeError, match=words):
        make().set_params(modality_dims=dims).fit(P)


@pytest.mark.parametrize("make", TRANSFORMERS)
def test_n_components_true_refused(make):
    with pytest.raises(ValueError, match="'n_components' parameter .* not the bool True"):
        make().set_params(n_components=True).fit(P)


@pytest.mark.parametrize("make", TRANSFORMERS)
@pytest.mark.parametrize("scale", [1e-12, 1e200])
def test_scale_free(make, scale):
    """Data at 1e-12 or 1e200 gives the same clustering structure, no overflow."""
    with np.errstate(all="raise"):
        est = make().fit(P * scale)
        Z = est.transform(P * scale)
    assert not np.any(np.isinf(Z))
    ref = make().fit(P).transform(P)
    np.testing.assert_array_equal(np.isnan(Z), np.isnan(ref))
    if not isinstance(est, ModalityPreprocessor):  # stacker/cca: codes up to the scale
        Z, ref = Z / np.abs(Z).max(), ref / np.abs(ref).max()
    np.testing.assert_allclose(np.nan_to_num(Z), np.nan_to_num(ref), atol=1e-6)


def test_pickle_round_trip_keeps_forms():
    for make in TRANSFORMERS:
        est = make().fit({"a": A[:30], "b": B[30:]})
        back = pickle.loads(pickle.dumps(est))
        np.testing.assert_array_equal(back.transform({"b": B[:3]}), est.transform({"b": B[:3]}))


# ------------------------------------------------------------ ModalityStacker
def test_stacker_set_params_after_fit_keeps_fitted_width():
    st_ = ModalityStacker(2).fit(X1).set_params(n_components=3)
    assert st_.transform(X1).shape == (60, 2)
    assert list(st_.get_feature_names_out()) == ["stack0", "stack1"]


def test_stacker_constant_modality_warns():
    X = pack_modalities(np.ones((10, 3)), B[:10]).X
    with pytest.warns(DegenerateClusteringWarning, match="same values on all its 10 rows"):
        ModalityStacker(2).fit(X)


def test_stacker_overflowing_transform_names_the_row():
    st_ = ModalityStacker(2).fit(X1)
    bad = X1.copy()
    bad[4, :6] = np.finfo(np.float64).max * np.sign(st_.reducers_[0].components_[0])
    with pytest.raises(ValueError, match="code of row 4 .* not finite"):
        st_.transform(bad)


# ------------------------------------------------------------ PairedCCA
def test_cca_fewer_distinct_rows_than_clusters():
    X = np.repeat(P[[0, 30, 70]], 10, axis=0)
    with pytest.raises(ValueError, match="only 3 distinct row"):
        PairedCCAClustering(5, n_components=2).fit(X)


def test_cca_single_direction_cannot_hold_three_clusters():
    with pytest.raises(ValueError, match="single canonical direction.*-1 or \\+1"):
        PairedCCAClustering(3, n_components=1).fit(P)


def test_cca_codes_far_outside_training_scale_stay_unit_length():
    est = _cca().fit(P)
    with np.errstate(over="raise", invalid="raise"):
        Z = est.transform(P * 1e300)
    np.testing.assert_allclose(np.linalg.norm(Z, axis=1), 1.0)


# ------------------------------------------------------------ preprocessing
@pytest.mark.parametrize("V, exc, words", [
    (np.ones(5), ValueError, "2-D array; got shape \\(5,\\)"),
    ("abc", ValueError, "2-D array"),
    (np.array([[np.nan, 1.0]]), ValueError, "non-finite value at row 0, column 0"),
    (np.array([["a", "b"]]), TypeError, "numeric"),
])
def test_suggest_method_bad_input(V, exc, words):
    with pytest.raises(exc, match=words):
        suggest_method(V)


# ------------------------------------------------------------ packing helpers
def test_packing_helpers_take_sparse_modalities():
    ids = [np.arange(60), np.arange(20, 80)]
    np.testing.assert_array_equal(pack_instances(sparse.csr_matrix(A), B, ids=ids).X,
                                  pack_instances(A, B, ids=ids).X)
    np.testing.assert_array_equal(pack_modalities(A, sparse.csc_array(B)).X,
                                  pack_modalities(A, B).X)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: pack_modalities(sparse.csr_matrix(np.where(A > 2, np.inf, A)), B), ValueError,
     "Modality 0 holds an infinite value at row 0, column 3 of its sparse matrix"),
    (lambda: pack_modalities(A, B, dtype=int), TypeError, "floating dtype"),
    (lambda: pack_modalities(A, B * 1e6, dtype=np.float16), ValueError, "overflows dtype=float16"),
    (lambda: pack_modalities([A], B), TypeError, "ONE list or dict"),
    (lambda: pack_instances(A, B, ids=None), TypeError, "ids must be a sequence"),
    (lambda: pack_instances(A, B, ids=5), TypeError, "ids must be a sequence"),
    (lambda: pack_instances(A, B, ids=[np.full(60, np.nan), np.arange(60)]),
     ValueError, "hold NaN at row 0"),
    (lambda: observed_blocks(X1, "64"), TypeError, "got '64'"),
    (lambda: observed_blocks(X1, None), TypeError, "got None"),
    (lambda: observed_blocks(X1, (6.0, 4.0)), TypeError, "entry 0 is 6.0"),
    (lambda: observed_blocks(X1, (6, 4), modality_names=["a"]), ValueError,
     "1 modality_names for 2 blocks"),
    (lambda: observed_blocks(sparse.csr_matrix(np.nan_to_num(X1)), (6, 4)),
     TypeError, "X is a scipy.sparse"),
    (lambda: unpack_modalities(X1, (True, 9)), TypeError, "entry 0 is True"),
    (lambda: infer_modality_dims(X1[:0]), ValueError, "X has no rows"),
    (lambda: infer_modality_dims(sparse.csr_matrix(np.nan_to_num(X1))), TypeError, "sparse"),
])
def test_packing_helpers(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.booleans(), st.floats(allow_nan=True), st.text(max_size=2),
                          st.tuples(st.integers(1, 3))), min_size=1, max_size=3))
def test_modality_dims_garbage_never_reaches_numpy(dims):
    with pytest.raises((TypeError, ValueError), match="modality_dims|block"):
        observed_blocks(X1, tuple(dims))


# ------------------------------------------------------------ datasets
@pytest.mark.parametrize("value", [123, b"/tmp", ["/tmp"], 1.5])
def test_data_home_type(value):
    with pytest.raises(TypeError, match="data_home must be a folder path"):
        load_3sources(data_home=value)
    with pytest.raises(TypeError, match="data_home must be a folder path"):
        get_data_home(value)


def test_load_dm2c_mat_path_type():
    with pytest.raises(TypeError, match="train_file must be a path"):
        load_dm2c_mat(123)


@pytest.mark.parametrize("make", [
    lambda v: make_incomplete(v, Y),
    lambda v: make_partially_aligned(v, Y),
    lambda v: make_mixed_modal(v, Y),
])
@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "an infinite value")])
def test_protocols_refuse_non_finite_views(make, value, kind):
    with pytest.raises(ValueError, match=f"View 0 holds {kind} at row 3, column 2"):
        make([_with(A, 3, 2, value), B])


@pytest.mark.parametrize("dims, words", [((True, 3), "True of type bool"),
                                         ((2.5, 3), "2.5 of type float")])
def test_blobs_modality_dims(dims, words):
    with pytest.raises(TypeError, match=words):
        make_mixed_modal_blobs(modality_dims=dims)


# ------------------------------------------------------------ metrics
def test_metrics_name_nan_label():
    with pytest.raises(ValueError, match="labels_true holds nan at position 1"):
        clustering_accuracy(np.array([0, np.nan, 1.0]), np.array([0, 1, 1]))


@pytest.mark.parametrize("kwargs, words", [
    ({"n_clusters": True}, "n_clusters must be an int >= 1; got True"),
    ({"n_init": True}, "n_init must be an int >= 1; got True"),
    ({"n_pairings": 2.5}, "n_pairings must be an int >= 1"),
])
def test_alignment_reference_params(kwargs, words):
    with pytest.raises(ValueError, match=words):
        alignment_reference(np.r_[Y[:30], Y[30:]], X1, **kwargs)


def test_alignment_reference_sparse_and_scale():
    with pytest.raises(TypeError, match="scipy.sparse"):
        alignment_reference(Y, sparse.csr_matrix(np.nan_to_num(X1)))
    y = np.r_[Y[:30], Y[30:]]
    with np.errstate(over="raise", invalid="raise"):
        big = alignment_reference(y, X1 * 1e200, n_init=2, n_pairings=2, random_state=0)
    ref = alignment_reference(y, X1, n_init=2, n_pairings=2, random_state=0)
    assert big["single_acc"] == ref["single_acc"]


# ------------------------------------------------------------ cluster matching
@pytest.mark.parametrize("centers, words", [
    ({"a": np.ones((3, 2)), "b": np.ones((3, 2))}, "must be a list .* got dict"),
    ([np.full((3, 2), "a"), np.ones((3, 2))], "centers\\[0\\] must be a numeric 2-D array"),
])
def test_match_clusters_bad_centers(centers, words):
    with pytest.raises(ValueError, match=words):
        match_clusters(centers)


def test_match_clusters_accepts_sparse_centres():
    C = [RNG.normal(size=(3, 4)), RNG.normal(size=(3, 5))]
    dense = match_clusters(C, random_state=0)
    sp = match_clusters([sparse.csr_matrix(C[0]), C[1]], random_state=0)
    for a, b in zip(dense, sp):
        np.testing.assert_array_equal(a, b)
