"""The packed mixed-modal data model: packing, unpacking, inference, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skdm2c import (
    PackedInstances,
    check_mixed_modal,
    infer_modality_dims,
    observed_blocks,
    pack_instances,
    pack_modalities,
    row_modality,
    unpack_modalities,
)


def _views(rng, rows=(3, 2), dims=(4, 2)):
    return [rng.randn(n, d) for n, d in zip(rows, dims)]


def test_pack_layout_and_order():
    rng = np.random.RandomState(0)
    a, b = _views(rng)
    X, dims, names, modality = pack_modalities(a, b)
    assert X.shape == (5, 6)
    assert dims == (4, 2)
    assert names == ("modality0", "modality1")
    np.testing.assert_array_equal(modality, [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(X[:3, :4], a)
    np.testing.assert_array_equal(X[3:, 4:], b)
    assert np.isnan(X[:3, 4:]).all() and np.isnan(X[3:, :4]).all()


def test_pack_dict_list_and_names():
    rng = np.random.RandomState(0)
    a, b = _views(rng)
    from_dict = pack_modalities({"image": a, "text": b})
    from_list = pack_modalities([a, b], names=["image", "text"])
    np.testing.assert_array_equal(from_dict.X, from_list.X)
    assert from_dict.modality_names == ("image", "text")
    with pytest.raises(ValueError, match="unique"):
        pack_modalities([a, b], names=["x", "x"])
    with pytest.raises(ValueError, match="2 modalities"):
        pack_modalities([a, b], names=["x"])
    with pytest.raises(ValueError, match="2-D"):
        pack_modalities(np.ones(3), b)


def test_pack_keeps_float32_and_converts_int():
    assert pack_modalities(np.ones((2, 2), np.float32)).X.dtype == np.float32
    assert pack_modalities(np.ones((2, 2), int)).X.dtype == np.float64


def test_pack_allows_empty_modality():
    X, dims, _, modality = pack_modalities(np.ones((2, 3)), np.empty((0, 2)))
    assert X.shape == (2, 5) and dims == (3, 2)
    np.testing.assert_array_equal(modality, [0, 0])


def test_unpack_roundtrip_and_indices():
    rng = np.random.RandomState(1)
    a, b, c = _views(rng, rows=(2, 3, 1), dims=(1, 3, 2))
    X = pack_modalities(a, b, c).X
    perm = rng.permutation(len(X))
    views, indices = unpack_modalities(X[perm], (1, 3, 2))
    for original, view, idx in zip((a, b, c), views, indices):
        np.testing.assert_array_equal(np.sort(view, axis=0), np.sort(original, axis=0))
        np.testing.assert_array_equal(X[perm][idx][:, ~np.isnan(X[perm][idx][0])], view)


def test_infer_and_row_modality():
    rng = np.random.RandomState(2)
    X = pack_modalities(*_views(rng, rows=(2, 3, 2), dims=(3, 1, 2))).X
    assert infer_modality_dims(X) == (3, 1, 2)
    np.testing.assert_array_equal(row_modality(X, (3, 1, 2)), [0, 0, 1, 1, 1, 2, 2])
    assert infer_modality_dims(rng.randn(4, 5)) == (5,)


def test_infer_needs_every_modality():
    X = pack_modalities(np.ones((2, 3)), np.empty((0, 2))).X
    with pytest.raises(ValueError, match="Column 3 of X is NaN on every row"):
        infer_modality_dims(X)


@pytest.mark.parametrize(
    "mutate, message",
    [
        # one value inside another block is a partially observed block, not a pair
        (lambda X: X.__setitem__((1, 4), 1.0),
         r"Row 1 holds NaN in column 5 inside its observed block 1 \('modality1', columns 4:6\)"),
        (lambda X: X.__setitem__((1, slice(4, 6)), 1.0),
         r"Row 1 observes block 0 .* and block 1 .*check_mixed_modal needs exactly one"
         r".*observed_blocks"),
        (lambda X: X.__setitem__((0, slice(0, 4)), np.nan), "Row 0 is NaN in every block"),
        (lambda X: X.__setitem__((4, 5), np.nan),
         r"Row 4 holds NaN in column 5 inside its observed block 1"),
        (lambda X: X.__setitem__((2, 1), np.inf),
         r"Row 2 holds an infinite value in column 1 of block 0"),
    ],
)
def test_check_mixed_modal_errors_name_row_and_block(mutate, message):
    X = pack_modalities(np.ones((3, 4)), np.ones((2, 2))).X
    mutate(X)
    with pytest.raises(ValueError, match=message):
        check_mixed_modal(X, (4, 2))


def test_check_mixed_modal_width_and_require_all():
    X = pack_modalities(np.ones((3, 4)), np.empty((0, 2))).X
    with pytest.raises(ValueError, match="sums to 5"):
        check_mixed_modal(X, (4, 1))
    with pytest.raises(ValueError, match=r"block 1 \('text'.*has no rows"):
        check_mixed_modal(X, (4, 2), modality_names=("image", "text"), require_all=True)
    with pytest.raises(TypeError, match="sequence"):
        check_mixed_modal(X, 6)
    with pytest.raises(ValueError, match=">= 1"):
        check_mixed_modal(X, (6, 0))


# --------------------------------------------------------------- properties
@st.composite
def mixed_modal(draw):
    n_mod = draw(st.integers(1, 4))
    dims = draw(st.lists(st.integers(1, 4), min_size=n_mod, max_size=n_mod))
    rows = draw(st.lists(st.integers(1, 5), min_size=n_mod, max_size=n_mod))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    return [rng.randn(n, d) for n, d in zip(rows, dims)], rng


@settings(max_examples=60, deadline=None)
@given(mixed_modal())
def test_property_pack_unpack_infer_roundtrip(case):
    views, rng = case
    packed = pack_modalities(views)
    assert infer_modality_dims(packed.X) == packed.modality_dims
    perm = rng.permutation(len(packed.X))
    Xp = packed.X[perm]
    np.testing.assert_array_equal(row_modality(Xp, packed.modality_dims), packed.modality[perm])
    got, indices = unpack_modalities(Xp, packed.modality_dims)
    for m, (view, idx) in enumerate(zip(got, indices)):
        # rows come back in their new order, each equal to its original row
        original = np.flatnonzero(packed.modality == m)
        inverse = perm[idx] - original[0]
        np.testing.assert_array_equal(view, views[m][inverse])
    # every row observed in exactly one block, NaN elsewhere
    assert (~np.isnan(packed.X)).sum() == sum(v.size for v in views)


# ------------------------------------------------------- multi-block rows
def _paired_rows():
    """Rows 0-2 image only, row 3 and 4 observe both blocks, row 5 text only."""
    rng = np.random.RandomState(3)
    X = pack_modalities(rng.randn(5, 4), rng.randn(3, 2)).X
    X[3:5, 4:] = rng.randn(2, 2)
    X = np.delete(X, [5, 6], axis=0)
    return X


def test_observed_blocks_and_allow_multi():
    X = _paired_rows()
    expected = np.array([[1, 0], [1, 0], [1, 0], [1, 1], [1, 1], [0, 1]], dtype=bool)
    obs = observed_blocks(X, (4, 2))
    assert obs.dtype == bool
    np.testing.assert_array_equal(obs, expected)
    np.testing.assert_array_equal(
        check_mixed_modal(X, (4, 2), allow_multi=True), [0, 0, 0, -1, -1, 1])
    np.testing.assert_array_equal(row_modality(X, (4, 2), allow_multi=True), [0, 0, 0, -1, -1, 1])
    message = r"Row 3 observes block 0 \('image'.* and block 1 \('text'"
    with pytest.raises(ValueError, match=message):
        check_mixed_modal(X, (4, 2), modality_names=("image", "text"))
    with pytest.raises(ValueError, match="allow_multi=True"):
        row_modality(X, (4, 2))
    assert infer_modality_dims(X) == (4, 2)
    # multi-block rows count for require_all
    observed_blocks(X[:5], (4, 2), require_all=True)
    with pytest.raises(ValueError, match=r"block 1 \('text'.*has no rows"):
        observed_blocks(X[:3], (4, 2), modality_names=("image", "text"), require_all=True)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda X: X.__setitem__((3, 5), np.nan),
         r"Row 3 holds NaN in column 5 inside its observed block 1 .*1 of its 2 columns"),
        (lambda X: X.__setitem__((4, 0), np.nan),
         r"Row 4 holds NaN in column 0 inside its observed block 0"),
        (lambda X: X.__setitem__((5, slice(4, 6)), np.nan), "Row 5 is NaN in every block"),
        (lambda X: X.__setitem__((3, 4), -np.inf),
         r"Row 3 holds an infinite value in column 4 of block 1"),
    ],
)
def test_observed_blocks_errors_name_row_column_block(mutate, message):
    X = _paired_rows()
    mutate(X)
    with pytest.raises(ValueError, match=message):
        observed_blocks(X, (4, 2))


def test_unpack_puts_multi_block_rows_in_every_view():
    X = _paired_rows()
    views, indices = unpack_modalities(X, (4, 2))
    np.testing.assert_array_equal(indices[0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(indices[1], [3, 4, 5])
    np.testing.assert_array_equal(views[1], X[[3, 4, 5], 4:])


def test_infer_refuses_a_nan_inside_a_block_and_merges_fully_paired_blocks():
    X = _paired_rows()
    X[0, 1] = np.nan  # column 1 observed on rows 1-4, columns 0, 2, 3 on rows 0-4
    with pytest.raises(ValueError, match=r"Row 0 holds NaN in columns 1:2 .*pass modality_dims"):
        infer_modality_dims(X)
    with pytest.raises(ValueError, match="Row 0 holds NaN in column 1 inside its observed block 0"):
        observed_blocks(X, (4, 2))
    # fully paired data: both modalities on every row cannot be told apart
    assert infer_modality_dims(np.ones((3, 5))) == (5,)


def test_pack_instances_merges_shared_ids():
    img = np.arange(6.0).reshape(3, 2)
    txt = np.arange(3.0).reshape(3, 1) + 10
    packed = pack_instances([img, txt], ids=[np.array([5, 7, 9]), np.array([9, 1, 5])],
                            names=("image", "text"))
    assert isinstance(packed, PackedInstances)
    np.testing.assert_array_equal(packed.ids, [5, 7, 9, 1])
    np.testing.assert_array_equal(packed.rows[0], [0, 1, 2])
    np.testing.assert_array_equal(packed.rows[1], [2, 3, 0])
    np.testing.assert_array_equal(packed.X[packed.rows[0], :2], img)
    np.testing.assert_array_equal(packed.X[packed.rows[1], 2:], txt)
    np.testing.assert_array_equal(packed.observed, [[1, 1], [1, 0], [1, 1], [0, 1]])
    np.testing.assert_array_equal(observed_blocks(packed.X, packed.modality_dims), packed.observed)
    assert packed.modality_names == ("image", "text") and packed.modality_dims == (2, 1)


def test_pack_instances_dict_mixed_id_types_and_empty_modality():
    packed = pack_instances({"a": np.ones((2, 1)), "b": np.ones((0, 3))},
                            ids={"b": [], "a": ["x", 3]})
    assert packed.modality_names == ("a", "b") and packed.X.shape == (2, 4)
    assert packed.ids.tolist() == ["x", 3]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"ids": [[0, 1, 1], [0]]}, ValueError, r"Modality 0 \('modality0'\) holds the id 1 twice"),
        ({"ids": [[0, 1], [0]]}, ValueError, r"ids of modality 0 .*one id per row \(3 rows\)"),
        ({"ids": [[0, 1, 2]]}, ValueError, "Got 1 id arrays for 2 modalities"),
        ({"ids": [[[0], [1], [2]], [0]]}, ValueError, "1-D"),
        ({"ids": {"modality0": [0, 1, 2]}}, ValueError, "one id array per modality"),
    ],
)
def test_pack_instances_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        pack_instances(np.ones((3, 2)), np.ones((1, 2)), **kwargs)


@st.composite
def instances(draw):
    n_mod = draw(st.integers(1, 4))
    n_inst = draw(st.integers(1, 8))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    dims = rng.randint(1, 4, size=n_mod)
    # each modality observes a random subset of the instances, in random order
    ids = [rng.permutation(n_inst)[: rng.randint(0, n_inst + 1)] for _ in range(n_mod)]
    if not sum(len(i) for i in ids):
        ids[0] = np.arange(n_inst)
    views = [rng.randn(len(i), d) for i, d in zip(ids, dims)]
    return views, ids


@settings(max_examples=60, deadline=None)
@given(instances())
def test_property_pack_instances_unpack_roundtrip(case):
    views, ids = case
    packed = pack_instances(views, ids=ids)
    all_ids = np.concatenate(ids)
    assert len(packed.X) == len(np.unique(all_ids)) == len(set(packed.ids.tolist()))
    obs = observed_blocks(packed.X, packed.modality_dims)
    np.testing.assert_array_equal(obs, packed.observed)
    got, indices = unpack_modalities(packed.X, packed.modality_dims)
    for m in range(len(views)):
        # the rows of modality m, in packed order, are its input rows sent to rows[m]
        np.testing.assert_array_equal(np.sort(packed.rows[m]), indices[m])
        order = np.argsort(packed.rows[m])
        np.testing.assert_array_equal(got[m], views[m][order])
        np.testing.assert_array_equal(packed.ids[packed.rows[m]], ids[m])
    # one value per observed cell, nothing else
    assert (~np.isnan(packed.X)).sum() == sum(v.size for v in views)
