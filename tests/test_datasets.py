"""Tests of make_mixed_modal and the real-data loaders."""

import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from skdm2c import check_mixed_modal
from skdm2c.datasets import (
    DATASETS,
    get_data_home,
    load_dataset,
    load_uci_mfeat,
    load_wikipedia,
    make_mixed_modal,
)
from skdm2c.datasets._loaders import _FILES

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# ---------------------------------------------------------------- make_mixed_modal


def _paired(n=10, dims=(3, 2), seed=0):
    rng = np.random.RandomState(seed)
    return [rng.rand(n, d) for d in dims], rng.randint(0, 3, n)


def test_make_mixed_modal_keeps_row_order_and_values():
    views, y = _paired(n=12, dims=(3, 2, 4))
    b = make_mixed_modal(views, y, random_state=0)
    assert b.data.shape == (12, 9)
    np.testing.assert_array_equal(b.index, np.arange(12))
    np.testing.assert_array_equal(b.target, y)
    np.testing.assert_array_equal(check_mixed_modal(b.data, b.modality_dims), b.modality)
    assert b.modality_names == ("modality0", "modality1", "modality2")
    assert b.modality_dims == (3, 2, 4)
    for m, (a, z) in enumerate([(0, 3), (3, 5), (5, 9)]):
        rows = b.modality == m
        np.testing.assert_array_equal(b.data[rows, a:z], views[m][rows])
    assert np.bincount(b.modality).tolist() == [4, 4, 4]


def test_make_mixed_modal_dict_names_and_fixed_assignment():
    views, y = _paired(n=4)
    b = make_mixed_modal({"img": views[0], "txt": views[1]}, assignment=[1, 1, 0, 1])
    assert b.modality_names == ("img", "txt")
    assert b.target is None
    assert b.modality.tolist() == [1, 1, 0, 1]
    b = make_mixed_modal(views, names=["a", "b"], assignment=np.array([0.0, 1.0, 0.0, 0.0]))
    assert b.modality_names == ("a", "b") and b.modality.tolist() == [0, 1, 0, 0]


def test_make_mixed_modal_dtype_and_sparse():
    views = [np.ones((4, 2), dtype=np.float32), sp.csr_matrix(np.eye(4, 3, dtype=np.float32))]
    b = make_mixed_modal(views, random_state=0)
    assert b.data.dtype == np.float32
    assert make_mixed_modal([np.ones((3, 1), dtype=int)], random_state=0).data.dtype == np.float64


def test_make_mixed_modal_reproducible():
    views, y = _paired(n=50)
    a = make_mixed_modal(views, y, random_state=3)
    b = make_mixed_modal(views, y, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(a.modality, b.modality)
    c = make_mixed_modal(views, y, random_state=4)
    assert not np.array_equal(a.modality, c.modality)


@pytest.mark.parametrize(
    "proportions, n, expected",
    [((0.3, 0.7), 10, [3, 7]), ((1.0, 0.0), 5, [5, 0]), ((0.5, 0.25, 0.25), 7, [3, 2, 2]),
     ((1 / 3, 1 / 3, 1 / 3), 10, [4, 3, 3])],
)
def test_make_mixed_modal_exact_proportions(proportions, n, expected):
    views = [np.ones((n, 1))] * len(proportions)
    b = make_mixed_modal(views, proportions=proportions, random_state=0)
    assert np.bincount(b.modality, minlength=len(expected)).tolist() == expected


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 200),
    weights=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5).filter(lambda w: sum(w) > 0),
    seed=st.integers(0, 2**31 - 1),
)
def test_make_mixed_modal_counts_property(n, weights, seed):
    p = np.asarray(weights) / np.sum(weights)
    b = make_mixed_modal([np.zeros((n, 1))] * len(p), proportions=p, random_state=seed)
    counts = np.bincount(b.modality, minlength=len(p))
    assert counts.sum() == n
    assert np.all(np.abs(counts - p * n) < 1.0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"proportions": (0.5, 0.6)}, "sum to 1"),
        ({"proportions": (1.5, -0.5)}, "non-negative"),
        ({"proportions": (1.0,)}, "one value per modality"),
        ({"assignment": [0, 2, 0, 0]}, r"assignment\[1\] = 2"),
        ({"assignment": [0, -1, 0, 0]}, "not a modality id"),
        ({"assignment": [0, 1]}, "shape"),
        ({"assignment": [0, 0.5, 0, 0]}, "integer"),
        ({"assignment": [0, 1, 0, 0], "proportions": (0.5, 0.5)}, "not both"),
        ({"y": [0, 1]}, "y must have shape"),
        ({"names": ["a"]}, "names"),
        ({"names": ["a", "a"]}, "unique"),
    ],
)
def test_make_mixed_modal_errors(kwargs, match):
    views = [np.ones((4, 2)), np.ones((4, 3))]
    with pytest.raises(ValueError, match=match):
        make_mixed_modal(views, **kwargs)


def test_make_mixed_modal_input_errors():
    with pytest.raises(ValueError, match="same number of rows"):
        make_mixed_modal([np.ones((4, 2)), np.ones((5, 3))])
    with pytest.raises(ValueError, match="2-D"):
        make_mixed_modal([np.ones(4)])
    with pytest.raises(TypeError, match="list or dict"):
        make_mixed_modal(np.ones((4, 2)))
    with pytest.raises(ValueError, match="at least one"):
        make_mixed_modal([])


# ------------------------------------------------------------ loaders on fake files

# the arrays of every real file: key -> (feature width or None for labels / ids, dtype)
_LAYOUTS = {
    "cub10": {"img": 1024, "txt": 300},
    "uci_mfeat": {"x_fou": 76, "x_fac": 216, "x_kar": 64, "x_pix": 240, "x_zer": 47, "x_mor": 6},
    "scene15": {"x_view0_20d": 20, "x_view1_59d": 59, "x_view2_40d": 40},
    "landuse21": {"x_view0_20d": 20, "x_view1_59d": 59, "x_view2_40d": 40},
    "bbcsport": {"x_view0": 3183, "x_view1": 3203},
    "3sources": {"x_view0_3560d": 3560, "x_view1_3631d": 3631, "x_view2_3068d": 3068},
    "reuters1200": {f"x_view{i}": 2000 for i in range(5)},
}
N_FAKE, N_TRAIN, N_TEST = 12, 9, 5


def _write_fake(root, name, provenance=None, drop=None):
    """Write a small file with exactly the keys of the real one; return its arrays."""
    rng = np.random.RandomState(0)
    if name == "wikipedia":
        arrays = {"class_names": np.array(["art", "biology", "geography"])}
        for part, n in (("train", N_TRAIN), ("test", N_TEST)):
            arrays.update({
                f"img_{part}": rng.rand(n, 128).astype(np.float32),
                f"txt_{part}": rng.rand(n, 10).astype(np.float32),
                f"txt_tfidf_{part}": rng.rand(n, 1000).astype(np.float32),
                f"y_{part}": rng.randint(0, 3, n).astype(np.int64),
                f"txt_id_{part}": np.array([f"t{part}{i}" for i in range(n)]),
                f"img_id_{part}": np.array([f"i{part}{i}" for i in range(n)]),
            })
    else:
        arrays = {k: rng.rand(N_FAKE, d).astype(np.float32) for k, d in _LAYOUTS[name].items()}
        arrays["y"] = rng.randint(0, 3, N_FAKE).astype(np.int64)
        if name == "uci_mfeat":
            arrays["view_names"] = np.array(["fou", "fac", "kar", "pix", "zer", "mor"])
    if drop:
        del arrays[drop]
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / _FILES[name], **arrays)
    if provenance is not None:
        (folder / "PROVENANCE.md").write_text(provenance)
    return arrays


@pytest.mark.parametrize("name", DATASETS)
def test_loader_on_fake_file(tmp_path, name):
    arrays = _write_fake(tmp_path, name, provenance=f"PROVENANCE OF {name}")
    b = load_dataset(name, data_home=tmp_path)
    n = N_TRAIN if name == "wikipedia" else N_FAKE
    assert b.data.shape == (n, sum(b.modality_dims))
    assert b.data.dtype == np.float32
    np.testing.assert_array_equal(check_mixed_modal(b.data, b.modality_dims), b.modality)
    assert len(b.views) == len(b.modality_names) == len(b.modality_dims)
    assert [v.shape for v in b.views] == [(n, d) for d in b.modality_dims]
    counts = np.bincount(b.modality, minlength=len(b.views))
    assert counts.max() - counts.min() <= 1  # equal proportions by default
    assert b.target.dtype == np.int64 and b.target.shape == (n,)
    assert f"PROVENANCE OF {name}" in b.DESCR
    if name != "wikipedia":
        np.testing.assert_array_equal(b.views[0], arrays[list(_LAYOUTS[name])[0]])
        np.testing.assert_array_equal(b.target, arrays["y"])


def test_descr_without_provenance_names_the_source(tmp_path):
    _write_fake(tmp_path, "cub10")
    b = load_dataset("CUB10", data_home=tmp_path)
    assert "UeharaSetsuYu/Multi-view-Datasets" in b.DESCR


def test_wikipedia_subsets_on_fake_file(tmp_path):
    arrays = _write_fake(tmp_path, "wikipedia")
    b = load_wikipedia(data_home=tmp_path, subset="all", text_features="tfidf")
    assert b.data.shape == (N_TRAIN + N_TEST, 128 + 1000)
    np.testing.assert_array_equal(b.train_index, np.arange(N_TRAIN))
    np.testing.assert_array_equal(b.test_index, np.arange(N_TRAIN, N_TRAIN + N_TEST))
    np.testing.assert_array_equal(b.views[1][N_TRAIN:], arrays["txt_tfidf_test"])
    np.testing.assert_array_equal(b.target[:N_TRAIN], arrays["y_train"])
    assert b.img_id[N_TRAIN] == "itest0" and b.class_names.tolist()[0] == "art"
    test = load_wikipedia(data_home=tmp_path, subset="test")
    assert test.data.shape == (N_TEST, 138) and test.train_index.size == 0
    np.testing.assert_array_equal(test.test_index, np.arange(N_TEST))
    for kwargs in ({"subset": "dev"}, {"text_features": "bow"}):
        with pytest.raises(ValueError):
            load_wikipedia(data_home=tmp_path, **kwargs)


def test_views_selection_and_return_paired(tmp_path):
    arrays = _write_fake(tmp_path, "uci_mfeat")
    b = load_uci_mfeat(data_home=tmp_path, views=["pix", "fou"], proportions=(0.25, 0.75))
    assert b.modality_names == ("pix", "fou") and b.modality_dims == (240, 76)
    assert np.bincount(b.modality).tolist() == [3, 9]
    assert b.class_names.tolist() == [str(d) for d in range(10)]
    p = load_uci_mfeat(data_home=tmp_path, views=[2], return_paired=True)
    assert p.modality is None
    np.testing.assert_array_equal(p.data, arrays["x_kar"])
    for bad in (["nope"], ["fou", "fou"], [6], []):
        with pytest.raises(ValueError, match="views must list"):
            load_uci_mfeat(data_home=tmp_path, views=bad)


def test_loader_reproducible(tmp_path):
    _write_fake(tmp_path, "scene15")
    a = load_dataset("scene15", data_home=tmp_path, random_state=5)
    b = load_dataset("scene15", data_home=tmp_path, random_state=5)
    np.testing.assert_array_equal(a.modality, b.modality)


def test_data_home_resolution(tmp_path, monkeypatch):
    _write_fake(tmp_path / "second", "bbcsport")
    monkeypatch.setenv("SKDM2C_DATA", os.pathsep.join([str(tmp_path / "first"),
                                                       str(tmp_path / "second")]))
    assert get_data_home() == tmp_path / "first"
    assert load_dataset("bbcsport").data.shape == (N_FAKE, 3183 + 3203)
    assert get_data_home(tmp_path) == tmp_path  # the argument wins
    monkeypatch.delenv("SKDM2C_DATA")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home() == tmp_path / "skdm2c_data"


def test_missing_file_lists_every_path(tmp_path, monkeypatch):
    homes = [tmp_path / "a", tmp_path / "b"]
    monkeypatch.setenv("SKDM2C_DATA", os.pathsep.join(map(str, homes)))
    with pytest.raises(FileNotFoundError) as err:
        load_dataset("3sources")
    msg = str(err.value)
    for home in homes:
        assert str(home / "3sources" / "3sources_3views.npz") in msg
    assert "SKDM2C_DATA" in msg and "ChuanbinZhang/Multi-view-datasets" in msg
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "c")):
        load_wikipedia(data_home=tmp_path / "c")


def test_unknown_name_and_missing_key(tmp_path):
    with pytest.raises(ValueError, match="Unknown data set"):
        load_dataset("mnist", data_home=tmp_path)
    _write_fake(tmp_path, "landuse21", drop="x_view1_59d")
    with pytest.raises(ValueError, match="x_view1_59d"):
        load_dataset("landuse21", data_home=tmp_path)


def test_check_hash_mismatch(tmp_path):
    _write_fake(tmp_path, "cub10")
    load_dataset("cub10", data_home=tmp_path)  # no hash check by default
    with pytest.raises(OSError, match="sha256"):
        load_dataset("cub10", data_home=tmp_path, check_hash=True)


# ------------------------------------------------------------------ real data

needs_real = pytest.mark.skipif(not REAL_DATA.is_dir(), reason=f"no real data in {REAL_DATA}")

_REAL_SHAPES = {
    "wikipedia": (2173, (128, 10)), "cub10": (600, (1024, 300)),
    "uci_mfeat": (2000, (76, 216, 64, 240, 47, 6)), "scene15": (4485, (20, 59, 40)),
    "landuse21": (2100, (20, 59, 40)), "bbcsport": (544, (3183, 3203)),
    "3sources": (169, (3560, 3631, 3068)), "reuters1200": (1200, (2000,) * 5),
}


@needs_real
@pytest.mark.parametrize("name", DATASETS)
def test_real_data(name):
    b = load_dataset(name, data_home=REAL_DATA, check_hash=True)
    n, dims = _REAL_SHAPES[name]
    assert b.data.shape == (n, sum(dims)) and b.modality_dims == dims
    modality = check_mixed_modal(b.data, b.modality_dims, require_all=True)
    np.testing.assert_array_equal(modality, b.modality)
    counts = np.bincount(b.modality)
    assert counts.max() - counts.min() <= 1
    assert b.target.min() == 0 and b.target.shape == (n,)
    assert "sha256" in b.DESCR  # the PROVENANCE.md text


@needs_real
def test_real_wikipedia_split_reproducible_and_proportions():
    kw = dict(data_home=REAL_DATA, subset="all", proportions=(0.3, 0.7), random_state=1)
    a = load_wikipedia(**kw)
    assert a.data.shape == (2866, 138)
    assert (len(a.train_index), len(a.test_index)) == (2173, 693)
    np.testing.assert_array_equal(a.test_index, np.arange(2173, 2866))
    assert np.bincount(a.modality).tolist() == [860, 2006]  # round(0.3 * 2866) = 860
    # the packed rows are the paired rows of their modality, in the original order
    img = a.modality == 0
    np.testing.assert_array_equal(a.data[img, :128], a.views[0][img])
    test = load_wikipedia(data_home=REAL_DATA, subset="test", text_features="tfidf")
    np.testing.assert_array_equal(test.views[0], a.views[0][2173:])
    assert test.data.shape == (693, 1128)
    b = load_wikipedia(**kw)
    np.testing.assert_array_equal(a.modality, b.modality)
    np.testing.assert_array_equal(np.isnan(a.data), np.isnan(b.data))
    assert not np.array_equal(a.modality, load_wikipedia(**{**kw, "random_state": 2}).modality)


# ------------------------------------------------------------------ protocols
def test_loader_protocols_on_fake_file(tmp_path):
    from skdm2c import observed_blocks
    from skdm2c.datasets import load_cub10

    arrays = _write_fake(tmp_path, "cub10")
    unpaired = load_cub10(data_home=tmp_path, random_state=3)
    zero = load_cub10(data_home=tmp_path, random_state=3, protocol="incomplete",
                      paired_fraction=0.0)
    np.testing.assert_array_equal(zero.data, unpaired.data)
    assert unpaired.protocol == "unpaired" and zero.protocol == "incomplete"
    inc = load_dataset("cub10", data_home=tmp_path, protocol="incomplete", paired_fraction=0.5)
    assert (inc.modality == -1).sum() == N_FAKE // 2 and inc.data.shape[0] == N_FAKE
    np.testing.assert_array_equal(observed_blocks(inc.data, inc.modality_dims), inc.observed)
    al = load_cub10(data_home=tmp_path, protocol="aligned", paired_fraction=0.25)
    n_aligned = 3
    assert al.data.shape[0] == n_aligned + 2 * (N_FAKE - n_aligned)
    np.testing.assert_array_equal(al.target, arrays["y"][al.instance])
    np.testing.assert_array_equal(observed_blocks(al.data, al.modality_dims), al.observed)
    assert len(al.views) == 2 and al.views[0].shape[0] == N_FAKE


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"protocol": "paired"}, ValueError, "protocol must be one of"),
        ({"protocol": None}, ValueError, "protocol must be one of"),
        ({"paired_fraction": 2.0}, ValueError, "paired_fraction must lie in"),
        ({"paired_fraction": "0.5"}, TypeError, "paired_fraction must be a number"),
        ({"protocol": "aligned", "proportions": (0.5, 0.5)}, ValueError, "proportions is not used"),
        ({"protocol": "incomplete", "return_paired": True}, ValueError, "return_paired=True"),
    ],
)
def test_loader_protocol_errors_before_reading(tmp_path, kwargs, error, match):
    # no file in tmp_path: the parameters are checked before the file is looked for
    with pytest.raises(error, match=match):
        load_dataset("cub10", data_home=tmp_path, **kwargs)
    with pytest.raises(error, match=match):
        load_wikipedia(data_home=tmp_path, **kwargs)
