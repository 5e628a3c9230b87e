"""Command line of the benchmark: ``python -m skdm2c.benchmark [options]``.

Without arguments: the paired-fraction spectrum on the embedded synthetic
data set (``make_mixed_modal_blobs``: 300 instances, 3 clusters, two
modalities of 20 and 10 features): unpaired, 10 % and 50 % of the instances
paired (the incomplete protocol, all rows scored), for the methods of
:data:`DEFAULT_SPECTRUM_METHODS`, 3 seeds; the sweep table is printed.

Data sets are specifications (:mod:`skdm2c.benchmark._specs`): ``cub10``
(unpaired, held-out split), ``cub10:incomplete=0.3``, ``cub10:aligned=0.5``,
``scene15[view1,view2]:incomplete=0.5``.  ``--sweep`` runs every protocol of
the sweep (incomplete 0, 0.1, 0.3, 0.5 and aligned 0.5) of each data set
given::

    python -m skdm2c.benchmark --data-home /work/shared/data \
        --datasets cub10 "scene15[view1,view2]" --sweep --seeds 5 --n-jobs 2 \
        --out benchmarks/results_sweep

``--from-results A/results.csv B/results.csv --out C`` fits nothing: it
writes one report and one sweep figure from the runs of earlier commands.
"""

import argparse
import os
import platform
import shlex
import sys
from pathlib import Path

from ._methods import DEFAULT_METHODS, METHODS, method_available
from ._report import CSV_COLUMNS
from ._runner import default_cache_dir, latent_path, run_benchmark
from ._specs import SWEEP_ALIGNED, SWEEP_INCOMPLETE, SYNTHETIC, UNPAIRED, parse_spec, sweep_specs

SYNTHETIC_SEEDS = 3
REAL_SEEDS = 5
#: The default command: the synthetic set unpaired, 10 % and 50 % paired.
DEFAULT_SPECTRUM = (f"{SYNTHETIC}:incomplete=0", f"{SYNTHETIC}:incomplete=0.1",
                    f"{SYNTHETIC}:incomplete=0.5")
#: Methods of the default command: the deep baselines are left out to keep it
#: to a few minutes on 2 cores (IDEC alone fits for 70-90 s per run on these
#: 300 rows there); add them with --methods.
DEFAULT_SPECTRUM_METHODS = ("dm2c", "linear", "kmeans")
#: Columns of a results.csv that --from-results needs: all but those that older versions
#: did not write and that the specification gives.
RESULTS_REQUIRED = tuple(c for c in CSV_COLUMNS
                         if c not in ("protocol", "paired_fraction", "n_paired_rows"))


def build_parser():
    p = argparse.ArgumentParser(
        prog="python -m skdm2c.benchmark",
        description="Benchmark DM2C against a linear reference, stacked k-means and deep "
                    "clustering baselines on mixed-modal and partially paired data "
                    "(methods x data sets x seeds).",
    )
    p.add_argument("--datasets", nargs="+", default=None, metavar="SPEC",
                   help="data-set specifications NAME[VIEW,...][:PROTOCOL=FRACTION]: NAME is "
                        f"'{SYNTHETIC}' (embedded) or a loader name of "
                        "skdm2c.datasets.load_dataset (wikipedia, cub10, scene15, ...); no "
                        "protocol = unpaired with a held-out split; ':incomplete=F' keeps a "
                        "fraction F of the instances in every modality, ':aligned=F' shows "
                        "every instance in every modality with a fraction F of the "
                        "correspondences known (both: fit and scores on all rows). "
                        f"Default: {' '.join(DEFAULT_SPECTRUM)}")
    p.add_argument("--sweep", action="store_true",
                   help="run the paired-fraction sweep of each data set of --datasets "
                        f"(default {SYNTHETIC}): incomplete="
                        f"{','.join(f'{f:g}' for f in SWEEP_INCOMPLETE)} and aligned="
                        f"{','.join(f'{f:g}' for f in SWEEP_ALIGNED)}")
    p.add_argument("--methods", nargs="+", default=None, choices=list(METHODS),
                   metavar="NAME",
                   help=f"methods: {', '.join(METHODS)} (default: {' '.join(DEFAULT_METHODS)}; "
                        f"without --datasets: {' '.join(DEFAULT_SPECTRUM_METHODS)}; "
                        "linear is the CCA reference for partially paired data, "
                        "dm2c-paper is DM2C with the authors' 150 + 220 epoch schedule, "
                        "dm2c-noadv the ablation lambda_adv=0, "
                        "dm2c-fixedt / dm2c-t0.2 the pair temperature fixed at 0.5 / 0.2)")
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
                   help="write results.csv, results.md, references.csv, scores.png (unpaired "
                        "runs), sweep.png (protocol runs) and latent_<dataset>.png here")
    p.add_argument("--cache-dir", default=None, metavar="DIR",
                   help=f"per-run JSON cache (default {default_cache_dir()})")
    p.add_argument("--no-cache", action="store_true",
                   help="refit every run (results are still written to the cache)")
    p.add_argument("--quick", action="store_true",
                   help="tiny networks and epochs: smoke test of the machinery only")
    p.add_argument("--map", choices=["tsne", "pca", "none"], default="tsne",
                   help="2-D projection of DM2C's latent map figure, drawn for the unpaired "
                        "data sets (default tsne)")
    p.add_argument("--from-results", nargs="+", default=None, metavar="CSV",
                   help="fit nothing: rebuild the tables and figures from the results.csv "
                        "files of earlier runs (e.g. one sweep split over several processes "
                        "or commands); --datasets, --sweep, --methods and --seeds then select "
                        "runs from them; a run found in two files must have the same cache key")
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


def inputs_markdown(methods):
    """The input of every method, in words (the fair protocol of issue 10)."""
    from ._methods import method_input, method_label, preprocessing_label

    lines = [f"Every method: {preprocessing_label()}, fitted on the rows the method is fitted "
             "on (DM2C applies it inside `fit`, every other method as the first step of its "
             "Pipeline); then:", ""]
    lines += [f"- {method_label(m)}: {method_input(m)}" for m in methods]
    return "\n".join(lines) + "\n"


def _is_unpaired(dataset):
    return parse_spec(dataset).protocol == UNPAIRED


def _write_outputs(runs, out, args, command, cache_dir, env):
    from ._anchors import anchors_markdown
    from ._report import markdown_report, plot_latent, plot_scores
    from ._sweep import plot_sweep, sweep_markdown

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
    header += "### Input of each method\n\n" + inputs_markdown(
        list(dict.fromkeys(runs["method"]))) + "\n"
    from ._report import PAPER_DM2C, comparison_markdown, paper_markdown, summary_markdown

    unpaired = runs[runs["dataset"].map(_is_unpaired)]
    protocol = runs[~runs["dataset"].map(_is_unpaired)]
    references = _reference_scores(runs, args.data_home)
    body = ""
    written = [out / "results.csv", out / "results.md", out / "references.csv"]
    if len(protocol):
        bases = list(dict.fromkeys(parse_spec(d).base for d in protocol["dataset"]))
        body += ("### Paired-fraction sweep\n\n"
                 "Every protocol run is fitted on ALL rows of the set and scored on them "
                 "(`labels_`); there are no held-out rows. *incomplete, paired fraction F*: a "
                 "fraction F of the instances is one multi-block row (observed in every "
                 "modality), the rest one single-block row each (F = 0: unpaired). *aligned, "
                 "known fraction F*: every instance is observed in every modality; F of them "
                 "as one multi-block row, the others as one single-block row per modality "
                 "(all rows scored). Rows (paired): rows of the set (mean number of "
                 "multi-block rows). Mean ± std over seeds; best ACC per group in bold.\n\n"
                 + sweep_markdown(protocol) + "\n")
        sweep_refs = {base: references[_sweep_reference_name(base)][2] for base in bases
                      if _sweep_reference_name(base) in references}
        written.append(plot_sweep(protocol, out / "sweep.png", references=sweep_refs))
        body += ("`sweep.png`: ACC against the paired fraction per method; dashed / dotted: "
                 "label-pairing ceiling / random pairing of the unpaired data (see *Reference "
                 "points*); black markers: the published numbers below.\n\n")
        anchors = anchors_markdown(bases)
        if anchors:
            body += ("### Published numbers on the same files (not runs here)\n\n"
                     + anchors + "\n")
    if len(unpaired):
        summary = summary_markdown(unpaired, references)
        body += ("### Summary\n\nMeans over seeds; **bold**: DM2C above every other method "
                 "run. Reference columns: see *Reference points* below.\n\n" + summary + "\n"
                 if summary.count("\n") > 2 else "")
    body += markdown_report(runs)
    comp = comparison_markdown(runs)
    if comp:
        body += ("\n### DM2C minus each other method (paired by seed)\n\n"
                 "Mean difference over seeds ± its standard error (number of seeds where "
                 "DM2C is higher). The seeds of two methods share the data split or protocol "
                 "draw, so their differences are paired; a mean within about two standard "
                 "errors of 0 is not a measured difference.\n\n" + comp)
    body += _reference_section(references)
    if set(runs["dataset"]) & set(PAPER_DM2C):
        body += ("\n### DM2C in the paper (reference; other features and split sizes)\n\n"
                 + paper_markdown() + "\n")
    (out / "results.md").write_text(header + body)
    _references_frame(references).to_csv(out / "references.csv", index=False)
    if len(unpaired):
        written.append(plot_scores(unpaired, out / "scores.png",
                                   references={d: r for d, r in references.items()
                                               if d in set(unpaired["dataset"])}))
    if args.map != "none":
        for dataset in dict.fromkeys(unpaired["dataset"]):
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


def _sweep_reference_name(base):
    return f"{base}:incomplete=0"


def _reference_scores(runs, data_home):
    """``{name: (modality names, seeds, [reference_scores per seed])}`` of the runs.

    Unpaired specifications under their own name (training rows); the data of
    protocol specifications once under ``BASE:incomplete=0`` (all rows of the
    unpaired data, e.g. ``cub10:incomplete=0``).
    """
    from ._reference import reference_scores
    from ._runner import load_benchmark_data

    out = {}
    for dataset in dict.fromkeys(runs["dataset"]):
        spec = parse_spec(dataset)
        name = spec.text if spec.protocol == UNPAIRED else _sweep_reference_name(spec.base)
        seeds = sorted(int(s) for s in runs.loc[runs["dataset"] == dataset, "seed"].unique())
        if name in out:
            seeds = sorted(set(seeds) - set(out[name][1]))
            if not seeds:
                continue
        ref = spec if spec.protocol == UNPAIRED else spec.with_protocol("incomplete", 0.0)
        names = load_benchmark_data(spec.with_protocol(UNPAIRED), seeds[0],
                                    data_home)[0].modality_names
        scores = [reference_scores(ref, s, data_home) for s in seeds]
        if name in out:
            old_names, old_seeds, old_scores = out[name]
            pairs = sorted(zip(old_seeds + seeds, old_scores + scores), key=lambda p: p[0])
            out[name] = (old_names, [p[0] for p in pairs], [p[1] for p in pairs])
        else:
            out[name] = (names, seeds, scores)
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
            "Not methods: the last row uses the labels. For an unpaired data set on its "
            "training rows; for the data of a sweep (`NAME:incomplete=0`) on all rows of the "
            "unpaired data (paired fraction 0). k-means (n_init=10) is run on each "
            "modality's rows alone, on the common preprocessed input the methods get; "
            "*random pairing* puts those clusterings together with "
            "the clusters of the other modalities paired at random, *pairing by the labels* "
            "maps each modality's clusters to classes (the ceiling of a method that keeps "
            "every modality's k-means clusters and aligns them perfectly). See "
            "`skdm2c/benchmark/_reference.py`. In `scores.png` they are the dashed "
            "(ceiling) and dotted (random pairing) lines of the training-row panels.\n\n"
            + "\n".join(parts))


def _specs_from_args(args):
    """Canonical specification strings of the command line (SystemExit on a bad one)."""
    given = args.datasets
    try:
        if given is None:
            specs = [parse_spec(d) for d in ((SYNTHETIC,) if args.sweep else DEFAULT_SPECTRUM)]
        else:
            specs = [parse_spec(d) for d in given]
        if args.sweep:
            bad = [s.text for s in specs if s.protocol != UNPAIRED]
            if bad:
                raise ValueError(f"--sweep takes data without a protocol (it adds the "
                                 f"protocols itself); got {bad}.")
            specs = sweep_specs(specs)
    except ValueError as exc:
        raise SystemExit(f"skdm2c.benchmark: {exc}") from None
    return list(dict.fromkeys(s.text for s in specs))


def _methods_from_args(args):
    if args.methods is not None:
        methods = list(dict.fromkeys(args.methods))
    elif args.datasets is None and not args.sweep:
        methods = list(DEFAULT_SPECTRUM_METHODS)
    else:
        methods = list(DEFAULT_METHODS)
    missing = {m: why for m in methods if (why := method_available(m)) is not None}
    if missing:
        raise SystemExit("skdm2c.benchmark: method(s) not available in this version of "
                         "skdm2c: " + "; ".join(f"{m} ({why})" for m, why in missing.items())
                         + ". Leave them out with --methods.")
    return methods


def _read_results(paths):
    """The runs of earlier ``results.csv`` files, concatenated, with the column ``_file``
    (SystemExit naming a file that cannot be read or lacks a column)."""
    import pandas as pd

    frames = []
    for path in paths:
        try:
            frame = pd.read_csv(path)
        except (OSError, ValueError) as exc:
            raise SystemExit(f"skdm2c.benchmark: --from-results cannot read {path!r}: "
                             f"{exc}") from None
        missing = [c for c in RESULTS_REQUIRED if c not in frame.columns]
        if missing:
            raise SystemExit(f"skdm2c.benchmark: --from-results file {path!r} is not a "
                             f"benchmark results.csv: no column(s) {missing}.")
        frames.append(frame.assign(_file=str(path)))
    return pd.concat(frames, ignore_index=True)


def _select_runs(runs, args):
    """The runs of ``--from-results`` that ``--datasets`` / ``--sweep``, ``--methods`` and
    ``--seeds`` select (each only when given), each once, and the data sets' order.

    A run found in several files is kept once if its cache key is the same in all, else
    SystemExit names it."""
    datasets = None
    if args.datasets is not None or args.sweep:
        datasets = _specs_from_args(args)
        runs = runs[runs["dataset"].isin(datasets)]
    if args.methods is not None:
        runs = runs[runs["method"].isin(args.methods)]
    if args.seeds is not None:
        runs = runs[runs["seed"] < args.seeds]
    if not len(runs):
        raise SystemExit("skdm2c.benchmark: --from-results: no run of the files is selected "
                         "by --datasets / --methods / --seeds.")
    run = ["dataset", "method", "seed"]
    for _, same in runs[runs.duplicated(run, keep=False)].groupby(run):
        if same["key"].nunique() > 1:
            dataset, method, seed = same.iloc[0][run]
            raise SystemExit(
                f"skdm2c.benchmark: --from-results: run {dataset} / {method} / seed {seed} is "
                f"in {sorted(set(same['_file']))} with different cache keys (fitted by "
                "different code or options); leave one of the files out or select with "
                "--methods / --datasets.")
    return runs.drop_duplicates(run).drop(columns="_file"), datasets


def _fit_runs(args):
    """Fit (or read from the cache) the runs of the command line: ``(records, datasets,
    cache_dir)``."""
    datasets = _specs_from_args(args)
    methods = _methods_from_args(args)
    n_seeds = args.seeds
    if n_seeds is None:
        only_synthetic = all(parse_spec(d).name == SYNTHETIC for d in datasets)
        n_seeds = SYNTHETIC_SEEDS if only_synthetic else REAL_SEEDS
    try:
        records, cache_dir = run_benchmark(
            datasets, methods, list(range(n_seeds)), n_jobs=args.n_jobs,
            data_home=args.data_home, cache_dir=args.cache_dir, use_cache=not args.no_cache,
            quick=args.quick, save_latent=args.map != "none", n_threads=args.threads,
            verbose=not args.quiet,
        )
    except (FileNotFoundError, ImportError) as exc:
        raise SystemExit(f"skdm2c.benchmark: {exc}") from None
    return records, datasets, cache_dir


def _stored_runs(args):
    """The runs of ``--from-results`` files that the command line selects: ``(records,
    datasets, cache_dir)``."""
    if args.quick or args.no_cache:
        raise SystemExit("skdm2c.benchmark: --from-results fits nothing; --quick and "
                         "--no-cache do not apply to it.")
    selected, datasets = _select_runs(_read_results(args.from_results), args)
    cache_dir = Path(args.cache_dir) if args.cache_dir else default_cache_dir()
    return selected.to_dict("records"), datasets, cache_dir


def main(argv=None):
    args = build_parser().parse_args(argv)
    argv = sys.argv[1:] if argv is None else list(argv)
    command = "python -m skdm2c.benchmark" + "".join(" " + shlex.quote(a) for a in argv)
    from ._report import markdown_report, runs_frame
    from ._sweep import sweep_markdown

    if args.seeds is not None and args.seeds < 1:  # the defaults are positive
        raise SystemExit("--seeds must be >= 1")
    fitted = args.from_results is None
    records, datasets, cache_dir = _fit_runs(args) if fitted else _stored_runs(args)
    runs = runs_frame(records, datasets=datasets)
    if not fitted:  # the report says whether the stored runs were --quick runs
        args.quick = bool(runs["quick"].eq(True).any())
    unpaired = runs[runs["dataset"].map(_is_unpaired)]
    if len(unpaired):
        print(markdown_report(unpaired))
    sweep = sweep_markdown(runs)
    if sweep:
        print("### Paired-fraction sweep (ACC / NMI / ARI of all rows, mean ± std over seeds)\n")
        print(sweep)
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
