"""DM2C's unpaired default assignment: each modality clustered alone, clusters matched."""

import warnings

import numpy as np
import pytest

from skdm2c import (
    DegenerateClusteringWarning,
    DM2CClustering,
    ModalityStacker,
    PairedCCAClustering,
    pack_modalities,
)
from skdm2c.datasets import make_incomplete
from skdm2c.metrics import clustering_accuracy

FAST = dict(pretrain_epochs=3, epochs=3, latent_dim=4, hidden_sizes=(16,), n_init=3,
            batch_size=32)


def _shared_geometry(seed=0, sizes=(20, 35, 50, 65), noise=0.3):
    """Two modalities whose class means have the same geometry (a random
    rotation into another width) and unequal class sizes; different instances
    in each modality, so nothing but geometry and sizes pairs the clusters."""
    rng = np.random.RandomState(seed)
    k = len(sizes)
    means = rng.normal(scale=3.0, size=(k, 5)) * [1.0, 1.5, 2.0, 2.5, 3.0]
    q, _ = np.linalg.qr(rng.normal(size=(7, 7)))
    y = np.repeat(np.arange(k), sizes)
    xa = means[y] + noise * rng.normal(size=(len(y), 5))
    yb = rng.permutation(y)
    xb = np.c_[means[yb], np.zeros((len(y), 2))] @ q + noise * rng.normal(size=(len(y), 7))
    return xa, xb, y, yb


def _structure_inputs(seed):
    """``(R, observed, y)`` of :func:`_shared_geometry` as the structure step reads them:
    every modality's features on its own rows, NaN elsewhere."""
    xa, xb, ya, yb = _shared_geometry(seed=seed)
    n = len(xa) + len(xb)
    observed = np.zeros((n, 2), dtype=bool)
    observed[: len(xa), 0] = observed[len(xa):, 1] = True
    R = [np.full((n, 5), np.nan), np.full((n, 7), np.nan)]
    R[0][observed[:, 0]], R[1][observed[:, 1]] = xa, xb
    return R, observed, np.r_[ya, yb]


def test_unpaired_default_recovers_the_correspondence_from_structure_and_sizes():
    xa, xb, ya, yb = _shared_geometry()
    y = np.r_[ya, yb]
    model = DM2CClustering(4, random_state=0, **FAST).fit(xa, xb)
    assert model.cluster_assignment_ == "structure"
    assert clustering_accuracy(y, model.labels_) > 0.95
    # each modality's own clusters are kept: both halves are clustered perfectly
    assert clustering_accuracy(ya, model.labels_[: len(ya)]) > 0.95
    assert clustering_accuracy(yb, model.labels_[len(ya):]) > 0.95


def test_structure_fitted_attributes_predict_and_pickle():
    import pickle

    xa, xb, ya, yb = _shared_geometry(seed=1)
    model = DM2CClustering(4, random_state=0, modality_names=["a", "b"], **FAST).fit(xa, xb)
    assert model.cluster_centers_.shape == (4, 4)
    assert [c.shape for c in model.modality_cluster_centers_] == [(4, 5), (4, 7)]
    np.testing.assert_array_equal(model.predict(xa, xb), model.labels_)
    np.testing.assert_array_equal(model.predict({"b": xb}), model.labels_[len(xa):])
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(xa, xb), model.labels_)
    # a row observing both modalities: the lowest weighted sum of its blocks' costs
    both = np.c_[xa[:3], xb[:3]]
    R = model._modality_features(model._preprocess(both))  # the features predict uses
    w = model._assignment_weights
    cost = sum(w[m] * ((R[m][:, None] - model.modality_cluster_centers_[m][None]) ** 2).sum(-1)
               for m in range(2))
    np.testing.assert_array_equal(model.predict(both), cost.argmin(1))


def test_structure_uses_known_pairs_when_geometry_is_silent():
    """Equal sizes and a symmetric geometry (orthogonal means): only the pairs
    tell which cluster of one modality is which of the other."""
    rng = np.random.RandomState(0)
    k, n = 4, 200
    y = np.repeat(np.arange(k), n // k)
    views = [4.0 * np.eye(k)[y] + 0.3 * rng.normal(size=(n, k)),
             4.0 * np.eye(k)[(y + 1) % k] @ np.linalg.qr(rng.normal(size=(k, k)))[0]
             + 0.3 * rng.normal(size=(n, k))]
    data = make_incomplete(views, y, paired_fraction=0.1, random_state=0)
    model = DM2CClustering(k, random_state=0, cluster_assignment="structure",
                           **FAST).fit(data.data)
    assert model.cluster_assignment_ == "structure"
    assert clustering_accuracy(data.target, model.labels_) > 0.95


def test_structure_refuses_a_modality_too_small_to_cluster():
    rng = np.random.RandomState(0)
    X = pack_modalities(rng.randn(30, 3), rng.randn(2, 2)).X
    with pytest.raises(ValueError, match="modality 1 has 2 distinct rows for n_clusters=3"):
        DM2CClustering(3, random_state=0, cluster_assignment="structure", **FAST).fit(X)
    with pytest.warns(DegenerateClusteringWarning,
                      match="'modality1' has 2 distinct row.*n_clusters=3.*joint"):
        model = DM2CClustering(3, random_state=0, **FAST).fit(X)
    assert model.cluster_assignment_ == "joint"


def test_a_constant_modality_is_named_not_left_to_numpy():
    rng = np.random.RandomState(0)
    X = pack_modalities(rng.randn(30, 3), np.ones((20, 2))).X
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # PCA of a constant block: 0 / 0
        with pytest.warns(DegenerateClusteringWarning) as record:
            model = DM2CClustering(3, random_state=0, **FAST).fit(X)
    messages = [str(w.message) for w in record]
    assert any("modality 1 ('modality1', columns 3:5) holds the same values on all its 20"
               in m for m in messages)
    assert any("'modality1' has 1 distinct row(s) for n_clusters=3" in m for m in messages)
    assert model.cluster_assignment_ == "joint"


@pytest.mark.parametrize("make", [
    lambda: PairedCCAClustering(3, n_components=2, random_state=0),
    lambda: ModalityStacker(n_components=2),
], ids=["PairedCCAClustering", "ModalityStacker"])
def test_other_estimators_name_a_constant_modality(make):
    rng = np.random.RandomState(0)
    X = pack_modalities(rng.randn(30, 3), np.ones((20, 2))).X
    with pytest.warns(DegenerateClusteringWarning,
                      match="modality 1 .*holds the same values on all its 20 rows"):
        make().fit(X)


def test_structure_labels_do_not_depend_on_the_unified_codes():
    """The unpaired matching reads each modality's own features only: DM2C's
    translation (the unified codes) pairs clusters no better than chance on real
    data (finding 19), so other codes must give the same labels."""
    from skdm2c.dm2c._assign import structure_matched_kmeans

    R, observed, y = _structure_inputs(seed=2)
    n = len(y)
    rng = np.random.RandomState(0)

    def codes():
        U = [np.full((n, 3), np.nan) for _ in range(2)]
        for m in range(2):
            U[m][observed[:, m]] = rng.normal(size=(observed[:, m].sum(), 3))
        return U

    first = structure_matched_kmeans(R, codes(), observed, 4, 0, n_init=3, random_state=0)
    second = structure_matched_kmeans(R, codes(), observed, 4, 0, n_init=3, random_state=0)
    np.testing.assert_array_equal(first[0], second[0])
    assert clustering_accuracy(y, first[0]) > 0.95


def test_unpaired_labels_without_training_are_the_trained_labels():
    """Without pairs the structure step reads no code, so skipping the training
    (the documented fast path for labels only) gives the same labels_."""
    xa, xb, ya, yb = _shared_geometry(seed=3)
    trained = DM2CClustering(4, random_state=0, **FAST).fit(xa, xb)
    fast = DM2CClustering(4, random_state=0, **{**FAST, "pretrain_epochs": 0, "epochs": 0})
    fast.fit(xa, xb)
    assert fast.cluster_assignment_ == trained.cluster_assignment_ == "structure"
    np.testing.assert_array_equal(fast.labels_, trained.labels_)
    np.testing.assert_array_equal(fast.predict(xa, xb), trained.predict(xa, xb))
    assert fast.n_iter_ == 0


def _distorted_pair(seed, k=5, d=6):
    """Modality b: modality a's classes under a non-orthogonal linear map
    (condition number 6), other instances, equal class sizes."""
    rng = np.random.RandomState(seed)
    means = rng.normal(scale=4.0, size=(k, d))
    q1, _ = np.linalg.qr(rng.normal(size=(d, d)))
    q2, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = q1 @ np.diag(np.geomspace(1.0, 6.0, d)) @ q2
    ya = np.repeat(np.arange(k), 40)
    yb = rng.permutation(ya)
    xa = means[ya] + rng.normal(size=(len(ya), d))
    xb = (means[yb] + rng.normal(size=(len(yb), d))) @ A.T
    return xa, xb, np.r_[ya, yb]


def test_whitened_geometry_pairs_clusters_of_a_linearly_distorted_modality(monkeypatch):
    """Equal sizes, so only geometry pairs the clusters; the map distorts the
    plain geometry, the whitened one undoes it (mean over 4 draws)."""
    import skdm2c.dm2c._assign as assign

    def mean_acc():
        scores = []
        for seed in range(4):
            xa, xb, y = _distorted_pair(seed)
            model = DM2CClustering(5, random_state=0, preprocessing="none", **FAST).fit(xa, xb)
            assert model.cluster_assignment_ == "structure"
            scores.append(clustering_accuracy(y, model.labels_))
        return np.mean(scores)

    default = mean_acc()
    monkeypatch.setattr(assign, "UNPAIRED_STRUCTURE", ("cosine",))
    plain = mean_acc()
    assert default > 0.9  # measured 0.95
    assert default > plain + 0.1  # measured 0.77


def test_most_typical_keeps_the_draw_the_others_agree_with():
    from skdm2c.dm2c._assign import most_typical

    a = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    renamed = (a + 1) % 4                       # the same partition, other cluster ids
    near = a.copy()
    near[0] = 1                                 # one row moved
    other = np.array([0, 1, 2, 3, 0, 1, 2, 3])  # a different partition
    assert most_typical([other, a, renamed, near]) in (1, 2)
    assert most_typical([a]) == 0


def test_structure_draws_keep_one_of_them_and_start_with_the_one_draw_result(monkeypatch):
    from skdm2c.dm2c import _assign

    R, observed, _ = _structure_inputs(seed=4)
    U = [np.where(observed[:, [m]], 0.0, np.nan) for m in range(2)]
    one = _assign.structure_matched_kmeans(R, U, observed, 4, 0, n_init=1, random_state=3)
    seen = {}
    real = _assign.most_typical

    def spy(labelings):
        seen["labelings"], seen["kept"] = labelings, real(labelings)
        return seen["kept"]

    monkeypatch.setattr(_assign, "most_typical", spy)
    many = _assign.structure_matched_kmeans(R, U, observed, 4, 0, n_init=1, random_state=3,
                                            n_draws=5)
    assert len(seen["labelings"]) == 5
    np.testing.assert_array_equal(seen["labelings"][0], one[0])   # draw 0: the one-draw result
    np.testing.assert_array_equal(many[0], seen["labelings"][seen["kept"]])


def test_structure_n_draws_keeps_predict_consistent_with_labels():
    rng = np.random.RandomState(5)
    y = np.repeat(np.arange(4), 30)
    # overlapping clusters: the draws differ
    xa = np.eye(4)[y] @ rng.normal(size=(4, 5)) + 0.9 * rng.normal(size=(120, 5))
    xb = np.eye(4)[y] @ rng.normal(size=(4, 6)) + 0.9 * rng.normal(size=(120, 6))
    model = DM2CClustering(4, random_state=0, structure_n_draws=4, **FAST).fit(xa[:60], xb[60:])
    assert model.cluster_assignment_ == "structure"
    np.testing.assert_array_equal(model.predict(xa[:60], xb[60:]), model.labels_)
    one = DM2CClustering(4, random_state=0, structure_n_draws=1, **FAST).fit(xa[:60], xb[60:])
    np.testing.assert_array_equal(one.predict(xa[:60], xb[60:]), one.labels_)


def test_matching_inputs_describe_the_steps_matching_problem():
    from skdm2c._cluster_matching import match_clusters, matching_objective
    from skdm2c.dm2c import _assign

    R, observed, y = _structure_inputs(0)
    k, pivot = 4, 1
    models = _assign._cluster_each_modality(R, observed, k, n_init=5,
                                            rng=np.random.RandomState(0))
    kw = _assign.matching_inputs(models, R, observed, k, pivot)
    assert kw["reference"] == pivot and kw["structure"] == _assign.UNPAIRED_STRUCTURE
    for m, km in enumerate(models):
        np.testing.assert_array_equal(kw["sizes"][m], np.bincount(km.labels_, minlength=k))
        np.testing.assert_array_equal(kw["centers"][m], km.cluster_centers_)
        width = R[m].shape[1]
        assert kw["within_covariances"][m].shape == (width, width)
    assert kw["cooccurrence"] == [None, None]  # no row observes both modalities
    # the step's matching is match_clusters on exactly these inputs
    rng = np.random.RandomState(7)
    perm = _assign._match_modality_clusters(models, R, observed, k, pivot, rng)
    again = match_clusters(**kw, random_state=np.random.RandomState(7).randint(
        np.iinfo(np.int32).max))
    for p, q in zip(perm, again):
        np.testing.assert_array_equal(p, q)
    # distinct geometry and sizes: the step's matching is the objective's optimum
    # and the correct one, far below a random matching
    objective, random_mean = matching_objective(perms=perm, **kw)
    assert objective[1 - pivot] < 0.2 * random_mean[1 - pivot]


def test_matching_inputs_count_pairs_of_rows_observing_both_modalities():
    from skdm2c.dm2c import _assign

    R, observed, _ = _structure_inputs(0)
    observed = observed.copy()
    rows = np.flatnonzero(observed[:, 0])[:6]
    observed[rows, 1] = True  # these rows now observe both blocks
    R = [R[0], R[1].copy()]
    R[1][rows] = np.random.RandomState(1).normal(size=(6, R[1].shape[1]))  # their blocks
    models = _assign._cluster_each_modality(R, observed, 4, n_init=5,
                                            rng=np.random.RandomState(0))
    kw = _assign.matching_inputs(models, R, observed, 4, 0)
    assert kw["cooccurrence"][0] is None  # the reference
    assert kw["cooccurrence"][1].sum() == 6
