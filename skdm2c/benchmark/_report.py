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
    """
    import pandas as pd

    df = pd.DataFrame.from_records(list(records))
    for col in CSV_COLUMNS:
        if col not in df:
            df[col] = np.nan
    df = df[CSV_COLUMNS + [c for c in df.columns if c not in CSV_COLUMNS]]
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
    """Markdown tables of a runs DataFrame: per dataset, training and held-out rows."""
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
    """The paper's DM2C scores as a Markdown table."""
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
    """
    ok = runs[runs["error"].fillna("").astype(str) == ""]
    cols = ["train_acc", "train_nmi", "test_acc", "test_nmi"]
    means = ok.groupby(["dataset", "method"], sort=False)[cols].mean()
    header = ["data set", "DM2C train ACC", "best other", "DM2C train NMI", "best other",
              "DM2C held-out ACC", "best other", "DM2C held-out NMI", "best other"]
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


def plot_latent(latent_file, path, title="", method="tsne", random_state=0):
    """2-D map of DM2C's unified latent space: colour = class, marker = modality."""
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
                   label=str(names[m]) if m < len(names) else f"modality {m}")
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
