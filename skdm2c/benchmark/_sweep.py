"""The paired-fraction sweep: one table and one figure over protocols.

Runs whose data specification has a protocol (``cub10:incomplete=0.3``,
``cub10:aligned=0.5``; see :mod:`skdm2c.benchmark._specs`) are fitted and
scored on ALL rows of the set (``labels_``).  :func:`sweep_markdown` puts
them in one table (data x protocol x method, ACC / NMI / ARI mean ± std over
seeds); :func:`plot_sweep` draws ACC against the paired fraction per method,
with the label-informed reference lines of the unpaired data (fraction 0) and
the published anchors of :mod:`skdm2c.benchmark._anchors` as markers.
"""

from pathlib import Path

import numpy as np

from ._anchors import anchors_for
from ._methods import method_label
from ._specs import UNPAIRED, parse_spec

__all__ = ["sweep_runs", "sweep_summary", "sweep_markdown", "plot_sweep"]

SWEEP_METRICS = ("acc", "nmi", "ari")
_PROTOCOL_LABELS = {"incomplete": "incomplete, paired fraction {f:g}",
                    "aligned": "aligned, known fraction {f:g}"}


def protocol_label(protocol, fraction):
    """Words for a protocol and its fraction (the protocol column of the sweep table).

    Parameters
    ----------
    protocol : {"incomplete", "aligned"}
        Protocol of a data-set specification.
    fraction : float
        Its fraction (paired fraction, or known fraction for ``"aligned"``).

    Returns
    -------
    label : str
        E.g. ``"incomplete, paired fraction 0.3"`` or
        ``"aligned, known fraction 0.5"``;
        ``"unpaired (incomplete, paired fraction 0)"`` for the incomplete
        protocol at fraction 0.

    Raises
    ------
    KeyError
        For any other protocol (e.g. ``"unpaired"``).
    """
    if protocol == "incomplete" and fraction == 0:
        return "unpaired (incomplete, paired fraction 0)"
    return _PROTOCOL_LABELS[protocol].format(f=fraction)


def sweep_runs(runs):
    """The runs of protocol specifications, with ``base``/``protocol``/``fraction`` columns.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`~skdm2c.benchmark.runs_frame`; the
        ``dataset`` column holds data-set specifications.

    Returns
    -------
    sweep : pandas.DataFrame
        A copy of the runs whose specification has a protocol (incomplete or
        aligned; failed runs included), the index reset, with the columns
        ``base`` (the data without the protocol, e.g. ``"cub10"`` or
        ``"scene15[view1,view2]"``) and ``protocol`` added and
        ``paired_fraction`` set from the parsed specification.

    Raises
    ------
    ValueError
        If a ``dataset`` value is not a valid specification
        (:func:`~skdm2c.benchmark.parse_spec`).
    """
    runs = runs.copy()
    specs = [parse_spec(d) for d in runs["dataset"]]
    runs["base"] = [s.base for s in specs]
    runs["protocol"] = [s.protocol for s in specs]
    runs["paired_fraction"] = [np.nan if s.fraction is None else s.fraction for s in specs]
    return runs[runs["protocol"] != UNPAIRED].reset_index(drop=True)


def sweep_summary(runs):
    """Mean, std (ddof=1; 0 for one seed) and seed count per base, protocol, fraction, method.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`~skdm2c.benchmark.runs_frame`; only those of
        protocol specifications (:func:`sweep_runs`) are summarised.

    Returns
    -------
    summary : pandas.DataFrame
        One row per (``base``, ``protocol``, ``paired_fraction``,
        ``method``), with the columns ``base``, ``protocol``,
        ``paired_fraction``, ``method``, ``n_runs`` (runs that did not fail),
        ``n_failed``, ``n_rows`` (``n_train`` of the group's first run: all
        rows of the set), ``n_paired_rows`` (mean over all runs of the
        group; NaN without that column), then ``<metric>_mean`` and
        ``<metric>_std`` of the all-row scores ``train_<metric>`` for
        ``acc``, ``nmi`` and ``ari``, over the runs that did not fail (mean
        NaN when all failed).  Sorted by base (order of first appearance),
        protocol (incomplete before aligned), fraction, then method
        (registry order); the index is reset.  An empty DataFrame when no
        run has a protocol.

    Raises
    ------
    ValueError
        If a ``dataset`` value is not a valid specification.
    """
    import pandas as pd

    from ._report import _method_order

    sw = sweep_runs(runs)
    if not len(sw):
        return pd.DataFrame()
    ok = sw[sw["error"].fillna("").astype(str) == ""]
    rows = []
    bases = list(dict.fromkeys(sw["base"]))
    for (base, protocol, fraction, method), g in sw.groupby(
            ["base", "protocol", "paired_fraction", "method"], sort=False):
        good = ok.loc[g.index.intersection(ok.index)]
        row = {"base": base, "protocol": protocol, "paired_fraction": float(fraction),
               "method": method, "n_runs": len(good), "n_failed": len(g) - len(good),
               "n_rows": int(g["n_train"].iloc[0]),
               "n_paired_rows": float(np.mean(g["n_paired_rows"])) if "n_paired_rows" in g
               else np.nan}
        for m in SWEEP_METRICS:
            v = good[f"train_{m}"].astype(float)
            row[f"{m}_mean"] = v.mean() if len(v) else np.nan
            row[f"{m}_std"] = v.std(ddof=1) if len(v) > 1 else 0.0
        rows.append(row)
    out = pd.DataFrame(rows)
    order = {m: i for i, m in enumerate(_method_order(out["method"].unique()))}
    out = out.assign(
        _b=out["base"].map({b: i for i, b in enumerate(bases)}),
        _p=out["protocol"].map({"incomplete": 0, "aligned": 1}),
        _o=out["method"].map(order),
    ).sort_values(["_b", "_p", "paired_fraction", "_o"], kind="stable")
    return out.drop(columns=["_b", "_p", "_o"]).reset_index(drop=True)


def sweep_markdown(runs, decimals=3):
    """Markdown sweep table (empty string without protocol runs).

    One row per data, protocol and method; ACC / NMI / ARI of all rows
    (``labels_``), mean ± std over seeds; the best ACC of each (data,
    protocol) group in bold.

    The columns are ``data``, ``protocol`` (:func:`protocol_label`),
    ``rows (paired)`` (rows of the set, and the mean number of multi-block
    rows), ``method``, ``ACC``, ``NMI``, ``ARI`` (``"n/a"`` when every run
    failed) and ``seeds`` (runs that did not fail, with ``"(<n> failed)"``
    where some did).  The best ACC is compared at the displayed precision
    (ties all in bold) and marked only in groups of more than one method.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`~skdm2c.benchmark.runs_frame`; those without
        a protocol are ignored (:func:`sweep_summary`).
    decimals : int, default=3
        Decimals of mean and std.

    Returns
    -------
    table : str
        The Markdown table, ending with a newline; ``""`` when no run has a
        protocol.

    Raises
    ------
    ValueError
        If a ``dataset`` value is not a valid specification.
    """
    s = sweep_summary(runs)
    if not len(s):
        return ""
    lines = ["| data | protocol | rows (paired) | method | ACC | NMI | ARI | seeds |",
             "|---|---|:---:|---|:---:|:---:|:---:|:---:|"]
    for _, g in s.groupby(["base", "protocol", "paired_fraction"], sort=False):
        best = g["acc_mean"].round(decimals).max()
        for _, r in g.iterrows():
            cells = [r["base"], protocol_label(r["protocol"], r["paired_fraction"]),
                     f"{r['n_rows']} ({r['n_paired_rows']:.0f})", method_label(r["method"])]
            for m in SWEEP_METRICS:
                mean, std = float(r[f"{m}_mean"]), float(r[f"{m}_std"])
                ok = np.isfinite(mean)
                text = f"{mean:.{decimals}f} ± {std:.{decimals}f}" if ok else "n/a"
                if m == "acc" and ok and round(mean, decimals) == best and len(g) > 1:
                    text = f"**{text}**"
                cells.append(text)
            seeds = f"{int(r['n_runs'])}" + (f" ({int(r['n_failed'])} failed)"
                                             if r["n_failed"] else "")
            cells.append(seeds)
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot_sweep(runs, path, references=None, metric="acc"):
    """ACC (``metric``) against the paired fraction, one panel per data set.

    Lines: one per method, the incomplete protocol (fraction 0 = unpaired).
    Filled diamonds, offset slightly to the right: the aligned protocol at its
    known fraction.  Dashed / dotted horizontal lines: label-pairing ceiling
    and random pairing of the per-modality k-means clusterings on the
    unpaired data (``references``: ``{base: [alignment_reference dicts]}``).
    Black markers: published anchors (:mod:`skdm2c.benchmark._anchors`),
    hollow for the incomplete, filled for the aligned protocol.

    Means and stds are those of :func:`sweep_summary` (failed runs left
    out); the reference lines are the means over the list of dicts.
    Anchors without a score for ``metric`` are not drawn.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs, as made by :func:`~skdm2c.benchmark.runs_frame`; those without
        a protocol are ignored.
    path : str or path-like
        File the figure is written to (matplotlib's ``savefig``, 120 dpi;
        the format follows the suffix).
    references : dict, default=None
        ``{base: [dict, ...]}``: per data base (e.g. ``"cub10"``), the
        :func:`skdm2c.metrics.alignment_reference` dicts of the unpaired
        data, one per seed (e.g. from
        :func:`skdm2c.benchmark._reference.reference_scores`).  Bases not
        in it get no lines.
    metric : {"acc", "nmi", "ari"}, default="acc"
        Score on the y-axis.  The reference lines are drawn for the scores
        the reference dicts hold (ACC and NMI; none for ARI).

    Returns
    -------
    path : pathlib.Path
        ``path``, the written figure.

    Raises
    ------
    ValueError
        If no run has a protocol, or a ``dataset`` value is not a valid
        specification.
    """
    from ._report import _plt

    plt = _plt()
    s = sweep_summary(runs)
    if not len(s):
        raise ValueError("plot_sweep: no run with a protocol (e.g. 'cub10:incomplete=0.3').")
    bases = list(dict.fromkeys(s["base"]))
    fig, axes = plt.subplots(1, len(bases), figsize=(8.2 * len(bases), 4.4), squeeze=False)
    colours = {}
    cmap = plt.get_cmap("tab10")
    anchor_markers = ["o", "s", "^", "v", "P", "X", "*", "h"]
    for ax, base in zip(axes[0], bases):
        b = s[s["base"] == base]
        for method in dict.fromkeys(b["method"]):
            colour = colours.setdefault(method, cmap(len(colours) % 10))
            inc = b[(b["method"] == method) & (b["protocol"] == "incomplete")]
            if len(inc):
                ax.errorbar(inc["paired_fraction"], inc[f"{metric}_mean"],
                            yerr=inc[f"{metric}_std"], color=colour, marker="o", capsize=2,
                            label=method_label(method))
            al = b[(b["method"] == method) & (b["protocol"] == "aligned")]
            if len(al):
                ax.errorbar(al["paired_fraction"] + 0.01, al[f"{metric}_mean"],
                            yerr=al[f"{metric}_std"], color=colour, marker="D", linestyle="none",
                            capsize=2, label=None if len(inc) else method_label(method))
        if references and base in references:
            for key, style, label in (("aligned", "--", "label-pairing ceiling (unpaired)"),
                                      ("random", ":", "random pairing (unpaired)")):
                if any(f"{key}_{metric}" not in r for r in references[base]):
                    continue  # e.g. ARI: the reference dicts hold ACC and NMI
                value = float(np.mean([r[f"{key}_{metric}"] for r in references[base]]))
                ax.axhline(value, color="black", linestyle=style, linewidth=1.1, label=label)
        for i, a in enumerate(anchors_for(base)):
            if a[metric] is None:
                continue
            filled = a["protocol"] == "aligned"
            ax.plot(a["fraction"] - 0.012, a[metric], linestyle="none",
                    marker=anchor_markers[i % len(anchor_markers)], markersize=7,
                    markerfacecolor="black" if filled else "white", markeredgecolor="black",
                    label=f"{a['method']} ({a['venue']}, {a['protocol']}; published)")
        ax.set_title(base)
        ax.set_xlabel("paired fraction (incomplete: lines; aligned: ◆)")
        ax.set_ylabel(f"{metric.upper()}, all rows (labels_)")
        ax.set_ylim(0, 1.05)
        ax.set_xlim(-0.05, max(0.55, float(b["paired_fraction"].max()) + 0.05))
        ax.grid(alpha=0.3)
        # beside the panel: with the baselines and anchors it would hide the lines
        ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0)
    fig.tight_layout()
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return Path(path)
