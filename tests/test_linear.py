"""PairedCCAClustering: the linear reference for partially paired data."""

import warnings

import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c import PairedCCAClustering, pack_modalities
from skdm2c.datasets import make_incomplete, make_partially_aligned
from skdm2c.linear import paired_cca_codes
from skdm2c.metrics import clustering_accuracy


def _views(n=240, k=4, seed=0):
    """Two views of k clusters whose class means are unrelated across views."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(k), n // k)
    means_a, means_b = rng.normal(scale=3, size=(k, 8)), rng.normal(scale=3, size=(k, 5))
    return [means_a[y] + rng.normal(size=(n, 8)), means_b[y] + rng.normal(size=(n, 5))], y


@parametrize_with_checks([PairedCCAClustering(n_clusters=3, n_components=2, random_state=0)])
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # single-block input: no pairs
        check(estimator)


def test_pairs_align_the_modalities():
    views, y = _views()
    data = make_incomplete(views, y, paired_fraction=0.3, random_state=0)
    model = PairedCCAClustering(n_clusters=4, n_components=4, random_state=0).fit(data.data)
    assert clustering_accuracy(y, model.labels_) > 0.95
    assert model.n_pairs_[1] == int(data.observed.all(1).sum())
    # predict / transform accept rows of one block and rows of several
    np.testing.assert_array_equal(model.predict(data.data), model.labels_)
    assert model.transform(data.data).shape == (len(y), model.cluster_centers_.shape[1])


def test_without_pairs_it_warns_and_stacks():
    views, y = _views()
    X = pack_modalities(*views).X
    with pytest.warns(UserWarning, match="modality 1 shares 0 rows with the pivot"):
        model = PairedCCAClustering(n_clusters=4, n_components=4, random_state=0).fit(X)
    assert model.canonical_correlations_[1] is None


def test_aligned_protocol_and_three_modalities():
    views, y = _views()
    rng = np.random.RandomState(1)
    views.append(views[0][:, :3] @ rng.normal(size=(3, 6)) + rng.normal(size=(len(y), 6)))
    data = make_partially_aligned(views, y, aligned_fraction=0.5, random_state=0)
    model = PairedCCAClustering(n_clusters=4, n_components=3, random_state=0).fit(data.data)
    assert clustering_accuracy(data.target, model.labels_) > 0.8  # chance is about 0.3
    assert all(c is not None for c in model.canonical_correlations_[1:])


def test_in_a_pipeline_and_deterministic():
    views, y = _views()
    X = make_incomplete(views, y, paired_fraction=0.5, random_state=0).data
    a = make_pipeline(StandardScaler(), PairedCCAClustering(4, n_components=3, random_state=0))
    b = make_pipeline(StandardScaler(), PairedCCAClustering(4, n_components=3, random_state=0))
    np.testing.assert_array_equal(a.fit(X)[-1].labels_, b.fit(X)[-1].labels_)


def test_shrinkage_regularises_few_pairs():
    rng = np.random.RandomState(0)
    A, B = rng.normal(size=(6, 10)), rng.normal(size=(6, 10))
    *_, corr0 = paired_cca_codes(A, B, 5, shrinkage=0.0)
    *_, corr5 = paired_cca_codes(A, B, 5, shrinkage=0.5)
    assert corr0[0] > 0.99  # 6 random pairs in 10-d: classical CCA finds spurious correlation
    assert corr5[0] < corr0[0]


@pytest.mark.parametrize("params, match", [
    ({"n_clusters": 0}, "n_clusters"), ({"shrinkage": 1.5}, "shrinkage"),
    ({"pivot": 3}, "pivot=3"), ({"n_components": True}, "n_components"),
])
def test_bad_parameters(params, match):
    views, y = _views()
    X = make_incomplete(views, y, paired_fraction=0.5, random_state=0).data
    with pytest.raises((ValueError, TypeError), match=match):
        PairedCCAClustering(**{"n_clusters": 4, **params}).fit(X)


def test_single_direction_error_names_the_small_modality():
    rng = np.random.RandomState(0)
    X = pack_modalities(rng.randn(60, 5), rng.randn(2, 2)).X
    with pytest.raises(ValueError, match=r"\{'modality0': 2, 'modality1': 1\} components "
                                         r"from \{'modality0': 60, 'modality1': 2\} rows"):
        PairedCCAClustering(3, n_components=2, random_state=0).fit(X)
