"""Tables and figures of benchmark runs (pandas + matplotlib Agg)."""

from pathlib import Path

import numpy as np

from ._methods import METHODS, method_label

__all__ = ["runs_frame", "summarize", "markdown_table", "markdown_report", "comparison_markdown",
           "paper_markdown", "plot_scores", "plot_latent"]

#: DM2C's own scores in the paper (Jiang et al., NeurIPS 2019, Tables 2-3; ACC, ARI, NMI,
#: F, purity), for reference only: other features and split sizes than here.
PAPER_DM2C = {
    "wikipedia": ("Wikipedia", (0.2720, 0.0558, 0.1543, 0.1878, 0.3075)),
    "nus_wide_10k": ("NUS-WIDE-10K", (0.3300, 0.0710, 0.0951, 0.3043, 0.5492)),
}

METRIC_LABELS = {"acc": "ACC", "ari": "ARI", "nmi": "NMI", "f_score": "F", "purity": "Purity"}
#: Columns where lower is better; every other column is higher-is-better.
LOWER_IS_BETTER = ("fit_time_s", "peak_mem_mb")
COLUMN_LABELS = {"fit_time_s": "fit time (s)", "peak_mem_mb": "peak mem (MB)"}

CSV_COLUMNS = (
    ["dataset", "method", "seed", "n_train", "n_test", "n_clusters", "stack_width",
     "protocol", "paired_fraction", "n_paired_rows"]
    + [f"train_{m}" for m in METRIC_LABELS] + [f"test_{m}" for m in METRIC_LABELS]
    + ["train_acc_by_modality", "train_nmi_by_modality", "train_modality_nmi"]
    + ["fit_time_s", "peak_mem_mb", "mem_method", "n_threads", "quick", "error", "key"]
)


def _method_order(methods):
    known = [m for m in METHODS if m in set(methods)]
    return known + sorted(set(methods) - set(known))


def runs_frame(records, datasets=None):
    """All runs as a DataFrame with the CSV columns, sorted.

    Data sets come in the order of ``datasets`` (default: alphabetical), then
    methods in registry order, then seeds.

    Parameters
    ----------
    records : iterable of dict
        Run records, as returned by :func:`run_benchmark` or :func:`run_one`
        (one dict per run, keyed by column name).
    datasets : sequence of str, default=None
        Preferred order of the data sets (values of the ``dataset`` column,
        i.e. canonical specifications).  The data sets of ``records`` named
        here come first, in this order; the others follow alphabetically.
        Names without a record are ignored.  ``None``: all alphabetically.

    Returns
    -------
    runs : pandas.DataFrame
        One row per record.  The columns of ``CSV_COLUMNS`` come first, in
        that order (a column no record has is added, filled with NaN), then
        any other key of the records (e.g. ``error_latent``).  Rows are sorted
        (stably) by data set as above, then by method in the order of the
        registry ``METHODS`` (unknown methods after them, alphabetically),
        then by ``seed``; the index is reset to ``0 .. n_runs - 1``.
    """
    import pandas as pd

    df = pd.DataFrame.from_records(list(records))
    for col in CSV_COLUMNS:
        if col not in df:
            df[col] = np.nan
    df = df[CSV_COLUMNS + [c for c in df.columns if c not in CSV_COLUMNS]]
    df["error"] = df["error"].astype(object)  # all NaN (float) when read back from a CSV
    if len(df):
        order = {m: i for i, m in enumerate(_method_order(df["method"].unique()))}
        names = sorted(df["dataset"].unique())
        if datasets is not None:
            names = [d for d in datasets if d in set(names)] + [
                d for d in names if d not in set(datasets)]
        rank = {d: i for i, d in enumerate(names)}
        df = df.assign(_d=df["dataset"].map(rank), _o=df["method"].map(order)).sort_values(
            ["_d", "_o", "seed"], kind="stable").drop(columns=["_d", "_o"])
    return df.reset_index(drop=True)


def summarize(runs, columns):
    """Mean and std (ddof=1; 0 for one seed) of ``columns`` per dataset and method.

    Failed runs (non-empty ``error``) are left out; ``n_runs`` and
    ``n_failed`` count them.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, e.g. from :func:`runs_frame`: the columns ``dataset``,
        ``method`` and ``columns``; ``error`` is optional (without it no run
        counts as failed).
    columns : sequence of str
        Numeric columns to summarise (their values are cast to float).

    Returns
    -------
    summary : pandas.DataFrame
        One row per (``dataset``, ``method``) pair of ``runs``, with the
        columns ``dataset``, ``method``, ``n_runs`` (runs that did not fail),
        ``n_failed`` (runs that failed), then ``<column>_mean`` and
        ``<column>_std`` for each of ``columns``.  The mean is over the runs
        that did not fail (NaN values skipped; NaN when every run failed);
        the std has ``ddof=1`` and is 0.0 with fewer than two such runs.
        Rows are sorted by data set in the order of first appearance in
        ``runs``, then by method in registry order; the index is reset.  An
        empty DataFrame (no columns) when ``runs`` has no rows.
    """
    import pandas as pd

    runs = runs.copy()
    err = runs["error"].fillna("").astype(str) if "error" in runs else pd.Series("", runs.index)
    runs["_failed"] = err != ""
    rows = []
    for (dataset, method), g in runs.groupby(["dataset", "method"], sort=False):
        ok = g[~g["_failed"]]
        row = {"dataset": dataset, "method": method, "n_runs": len(ok),
               "n_failed": int(g["_failed"].sum())}
        for c in columns:
            v = ok[c].astype(float)
            row[f"{c}_mean"] = v.mean() if len(v) else np.nan
            row[f"{c}_std"] = v.std(ddof=1) if len(v) > 1 else 0.0
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(out):
        order = {m: i for i, m in enumerate(_method_order(out["method"].unique()))}
        rank = {d: i for i, d in enumerate(dict.fromkeys(runs["dataset"]))}
        out = out.assign(_d=out["dataset"].map(rank), _o=out["method"].map(order)).sort_values(
            ["_d", "_o"], kind="stable").drop(columns=["_d", "_o"]).reset_index(drop=True)
    return out


def _fmt(mean, std, decimals):
    if not np.isfinite(mean):
        return "n/a"
    return f"{mean:.{decimals}f} ± {std:.{decimals}f}"


def markdown_table(summary, columns, *, labels=None, decimals=4, lower_is_better=LOWER_IS_BETTER,
                   unmarked=()):
    """Markdown table, one row per method of ``summary`` (one dataset), mean ± std.

    The best mean of every column is set in bold (the highest, or the lowest
    for ``lower_is_better`` columns); ties at the displayed precision are all
    marked.  Columns in ``unmarked`` are never marked.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summarize` restricted to one data set: every row
        becomes one table row (the rows are not filtered or grouped here).
        Needs ``method`` and ``<column>_mean`` / ``<column>_std`` for each of
        ``columns``; with an ``n_failed`` column, a method with failed runs
        is shown as ``"<label> (<n> failed)"``.
    columns : sequence of str
        Summarised columns to show, without the ``_mean`` / ``_std`` suffix,
        in table order.
    labels : dict of str to str, default=None
        Header text of a column; a column not in it is headed by its name.
    decimals : int, default=4
        Decimals of mean and std.  ``fit_time_s`` and ``peak_mem_mb`` are
        always shown with 1 decimal.
    lower_is_better : collection of str, default=("fit_time_s", "peak_mem_mb")
        Columns whose lowest mean is marked; every other column marks the
        highest.
    unmarked : collection of str, default=()
        Columns never marked in bold.

    Returns
    -------
    table : str
        A header row (``method`` then the column labels), an alignment row
        (the value columns centred) and one row per row of ``summary``: the
        method's display name, then ``"mean ± std"`` per column, or ``"n/a"``
        where the mean is not finite.  A column is marked only when it has
        at least two finite means.  Lines joined by newlines, no trailing
        newline.
    """
    labels = labels or {}
    header = ["method"] + [labels.get(c, c) for c in columns]
    lines = ["| " + " | ".join(header) + " |", "|---|" + ":---:|" * len(columns)]
    best = {}
    for c in columns:
        dec = _decimals(c, decimals)
        means = summary[f"{c}_mean"].astype(float).round(dec)
        finite = means[np.isfinite(means)]
        if len(finite) < 2 or c in unmarked:
            best[c] = None  # nothing to compare
            continue
        best[c] = finite.min() if c in lower_is_better else finite.max()
    for _, row in summary.iterrows():
        cells = [method_label(row["method"])]
        if row.get("n_failed", 0):
            cells[0] += f" ({int(row['n_failed'])} failed)"
        for c in columns:
            dec = _decimals(c, decimals)
            text = _fmt(float(row[f"{c}_mean"]), float(row[f"{c}_std"]), dec)
            mean = round(float(row[f"{c}_mean"]), dec)
            if best[c] is not None and np.isfinite(mean) and mean == best[c]:
                text = f"**{text}**"
            cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _decimals(column, decimals):
    return 1 if column in ("fit_time_s", "peak_mem_mb") else decimals


def _expand_by_modality(runs):
    """Split the ``train_{acc,nmi}_by_modality`` strings into numeric columns."""
    runs = runs.copy()
    cols = []
    for metric in ("acc", "nmi"):
        src = f"train_{metric}_by_modality"
        if src not in runs:
            continue
        for i, text in runs[src].items():
            if not isinstance(text, str) or not text:
                continue
            for item in text.split():
                name, value = item.rsplit("=", 1)
                col = f"{metric}:{name}"
                if col not in runs:
                    runs[col] = np.nan
                    cols.append(col)
                runs.loc[i, col] = float(value)
    return runs, cols


def _modality_table(runs, decimals):
    """Per-modality diagnostics of one data set (None when not recorded)."""
    runs, cols = _expand_by_modality(runs)
    cols = [c for c in cols if runs[c].notna().any()]
    if not cols:
        return None
    cols = [c for c in cols if c.startswith("acc:")] + [c for c in cols if c.startswith("nmi:")]
    cols.append("train_modality_nmi")
    summary = summarize(runs, cols)
    labels = {c: f"{c.split(':')[0].upper()} {c.split(':', 1)[1]}" for c in cols[:-1]}
    labels["train_modality_nmi"] = "modality NMI"
    return markdown_table(summary, cols, labels=labels, decimals=decimals,
                          unmarked=("train_modality_nmi",))


def markdown_report(runs, *, decimals=4, heading_level=3):
    """Markdown tables of a runs DataFrame: per dataset, training and held-out rows.

    For every data set (in order of first appearance in ``runs``): a
    heading, a sentence with the number of training and held-out rows, of
    clusters, the seeds and the stacked baselines' PCA width (taken from the
    data set's first run; the seeds include those of failed runs), then the
    tables of :func:`markdown_table` (mean ± std over the runs that did not
    fail, best per column in bold).  With held-out rows: one table of the
    training rows (``labels_``: ACC, ARI, NMI, F, Purity, fit time, peak
    memory) and one of the held-out rows (``predict``: the five metrics).
    Without held-out rows (``n_test`` 0, the incomplete and aligned
    protocols): the training-row table only, over all rows.  Where the runs
    recorded per-modality diagnostics (``train_acc_by_modality`` /
    ``train_nmi_by_modality``), a third table follows: ACC and NMI of each
    modality's rows (and of the multi-block rows, ``paired``, where there
    are any) and the modality NMI (never marked in bold).

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`runs_frame` (the columns ``dataset``,
        ``method``, ``seed``, ``n_train``, ``n_test``, ``n_clusters``,
        ``stack_width``, ``error``, the ``train_*`` / ``test_*`` metrics,
        ``fit_time_s`` and ``peak_mem_mb`` are used).
    decimals : int, default=4
        Decimals of the metric cells (fit time and memory: 1).
    heading_level : int, default=3
        Number of ``#`` of each data set's heading.

    Returns
    -------
    report : str
        The sections of all data sets, each ending with a newline, joined by
        newlines.
    """
    metrics = list(METRIC_LABELS)
    train_cols = [f"train_{m}" for m in metrics] + ["fit_time_s", "peak_mem_mb"]
    test_cols = [f"test_{m}" for m in metrics]
    summary = summarize(runs, train_cols + test_cols)
    labels = {**{f"train_{m}": v for m, v in METRIC_LABELS.items()},
              **{f"test_{m}": v for m, v in METRIC_LABELS.items()}, **COLUMN_LABELS}
    h = "#" * heading_level
    parts = []
    for dataset, s in summary.groupby("dataset", sort=False):
        r = runs[runs["dataset"] == dataset]
        seeds = sorted(int(v) for v in r["seed"].unique())
        n_test = int(r["n_test"].iloc[0])
        if n_test:
            parts.append(
                f"{h} {dataset}\n\n"
                f"{int(r['n_train'].iloc[0])} training rows, {n_test} held-out "
                f"rows, {int(r['n_clusters'].iloc[0])} clusters, seeds {seeds}; stacked "
                f"baselines use PCA width {int(r['stack_width'].iloc[0])}. Mean ± std over "
                "seeds, best per column in bold.\n\n"
                "Training rows (`labels_`):\n\n"
                + markdown_table(s, train_cols, labels=labels, decimals=decimals)
                + "\n\nHeld-out rows (`predict`):\n\n"
                + markdown_table(s, test_cols, labels=labels, decimals=decimals) + "\n"
            )
        else:
            parts.append(
                f"{h} {dataset}\n\n"
                f"All {int(r['n_train'].iloc[0])} rows fitted and scored (`labels_`; no "
                f"held-out rows), {int(r['n_clusters'].iloc[0])} clusters, seeds {seeds}; "
                f"stacked baselines use PCA width {int(r['stack_width'].iloc[0])}. Mean ± std "
                "over seeds, best per column in bold.\n\n"
                + markdown_table(s, train_cols, labels=labels, decimals=decimals) + "\n"
            )
        table = _modality_table(r, decimals)
        if table is not None:
            parts[-1] += (
                "\nPer modality (training rows): ACC / NMI of each modality's rows inside the "
                "joint clustering; modality NMI = NMI between clusters and modalities (high: "
                "clusters hold one modality each, 0: every cluster mixes them in proportion).\n\n"
                + table + "\n")
    return "\n".join(parts)


def paper_markdown():
    """The paper's DM2C scores as a Markdown table.

    Returns
    -------
    table : str
        One row per data set of ``PAPER_DM2C`` (Wikipedia, NUS-WIDE-10K) with
        the published ACC, ARI, NMI, F and Purity to 4 decimals; no trailing
        newline.
    """
    lines = ["| data set (paper) | " + " | ".join(METRIC_LABELS.values()) + " |",
             "|---|" + ":---:|" * len(METRIC_LABELS)]
    for label, scores in PAPER_DM2C.values():
        lines.append(f"| {label} | " + " | ".join(f"{v:.4f}" for v in scores) + " |")
    return "\n".join(lines)


def comparison_markdown(runs, reference="dm2c", metrics=("acc", "nmi")):
    """Paired per-seed differences ``reference - baseline`` per data set.

    Each cell: the mean difference over the seeds both methods finished, its
    standard error (standard deviation of the differences over
    ``sqrt(n_seeds)``; the seeds share the data split or protocol draw, so
    the differences are paired) and in brackets on how many of those seeds
    ``reference`` scored higher.  Held-out columns are left out where no
    held-out rows exist (the incomplete and aligned protocols).

    Failed runs (non-empty ``error``) are left out.  A data set is skipped
    when ``reference`` has no finished run there or fewer than two methods
    finished.  Each data set's block is ``"<dataset>:"``, a table with one
    row per other method (registry order) and one column per metric, first
    the training rows then the held-out rows (``ΔACC (train)``,
    ``ΔACC (held-out)``, ...; a column is kept where ``reference`` has a
    finite score), and a closing line saying, per column, whether the mean
    difference is positive against every other method (``yes`` / ``no``).
    With one common seed the standard error is ``nan``.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`runs_frame` (the columns ``dataset``,
        ``method``, ``seed``, ``error`` and ``train_<metric>`` /
        ``test_<metric>`` are used).
    reference : str, default="dm2c"
        Method compared with every other method.
    metrics : sequence of str, default=("acc", "nmi")
        Metric names, keys of ``METRIC_LABELS`` (``"acc"``, ``"ari"``,
        ``"nmi"``, ``"f_score"``, ``"purity"``).

    Returns
    -------
    markdown : str
        The blocks of the data sets (each ending with a newline) joined by
        newlines; an empty string when no data set has ``reference`` and
        another method.
    """
    ok = runs[runs["error"].fillna("").astype(str) == ""]
    parts = []
    for dataset, d in ok.groupby("dataset", sort=False):
        ref = d[d["method"] == reference].set_index("seed")
        if not len(ref) or d["method"].nunique() < 2:
            continue
        cols = [f"{p}_{m}" for p in ("train", "test") for m in metrics
                if np.isfinite(ref[f"{p}_{m}"].astype(float)).any()]
        header = ["baseline"] + [f"Δ{METRIC_LABELS[c.split('_', 1)[1]]} "
                                 f"({'train' if c.startswith('train') else 'held-out'})"
                                 for c in cols]
        lines = [f"{dataset}:", "", "| " + " | ".join(header) + " |",
                 "|---|" + ":---:|" * len(cols)]
        beats = {c: True for c in cols}
        for method in _method_order(d["method"].unique()):
            if method == reference:
                continue
            other = d[d["method"] == method].set_index("seed")
            seeds = ref.index.intersection(other.index)
            cells = [method_label(method)]
            for c in cols:
                diff = ref.loc[seeds, c].astype(float) - other.loc[seeds, c].astype(float)
                beats[c] &= bool(diff.mean() > 0)
                se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
                cells.append(f"{diff.mean():+.4f} ± {se:.4f} ({int((diff > 0).sum())}/"
                             f"{len(seeds)})")
            lines.append("| " + " | ".join(cells) + " |")
        verdict = ", ".join(f"{h[1:]}: {'yes' if beats[c] else 'no'}"
                            for h, c in zip(header[1:], cols))
        lines += ["", f"{method_label(reference)} higher than every baseline on average — "
                      f"{verdict}.", ""]
        parts.append("\n".join(lines))
    return "\n".join(parts)


def summary_markdown(runs, references=None, reference="dm2c"):
    """One line per data set: ``reference`` against the best other method.

    Training-row and held-out ACC / NMI (means over seeds); the best other
    method of each column is named; with ``references`` (see
    :func:`skdm2c.benchmark._reference.reference_scores`) the random-pairing
    and label-pairing ACC of the training rows are added.

    Failed runs (non-empty ``error``) are left out.  A data set (in order of
    first appearance) is listed when ``reference`` and at least one other
    method finished there.  For each of ``train_acc``, ``train_nmi``,
    ``test_acc`` and ``test_nmi``: the mean of ``reference`` (3 decimals, in
    bold when strictly above the best other method) and the highest mean of
    the other methods with that method's display name in brackets.  The
    header names ``reference`` by its display name.  Meant for runs of
    the unpaired protocol (with held-out rows).

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`runs_frame` (the columns ``dataset``,
        ``method``, ``error``, ``train_acc``, ``train_nmi``, ``test_acc`` and
        ``test_nmi`` are used).
    references : dict, default=None
        ``{dataset: (modality_names, seeds, [reference_scores, ...])}``, one
        :func:`~skdm2c.benchmark._reference.reference_scores` dict per seed.
        When given (and not empty), two columns are added: the mean
        ``random_acc`` and ``aligned_acc`` over the list, to 3 decimals
        (empty cells for a data set not in it).
    reference : str, default="dm2c"
        Method compared with the best other method.

    Returns
    -------
    table : str
        The Markdown table, ending with a newline (only the header and the
        alignment row when no data set is listed).
    """
    ok = runs[runs["error"].fillna("").astype(str) == ""]
    cols = ["train_acc", "train_nmi", "test_acc", "test_nmi"]
    means = ok.groupby(["dataset", "method"], sort=False)[cols].mean()
    name = method_label(reference)
    header = ["data set", f"{name} train ACC", "best other", f"{name} train NMI", "best other",
              f"{name} held-out ACC", "best other", f"{name} held-out NMI", "best other"]
    if references:
        header += ["random pairing ACC", "label-pairing ceiling ACC"]
    lines = ["| " + " | ".join(header) + " |", "|---|" + ":---:|" * (len(header) - 1)]
    for dataset in dict.fromkeys(ok["dataset"]):
        d = means.loc[dataset]
        if reference not in d.index or len(d.index) < 2:
            continue
        others = d.drop(index=reference)
        cells = [dataset]
        for c in cols:
            best = others[c].idxmax()
            mine, theirs = d.loc[reference, c], others.loc[best, c]
            mark = "**" if mine > theirs else ""
            cells += [f"{mark}{mine:.3f}{mark}", f"{theirs:.3f} ({method_label(best)})"]
        if references:
            if dataset in references:
                scores = references[dataset][2]
                cells += [f"{np.mean([r['random_acc'] for r in scores]):.3f}",
                          f"{np.mean([r['aligned_acc'] for r in scores]):.3f}"]
            else:
                cells += ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ figures
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_scores(runs, path, metrics=("acc", "nmi"), references=None):
    """Bar chart: ``metrics`` per method and dataset (mean ± std over seeds).

    One row of panels per metric, columns for training and held-out rows.
    ``references`` (``{dataset: (names, seeds, [reference_scores, ...])}``)
    adds the label-pairing ceiling (dashed) and the random-pairing line
    (dotted) of each data set to the training-row panels.

    The means and stds are those of :func:`summarize` (failed runs left
    out).  Every panel has one group of bars per data set (order of first
    appearance) and one bar per method (registry order) and a y-axis from
    0 to 1.05; the legend of the methods is in the top-right panel, that of
    the reference lines (when given) in the top-left one.  The reference
    lines are the means over the seeds of the reference dicts.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`runs_frame` (the columns ``dataset``,
        ``method``, ``error`` and ``train_<metric>`` / ``test_<metric>`` of
        ``metrics`` are used).
    path : str or path-like
        File the figure is written to (matplotlib's ``savefig``, 120 dpi;
        the format follows the suffix, e.g. ``.png``).
    metrics : sequence of str, default=("acc", "nmi")
        Metric names, keys of ``METRIC_LABELS``: one row of panels each.
        With ``references``, only ``"acc"`` and ``"nmi"`` (the metrics of
        the reference dicts).
    references : dict, default=None
        ``{dataset: (modality_names, seeds, [reference_scores, ...])}``; only
        the list of :func:`~skdm2c.benchmark._reference.reference_scores`
        dicts is used (``aligned_<metric>`` and ``random_<metric>``).  Data
        sets not in it get no lines.

    Returns
    -------
    path : pathlib.Path
        ``path``, the written figure.
    """
    plt = _plt()
    cols = [f"{p}_{m}" for m in metrics for p in ("train", "test")]
    summary = summarize(runs, cols)
    datasets = list(dict.fromkeys(summary["dataset"]))
    methods = _method_order(summary["method"].unique())
    fig, axes = plt.subplots(len(metrics), 2, figsize=(max(6, 2.2 * len(datasets) + 3) * 2 / 1.5,
                                                       3.2 * len(metrics)), squeeze=False)
    width = 0.8 / max(1, len(methods))
    x = np.arange(len(datasets))
    for i, m in enumerate(metrics):
        for j, part in enumerate(("train", "test")):
            ax = axes[i, j]
            for k, method in enumerate(methods):
                s = summary[summary["method"] == method].set_index("dataset").reindex(datasets)
                ax.bar(x + (k - (len(methods) - 1) / 2) * width, s[f"{part}_{m}_mean"], width,
                       yerr=s[f"{part}_{m}_std"], capsize=2, label=method_label(method))
            if part == "train" and references:
                _reference_lines(ax, x, datasets, references, m)
            ax.set_xticks(x, datasets)
            ax.set_ylim(0, 1.05)
            rows = "training rows" if part == "train" else "held-out rows"
            ax.set_title(f"{METRIC_LABELS[m]}, {rows}")
            ax.grid(axis="y", alpha=0.3)
    axes[0, -1].legend(fontsize="small", ncol=2, loc="upper right")
    if references:
        axes[0, 0].legend(fontsize="small", loc="upper right",
                          handles=[h for h in axes[0, 0].get_legend_handles_labels()[0]
                                   if "pairing" in h.get_label()])
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def _reference_lines(ax, x, datasets, references, metric):
    for xi, dataset in zip(x, datasets):
        if dataset not in references:
            continue
        scores = references[dataset][2]
        for key, style, label in (("aligned", "--", "label-pairing ceiling"),
                                  ("random", ":", "random pairing")):
            value = float(np.mean([s[f"{key}_{metric}"] for s in scores]))
            ax.hlines(value, xi - 0.45, xi + 0.45, colors="black", linestyles=style,
                      linewidth=1.2, label=label if xi == x[0] else None)


def _modality_label(m, names):
    if m < 0:  # a row observing several modalities (partially paired data)
        return "several modalities"
    return str(names[m]) if m < len(names) else f"modality {m}"


def plot_latent(latent_file, path, title="", method="tsne", random_state=0):
    """2-D map of DM2C's unified latent space: colour = class, marker = modality.

    Parameters
    ----------
    latent_file : str or path-like
        ``.npz`` file written by the runner for a DM2C run
        (``<cache key>.latent.npz``, see :func:`run_benchmark`), with the
        arrays ``latent`` (latent codes of the training and held-out rows),
        ``target``, ``modality`` and ``modality_names``.
    path : str or path-like
        File the figure is written to (matplotlib's ``savefig``, 120 dpi;
        the format follows the suffix).
    title : str, default=""
        Title of the figure; an empty string gives
        ``"DM2C unified latent space (colour = class)"``.
    method : str, default="tsne"
        ``"tsne"``: a 2-D t-SNE (``init="pca"``, perplexity
        ``min(30, (n_rows - 1) / 3)``, run on one thread) when there are more
        than 5 rows.  Any other value (e.g. ``"pca"``), and ``"tsne"`` with
        5 rows or fewer: the first two principal components.
    random_state : int, default=0
        Seed of the t-SNE or the PCA.

    Returns
    -------
    path : pathlib.Path
        ``path``, the written figure.
    """
    plt = _plt()
    d = np.load(latent_file, allow_pickle=False)
    Z, y, mod, names = d["latent"], d["target"], d["modality"], d["modality_names"]
    if method == "tsne" and len(Z) > 5:
        from sklearn.manifold import TSNE
        from threadpoolctl import threadpool_limits

        # one thread: OpenMP spin-waiting makes t-SNE 10x slower on a busy machine
        with threadpool_limits(1):
            Z2 = TSNE(2, init="pca", random_state=random_state,
                      perplexity=min(30.0, (len(Z) - 1) / 3)).fit_transform(Z)
    else:
        from sklearn.decomposition import PCA

        Z2 = PCA(2, random_state=random_state).fit_transform(Z)
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    markers = ["o", "^", "s", "D", "v", "P", "X", "*"]
    cmap = plt.get_cmap("tab10" if len(np.unique(y)) <= 10 else "tab20")
    classes = np.unique(y)
    for m in np.unique(mod):
        sel = mod == m
        ax.scatter(Z2[sel, 0], Z2[sel, 1], c=[cmap(int(np.searchsorted(classes, v)) % cmap.N)
                                              for v in y[sel]],
                   marker=markers[int(m) % len(markers)], s=12, alpha=0.7, linewidths=0,
                   label=_modality_label(m, names))
    leg = ax.legend(title="modality (marker)", fontsize="small", markerscale=1.5)
    for h in leg.legend_handles:
        h.set_color("0.3")
    ax.set_title(title or "DM2C unified latent space (colour = class)")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)
