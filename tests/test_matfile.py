"""Tests of the reader of the DM2C authors' processed .mat files.

The files are written here the way the authors' ``sample_single_modal`` does
(github.com/jiangyangby/DM2C, code/utils.py): ``savemat`` of an object array
whose rows are ``[feature, file name, modality]`` (or ``[feature, modality]``)
plus the 1-based labels ``y``.
"""

import numpy as np
import pytest
from scipy.io import loadmat, savemat

from skdm2c import check_mixed_modal
from skdm2c.datasets import load_dm2c_mat, load_dm2c_modality_mat

IMG, TXT = 6, 4  # feature widths of the image and text rows


def _rows(n, seed, with_names=True):
    rng = np.random.RandomState(seed)
    modality = np.array([i % 2 for i in range(n)])
    rng.shuffle(modality)
    feats = [rng.rand(IMG if m == 0 else TXT) for m in modality]
    names = [f"{'img' if m == 0 else 'txt'}_{seed}_{i}" for i, m in enumerate(modality)]
    y = rng.randint(1, 4, n)  # 1-based, as in the authors' files
    return feats, (names if with_names else None), modality, y


def _write(path, feats, names, modality, y=None):
    X = np.empty((len(feats), 2 if names is None else 3), dtype=object)
    for i, (f, m) in enumerate(zip(feats, modality)):
        X[i, 0] = f
        if names is not None:
            X[i, 1] = names[i]
        X[i, -1] = m
    content = {"X": X} if y is None else {"X": X, "y": np.asarray(y)}
    savemat(path, content)
    return path


def _read_like_the_authors(path, has_filename):
    """What the DM2C data set class yields for each row: (feature, modality, 0-based label)."""
    mat = loadmat(path)
    out = []
    for index in range(len(mat["X"])):
        if has_filename:
            feat, _, modality = mat["X"][index]
        else:
            feat, modality = mat["X"][index]
        out.append((feat.squeeze(), modality[0].item(), int(mat["y"][0][index]) - 1))
    return out


@pytest.mark.parametrize("with_names", [True, False])
def test_train_file(tmp_path, with_names):
    feats, names, modality, y = _rows(11, 0, with_names)
    path = _write(tmp_path / "train_file.mat", feats, names, modality, y)
    b = load_dm2c_mat(path)
    assert b.data.shape == (11, IMG + TXT)
    assert b.modality_names == ("image", "text") and b.modality_dims == (IMG, TXT)
    np.testing.assert_array_equal(b.modality, modality)
    np.testing.assert_array_equal(check_mixed_modal(b.data, b.modality_dims), modality)
    np.testing.assert_array_equal(b.target, y - 1)
    for i, (f, m) in enumerate(zip(feats, modality)):
        block = slice(0, IMG) if m == 0 else slice(IMG, IMG + TXT)
        np.testing.assert_allclose(b.data[i, block], f)
    # the same rows, labels and modalities as the authors' reader sees
    for i, (feat, m, label) in enumerate(_read_like_the_authors(path, with_names)):
        block = slice(0, IMG) if m == 0 else slice(IMG, IMG + TXT)
        np.testing.assert_allclose(b.data[i, block], feat)
        assert (b.modality[i], b.target[i]) == (m, label)
    if with_names:
        assert b.file_names.tolist() == names
    else:
        assert b.file_names is None
    np.testing.assert_array_equal(b.train_index, np.arange(11))
    assert b.test_index.size == 0
    assert "DM2C" in b.DESCR and str(path) in b.DESCR


@pytest.mark.parametrize("with_names", [True, False])
def test_train_and_test_files(tmp_path, with_names):
    tr = _rows(8, 1, with_names)
    te = _rows(5, 2, with_names)
    _write(tmp_path / "train_file.mat", *tr)
    _write(tmp_path / "test_file.mat", *te)
    b = load_dm2c_mat(tmp_path / "train_file.mat", tmp_path / "test_file.mat")
    assert b.data.shape == (13, IMG + TXT)
    np.testing.assert_array_equal(b.target, np.concatenate([tr[3], te[3]]) - 1)
    np.testing.assert_array_equal(b.modality, np.concatenate([tr[2], te[2]]))
    np.testing.assert_array_equal(b.train_index, np.arange(8))
    np.testing.assert_array_equal(b.test_index, np.arange(8, 13))
    if with_names:
        assert b.file_names.tolist() == tr[1] + te[1]
    # a folder holding both files reads both
    c = load_dm2c_mat(tmp_path)
    np.testing.assert_array_equal(np.isnan(c.data), np.isnan(b.data))
    np.testing.assert_array_equal(np.nan_to_num(c.data), np.nan_to_num(b.data))
    assert len(c.filename) == 2


@pytest.mark.parametrize("with_names", [True, False])
def test_single_modality_files(tmp_path, with_names):
    feats, names, modality, _ = _rows(10, 3, with_names)
    img = modality == 0
    path = _write(
        tmp_path / "train_img.mat", [f for f, m in zip(feats, img) if m],
        None if names is None else [s for s, m in zip(names, img) if m], modality[img],
    )
    b = load_dm2c_modality_mat(path)
    np.testing.assert_allclose(b.data, np.vstack([f for f, m in zip(feats, img) if m]))
    assert b.modality.tolist() == [0] * int(img.sum())
    assert (b.file_names is None) == (not with_names)
    # the authors' single-modality reader takes X[index][0]
    mat = loadmat(path)
    np.testing.assert_allclose(mat["X"][0][0].squeeze(), b.data[0])


def test_label_base_and_float_labels(tmp_path):
    feats, names, modality, y = _rows(6, 4)
    path = _write(tmp_path / "f.mat", feats, names, modality, (y - 1).astype(float))
    np.testing.assert_array_equal(load_dm2c_mat(path, label_base=0).target, y - 1)
    with pytest.raises(ValueError, match="below label_base=1"):
        load_dm2c_mat(path)


def test_modality_without_rows_needs_dims(tmp_path):
    path = _write(tmp_path / "f.mat", [np.ones(3), np.zeros(3)], None, [0, 0], [1, 2])
    with pytest.raises(ValueError, match="modality 1 has no rows"):
        load_dm2c_mat(path)
    b = load_dm2c_mat(path, modality_dims=(3, 5))
    assert b.data.shape == (2, 8) and np.isnan(b.data[:, 3:]).all()
    with pytest.raises(ValueError, match="has 3 features"):
        load_dm2c_mat(path, modality_dims=(4, 5))


def test_transposed_cell_array(tmp_path):
    feats, names, modality, y = _rows(7, 5)
    X = np.empty((3, 7), dtype=object)
    for i in range(7):
        X[:, i] = [feats[i], names[i], int(modality[i])]
    savemat(tmp_path / "t.mat", {"X": X, "y": y})
    np.testing.assert_array_equal(load_dm2c_mat(tmp_path / "t.mat").modality, modality)


def _bad(tmp_path, **overrides):
    feats, names, modality, y = _rows(6, 6)
    content = {"X": None, "y": y}
    _write(tmp_path / "ok.mat", feats, names, modality, y)
    content["X"] = loadmat(tmp_path / "ok.mat")["X"]
    content.update(overrides)
    content = {k: v for k, v in content.items() if v is not None}
    savemat(tmp_path / "bad.mat", content)
    return tmp_path / "bad.mat"


def test_layout_errors(tmp_path):
    with pytest.raises(ValueError, match="no variable 'X'"):
        load_dm2c_mat(_bad(tmp_path, X=None, Z=np.ones(2)))
    with pytest.raises(ValueError, match="not a cell array"):
        load_dm2c_mat(_bad(tmp_path, X=np.ones((6, 3))))
    with pytest.raises(ValueError, match="cell array; expected the DM2C layout"):
        load_dm2c_mat(_bad(tmp_path, X=np.full((6, 4), 0.0, dtype=object)))
    with pytest.raises(ValueError, match="no labels 'y'"):
        load_dm2c_mat(_bad(tmp_path, y=None))
    with pytest.raises(ValueError, match="5 labels for 6 rows"):
        load_dm2c_mat(_bad(tmp_path, y=np.arange(1, 6)))
    with pytest.raises(ValueError, match="has_filename=False"):
        load_dm2c_mat(_bad(tmp_path), has_filename=False)


def test_row_errors(tmp_path):
    def write(feats, modality, names=None):
        return _write(tmp_path / "r.mat", feats, names, modality, [1] * len(feats))

    with pytest.raises(ValueError, match="row 1 has modality id 2"):
        load_dm2c_mat(write([np.ones(2), np.ones(2)], [0, 2]))
    with pytest.raises(ValueError, match="row 2 .* has 3 features"):
        load_dm2c_mat(write([np.ones(2), np.ones(4), np.ones(3)], [0, 1, 0]))
    with pytest.raises(ValueError, match="one integer modality id"):
        load_dm2c_mat(write([np.ones(2), np.ones(2)], [0, 0.5]))
    with pytest.raises(ValueError, match="not numeric"):
        load_dm2c_mat(write(["abc", np.ones(2)], [0, 1]))
    with pytest.raises(ValueError, match="different numbers of features"):
        load_dm2c_modality_mat(write([np.ones(2), np.ones(3)], [0, 0]))


def test_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_dm2c_mat(tmp_path / "missing.mat")
    (tmp_path / "junk.mat").write_bytes(b"not a mat file at all" * 10)
    with pytest.raises(ValueError, match="scipy.io.loadmat"):
        load_dm2c_mat(tmp_path / "junk.mat")
    tr, te = _rows(4, 7, True), _rows(4, 8, False)
    _write(tmp_path / "a.mat", *tr)
    _write(tmp_path / "b.mat", *te)
    with pytest.raises(ValueError, match="file name column"):
        load_dm2c_mat(tmp_path / "a.mat", tmp_path / "b.mat")
