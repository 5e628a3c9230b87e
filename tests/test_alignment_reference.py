"""Tests of skdm2c.metrics.alignment_reference (label-informed reference points)."""

import numpy as np
import pytest

from skdm2c import pack_modalities
from skdm2c.datasets import make_mixed_modal_blobs
from skdm2c.metrics import alignment_reference


def test_separable_blobs_reach_the_ceiling_and_random_pairing_does_not():
    X, y = make_mixed_modal_blobs(n_samples=300, n_clusters=4, random_state=0)
    ref = alignment_reference(y, X, random_state=0)
    assert ref["single_acc"] == [1.0, 1.0] and ref["single_nmi"] == pytest.approx([1.0, 1.0])
    assert ref["aligned_acc"] == 1.0 and ref["aligned_nmi"] == pytest.approx(1.0)
    assert ref["random_acc"] < 0.9 and ref["random_nmi"] < 0.9
    assert alignment_reference(y, X, random_state=0) == ref  # an int seed is deterministic


def _two_points_per_class(centres):
    return np.repeat(np.asarray(centres, dtype=float), 2, axis=0) + [[0.0], [0.01]] * len(centres)


def test_classes_missing_from_a_modality_are_matched_globally():
    # modality a sees classes 0, 1; modality b sees classes 1, 2 (separable)
    xa = _two_points_per_class([[0.0], [10.0]])
    xb = _two_points_per_class([[0.0], [10.0]])
    y = np.array([0, 0, 1, 1, 1, 1, 2, 2])
    X = pack_modalities(xa, xb).X
    ref = alignment_reference(y, X, n_clusters=2, random_state=0)
    assert ref["single_acc"] == [1.0, 1.0]
    assert ref["aligned_acc"] == 1.0  # per-modality class ids would merge classes 0 and 1


def test_a_modality_without_rows_gives_nan_and_the_rest_still_counts():
    xa = _two_points_per_class([[0.0], [10.0]])
    X = np.hstack([xa, np.full((4, 3), np.nan)])
    ref = alignment_reference([0, 0, 1, 1], X, modality_dims=(1, 3), random_state=0)
    assert ref["single_acc"][0] == 1.0 and np.isnan(ref["single_acc"][1])
    assert ref["aligned_acc"] == 1.0 == ref["random_acc"]  # nothing to pair


def test_input_validation():
    X, y = make_mixed_modal_blobs(n_samples=30, n_clusters=2, random_state=0)
    with pytest.raises(ValueError, match="one row per label"):
        alignment_reference(y[:-1], X)
    with pytest.raises(ValueError, match=">= 1"):
        alignment_reference(y, X, n_pairings=0)


def test_multi_block_rows_join_every_modality_and_are_scored_once():
    # modality a: classes at 0 / 10; modality b: classes at 0 / 10 (opposite order)
    xa = _two_points_per_class([[0.0], [10.0]])
    xb = _two_points_per_class([[10.0], [0.0]])
    y_single = np.array([0, 0, 1, 1])
    pairs = np.array([[0.1, 9.9], [10.1, 0.1]])  # class 0 then class 1, both blocks
    X = np.vstack([pack_modalities(xa, xb).X, pairs])
    y = np.concatenate([y_single, y_single, [0, 1]])
    ref = alignment_reference(y, X, n_clusters=2, random_state=0)
    assert ref["single_acc"] == [1.0, 1.0] and ref["aligned_acc"] == 1.0
    # the same data without the pairs gives the same ceiling: the pairs are scored once
    ref_single = alignment_reference(y[:8], X[:8], n_clusters=2, random_state=0)
    assert ref_single["aligned_acc"] == 1.0
    # a pair whose blocks disagree is scored in its first modality (a): row 8 right
    X_bad = X.copy()
    X_bad[8, 1] = 0.0  # b-block of the class-0 pair now looks like class 1
    ref_bad = alignment_reference(y, X_bad, n_clusters=2, random_state=0)
    assert ref_bad["aligned_acc"] == 1.0 and ref_bad["single_acc"][1] < 1.0


def test_a_modality_with_fewer_rows_than_clusters_is_named():
    import warnings

    import numpy as np
    import pytest

    from skdm2c import pack_modalities
    from skdm2c.metrics import alignment_reference

    rng = np.random.RandomState(0)
    X = pack_modalities(rng.normal(size=(30, 3)), rng.normal(size=(2, 2))).X
    y = np.r_[np.repeat([0, 1, 2], 10), [0, 1]]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        alignment_reference(y[:30], X[:30, :3], n_clusters=3, random_state=0)  # no warning
    with pytest.warns(UserWarning, match="modality 1 has only 2 row"):
        alignment_reference(y, X, n_clusters=3, random_state=0)
