"""Label-informed reference points of a mixed-modal benchmark set.

These are diagnostics, not methods: two of them use the true labels.  For
every seed they are computed on the same training rows the methods see:

* ``single`` -- k-means (``n_init=10``) on each modality's rows ALONE, on
  its own features after the benchmark's common preprocessing
  (:func:`skdm2c.benchmark._methods.fair_preprocessor`, the input every
  method gets): how well that modality clusters by itself (ACC / NMI over
  that modality's rows).
* ``aligned`` -- those per-modality clusterings put together, each
  modality's clusters mapped to classes by the Hungarian method on its own
  rows (uses labels).  What a mixed-modal method would reach if it kept
  every modality's k-means clusters and found the correct cross-modal
  correspondence: the ceiling "perfect alignment" of the issue text.
* ``random pairing`` -- the same per-modality clusterings, the other
  modalities' clusters paired with the first modality's at random (mean
  over 20 draws): what a method that keeps each modality's clusters but
  pairs them blindly reaches.

The gap between stacked k-means and ``aligned`` is what a mixed-modal
method can win; ``random pairing`` says how much of it needs the correct
correspondence.  The scores come from
:func:`skdm2c.metrics.alignment_reference`; this module adds the benchmark's
data handling and the Markdown table.
"""

import numpy as np

__all__ = ["reference_scores", "reference_markdown"]

N_RANDOM_PAIRINGS = 20


def reference_scores(dataset, seed, data_home=None):
    """Reference ACC / NMI of one data set and seed.

    :func:`skdm2c.metrics.alignment_reference` with ``random_state=seed`` on
    the benchmark's training rows of ``dataset`` for ``seed`` (the unpaired
    protocol); for a specification with a protocol (``cub10:incomplete=0.3``)
    on ALL rows of the same data without pairs (the unpaired assignment of
    ``seed``): the reference lines of the paired-fraction sweep at fraction 0.

    The rows go through the benchmark's common preprocessing
    (:func:`skdm2c.benchmark._methods.fair_preprocessor`, fitted on them);
    ``n_clusters`` is the number of classes of the data set and the random
    pairing is averaged over ``N_RANDOM_PAIRINGS`` (20) draws.

    Parameters
    ----------
    dataset : str or DataSpec
        Data-set specification (:mod:`skdm2c.benchmark._specs`).
    seed : int
        Seed of the data (assignment and split) and ``random_state`` of
        :func:`~skdm2c.metrics.alignment_reference`.
    data_home : str or path-like, default=None
        Folder of the real data sets; ``None``: the loaders' default.

    Returns
    -------
    scores : dict
        The dict of :func:`~skdm2c.metrics.alignment_reference`:
        ``"single_acc"``, ``"single_nmi"`` (lists, one score per modality),
        ``"random_acc"``, ``"random_nmi"``, ``"aligned_acc"`` and
        ``"aligned_nmi"``.

    Raises
    ------
    ValueError
        If ``dataset`` is not a valid specification.
    """
    from skdm2c.metrics import alignment_reference

    from ._methods import fair_preprocessor
    from ._runner import load_benchmark_data
    from ._specs import UNPAIRED, parse_spec

    spec = parse_spec(dataset)
    bunch, train, test = load_benchmark_data(spec.with_protocol(UNPAIRED), seed, data_home)
    if spec.all_rows:
        train = np.sort(np.concatenate([train, test]))
    # the same per-modality input as the methods (e.g. the count path of term counts)
    prep = fair_preprocessor(tuple(bunch.modality_dims))
    X = prep.fit_transform(np.asarray(bunch.data)[train])
    dims = tuple(getattr(prep, "modality_dims_out_", bunch.modality_dims))
    return alignment_reference(
        np.asarray(bunch.target)[train], X,
        modality_dims=dims, n_clusters=int(len(np.unique(bunch.target))),
        n_pairings=N_RANDOM_PAIRINGS, random_state=int(seed),
    )


def _mean_std(values):
    values = np.asarray(values, dtype=float)
    return f"{values.mean():.4f} ± {values.std():.4f}"


def reference_markdown(scores, modality_names):
    """Markdown table of a list of :func:`reference_scores` (one per seed).

    Parameters
    ----------
    scores : list of dict
        :func:`reference_scores` of one data set, one dict per seed.
    modality_names : sequence of str
        Name of each modality, in block order (one table row each).

    Returns
    -------
    table : str
        The Markdown table, ending with a newline: one row per modality
        (k-means on that modality's rows alone), then the random pairing and
        the pairing by the labels (the ceiling); ACC and NMI cells are
        ``"mean ± std"`` over the seeds, to 4 decimals (population std,
        ``ddof=0``).
    """
    lines = ["| reference (uses labels where marked) | ACC | NMI |", "|---|:---:|:---:|"]
    for m, name in enumerate(modality_names):
        lines.append(f"| k-means on the {name} rows alone (over those rows) | "
                     f"{_mean_std([s['single_acc'][m] for s in scores])} | "
                     f"{_mean_std([s['single_nmi'][m] for s in scores])} |")
    lines.append("| per-modality k-means, random cluster pairing (all rows) | "
                 f"{_mean_std([s['random_acc'] for s in scores])} | "
                 f"{_mean_std([s['random_nmi'] for s in scores])} |")
    lines.append("| per-modality k-means, pairing by the labels (all rows; ceiling) | "
                 f"{_mean_std([s['aligned_acc'] for s in scores])} | "
                 f"{_mean_std([s['aligned_nmi'] for s in scores])} |")
    return "\n".join(lines) + "\n"
