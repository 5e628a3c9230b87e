"""Label-free variants of the unpaired structure assignment, measured on the benchmark's rows.

Without known pairs DM2C's labels come from ``cluster_assignment="structure"``
(:func:`skdm2c.dm2c._assign.structure_matched_kmeans`): k-means of every
modality's own PCA features, then a matching of the clusters to the unified
modality's.  Those labels depend only on the per-modality features (fitted
in ``fit`` from the preprocessed blocks) and on the step's seed, not on the
network; the network is therefore trained for one epoch only, to obtain the
fitted preprocessing and reducers, and the step is drawn ``--draws`` times
per seed (seeds ``5000 + d``) in every variant:

* ``default``: one draw of the step (k-means ``n_init=20``), the estimator's
  default when this was measured (``structure_n_draws=1``);
* ``n_init=100``: 100 k-means restarts per modality instead of 20 (an earlier
  round measured 50 restarts on cub10 at +0.025 ACC, on other draws);
* ``spread``: the matching gets a further linear cost (weight 1, normalised
  like the other terms), the difference of the clusters' spread signatures:
  the log of a cluster's mean squared Mahalanobis distance to its centre
  under the pooled within-cluster covariance, standardised over the
  clusters of its modality.  No invertible linear map of a modality's
  features changes it, like the whitened geometry;
* ``unit-rows``: every modality's features scaled to unit length first (the
  cosine geometry around their mean, which the paired step's own-feature
  blocks use), on which per-modality k-means is more accurate on cub10 and
  uci_mfeat;
* ``unit-rows-auto``: the same for the modalities whose unit-length rows are
  more clustered than their plain rows by the label-free score of
  ``own_features`` (:func:`skdm2c.dm2c._own_features.cluster_structure`);
* ``medoid``: of the ``--draws`` default draws of one seed, the one with the
  highest mean adjusted Rand index to the others (the most typical
  partition, :func:`skdm2c.dm2c._assign.most_typical`), compared with their
  mean; with ``--draws 8`` this is the rule of ``structure_n_draws=8`` (the
  estimator's default since; its draws come from other seeds).

Labels are used only to score.  Output: one JSON line per (data set, seed,
variant, draw) in ``--out``, and a Markdown table on stdout: mean ACC / NMI
of every variant and its difference from the default, paired by seed and
draw (standard error over those pairs).

Run (the numbers quoted in DM2C_INVESTIGATION.md, finding 22)::

    python benchmarks/check_structure_variants.py --draws 8 \\
        --out benchmarks/check_structure_variants.jsonl
"""

import warnings

import numpy as np

from _per_seed import main_with_draws

DEFAULT_SPECS = ["cub10:incomplete=0", "bbcsport:incomplete=0", "3sources:incomplete=0",
                 "wikipedia:incomplete=0", "uci_mfeat:incomplete=0", "scene15:incomplete=0",
                 "landuse21:incomplete=0", "landuse21[view1,view2]:incomplete=0"]
VARIANTS = ("default", "n_init=100", "spread", "unit-rows", "unit-rows-auto", "medoid")


def _features(spec, seed, data_home):
    """``(R, observed, y, n_clusters, pivot)`` of the benchmark's rows for ``spec`` and
    ``seed``: every modality's own features as DM2C's defaults fit them."""
    from skdm2c.benchmark._methods import make_estimator
    from skdm2c.benchmark._runner import training_rows

    bunch, X, y, observed, k = training_rows(spec, seed, data_home)
    est = make_estimator("dm2c", k, seed, 32, modality_dims=bunch.modality_dims)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one epoch: the network is not what is measured
        est.set_params(pretrain_epochs=1, epochs=1).fit(X)
    if est.cluster_assignment_ != "structure":
        raise ValueError(f"{spec}: DM2C's defaults use cluster_assignment="
                         f"{est.cluster_assignment_!r} here, not 'structure'.")
    return est._modality_features(est._preprocess(X)), observed, y, k, est._pivot


def _spread_signature(Z, labels, centers, within):
    """Standardised log mean squared Mahalanobis distance of every cluster's rows to its
    centre, under the pooled within-cluster covariance ``within``."""
    precision = np.linalg.pinv(within)
    sig = np.empty(len(centers))
    for c in range(len(centers)):
        D = Z[labels == c] - centers[c]
        spread = np.einsum("ij,jk,ik->", D, precision, D) / max(len(D), 1) / Z.shape[1]
        sig[c] = np.log(max(spread, 1e-12))
    return (sig - sig.mean()) / (sig.std() + 1e-12)


def _step(R, observed, k, pivot, seed, *, n_init=20, spread=False):
    """Labels of the structure step with seed ``seed``, optionally with the spread cost."""
    from skdm2c._cluster_matching import within_cluster_covariance
    from skdm2c.dm2c import _assign

    rng = np.random.RandomState(seed)
    models = _assign._cluster_each_modality(R, observed, k, n_init=n_init, rng=rng)
    cross = None
    if spread:
        sig = [_spread_signature(
            R[m][observed[:, m]], km.labels_, km.cluster_centers_,
            within_cluster_covariance(R[m][observed[:, m]], km.labels_, km.cluster_centers_))
            for m, km in enumerate(models)]
        cross = [np.abs(s[:, None] - sig[pivot][None, :]) for s in sig]
    perm = _assign._match_modality_clusters(models, R, observed, k, pivot, rng,
                                            cross_cost=cross)
    return _assign._matched_labels(models, perm, R, observed)[0]


def _seed_rows(spec, seed, draws, data_home):
    from sklearn.metrics import normalized_mutual_info_score

    from skdm2c._rows import unit_rows
    from skdm2c.dm2c._assign import most_typical
    from skdm2c.dm2c._own_features import cluster_structure
    from skdm2c.metrics import clustering_accuracy

    R, observed, y, k, pivot = _features(spec, seed, data_home)
    unit = [np.where(np.isnan(Rm), np.nan, unit_rows(np.nan_to_num(Rm))) for Rm in R]
    auto = [u if cluster_structure(u[observed[:, m]], k, seed)
            > cluster_structure(R[m][observed[:, m]], k, seed) else R[m]
            for m, u in enumerate(unit)]
    runs = {"default": (R, {}), "n_init=100": (R, {"n_init": 100}),
            "spread": (R, {"spread": True}), "unit-rows": (unit, {}),
            "unit-rows-auto": (auto, {})}
    labels = {name: [_step(F, observed, k, pivot, 5000 + d, **kw) for d in range(draws)]
              for name, (F, kw) in runs.items()}
    labels["medoid"] = [labels["default"][most_typical(labels["default"])]] * draws
    return [dict(dataset=spec, seed=seed, variant=name, draw=d,
                 acc=round(float(clustering_accuracy(y, lab)), 4),
                 nmi=round(float(normalized_mutual_info_score(y, lab)), 4))
            for name in VARIANTS for d, lab in enumerate(labels[name])]


def summary(rows):
    """Markdown table of every variant's mean and its paired difference from the default."""
    lines = ["| data | variant | ACC / NMI | minus default, ACC (± s.e.) | NMI |",
             "|---|---|:---:|:---:|:---:|"]
    for spec in dict.fromkeys(r["dataset"] for r in rows):
        base = {(r["seed"], r["draw"]): r for r in rows
                if r["dataset"] == spec and r["variant"] == "default"}
        for name in VARIANTS:
            own = [r for r in rows if r["dataset"] == spec and r["variant"] == name]
            acc = np.array([r["acc"] for r in own])
            nmi = np.array([r["nmi"] for r in own])
            line = f"| {spec} | {name} | {acc.mean():.3f} / {nmi.mean():.3f} |"
            if name == "default":
                lines.append(line + " | |")
                continue
            da = np.array([r["acc"] - base[r["seed"], r["draw"]]["acc"] for r in own])
            dn = np.array([r["nmi"] - base[r["seed"], r["draw"]]["nmi"] for r in own])
            if name == "medoid":  # one choice per seed: its pairs are the seeds
                n_seeds = len({r["seed"] for r in own})
                da, dn = da.reshape(n_seeds, -1).mean(1), dn.reshape(n_seeds, -1).mean(1)
            se = da.std(ddof=1) / np.sqrt(len(da)) if len(da) > 1 else float("nan")
            lines.append(line + f" {da.mean():+.3f} ± {se:.3f} | {dn.mean():+.3f} |")
    return "\n".join(lines)


def main(argv=None):
    return main_with_draws(
        argv, __doc__, DEFAULT_SPECS, 5, draws=8, min_draws=2,
        records_of=lambda args, spec, seed: _seed_rows(spec, seed, args.draws, args.data_home),
        summary=summary,
        progress=lambda args, spec, seed, new: (
            f"{spec} seed {seed}: default "
            f"{np.mean([r['acc'] for r in new[:args.draws]]):.3f}"))


if __name__ == "__main__":
    main()
