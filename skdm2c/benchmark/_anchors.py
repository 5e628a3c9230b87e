"""Published scores on the benchmark's own files (anchors of the sweep plot).

Numbers copied from papers, NOT runs of this package: each method was run by
its authors (or by the paper cited) on the same feature files, with their
own protocol.  They are shown next to the sweep as markers, never mixed into
the tables of runs.  ``None``: the metric is not reported where cited.
"""

__all__ = ["ANCHORS", "ANCHOR_NOTES", "anchors_for", "anchors_markdown"]

#: (data base, protocol, fraction, method, venue, ACC, NMI, ARI, source)
ANCHORS = (
    ("cub10", "incomplete", 0.0, "CPMN", "NeurIPS 2025", 0.470, 0.498, 0.296,
     "CPMN (Learning from Disjoint Views), its CUB results table"),
    ("cub10", "incomplete", 0.0, "SMILE", "TPAMI 2024", 0.402, None, None,
     "as reported in CPMN's CUB results table"),
    ("cub10", "incomplete", 0.0, "DM2C", "NeurIPS 2019", 0.356, None, None,
     "as reported in CPMN's CUB results table"),
    ("cub10", "incomplete", 0.5, "DSIMVC", "ICML 2022", 0.544, 0.524, 0.352,
     "50% missing, as reported in CPMN, Table 2"),
    ("cub10", "aligned", 0.5, "VITAL", "ACM MM 2024", 0.787, 0.757, 0.654,
     "VITAL paper, CUB 50% aligned (figure as quoted in issue 9)"),
    ("cub10", "aligned", 0.5, "SURE", "TPAMI 2022", 0.545, None, None,
     "CUB 50% aligned (figure as quoted in issue 9)"),
    ("cub10", "aligned", 0.5, "PVC", "NeurIPS 2020", 0.555, None, None,
     "CUB 50% aligned (figure as quoted in issue 9)"),
    ("scene15[view1,view2]", "incomplete", 0.5, "DCP", "TPAMI 2022", 0.395, 0.4235, 0.2351,
     "DCP's published results sheet, 50% missing, views 59-d + 40-d"),
)

#: Protocol differences between the anchors and the runs here (footnote).
ANCHOR_NOTES = (
    "Published numbers on the same feature files, not runs of this package; each paper's own "
    "protocol, preprocessing and hyper-parameters, chosen by its authors.",
    "*Unpaired* (CPMN, SMILE, DM2C at fraction 0): CPMN's setting, every instance observed in "
    "one view only; DM2C's 0.356 is CPMN's run of DM2C, not this package's.",
    "*50% missing* (DSIMVC, DCP): the missing rate of COMPLETER/DCP's code; for two views 50% "
    "of the instances keep both views and the rest one view, the incomplete protocol here at "
    "paired fraction 0.5. Which instances are paired and the per-run seeds differ.",
    "*50% aligned* (VITAL, SURE, PVC): every instance in both views, the correspondence of half "
    "of them known and the rest shuffled (the aligned protocol here); the papers score "
    "instances, the runs here score all rows (an unaligned instance is two rows).",
    "Scene-15 anchors use views 59-d and 40-d only (`scene15[view1,view2]`).",
)


def anchors_for(base, protocol=None):
    """Anchors of data ``base`` (e.g. ``"cub10"``), optionally of one protocol, as dicts.

    Parameters
    ----------
    base : str
        Data without the protocol, compared exactly with the first field of
        :data:`ANCHORS` (``"scene15"`` does not match
        ``"scene15[view1,view2]"``).
    protocol : {"incomplete", "aligned"} or None, default=None
        Keep only the anchors of this protocol; ``None``: all.

    Returns
    -------
    anchors : list of dict
        One dict per matching anchor, in the order of :data:`ANCHORS`, with
        the keys ``"base"``, ``"protocol"``, ``"fraction"``, ``"method"``,
        ``"venue"``, ``"acc"``, ``"nmi"``, ``"ari"`` (``None`` where not
        reported) and ``"source"``; empty when none matches.
    """
    keys = ("base", "protocol", "fraction", "method", "venue", "acc", "nmi", "ari", "source")
    return [dict(zip(keys, a)) for a in ANCHORS
            if a[0] == base and (protocol is None or a[1] == protocol)]


def _cell(value):
    return "–" if value is None else f"{value:.3f}"


def anchors_markdown(bases=None):
    """Markdown table of the anchors (of the data ``bases`` only, if given) and the notes.

    Parameters
    ----------
    bases : sequence of str, default=None
        Keep only the anchors of these data bases (exact match, as in
        :func:`anchors_for`); ``None``: all anchors.

    Returns
    -------
    markdown : str
        ``""`` when no anchor is kept.  Otherwise a table (data, protocol,
        fraction, method and venue, ACC / NMI / ARI to 3 decimals or ``"–"``
        where not reported, source), then the line
        ``"Notes on the published numbers:"`` and every note of
        :data:`ANCHOR_NOTES`, numbered, ending with a newline.
    """
    rows = [a for a in ANCHORS if bases is None or a[0] in set(bases)]
    if not rows:
        return ""
    lines = ["| data | protocol | fraction | method (venue) | ACC | NMI | ARI | source |",
             "|---|---|:---:|---|:---:|:---:|:---:|---|"]
    for base, protocol, fraction, method, venue, acc, nmi, ari, source in rows:
        lines.append(f"| {base} | {protocol} | {fraction:g} | {method} ({venue}) | "
                     f"{_cell(acc)} | {_cell(nmi)} | {_cell(ari)} | {source} |")
    notes = "\n".join(f"{i}. {n}" for i, n in enumerate(ANCHOR_NOTES, 1))
    return "\n".join(lines) + "\n\nNotes on the published numbers:\n\n" + notes + "\n"
