"""Tests of the correspondence protocols make_incomplete / make_partially_aligned."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skdm2c import observed_blocks, unpack_modalities
from skdm2c.datasets import make_incomplete, make_mixed_modal, make_partially_aligned


def _paired(n=20, dims=(3, 2, 4), seed=0):
    rng = np.random.RandomState(seed)
    return [rng.rand(n, d) for d in dims], rng.randint(0, 3, n)


# ------------------------------------------------------------------ make_incomplete
@pytest.mark.parametrize("fraction, n, n_paired", [(0.5, 20, 10), (0.3, 10, 3), (0.25, 10, 3),
                                                   (0.24, 10, 2), (1.0, 7, 7), (0.0, 7, 0)])
def test_incomplete_exact_paired_count(fraction, n, n_paired):
    views, y = _paired(n=n)
    inc = make_incomplete(views, y, paired_fraction=fraction, random_state=0)
    multi = inc.observed.sum(axis=1) > 1
    assert multi.sum() == n_paired and inc.paired_fraction == n_paired / n
    # paired rows observe every block; the others exactly one
    assert inc.observed[multi].all() and (inc.observed[~multi].sum(axis=1) == 1).all()
    np.testing.assert_array_equal(observed_blocks(inc.data, inc.modality_dims), inc.observed)
    np.testing.assert_array_equal(inc.modality[multi], -1)
    np.testing.assert_array_equal(inc.modality[~multi], np.argmax(inc.observed[~multi], axis=1))


def test_incomplete_keeps_row_order_values_and_labels():
    views, y = _paired()
    inc = make_incomplete(views, y, paired_fraction=0.4, random_state=3)
    np.testing.assert_array_equal(inc.index, np.arange(20))
    np.testing.assert_array_equal(inc.target, y)
    got, indices = unpack_modalities(inc.data, inc.modality_dims)
    for m in range(3):
        np.testing.assert_array_equal(got[m], views[m][indices[m]])
        np.testing.assert_array_equal(indices[m], np.flatnonzero(inc.observed[:, m]))


@pytest.mark.parametrize("seed", [0, 1, 7])
@pytest.mark.parametrize("proportions", [None, (0.5, 0.25, 0.25)])
def test_incomplete_at_zero_is_make_mixed_modal(seed, proportions):
    views, y = _paired(n=23)
    inc = make_incomplete(views, y, paired_fraction=0.0, proportions=proportions,
                          random_state=seed)
    mix = make_mixed_modal(views, y, proportions=proportions, random_state=seed)
    np.testing.assert_array_equal(inc.data, mix.data)
    np.testing.assert_array_equal(inc.modality, mix.modality)
    # a RandomState instance is consumed the same way
    inc = make_incomplete(views, paired_fraction=0.0, random_state=np.random.RandomState(seed))
    mix = make_mixed_modal(views, random_state=np.random.RandomState(seed))
    np.testing.assert_array_equal(inc.modality, mix.modality)


def test_incomplete_deterministic_and_seed_dependent():
    views, y = _paired()
    a = make_incomplete(views, y, random_state=4)
    b = make_incomplete(views, y, random_state=4)
    c = make_incomplete(views, y, random_state=5)
    np.testing.assert_array_equal(a.observed, b.observed)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.observed, c.observed)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.floats(0, 1), st.lists(st.integers(0, 5), min_size=2, max_size=4),
       st.integers(0, 2**16))
def test_incomplete_counts_property(n, fraction, weights, seed):
    if sum(weights) == 0:
        weights = [1] * len(weights)
    p = np.asarray(weights, float) / sum(weights)
    views = [np.zeros((n, 1)) for _ in p]
    inc = make_incomplete(views, paired_fraction=fraction, proportions=p, random_state=seed)
    n_paired = int((inc.modality == -1).sum())
    assert abs(n_paired - fraction * n) <= 0.5 + 1e-9
    counts = np.bincount(inc.modality[inc.modality >= 0], minlength=len(p))
    assert counts.sum() == n - n_paired
    assert np.all(np.abs(counts - p * (n - n_paired)) < 1)  # largest remainder


def test_incomplete_one_view_has_no_multi_block_rows():
    inc = make_incomplete([np.ones((4, 2))], paired_fraction=0.5, random_state=0)
    np.testing.assert_array_equal(inc.modality, 0)


@pytest.mark.parametrize("value, error", [(1.5, ValueError), (-0.1, ValueError),
                                          ("half", TypeError),
                                          (True, TypeError), (None, TypeError)])
def test_fraction_errors_name_the_parameter(value, error):
    views, y = _paired()
    with pytest.raises(error, match="paired_fraction"):
        make_incomplete(views, y, paired_fraction=value)
    with pytest.raises(error, match="aligned_fraction"):
        make_partially_aligned(views, y, aligned_fraction=value)


def test_protocol_input_errors():
    views, y = _paired()
    with pytest.raises(ValueError, match="same number of rows"):
        make_incomplete([views[0], views[1][:5]])
    with pytest.raises(ValueError, match="y must have shape"):
        make_partially_aligned(views, y[:3])
    with pytest.raises(ValueError, match="proportions"):
        make_incomplete(views, proportions=(1.0, 0.0))


# ------------------------------------------------------------ make_partially_aligned
@pytest.mark.parametrize("fraction, n, n_aligned", [(0.5, 20, 10), (0.1, 20, 2), (0.0, 5, 0),
                                                    (1.0, 5, 5), (0.3, 5, 2)])
def test_aligned_every_instance_once_per_modality(fraction, n, n_aligned):
    views, y = _paired(n=n)
    al = make_partially_aligned(views, y, aligned_fraction=fraction, random_state=0)
    n_rows = n_aligned + 3 * (n - n_aligned)
    assert al.data.shape == (n_rows, 9) and al.aligned_fraction == n_aligned / n
    np.testing.assert_array_equal(observed_blocks(al.data, al.modality_dims), al.observed)
    multi = al.modality == -1
    assert multi.sum() == n_aligned and al.observed[multi].all()
    # every instance observed exactly once in every modality
    for m in range(3):
        np.testing.assert_array_equal(np.sort(al.instance[al.observed[:, m]]), np.arange(n))
    np.testing.assert_array_equal(al.target, y[al.instance])
    got, indices = unpack_modalities(al.data, al.modality_dims)
    for m in range(3):
        np.testing.assert_array_equal(got[m], views[m][al.instance[indices[m]]])


def test_aligned_rows_are_shuffled_deterministically():
    views, y = _paired(n=40)
    a = make_partially_aligned(views, y, aligned_fraction=0.25, random_state=2)
    b = make_partially_aligned(views, y, aligned_fraction=0.25, random_state=2)
    c = make_partially_aligned(views, y, aligned_fraction=0.25, random_state=3)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.instance, c.instance)
    # position carries no correspondence: the single rows of one modality are not in
    # the instance order of another's
    single = a.modality >= 0
    inst0 = a.instance[single & (a.modality == 0)]
    inst1 = a.instance[single & (a.modality == 1)]
    assert not np.array_equal(inst0, inst1)
    assert not np.array_equal(np.sort(a.instance[single]), a.instance[single])


def test_aligned_without_labels():
    views, _ = _paired(n=6)
    al = make_partially_aligned(views, aligned_fraction=0.5, random_state=0)
    assert al.target is None and al.data.shape == (3 + 9, 9)
