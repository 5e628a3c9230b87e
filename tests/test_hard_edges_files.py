"""A table of bad data files: every one fails with an error that names the file path."""

import io
import zipfile

import numpy as np
import pytest
from scipy.io import savemat

from skdm2c.datasets import load_3sources, load_dm2c_mat, load_dm2c_modality_mat

NPZ_NAME = ("3sources", "3sources_3views.npz")
KEYS = ("x_view0_3560d", "x_view1_3631d", "x_view2_3068d")


def _good_arrays(n=6):
    rng = np.random.RandomState(0)
    arrays = {k: rng.rand(n, 3 + i).astype(np.float32) for i, k in enumerate(KEYS)}
    arrays["y"] = np.arange(n) % 2
    return arrays


def _npz_bytes(arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _zip_with_pickled_member():
    """An .npz whose member is a pickled object array (refused, never unpickled)."""
    arrays = _good_arrays()
    arrays["y"] = np.array([{"a": 1}] * 6, dtype=object)
    return _npz_bytes(arrays)


def _bad_npz(kind):
    good = _npz_bytes(_good_arrays())
    if kind == "empty":
        return b""
    if kind == "truncated":
        return good[: len(good) // 2]
    if kind == "random":
        return np.random.RandomState(1).bytes(3000)
    if kind == "zero-tail":  # central directory intact, member data zeroed
        buf = bytearray(good)
        buf[60:400] = bytes(340)
        return bytes(buf)
    if kind == "npy-not-npz":
        out = io.BytesIO()
        np.save(out, np.ones((3, 3)))
        return out.getvalue()
    if kind == "pickled":
        return _zip_with_pickled_member()
    arrays = _good_arrays()
    if kind == "wrong-keys":
        arrays = {"features": arrays[KEYS[0]], "labels": arrays["y"]}
    elif kind == "float-labels":
        arrays["y"] = arrays["y"] + 0.5
    elif kind == "negative-labels":
        arrays["y"] = arrays["y"] - 1
    elif kind == "nan-features":
        arrays[KEYS[2]][3, 1] = np.nan
    elif kind == "no-rows":
        arrays = {k: v[:0] for k, v in arrays.items()}
    elif kind == "no-columns":
        arrays[KEYS[1]] = arrays[KEYS[1]][:, :0]
    elif kind == "2d-labels":
        arrays["y"] = arrays["y"][:, None]
    elif kind == "1d-features":
        arrays[KEYS[1]] = arrays[KEYS[1]][:, 0]
    elif kind == "string-features":
        arrays[KEYS[0]] = np.full((6, 3), "x")
    elif kind == "not-a-zip-member":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for k, v in _good_arrays().items():
                z.writestr(f"{k}.npy", b"not an npy header" if k == "y" else _npy(v))
        return buf.getvalue()
    return _npz_bytes(arrays)


def _npy(a):
    out = io.BytesIO()
    np.save(out, a)
    return out.getvalue()


NPZ_CASES = {
    "empty": "not a readable .npz",
    "truncated": "not a readable .npz|cannot be read",
    "random": "not a readable .npz",
    "zero-tail": "not a readable .npz|cannot be read",
    "npy-not-npz": "single array",
    "pickled": "cannot be read.*object array",
    "wrong-keys": "lacks the arrays",
    "float-labels": "labels 'y' must be a 1-D array of non-negative integers",
    "2d-labels": "labels 'y' must be a 1-D array of non-negative integers",
    "negative-labels": "labels 'y' must be .* non-negative integers; .* minimum -1",
    "1d-features": "features 'x_view1_3631d' must be a non-empty 2-D numeric array",
    "string-features": "features 'x_view0_3560d' must be a non-empty 2-D numeric array",
    "nan-features": "features 'x_view2_3068d' hold nan at row 3, column 1",
    "no-rows": "must be a non-empty 2-D numeric array; .* shape \\(0, 3\\)",
    "no-columns": "features 'x_view1_3631d' must be a non-empty 2-D",
    "not-a-zip-member": "cannot be read",
}


@pytest.mark.parametrize("kind", list(NPZ_CASES))
def test_bad_npz_names_path(kind, tmp_path):
    folder = tmp_path / NPZ_NAME[0]
    folder.mkdir()
    path = folder / NPZ_NAME[1]
    path.write_bytes(_bad_npz(kind))
    with pytest.raises(ValueError, match=NPZ_CASES[kind]) as info:
        load_3sources(data_home=tmp_path)
    assert str(path) in str(info.value)


def test_good_npz_still_loads(tmp_path):
    folder = tmp_path / NPZ_NAME[0]
    folder.mkdir()
    (folder / NPZ_NAME[1]).write_bytes(_bad_npz("good"))
    bunch = load_3sources(data_home=tmp_path, return_paired=True)
    assert bunch.data.shape == (6, 3 + 4 + 5)


# ------------------------------------------------------------------- .mat
def _cells():
    X = np.empty((3, 3), dtype=object)
    X[0] = [np.arange(4.0), "a.jpg", 0]
    X[1] = [np.ones(2), "b.xml", 1]
    X[2] = [np.zeros(4), "c.jpg", 0]
    return X


def _mat_bytes(variables):
    buf = io.BytesIO()
    savemat(buf, variables)
    return buf.getvalue()


def _bad_mat(kind):
    good = _mat_bytes({"X": _cells(), "y": [1, 2, 1]})
    if kind == "empty":
        return b""
    if kind == "truncated":
        return good[: len(good) // 2]
    if kind == "header-only":
        return good[:128]
    if kind == "random":
        return np.random.RandomState(2).bytes(2000)
    if kind == "hdf5":
        return b"\x89HDF\r\n\x1a\n" + bytes(600)
    if kind == "no-X":
        return _mat_bytes({"features": np.ones((3, 2)), "y": [1, 2, 1]})
    if kind == "numeric-X":
        return _mat_bytes({"X": np.ones((3, 4)), "y": [1, 2, 1]})
    if kind == "no-y":
        return _mat_bytes({"X": _cells()})
    if kind == "float-y":
        return _mat_bytes({"X": _cells(), "y": [1.5, 2, 1]})
    if kind == "bad-modality":
        X = _cells()
        X[1, 2] = 7
        return _mat_bytes({"X": X, "y": [1, 2, 1]})
    if kind == "text-feature":
        X = _cells()
        X[0, 0] = "abc"
        return _mat_bytes({"X": X, "y": [1, 2, 1]})
    raise AssertionError(kind)


MAT_CASES = {
    "empty": "could not be read",
    "truncated": "could not be read",
    "header-only": "could not be read|no variable 'X'",
    "random": "could not be read",
    "hdf5": "could not be read",
    "no-X": "no variable 'X'",
    "numeric-X": "not a cell array",
    "no-y": "no labels 'y'",
    "float-y": "integer labels",
    "bad-modality": "modality id 7",
    "text-feature": "not numeric",
}


@pytest.mark.parametrize("kind", list(MAT_CASES))
def test_bad_mat_names_path(kind, tmp_path):
    path = tmp_path / "train_file.mat"
    path.write_bytes(_bad_mat(kind))
    with pytest.raises(ValueError, match=MAT_CASES[kind]) as info:
        load_dm2c_mat(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("kind", ["empty", "truncated", "random", "numeric-X"])
def test_bad_modality_mat_names_path(kind, tmp_path):
    path = tmp_path / "train_img.mat"
    path.write_bytes(_bad_mat(kind))
    with pytest.raises(ValueError) as info:
        load_dm2c_modality_mat(path)
    assert str(path) in str(info.value)


def test_missing_mat_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_dm2c_mat(tmp_path / "nope.mat")
    with pytest.raises(IsADirectoryError, match="is a folder"):
        load_dm2c_modality_mat(tmp_path)
