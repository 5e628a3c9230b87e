"""The packed mixed-modal data model: packing, unpacking, inference, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skdm2c import (
    check_mixed_modal,
    infer_modality_dims,
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
        (lambda X: X.__setitem__((1, 4), 1.0), r"Row 1 is observed in block 0 .* and block 1"),
        (lambda X: X.__setitem__((0, slice(0, 4)), np.nan), "Row 0 is NaN in every block"),
        (lambda X: X.__setitem__((4, 5), np.nan), r"Row 4 holds NaN in column 5 inside its observed block 1"),
        (lambda X: X.__setitem__((2, 1), np.inf), r"Row 2 holds an infinite value in column 1 of block 0"),
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
