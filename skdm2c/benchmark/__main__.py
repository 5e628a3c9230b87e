"""Command line of the benchmark: ``python -m skdm2c.benchmark [options]``.

Without arguments: every method on the embedded synthetic data set
(``make_mixed_modal_blobs``: 300 instances, 3 clusters, two modalities of 20
and 10 features), 3 seeds, the Markdown table printed to stdout.

Real data (folder with one sub-folder per data set, or ``$SKDM2C_DATA``)::

    python -m skdm2c.benchmark --data-home /work/shared/data \\
        --datasets wikipedia cub10 uci_mfeat --seeds 5 --n-jobs 2 --out benchmarks/results
"""

import argparse
import os
import platform
import shlex
import sys
from pathlib import Path

from ._methods import DEFAULT_METHODS, METHODS
from ._runner import SYNTHETIC, default_cache_dir, latent_path, run_benchmark

SYNTHETIC_SEEDS = 3
REAL_SEEDS = 5


def build_parser():
    p = argparse.ArgumentParser(
        prog="python -m skdm2c.benchmark",
        description="Benchmark DM2C against stacked k-means and deep clustering baselines on "
                    "mixed-modal data (methods x datasets x seeds).",
    )
    p.add_argument("--datasets", nargs="+", default=[SYNTHETIC], metavar="NAME",
                   help=f"data sets: '{SYNTHETIC}' (embedded, default) or loader names of "
                        "skdm2c.datasets.load_dataset (wikipedia, cub10, uci_mfeat, ...)")
    p.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS), choices=list(METHODS),
                   metavar="NAME",
                   help=f"methods: {', '.join(METHODS)} (default: {' '.join(DEFAULT_METHODS)}; "
                        "dm2c-paper is DM2C with the authors' 150 + 220 epoch schedule, "
                        "dm2c-noadv the ablation lambda_adv=0)")
    p.add_argument("--seeds", type=int, default=None, metavar="N",
                   help=f"seeds 0..N-1 (default {REAL_SEEDS}; {SYNTHETIC_SEEDS} when only the "
                        "synthetic set is run)")
    p.add_argument("--n-jobs", type=int, default=-1,
                   help="parallel processes (default -1: one per CPU core)")
    p.add_argument("--threads", type=int, default=None, metavar="N",
                   help="torch/BLAS threads per process (default: CPU cores // n-jobs)")
    p.add_argument("--data-home", default=None, metavar="PATH",
                   help="real data folder (default: $SKDM2C_DATA)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="write results.csv, results.md, scores.png and latent_<dataset>.png here")
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help=f"per-run JSON cache (default {default_cache_dir()})")
    p.add_argument("--no-cache", action="store_true",
                   help="refit every run (results are still written to the cache)")
    p.add_argument("--quick", action="store_true",
                   help="tiny networks and epochs: smoke test of the machinery only")
    p.add_argument("--map", choices=["tsne", "pca", "none"], default="tsne",
                   help="2-D projection of DM2C's latent map figure (default tsne)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    return p


def environment():
    """Versions and machine, as a dict of strings."""
    import joblib
    import numpy
    import sklearn
    import torch

    import skdm2c

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "skdm2c": skdm2c.__version__, "python": platform.python_version(),
        "torch": torch.__version__, "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__, "joblib": joblib.__version__,
        "machine": f"{platform.system()} {platform.machine()}, {cpu}, "
                   f"{os.cpu_count()} CPU core(s), CPU only",
    }


def _write_outputs(runs, out, args, command, cache_dir, env):
    from ._report import markdown_report, plot_latent, plot_scores

    out.mkdir(parents=True, exist_ok=True)
    runs.to_csv(out / "results.csv", index=False)
    header = (
        "# skdm2c benchmark results\n\n"
        f"Command: `{command}`\n\n"
        + "Environment: " + ", ".join(f"{k} {v}" for k, v in env.items() if k != "machine")
        + f"; machine: {env['machine']}.\n\n"
    )
    if args.quick:
        header += "**--quick: tiny networks and epochs, a smoke test; not results.**\n\n"
    from ._report import PAPER_DM2C, comparison_markdown, paper_markdown, summary_markdown

    references = _reference_scores(runs, args.data_home)
    summary = summary_markdown(runs, references)
    body = ("### Summary\n\nMeans over seeds; **bold**: DM2C above every other method "
            "run. Reference columns: see *Reference points* below.\n\n" + summary + "\n"
            if summary.count("\n") > 2 else "") + markdown_report(runs)
    comp = comparison_markdown(runs)
    if comp:
        body += ("\n### DM2C minus each baseline (paired by seed)\n\n"
                 "Mean difference over seeds (number of seeds where DM2C is higher).\n\n"
                 + comp)
    body += _reference_section(references)
    if set(runs["dataset"]) & set(PAPER_DM2C):
        body += ("\n### DM2C in the paper (reference; other features and split sizes)\n\n"
                 + paper_markdown() + "\n")
    (out / "results.md").write_text(header + body)
    _references_frame(references).to_csv(out / "references.csv", index=False)
    written = [out / "results.csv", out / "results.md", out / "references.csv",
               plot_scores(runs, out / "scores.png", references=references)]
    if args.map != "none":
        for dataset in dict.fromkeys(runs["dataset"]):
            r = runs[(runs["dataset"] == dataset) & (runs["method"] == "dm2c")
                     & (runs["error"].fillna("") == "")]
            if not len(r):
                continue
            row = r.sort_values("seed").iloc[0]
            f = latent_path(cache_dir, row["key"])
            if f.exists():
                title = (f"DM2C unified latent space, {dataset}, seed {int(row['seed'])}\n"
                         f"({args.map.upper()} of train + held-out rows; colour = class)")
                written.append(plot_latent(f, out / f"latent_{dataset}.png", title=title,
                                           method=args.map))
    return written


def _reference_scores(runs, data_home):
    """{dataset: (modality names, seeds, [reference_scores per seed])} of the runs."""
    from ._reference import reference_scores
    from ._runner import load_benchmark_data

    out = {}
    for dataset in dict.fromkeys(runs["dataset"]):
        seeds = sorted(int(s) for s in runs.loc[runs["dataset"] == dataset, "seed"].unique())
        names = load_benchmark_data(dataset, seeds[0], data_home)[0].modality_names
        out[dataset] = (names, seeds, [reference_scores(dataset, s, data_home) for s in seeds])
    return out


def _references_frame(references):
    """One row per data set and seed of the reference points (references.csv)."""
    import pandas as pd

    rows = []
    for dataset, (names, seeds, scores) in references.items():
        for seed, r in zip(seeds, scores):
            row = {"dataset": dataset, "seed": seed}
            for name, a, n in zip(names, r["single_acc"], r["single_nmi"]):
                row[f"single_acc_{name}"], row[f"single_nmi_{name}"] = a, n
            for key in ("random_acc", "random_nmi", "aligned_acc", "aligned_nmi"):
                row[key] = r[key]
            rows.append(row)
    return pd.DataFrame(rows)


def _reference_section(references):
    """Markdown of the label-informed reference points of every data set run."""
    from ._reference import reference_markdown

    parts = [f"{dataset} (seeds {seeds}):\n\n" + reference_markdown(scores, names)
             for dataset, (names, seeds, scores) in references.items()]
    if not parts:
        return ""
    return ("\n### Reference points: how far alignment could go (training rows)\n\n"
            "Not methods: the last row uses the labels. k-means (n_init=10) is run on each "
            "modality's rows alone; *random pairing* puts those clusterings together with "
            "the clusters of the other modalities paired at random, *pairing by the labels* "
            "maps each modality's clusters to classes (the ceiling of a method that keeps "
            "every modality's k-means clusters and aligns them perfectly). See "
            "`skdm2c/benchmark/_reference.py`. In `scores.png` they are the dashed "
            "(ceiling) and dotted (random pairing) lines of the training-row panels.\n\n"
            + "\n".join(parts))


def _real_datasets():
    try:
        from skdm2c.datasets import DATASETS
    except ImportError:  # loaders not available
        return ()
    return tuple(DATASETS)


def main(argv=None):
    args = build_parser().parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    command = "python -m skdm2c.benchmark" + "".join(" " + shlex.quote(a) for a in argv)
    n_seeds = args.seeds
    if n_seeds is None:
        n_seeds = SYNTHETIC_SEEDS if set(args.datasets) == {SYNTHETIC} else REAL_SEEDS
    if n_seeds < 1:
        raise SystemExit("--seeds must be >= 1")
    unknown = [d for d in args.datasets if d != SYNTHETIC and d not in _real_datasets()]
    if unknown:
        raise SystemExit(f"unknown data set(s) {unknown}; choose from "
                         f"{[SYNTHETIC, *_real_datasets()]}")
    try:
        records, cache_dir = run_benchmark(
            args.datasets, args.methods, list(range(n_seeds)), n_jobs=args.n_jobs,
            data_home=args.data_home, cache_dir=args.cache_dir, use_cache=not args.no_cache,
            quick=args.quick, save_latent=args.map != "none", n_threads=args.threads,
            verbose=not args.quiet,
        )
    except FileNotFoundError as exc:
        raise SystemExit(f"skdm2c.benchmark: {exc}") from None
    from ._report import markdown_report, runs_frame

    runs = runs_frame(records, datasets=args.datasets)
    print(markdown_report(runs))
    if args.out is not None:
        written = _write_outputs(runs, Path(args.out), args, command, cache_dir, environment())
        if not args.quiet:
            print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    n_failed = int((runs["error"].fillna("") != "").sum())
    if n_failed and not args.quiet:
        print(f"{n_failed} run(s) failed; see the 'error' column", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
