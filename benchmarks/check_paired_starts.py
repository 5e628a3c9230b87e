"""Which of the paired step's starts is kept, and how much could a better rule gain?

With pairs DM2C's final step (``cluster_assignment="paired"``) runs from
``paired_n_init=8`` k-means starts and keeps the one with the highest
classification log-likelihood of its tied stage
(:func:`skdm2c.dm2c._assign.paired_kmeans`).  This script fits DM2C once per
seed with its defaults (the benchmark's run), then runs 16 starts of that
step on the same codes and own-feature blocks (k-means seeds ``1000 + s``;
each start refined as the estimator refines it, and by the cross-block
mixture where the fit uses it), and splits them into two groups of 8.  Per
group it scores four rules: the start of highest likelihood (the default's
rule), the most typical start (highest summed adjusted Rand index to the
others, the rule of ``structure_n_draws``), the first start (one start) and,
as a ceiling no label-free rule can pass, the most accurate start (chosen
with the labels).  Labels are used only to score.

Output: one JSON line per (data set, seed) in ``--out`` (every start's ACC,
log-likelihood and the ARI between starts) and a Markdown table on stdout.

Run (the numbers quoted in ``RESULTS.md``)::

    python benchmarks/check_paired_starts.py --seeds 20 \\
        --out benchmarks/check_paired_starts.jsonl
"""

import warnings

import numpy as np

from _per_seed import print_from_results, run_per_seed, script_parser

DEFAULT_SPECS = ["cub10:aligned=0.5", "cub10:incomplete=0.5", "cub10:incomplete=0.1"]
N_STARTS, GROUP = 16, 8


def _starts(spec, seed, data_home):
    """One JSON-able record: the benchmark fit's ACC and 16 starts of its paired step."""
    import torch
    from sklearn.metrics import adjusted_rand_score

    from skdm2c._core._base import kmeans_on_embedding
    from skdm2c.benchmark import make_estimator, training_rows
    from skdm2c.dm2c import _assign
    from skdm2c.dm2c._joint_mixture import fit_joint_mixture
    from skdm2c.dm2c._own_features import impute_blocks
    from skdm2c.metrics import clustering_accuracy

    bunch, X, y, observed, k = training_rows(spec, seed, data_home)
    est = make_estimator("dm2c", k, seed, 32, modality_dims=bunch.modality_dims).fit(X)
    if est.cluster_assignment_ != "paired":
        raise ValueError(f"{spec}: DM2C's defaults use cluster_assignment="
                         f"{est.cluster_assignment_!r} here, not 'paired'.")
    Xp = est._preprocess(X)
    U = est._block_codes(Xp, torch.device("cpu"))
    extra, extra_observed = (), None
    if est._own_imputers:
        extra, extra_observed = impute_blocks(est._modality_features(Xp), observed,
                                              est._own_imputers)
    # the inputs of paired_kmeans, built as it builds them
    V, E = _assign._unit_codes(U), _assign._unit_codes(list(extra))
    blocks = V + E
    seen = observed if not E else np.hstack([observed, extra_observed])
    start = np.hstack([_assign.fused_codes(V, observed), *E])
    loglik, labels = [], []
    for s in range(N_STARTS):
        km = kmeans_on_embedding(start, k, n_init=est.n_init, random_state=1000 + s)
        run = _assign._refine_paired(blocks, seen, km, len(V), k, "tied", 100)
        lab = run[0]
        if est.paired_covariance_ == "cross-block":
            n_mod = observed.shape[1]
            lab, _ = fit_joint_mixture(blocks, seen, lab, k,
                                       columns=[*range(n_mod), *est._own_imputers])
        loglik.append(float(run[-1]))
        labels.append(lab)
    return dict(dataset=spec, seed=seed, covariance=est.paired_covariance_,
                benchmark_acc=round(float(clustering_accuracy(y, est.labels_)), 4),
                acc=[round(float(clustering_accuracy(y, lab)), 4) for lab in labels],
                loglik=loglik,
                ari=[[round(float(adjusted_rand_score(a, b)), 4) for b in labels]
                     for a in labels])


def rules(record):
    """ACC of every rule in each group of ``GROUP`` starts: a dict of lists."""
    acc, ll, ari = (np.asarray(record[key]) for key in ("acc", "loglik", "ari"))
    out = {"likelihood (default)": [], "most typical": [], "one start": [],
           "mean of the starts": [], "most accurate (labels)": []}
    for g in range(len(acc) // GROUP):
        idx = np.arange(g * GROUP, (g + 1) * GROUP)
        a = acc[idx]
        out["likelihood (default)"].append(a[np.argmax(ll[idx])])
        out["most typical"].append(a[np.argmax(ari[np.ix_(idx, idx)].sum(1))])
        out["one start"].append(a[0])
        out["mean of the starts"].append(a.mean())
        out["most accurate (labels)"].append(a.max())
    return out


def summary(records):
    """Markdown table: mean ACC of every rule, and the most typical start minus the default."""
    names = list(rules(records[0]))
    lines = ["| data (seeds x 2 groups of 8 starts) | benchmark fits | " + " | ".join(names)
             + " | most typical − likelihood |",
             "|---|" + ":---:|" * (len(names) + 2)]
    for spec in dict.fromkeys(r["dataset"] for r in records):
        own = [r for r in records if r["dataset"] == spec]
        per = {name: np.concatenate([rules(r)[name] for r in own]) for name in names}
        d = per["most typical"] - per["likelihood (default)"]
        se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        bench = np.mean([r["benchmark_acc"] for r in own])
        lines.append(f"| {spec} ({len(own)}) | {bench:.3f} | "
                     + " | ".join(f"{per[n].mean():.3f}" for n in names)
                     + f" | {d.mean():+.3f} ± {se:.3f} |")
    return "\n".join(lines)


def main(argv=None):
    args = script_parser(__doc__, DEFAULT_SPECS, 20).parse_args(argv)
    if print_from_results(args, summary):
        return

    def records_of(spec, seed):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence notes of single starts
            return [_starts(spec, seed, args.data_home)]

    run_per_seed(args, records_of, summary,
                 lambda spec, seed, new: f"{spec} seed {seed}: benchmark "
                                         f"{new[0]['benchmark_acc']:.3f}")


if __name__ == "__main__":
    main()
