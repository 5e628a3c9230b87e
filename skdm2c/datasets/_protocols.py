"""Protocols that keep part of the cross-modal correspondence of paired views.

- :func:`make_incomplete`: a fraction of the instances keeps every modality
  (one multi-block row each), the others keep one (the incomplete multi-view
  protocol of COMPLETER / DCP);
- :func:`make_partially_aligned`: every instance is seen in every modality,
  but only a fraction of the correspondences is known (the partially aligned
  protocol of PVC / SURE).

At ``paired_fraction=0`` :func:`make_incomplete` is exactly
:func:`~skdm2c.datasets.make_mixed_modal`, so the fully unpaired (DM2C)
setting is the 0 end of one sweep.
"""

from numbers import Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._modality import _block_bounds
from ._mixed import _check_proportions, _draw_assignment, _exact_counts, _parse_views

__all__ = ["make_incomplete", "make_partially_aligned"]


def _check_fraction(value, name):
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a number in [0, 1]; got {value!r}.")
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1]; got {value}.")
    return value


def _n_kept(fraction, n):
    """Exact count ``fraction * n`` (largest remainder of ``[f, 1 - f]``: half rounds up)."""
    return int(_exact_counts(np.array([fraction, 1.0 - fraction]), n)[0])


def _packed(arrays, dims, observed, instance):
    """Packed rows: row ``r`` fills block ``m`` of instance ``instance[r]`` where observed."""
    dtype = np.result_type(*[a.dtype for a in arrays])
    X = np.full((len(instance), sum(dims)), np.nan, dtype=dtype)
    for m, ((start, stop), a) in enumerate(zip(_block_bounds(dims), arrays)):
        rows = np.flatnonzero(observed[:, m])
        X[rows, start:stop] = a[instance[rows]]
    return X


def _row_modality(observed):
    modality = np.argmax(observed, axis=1).astype(np.intp)
    modality[observed.sum(axis=1) > 1] = -1
    return modality


def make_incomplete(views, y=None, *, paired_fraction=0.5, proportions=None, names=None,
                    random_state=None):
    """Keep a fraction of the instances in every modality and the rest in one.

    From fully paired multi-view data, ``paired_fraction`` of the instances
    keep all their views: each becomes ONE packed row observing every block
    (a known cross-modal correspondence).  Every other instance keeps exactly
    one view, drawn with ``proportions`` as in
    :func:`~skdm2c.datasets.make_mixed_modal`.

    Parameters
    ----------
    views : list of array-like or dict of str to array-like
        The paired views; ``views[m]`` has shape ``(n_samples, n_features_m)``
        and row ``i`` of every view describes instance ``i``.  A dict gives the
        modality names and the block order.  Sparse matrices are densified.
    y : array-like of shape (n_samples,), default=None
        Labels, returned unchanged as ``target``.
    paired_fraction : float in [0, 1], default=0.5
        Fraction of instances kept in all modalities.  The count is exact:
        ``paired_fraction * n_samples`` rounded to the nearest integer (a half
        rounds up).
    proportions : array-like of shape (n_modalities,), default=None
        How the unpaired instances are split over the modalities; non-negative,
        summing to 1, equal by default.  Exact counts (largest remainder over
        the unpaired instances), randomly permuted.
    names : sequence of str, default=None
        Modality names.  Defaults to the dict keys, else ``"modality0"``, ...
    random_state : int, RandomState instance or None, default=None
        Seed of the draws (see :term:`Glossary <random_state>`).  The
        modality of the unpaired instances is drawn first, exactly as
        :func:`~skdm2c.datasets.make_mixed_modal` draws it, then the paired
        instances; so ``paired_fraction=0`` gives the same data as
        ``make_mixed_modal`` with the same ``random_state``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields

        - ``data``: ndarray of shape ``(n_samples, sum(modality_dims))``, the
          packed array; rows keep the ORIGINAL order (row ``i`` is instance
          ``i``).
        - ``target``: ndarray of shape ``(n_samples,)``, or None without ``y``.
        - ``observed``: bool ndarray of shape ``(n_samples, n_modalities)``,
          the blocks each row fills (see :func:`skdm2c.observed_blocks`).
        - ``modality``: int ndarray, the modality of each single-block row,
          ``-1`` for a row observing several blocks.
        - ``modality_names``, ``modality_dims``: tuples.
        - ``index``: ``arange(n_samples)``, the original instance of each row.
        - ``paired_fraction``: the fraction of multi-block rows obtained
          (``n_paired / n_samples``).

    Raises
    ------
    TypeError
        If ``paired_fraction`` is not a number.
    ValueError
        If ``paired_fraction`` lies outside [0, 1], the views have different
        row counts, ``y`` has the wrong length or ``proportions`` are invalid.

    See Also
    --------
    make_mixed_modal : The ``paired_fraction=0`` end.
    make_partially_aligned : Every instance in every modality, some pairs known.

    Notes
    -----
    **Correspondence with the "missing rate" of COMPLETER and DCP.**  Both
    define incomplete data from a missing rate ``m`` in a ``get_mask``
    function:

    - DCP (GitHub XLearning-SCU/2022-TPAMI-DCP, ``utils/get_mask.py``) keeps
      exactly ``int(n_samples * (1 - m))`` instances complete, and draws the
      mask of the others with an inner missing rate of 0.5: with 2 views each
      of them keeps exactly one view, chosen uniformly at random, and the rows
      are shuffled.  So for 2 views ``paired_fraction = 1 - m``, with two
      differences: DCP floors the count (we round, at most one instance
      apart) and draws the kept view independently per instance (we draw
      exact ``proportions``).  With 3 or more views DCP's incomplete
      instances keep one view plus random others (half of their entries
      observed); ours keep exactly one.
    - COMPLETER (GitHub XLearning-SCU/2021-CVPR-Completer, ``get_mask.py``)
      divides ``m`` by the number of views ``V``: a fraction ``m / V`` of all
      (instance, view) entries is missing, every instance keeps at least one
      view (a one-hot "view_preserve"), and extra views are drawn at random
      until the observed fraction is within 0.005 of ``1 - m / V``.  With 2
      views an incomplete instance keeps one view and the complete fraction
      is ``1 - m`` up to that random tolerance, so again
      ``paired_fraction = 1 - m`` (``m = 0.5``, "50% missing", is
      ``paired_fraction=0.5``); at ``m = 1`` every instance keeps one view
      (``paired_fraction=0``, the mixed-modal setting).  With ``V > 2`` the
      correspondence does not hold: COMPLETER's incomplete instances may keep
      several views.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.datasets import make_incomplete
    >>> image, text = np.ones((4, 3)), np.zeros((4, 2))
    >>> inc = make_incomplete({"image": image, "text": text}, y=[0, 1, 0, 1],
    ...                       paired_fraction=0.5, random_state=0)
    >>> inc.data.shape, int(inc.observed.all(axis=1).sum())
    ((4, 5), 2)
    >>> inc.modality  # -1: the row observes both blocks
    array([-1,  1, -1,  0])
    """
    arrays, names, dims, y = _parse_views(views, y, names, "make_incomplete")
    fraction = _check_fraction(paired_fraction, "paired_fraction")
    n, n_modalities = arrays[0].shape[0], len(arrays)
    p = _check_proportions(proportions, n_modalities)
    rng = check_random_state(random_state)
    n_paired = _n_kept(fraction, n)
    # the unpaired assignment first: identical to make_mixed_modal at paired_fraction=0
    single = _draw_assignment(n - n_paired, p, rng).astype(np.intp)
    paired = np.zeros(n, dtype=bool)
    paired[rng.permutation(n)[:n_paired]] = True
    observed = np.zeros((n, n_modalities), dtype=bool)
    observed[paired] = True
    observed[np.flatnonzero(~paired), single] = True
    index = np.arange(n)
    return Bunch(
        data=_packed(arrays, dims, observed, index),
        target=y,
        observed=observed,
        modality=_row_modality(observed),
        modality_names=names,
        modality_dims=dims,
        index=index,
        paired_fraction=n_paired / n if n else 0.0,
    )


def make_partially_aligned(views, y=None, *, aligned_fraction=0.5, names=None,
                           random_state=None):
    """Keep every instance in every modality, with only some correspondences known.

    From fully paired multi-view data, ``aligned_fraction`` of the instances
    are aligned: each becomes ONE packed row observing every block.  Every
    other instance contributes one single-block row PER modality, and nothing
    says which of those rows belong together.  All rows are shuffled (seeded),
    so their position carries no correspondence.

    Parameters
    ----------
    views : list of array-like or dict of str to array-like
        The paired views, as for :func:`make_incomplete`.
    y : array-like of shape (n_samples,), default=None
        Labels of the instances; ``target`` holds the label of every row.
    aligned_fraction : float in [0, 1], default=0.5
        Fraction of instances whose correspondence is kept.  The count is
        exact: ``aligned_fraction * n_samples`` rounded (a half rounds up).
    names : sequence of str, default=None
        Modality names.  Defaults to the dict keys, else ``"modality0"``, ...
    random_state : int, RandomState instance or None, default=None
        Seed of the aligned instances and of the row order.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        With the fields

        - ``data``: ndarray of shape ``(n_rows, sum(modality_dims))`` with
          ``n_rows = n_aligned + n_modalities * (n_samples - n_aligned)``.
        - ``target``: ndarray of shape ``(n_rows,)``, the label of every row
          (its instance's label), or None without ``y``.
        - ``observed``: bool ndarray of shape ``(n_rows, n_modalities)``.
        - ``modality``: int ndarray, the modality of each single-block row,
          ``-1`` for an aligned (multi-block) row.
        - ``instance``: int ndarray of shape ``(n_rows,)``, the original
          instance of every row.  It reveals the hidden correspondences:
          use it for evaluation only, never give it to a clusterer.
        - ``modality_names``, ``modality_dims``: tuples.
        - ``aligned_fraction``: the fraction of aligned instances obtained
          (``n_aligned / n_samples``).

    Raises
    ------
    TypeError
        If ``aligned_fraction`` is not a number.
    ValueError
        If ``aligned_fraction`` lies outside [0, 1], the views have different
        row counts or ``y`` has the wrong length.

    See Also
    --------
    make_incomplete : Unpaired instances kept in one modality only.

    Notes
    -----
    **Correspondence with the partially aligned protocol of PVC and SURE.**
    PVC (GitHub hi-zhenyu/PVC, ``datasets.py``) shuffles the instances and
    keeps the first ``int(n_samples * aligned_ratio)`` aligned; SURE (GitHub
    XLearning-SCU/2022-TPAMI-SURE, ``data_loader.py``) splits the instances
    with ``TT_split(n, 1 - aligned_prop)`` and permutes the second view (and
    its labels) of the unaligned ones with ``random.sample``.  Both are 2-view
    protocols in which every instance is present in both views, as here, so
    ``aligned_fraction`` is their aligned ratio ("50% aligned" is
    ``aligned_fraction=0.5``; we round the count where PVC floors it).  The
    evaluation differs: they re-align the unaligned second-view samples to
    first-view ones and score one clustering per instance (SURE's comment:
    it "establishes the correspondence of the all data rather than the
    unaligned portion in the testing"), whereas here every row is a sample to
    cluster and is scored with its own label, so an unaligned instance counts
    once per modality.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.datasets import make_partially_aligned
    >>> image, text = np.ones((4, 3)), np.zeros((4, 2))
    >>> al = make_partially_aligned([image, text], y=[0, 1, 0, 1],
    ...                             aligned_fraction=0.5, random_state=0)
    >>> al.data.shape  # 2 aligned rows + 2 unaligned instances x 2 modalities
    (6, 5)
    >>> np.bincount(al.instance)  # every instance once or twice
    array([2, 2, 1, 1])
    >>> bool((al.target == np.array([0, 1, 0, 1])[al.instance]).all())
    True
    """
    arrays, names, dims, y = _parse_views(views, y, names, "make_partially_aligned")
    fraction = _check_fraction(aligned_fraction, "aligned_fraction")
    n, n_modalities = arrays[0].shape[0], len(arrays)
    rng = check_random_state(random_state)
    n_aligned = _n_kept(fraction, n)
    aligned = np.zeros(n, dtype=bool)
    aligned[rng.permutation(n)[:n_aligned]] = True
    inst_aligned = np.flatnonzero(aligned)
    inst_single = np.flatnonzero(~aligned)
    instance = np.concatenate([inst_aligned, np.tile(inst_single, n_modalities)])
    observed = np.zeros((len(instance), n_modalities), dtype=bool)
    observed[: len(inst_aligned)] = True
    single_modality = np.repeat(np.arange(n_modalities), len(inst_single))
    observed[len(inst_aligned) + np.arange(len(single_modality)), single_modality] = True
    order = rng.permutation(len(instance))
    instance, observed = instance[order], observed[order]
    return Bunch(
        data=_packed(arrays, dims, observed, instance),
        target=None if y is None else y[instance],
        observed=observed,
        modality=_row_modality(observed),
        instance=instance,
        modality_names=names,
        modality_dims=dims,
        aligned_fraction=n_aligned / n if n else 0.0,
    )
