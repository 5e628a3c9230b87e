"""Tests of skdm2c._cluster_matching: unpaired matching of per-modality clusters."""

import numpy as np
import pytest

from skdm2c._cluster_matching import (
    _Objective, _structure, cluster_and_match, match_clusters, within_cluster_covariance)


def _prototypes(k=8, d=6, seed=0):
    rng = np.random.RandomState(seed)
    # anisotropic, irregular prototypes: their distance matrix has no symmetry
    return rng.normal(size=(k, d)) * np.linspace(1.0, 4.0, d)


def _rotated(a, perm, seed=1, d_out=None, noise=0.0):
    """``a`` in another space: rotated, embedded in ``d_out`` dims, rows reordered.

    Row ``k`` of the result is prototype ``perm[k]`` of ``a``, so the correct
    matching is ``perm``.
    """
    rng = np.random.RandomState(seed)
    d_out = a.shape[1] if d_out is None else d_out
    q, _ = np.linalg.qr(rng.normal(size=(d_out, d_out)))
    emb = np.hstack([a, np.zeros((len(a), d_out - a.shape[1]))]) @ q
    return emb[perm] + noise * rng.normal(size=emb.shape)


@pytest.mark.parametrize("structure", ["cosine", "euclidean"])
def test_recovers_known_permutation_of_rotated_prototypes(structure):
    a = _prototypes()
    true = np.random.RandomState(3).permutation(len(a))
    b = _rotated(a, true, d_out=11)  # different dimension, rotated, relabelled
    c = _rotated(a, np.roll(true, 2), seed=5, d_out=4 + a.shape[1])
    perm = match_clusters([a, b, c], structure=structure, random_state=0)
    np.testing.assert_array_equal(perm[0], np.arange(len(a)))
    np.testing.assert_array_equal(perm[1], true)
    np.testing.assert_array_equal(perm[2], np.roll(true, 2))


def _linear_map(d, seed=7):
    """An invertible, strongly anisotropic, non-orthogonal map of R^d."""
    rng = np.random.RandomState(seed)
    q1, _ = np.linalg.qr(rng.normal(size=(d, d)))
    q2, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return q1 @ np.diag(np.geomspace(1.0, 40.0, d)) @ q2


def test_whitened_cosine_is_invariant_to_a_linear_map_of_a_modality():
    # modality b is modality a under an invertible linear map (its within-cluster
    # covariance mapped with it), clusters relabelled: whitening undoes the map
    a = _prototypes(k=8, d=6, seed=11)
    A = _linear_map(6)
    true = np.random.RandomState(12).permutation(8)
    b = (a @ A.T)[true]
    cov = [np.eye(6), A @ A.T]
    perm = match_clusters([a, b], structure="whitened-cosine", within_covariances=cov,
                          random_state=0)
    np.testing.assert_array_equal(perm[1], true)
    # the plain geometry is distorted by the map and misses (else the test is vacuous)
    plain = match_clusters([a, b], structure="cosine", random_state=0)
    assert (plain[1] != true).sum() >= 2
    # the whitened distance matrices agree exactly
    np.testing.assert_allclose(_structure(b, None, "whitened-cosine", cov[1]),
                               _structure(a, None, "whitened-cosine", cov[0])[np.ix_(true, true)],
                               atol=1e-8)


def test_several_structures_add_their_normalised_terms():
    rng = np.random.RandomState(0)
    # structure matrices: centre distances (symmetric, zero diagonal)
    a1, b1, a2, b2 = (_structure(rng.normal(size=(6, 3)), None, "euclidean") for _ in range(4))
    L = rng.uniform(size=(6, 6))
    both = _Objective([(a1, b1), (a2, b2)], L)
    one, two = _Objective([(a1, b1)], L), _Objective([(a2, b2)], np.zeros((6, 6)))
    for seed in range(5):
        p = np.random.RandomState(seed).permutation(6)
        assert both(p) == pytest.approx(one(p) + two(p))
    # each term is 1 for a random matching on average
    perms = [np.random.RandomState(s).permutation(6) for s in range(4000)]
    assert np.mean([two(p) for p in perms]) == pytest.approx(1.0, abs=0.05)


def test_structure_tuple_matches_with_both_geometries():
    a = _prototypes(k=7, d=5, seed=21)
    A = _linear_map(5, seed=3)
    true = np.random.RandomState(22).permutation(7)
    b = (a @ A.T)[true]
    perm = match_clusters([a, b], structure=("whitened-cosine", "cosine"),
                          within_covariances=[np.eye(5), A @ A.T], random_state=0)
    assert sorted(perm[1]) == list(range(7))


def test_within_cluster_covariance_of_isotropic_blobs():
    rng = np.random.RandomState(0)
    centers = rng.normal(scale=10, size=(4, 3))
    labels = np.repeat(np.arange(4), 500)
    X = centers[labels] + 2.0 * rng.normal(size=(2000, 3))
    cov = within_cluster_covariance(X, labels, centers)
    np.testing.assert_allclose(cov, 4.0 * np.eye(3), atol=0.4)


def test_cluster_and_match_whitens_from_its_own_kmeans():
    # blobs of modality b are those of a under a strong linear map; relabelled by k-means
    rng = np.random.RandomState(1)
    means = rng.normal(scale=8, size=(5, 4)) * [1, 2, 3, 4]
    y = np.repeat(np.arange(5), 60)
    xa = means[y] + rng.normal(size=(300, 4))
    xb = (means[y] + rng.normal(size=(300, 4))) @ _linear_map(4, seed=2).T
    labels, _ = cluster_and_match([xa, xb], 5, structure="whitened-cosine", use_sizes=False,
                                  random_state=0)
    np.testing.assert_array_equal(labels[0], labels[1])


def test_reference_other_than_zero_gives_inverse_matching():
    a = _prototypes(seed=2)
    true = np.random.RandomState(4).permutation(len(a))
    b = _rotated(a, true)
    perm = match_clusters([a, b], reference=1, random_state=0)
    np.testing.assert_array_equal(perm[1], np.arange(len(a)))
    np.testing.assert_array_equal(perm[0][true], np.arange(len(a)))  # inverse of true


def test_invariant_to_relabelling_the_clusters():
    # noisy prototypes: the match is not exact, but must not depend on cluster order
    a = _prototypes(k=7, seed=6)
    b = _rotated(a, np.arange(7), noise=0.4)
    sizes = [np.arange(10, 17), np.arange(11, 18)]
    base = match_clusters([a, b], sizes=sizes, random_state=0)[1]
    for seed in range(3):
        rng = np.random.RandomState(seed + 10)
        ra, rb = rng.permutation(7), rng.permutation(7)  # new index -> old index
        perm = match_clusters([a[ra], b[rb]], sizes=[sizes[0][ra], sizes[1][rb]],
                              random_state=0)[1]
        # cluster k of the relabelled b is old cluster rb[k], matched to old ref base[rb[k]],
        # whose new index is inv_ra[base[rb[k]]]
        inv_ra = np.argsort(ra)
        np.testing.assert_array_equal(perm, inv_ra[base[rb]])


def test_cooccurrence_dominates_a_misleading_structure():
    a = _prototypes(seed=7)
    k = len(a)
    b = _rotated(a, np.arange(k))  # structure says: identity
    wanted = np.random.RandomState(8).permutation(k)
    while np.any(wanted == np.arange(k)):
        wanted = np.random.RandomState(wanted[0] + 9).permutation(k)
    cooc = np.zeros((k, k))
    cooc[np.arange(k), wanted] = 20  # 20 pairs per cluster say: wanted
    cooc += 1  # plus uniform noise
    perm = match_clusters([a, b], cooccurrence=[None, cooc], random_state=0)
    np.testing.assert_array_equal(perm[1], wanted)
    # without the pairs the structure wins (the test would pass vacuously otherwise)
    np.testing.assert_array_equal(match_clusters([a, b], random_state=0)[1], np.arange(k))


def test_few_pairs_combine_with_structure():
    # the pairs alone cannot separate clusters 0 and 1 (tie); the structure decides
    a = _prototypes(seed=11)
    k = len(a)
    true = np.random.RandomState(12).permutation(k)
    b = _rotated(a, true)
    cooc = np.zeros((k, k))
    cooc[np.arange(2, k), true[2:]] = 3
    cooc[0, [true[0], true[1]]] = 1
    cooc[1, [true[0], true[1]]] = 1
    lin = match_clusters([a, b], cooccurrence=[None, cooc], method="linear")[1]
    perm = match_clusters([a, b], cooccurrence=[None, cooc], random_state=0)[1]
    np.testing.assert_array_equal(perm, true)
    np.testing.assert_array_equal(lin[2:], true[2:])


def test_cluster_sizes_break_a_structural_tie():
    # a regular simplex: every matching has the same structure; sizes decide
    k = 5
    a = np.eye(k)
    rng = np.random.RandomState(0)
    q, _ = np.linalg.qr(rng.normal(size=(k, k)))
    true = rng.permutation(k)
    b = (a @ q)[true]
    size_a = np.array([10.0, 20, 40, 80, 160])
    perm = match_clusters([a, b], sizes=[size_a, size_a[true]], random_state=0)
    np.testing.assert_array_equal(perm[1], true)


def test_cross_cost_linear_method_is_hungarian():
    k = 6
    rng = np.random.RandomState(1)
    true = rng.permutation(k)
    cross = rng.uniform(1, 2, size=(k, k))
    cross[np.arange(k), true] = 0.0
    centers = [rng.normal(size=(k, 3)), rng.normal(size=(k, 5))]
    perm = match_clusters(centers, cross_cost=[None, cross], method="linear")
    np.testing.assert_array_equal(perm[1], true)


def test_output_is_a_permutation_and_deterministic_with_seed():
    rng = np.random.RandomState(0)
    centers = [rng.normal(size=(9, 4)), rng.normal(size=(9, 7)), rng.normal(size=(9, 2))]
    p1 = match_clusters(centers, random_state=3)
    p2 = match_clusters(centers, random_state=3)
    for x, y in zip(p1, p2):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == np.int64
        np.testing.assert_array_equal(np.sort(x), np.arange(9))


def test_single_cluster_and_single_modality():
    assert match_clusters([np.ones((1, 2)), np.zeros((1, 3))])[1].tolist() == [0]
    assert match_clusters([np.eye(3)])[0].tolist() == [0, 1, 2]


def test_cluster_and_match_pairs_rotated_blobs():
    rng = np.random.RandomState(0)
    means = _prototypes(k=5, d=4, seed=3) * 3
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    # equal class sizes in each modality (the sizes are a signal of the default matching)
    ya, yb = np.repeat(np.arange(5), 60), np.repeat(np.arange(5), 50)
    xa = means[ya] + 0.3 * rng.normal(size=(300, 4))
    xb = (means[yb] + 0.3 * rng.normal(size=(250, 4))) @ q
    labels, perm = cluster_and_match([xa, xb], 5, random_state=0)
    # the same class gets the same common cluster in both modalities
    for c in range(5):
        assert len(set(labels[0][ya == c])) == 1
        assert set(labels[1][yb == c]) == set(labels[0][ya == c])


def test_cluster_and_match_uses_paired_views():
    # two blobs of equal size at mirrored positions: structure cannot tell; the pairs can
    rng = np.random.RandomState(1)
    means = np.array([[-5.0, 0.0], [5.0, 0.0]])
    ya, yb = np.repeat([0, 1], 50), np.repeat([0, 1], 50)
    xa = means[ya] + rng.normal(size=(100, 2))
    xb = -means[yb] + rng.normal(size=(100, 2))  # class 0 sits at +5 in modality b
    yp = np.array([0, 0, 0, 1, 1, 1])
    paired = [means[yp], -means[yp]]
    labels, _ = cluster_and_match([xa, xb], 2, paired_views=paired, random_state=0)
    assert set(labels[0][ya == 0]) == set(labels[1][yb == 0])
    assert set(labels[0][ya == 1]) == set(labels[1][yb == 1])


@pytest.mark.parametrize("kwargs, match", [
    (dict(centers=np.zeros((3, 2))), "centers must be a list"),
    (dict(centers=[]), "at least one modality"),
    (dict(centers=[np.zeros((3, 2)), np.zeros((4, 2))]), "same number of clusters"),
    (dict(centers=[np.zeros((3, 2)), np.zeros(3)]), r"centers\[1\]"),
    (dict(centers=[np.zeros((3, 2)), np.full((3, 2), np.nan)]), r"centers\[1\].*NaN"),
    (dict(reference=2), "reference"),
    (dict(reference=True), "reference"),
    (dict(method="qap"), "method"),
    (dict(structure="knn"), "structure"),
    (dict(structure=()), "structure"),
    (dict(structure=("cosine", "cosine")), "structure"),
    (dict(structure=["cosine", 3]), "structure"),
    (dict(structure="whitened-cosine"), "needs within_covariances"),
    (dict(structure="whitened-cosine", within_covariances=np.eye(3)),
     "within_covariances must be a list"),
    (dict(structure="whitened-cosine", within_covariances=[np.eye(3)]),
     "one entry per modality"),
    (dict(structure="whitened-cosine", within_covariances=[np.eye(3), np.eye(3)]),
     r"within_covariances\[1\] must have shape \(2, 2\)"),
    (dict(structure="whitened-cosine", within_covariances=[np.eye(3), np.full((2, 2), np.nan)]),
     r"within_covariances\[1\] contains NaN"),
    (dict(structure="whitened-cosine", within_covariances=[np.eye(3), np.zeros((2, 2))]),
     r"within_covariances\[1\] must have a positive trace"),
    (dict(n_restarts=0), "n_restarts"),
    (dict(size_weight=-1.0), "size_weight"),
    (dict(cooccurrence_weight=np.nan), "cooccurrence_weight"),
    (dict(sizes=[np.ones(3)]), "sizes must have one entry per modality"),
    (dict(sizes=[np.ones(3), -np.ones(3)]), r"sizes\[1\] must be non-negative"),
    (dict(sizes=[np.ones(3), np.zeros(3)]), r"sizes\[1\] must have a positive sum"),
    (dict(cooccurrence=[None, np.ones((3, 2))]), r"cooccurrence\[1\] must have shape"),
    (dict(cross_cost=[None, np.full((3, 3), np.inf)]), r"cross_cost\[1\]"),
    (dict(method="linear"), "needs a linear signal for modality 1"),
])
def test_invalid_inputs_raise_named_errors(kwargs, match):
    params = dict(centers=[np.eye(3), np.eye(3)[:, :2] + 1.0])
    params.update(kwargs)
    centers = params.pop("centers")
    with pytest.raises(ValueError, match=match):
        match_clusters(centers, **params)


def test_cluster_and_match_invalid_inputs():
    x = np.random.RandomState(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="n_clusters"):
        cluster_and_match([x, x], 0)
    with pytest.raises(ValueError, match=r"views\[1\] has fewer distinct rows"):
        cluster_and_match([x, np.ones((20, 2))], 3)
    with pytest.raises(ValueError, match=r"paired_views\[1\] must be a finite 2-D array"):
        cluster_and_match([x, x], 2, paired_views=[x[:3], x[:3, :1]])
    with pytest.raises(ValueError, match="paired_views must have one array per modality"):
        cluster_and_match([x, x], 2, paired_views=[x[:3]])


def test_matching_objective_is_what_match_clusters_minimises():
    from itertools import permutations

    from skdm2c._cluster_matching import matching_objective

    rng = np.random.RandomState(3)
    a = _prototypes(k=5, seed=3)
    b = _rotated(a, [2, 0, 4, 1, 3], noise=0.8)
    sizes = [rng.randint(5, 30, size=5), rng.randint(5, 30, size=5)]
    kw = dict(sizes=sizes, structure=("euclidean", "cosine"))
    perm = match_clusters([a, b], random_state=0, **kw)
    every = [np.array(p) for p in permutations(range(5))]
    values = np.array([matching_objective([a, b], [np.arange(5), p], **kw)[0][1]
                       for p in every])
    found, random_mean = matching_objective([a, b], perm, **kw)
    assert found[0] == random_mean[0] == 0.0  # the reference
    assert found[1] == pytest.approx(values.min())  # the exhaustive optimum
    # the exact random mean: two normalised structure terms (1 each) plus the sizes' mean
    assert random_mean[1] == pytest.approx(values.mean())
    assert random_mean[1] == pytest.approx(3.0)


@pytest.mark.parametrize("perms, words", [
    ([np.arange(4)], "one entry per modality"),
    ([np.arange(4), np.array([0, 0, 1, 2])], r"perms\[1\] must be a permutation"),
    ([np.arange(4), np.arange(5)], r"perms\[1\] must be a permutation"),
    ([np.arange(4), np.array([0.0, 1.0, 2.0, 3.0])], r"perms\[1\] must be a permutation"),
])
def test_matching_objective_refuses_bad_perms(perms, words):
    from skdm2c._cluster_matching import matching_objective

    a = _prototypes(k=4)
    with pytest.raises(ValueError, match=words):
        matching_objective([a, a[::-1]], perms)
