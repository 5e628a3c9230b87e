"""``None`` in a list of modalities: a modality without rows at predict time, a named
error at fit; a list mixing modalities with other items is named, not left to NumPy."""

import numpy as np
import pytest

from skdm2c import DM2CClustering, ModalityStacker, PairedCCAClustering, pack_modalities
from skdm2c.preprocessing import ModalityPreprocessor

RNG = np.random.RandomState(0)
Y = np.repeat(np.arange(3), 20)
A = np.eye(3)[Y] @ RNG.normal(size=(3, 5)) * 3 + RNG.normal(size=(60, 5))
B = np.eye(3)[Y] @ RNG.normal(size=(3, 4)) * 3 + RNG.normal(size=(60, 4))

ESTIMATORS = [
    DM2CClustering(n_clusters=3, pretrain_epochs=1, epochs=1, latent_dim=4, random_state=0),
    PairedCCAClustering(n_clusters=3, n_components=2, random_state=0),
    ModalityStacker(n_components=2),
    ModalityPreprocessor(),
]


def _packed_rows():
    X = np.full((75, 9), np.nan)
    X[:30, :5], X[:30, 5:] = A[:30], B[:30]          # known pairs
    X[30:45, :5] = A[30:45]                          # first modality only
    X[45:75, 5:] = B[30:60]                          # second modality only
    return X


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_none_is_a_modality_without_rows_at_predict(est):
    est = est.fit(_packed_rows())
    expected = pack_modalities(A[:4], np.empty((0, 4))).X
    method = est.predict if hasattr(est, "predict") else est.transform
    for form in ([A[:4], None], (A[:4], None), {est.modality_names_[0]: A[:4]}):
        np.testing.assert_array_equal(method(form), method(expected))
    np.testing.assert_array_equal(method(A[:4], None), method(expected))
    np.testing.assert_array_equal(method([None, B[:3]]),
                                  method(pack_modalities(np.empty((0, 5)), B[:3]).X))


@pytest.mark.parametrize("est", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_bad_modality_lists_are_named(est):
    with pytest.raises(ValueError, match="Modality 1 is None: fit needs rows"):
        est.fit([A, None])
    with pytest.raises(TypeError, match="item 1 is ndarray of shape \\(4,\\)"):
        est.fit([A, np.ones(4)])
    est = est.fit(_packed_rows())
    method = est.predict if hasattr(est, "predict") else est.transform
    with pytest.raises(TypeError, match="item 1 is list"):
        method([A[:2], [1.0, 2.0]])
    with pytest.raises(ValueError, match="no rows"):
        method([None, None])
    with pytest.raises(ValueError, match="no rows"):
        method(None, None)
    with pytest.raises(TypeError, match="not both"):  # the extra array is not dropped
        method([A[:2], None], B[:2])
    with pytest.raises(TypeError, match="not both"):
        method({est.modality_names_[0]: A[:2]}, B[:2])
