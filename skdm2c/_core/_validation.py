"""Validators shared by every estimator: parameters, devices, input scale.

Each function fails early with a message that names the parameter (or the
row and column of the input) and says what is accepted, so that no bad value
reaches torch or numpy and crashes deep inside training.
"""

import math
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import InvalidParameterError

__all__ = [
    "DegenerateClusteringWarning",
    "InputScaleWarning",
    "check_layer_sizes",
    "check_device",
    "check_per_modality",
    "check_finite_params",
    "check_finite_input",
    "check_float32_range",
    "check_input_scale",
    "check_not_modalities",
    "check_distinct_rows",
    "warn_empty_clusters",
    "fit_standardizer",
    "apply_standardizer",
]

#: Largest finite float32; inputs beyond it become inf in the networks.
FLOAT32_MAX = float(np.finfo(np.float32).max)


class DegenerateClusteringWarning(UserWarning):
    """The data or the learned embedding cannot hold ``n_clusters`` clusters."""


def warn_empty_clusters(labels, n_clusters, step):
    """Warn (``DegenerateClusteringWarning``) when ``labels`` leave clusters without
    rows, naming them and the ``step`` of the estimator that did."""
    empty = np.setdiff1d(np.arange(n_clusters), labels)
    if empty.size:
        warnings.warn(
            f"{step} left {empty.size} of n_clusters={n_clusters} clusters without rows "
            f"({empty.tolist()}); fewer clusters are used.",
            DegenerateClusteringWarning, stacklevel=3,
        )


class InputScaleWarning(UserWarning):
    """The input's scale is far from the unit scale the networks train on."""


def warn_constant_modalities(X, observed, dims, names, owner):
    """Warn for every modality whose rows all hold the same values at fit.

    Such a modality's rows all get the same code, so they can only share one
    cluster.

    Parameters
    ----------
    X : ndarray of shape (n_samples, sum(dims))
        Packed training rows.
    observed : ndarray of shape (n_samples, n_modalities), dtype=bool
        Blocks each row observes.
    dims : sequence of int
        Width of every modality's block.
    names : sequence of str
        Modality names, for the message.
    owner : str
        The estimator named in the message.

    Warns
    -----
    DegenerateClusteringWarning
        Naming the modality, its columns and its number of rows.
    """
    start = 0
    for m, width in enumerate(dims):
        V = X[observed[:, m], start:start + width]
        if V.shape[0] > 1 and np.all(V == V[0]):
            warnings.warn(
                f"{owner}: modality {m} ({names[m]!r}, columns {start}:{start + width}) holds "
                f"the same values on all its {V.shape[0]} rows at fit: every one of its rows "
                "gets the same code.", DegenerateClusteringWarning, stacklevel=3)
        start += width


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def _fmt(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# ----------------------------------------------------------------- parameters
def _layer_tuple(value, name, allow_empty, what="layer widths"):
    accepted = (
        f"{name} must be a sequence of positive ints ({what})"
        + (", possibly empty" if allow_empty else "")
    )
    if isinstance(value, (str, bytes, dict, set)) or not hasattr(value, "__iter__"):
        raise InvalidParameterError(f"{accepted}; got {_fmt(value)}.")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise InvalidParameterError(f"{accepted}; got an array of shape {value.shape}.")
    sizes = []
    for i, v in enumerate(value):
        if not _is_int(v):
            raise InvalidParameterError(
                f"{accepted}; entry {i} is {_fmt(v)} of type {type(v).__name__}."
            )
        if v < 1:
            raise InvalidParameterError(f"{accepted}; entry {i} is {int(v)} (widths must be >= 1).")
        sizes.append(int(v))
    if not sizes and not allow_empty:
        raise InvalidParameterError(f"{accepted}; got an empty sequence.")
    return tuple(sizes)


def check_layer_sizes(value, name, *, n_modalities=None, allow_per_modality=False,
                      allow_none=True, allow_empty=True, what="layer widths"):
    """Validate layer widths: a sequence of positive ints, or one per modality.

    Parameters
    ----------
    value : sequence of int, sequence of sequences of int, or None
        The parameter value.  ``bool``, floats, zero, negative widths,
        strings and nested garbage are rejected.
    name : str
        Parameter name used in the messages.
    n_modalities : int, default=None
        Number of modalities; required to check the length of a per-modality
        value (checked only when given).
    allow_per_modality : bool, default=False
        Whether a sequence of sequences (one tuple of widths per modality) is
        accepted.
    allow_none : bool, default=True
        Whether ``None`` (automatic widths) is accepted.
    allow_empty : bool, default=True
        Whether an empty sequence (no hidden layer) is accepted.
    what : str, default="layer widths"
        What the integers are, for the messages (e.g. ``"block widths"``
        when checking ``modality_dims``).

    Returns
    -------
    sizes : tuple of int, list of tuple of int, or None
        ``None`` for None; a list of tuples (one per modality) for a
        per-modality value; else one tuple.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        (a ValueError) naming ``name``, the offending entry and the accepted values.
    """
    if value is None:
        if allow_none:
            return None
        raise InvalidParameterError(f"{name} must be a sequence of positive ints; got None.")
    if isinstance(value, np.ndarray) and value.ndim == 2 and allow_per_modality:
        value = [list(row) for row in value]
    items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else None
    nested = (
        items is not None and len(items) > 0
        and all(isinstance(v, (list, tuple, np.ndarray)) for v in items)
    )
    if nested:
        if not allow_per_modality:
            raise InvalidParameterError(
                f"{name} must be a flat sequence of positive ints ({what}); got the "
                f"nested value {_fmt(value)}."
            )
        if n_modalities is not None and len(items) != n_modalities:
            raise InvalidParameterError(
                f"{name} gives {len(items)} per-modality tuples of widths for {n_modalities} "
                f"modalities; pass one tuple per modality or one tuple shared by all."
            )
        return [_layer_tuple(v, f"{name}[{m}]", allow_empty, what)
                for m, v in enumerate(items)]
    if items is not None and any(isinstance(v, (list, tuple, np.ndarray)) for v in items):
        raise InvalidParameterError(
            f"{name} mixes sequences and scalars ({_fmt(value)}); pass a sequence of positive "
            "ints" + (" or one such sequence per modality." if allow_per_modality else ".")
        )
    return _layer_tuple(value, name, allow_empty, what)


def check_device(device):
    """Return a :class:`torch.device` that training can use on this machine.

    Parameters
    ----------
    device : str or torch.device
        ``"cpu"``, ``"cuda"``, ``"cuda:<index>"`` or ``"mps"`` (when
        available), or a device object of those types.

    Returns
    -------
    device : torch.device

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        (a ValueError) for a string torch does not parse, the ``meta`` device or any other
        device type, CUDA without a GPU (or a GPU index out of range), MPS
        where it is not available.
    """
    accepted = "use 'cpu', 'cuda', 'cuda:<index>' (with a GPU) or 'mps' (on Apple silicon)"
    if isinstance(device, torch.device):
        dev = device
    elif isinstance(device, str):
        try:
            dev = torch.device(device)
        except (RuntimeError, ValueError, TypeError) as exc:
            raise InvalidParameterError(
                f"device={device!r} is not a torch device; {accepted}.") from exc
    else:
        raise InvalidParameterError(
            f"device must be a str or torch.device; got {_fmt(device)}; {accepted}.")
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise InvalidParameterError(
                f"device={device!r} was requested but CUDA is not available on this "
                "machine; use device='cpu'."
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise InvalidParameterError(
                f"device={device!r} but this machine has {torch.cuda.device_count()} CUDA "
                f"device(s) (indices 0..{torch.cuda.device_count() - 1})."
            )
        return dev
    if dev.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise InvalidParameterError(
                f"device={device!r} was requested but MPS is not available on this machine; "
                "use device='cpu'."
            )
        return dev
    raise InvalidParameterError(
        f"device={device!r} (type {dev.type!r}) cannot train a model; {accepted}.")


def _check_real(value, name, positive):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise InvalidParameterError(f"{name} must be a real number; got {_fmt(value)}.")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidParameterError(f"{name} must be finite; got {value}.")
    if positive and value <= 0:
        raise InvalidParameterError(f"{name} must be > 0; got {value}.")
    if not positive and value < 0:
        raise InvalidParameterError(f"{name} must be >= 0; got {value}.")
    return value


def check_per_modality(value, name, n_modalities, *, positive=True):
    """Validate a scalar-or-per-modality real parameter (e.g. a learning rate).

    Parameters
    ----------
    value : float or sequence of float
        One value shared by every modality, or one value per modality.
    name : str
        Parameter name used in the messages.
    n_modalities : int or None
        Number of modalities; ``None`` (not known yet, e.g. before the
        layout is inferred at fit) checks the entries but not the length.
    positive : bool, default=True
        Require ``> 0``; else ``>= 0``.  Values must be finite real numbers
        (not bool) in both cases.

    Returns
    -------
    values : list of float
        One value per modality (a scalar gives ``n_modalities`` copies, or
        one value when ``n_modalities`` is None).

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        (a ValueError) naming ``name``, the entry and the accepted values.
    """
    bound = "> 0" if positive else ">= 0"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (list, tuple, np.ndarray)):
        if isinstance(value, np.ndarray) and value.ndim != 1:
            raise InvalidParameterError(
                f"{name} must be a float or a 1-D sequence; got shape {value.shape}.")
        items = value.tolist() if isinstance(value, np.ndarray) else list(value)
        if not items:
            raise InvalidParameterError(f"{name} must be a float {bound} or a non-empty sequence.")
        if n_modalities is not None and len(items) != n_modalities:
            raise InvalidParameterError(
                f"{name} gives {len(items)} values for {n_modalities} modalities; pass one "
                f"float {bound} or {n_modalities} of them."
            )
        return [_check_real(v, f"{name}[{m}]", positive) for m, v in enumerate(items)]
    return [_check_real(value, name, positive)] * (1 if n_modalities is None else n_modalities)


def check_finite_params(estimator):
    """Reject bool for numeric parameters and non-finite reals.

    scikit-learn's :class:`~sklearn.utils._param_validation.Interval` accepts
    ``True`` as an integer and ``inf`` for unbounded intervals; neither is a
    meaningful width, count, rate or weight here.  Parameters whose
    constraints also accept ``"boolean"`` or ``"verbose"`` are left alone.
    """
    from sklearn.utils._param_validation import Interval

    constraints = getattr(estimator, "_parameter_constraints", {})
    params = estimator.get_params(deep=False)
    for name, options in constraints.items():
        if name not in params:
            continue
        intervals = [c for c in options if isinstance(c, Interval)]
        if not intervals or any(c in ("boolean", "verbose") for c in options if isinstance(c, str)):
            continue
        value = params[name]
        kinds = "an int" if all(c.type is Integral for c in intervals) else "a number"
        if isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(estimator).__name__} must be {kinds}, "
                f"not the bool {value!r} ({intervals[0]})."
            )
        if isinstance(value, Real) and not isinstance(value, Integral) \
                and not math.isfinite(float(value)):
            raise InvalidParameterError(
                f"The {name!r} parameter of {type(estimator).__name__} must be finite "
                f"({intervals[0]}); got {value!r}."
            )


# ---------------------------------------------------------------------- input
def _first_bad(mask):
    r, c = np.unravel_index(int(np.flatnonzero(mask.ravel())[0]), mask.shape)
    return int(r), int(c)


def check_finite_input(X, *, name="X", hint=None):
    """Raise a ValueError naming the first NaN / infinite entry of ``X``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Numeric input.
    name : str, default="X"
        Name of the input in the message.
    hint : str, default=None
        Appended to the message (e.g. how to handle packed mixed-modal data).
    """
    X = np.asarray(X)
    if X.dtype.kind not in "fc" or X.size == 0:
        return
    bad = ~np.isfinite(X)
    if not bad.any():
        return
    r, c = _first_bad(bad)
    kind = "NaN" if np.isnan(X[r, c]) else "infinity"
    n_rows = int(bad.any(axis=1).sum())
    msg = (
        f"Input {name} contains {kind} at row {r}, column {c} "
        f"({n_rows} row(s) hold NaN or infinity)."
    )
    raise ValueError(msg + (f" {hint}" if hint else ""))


def check_float32_range(X, *, name="X", where="the network"):
    """Refuse finite values that overflow float32 (they would become ``inf``).

    Parameters
    ----------
    X : array-like
        Numeric input (NaN is ignored here).
    name : str, default="X"
        Name of the input in the message.
    where : str, default="the network"
        What consumes the values, for the message.
    """
    X = np.asarray(X)
    # Integers never exceed float32's range (int64 max ~9.2e18); float32 and
    # narrower floats are in range by construction.
    if X.size == 0 or X.dtype.kind != "f" or X.dtype.itemsize <= 4:
        return
    with np.errstate(invalid="ignore"):
        over = (np.abs(X) > FLOAT32_MAX) & np.isfinite(X)
    if not over.any():
        return
    if X.ndim == 2:
        r, c = _first_bad(over)
        loc, value = f"row {r}, column {c}", X[r, c]
    else:
        i = int(np.flatnonzero(over.ravel())[0])
        loc, value = f"position {i}", X.ravel()[i]
    raise ValueError(
        f"Input {name} overflows float32 (value {float(value):.6g} at {loc}; float32 holds "
        f"magnitudes up to {FLOAT32_MAX:.4g}), which {where} computes in. Rescale the input "
        "(e.g. sklearn.preprocessing.StandardScaler)."
    )


def check_input_scale(X, *, name="X", low=1e-6, high=1e6, estimator="The estimator"):
    """Warn when the training input is far from the unit scale.

    Networks initialised for unit-scale inputs see only their biases for data
    scaled by 1e-12 (every row gets the same code) and saturate or diverge for
    data scaled by 1e12.  Warns :class:`InputScaleWarning` when the largest
    feature standard deviation is below ``low`` or the largest absolute value
    above ``high``.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.size == 0 or X.shape[0] < 2:
        return
    with np.errstate(over="ignore", invalid="ignore"):
        top = float(np.nanmax(np.abs(X)))
        spread = float(np.nanmax(np.nanstd(X, axis=0)))
    if spread == 0.0:
        return  # constant data: check_distinct_rows reports it
    if spread < low or top > high:
        warnings.warn(
            f"{estimator} got input {name} with largest feature standard deviation "
            f"{spread:.3g} and largest absolute value {top:.3g}; its network expects features "
            "of unit scale and may map every row to the same code or diverge. Standardise "
            "the input first (sklearn.preprocessing.StandardScaler in a Pipeline).",
            InputScaleWarning, stacklevel=3,
        )


def check_not_modalities(X, y, estimator):
    """Refuse the mixed-modal call forms a single-modality estimator cannot use.

    ``fit(A, B)`` with two 2-D arrays, ``fit([A, B])`` or ``fit({"a": A})``
    would otherwise drop modalities silently or fail inside NumPy.
    """
    from .._inputs import _is_2d, _is_dict, _is_view_list

    advice = (
        f"{estimator} clusters one modality. For mixed-modal data pack the modalities "
        "with skdm2c.pack_modalities(A, B).X and put ModalityStacker in front: "
        f"make_pipeline(ModalityStacker(n_components=...), {estimator}(...))."
    )
    if _is_dict(X):
        raise TypeError(f"X is a dict of {len(X)} arrays. {advice}")
    if _is_view_list(X):
        raise TypeError(
            f"X is a list of {len(X)} 2-D array(s); pass one 2-D array. {advice}")
    if _is_2d(y):
        raise TypeError(
            f"y has shape {tuple(y.shape)}: a 2-D array in second position looks like a second "
            f"modality, and y is ignored by clustering. {advice}"
        )


def check_distinct_rows(X, n_clusters, *, name="X"):
    """Raise when ``X`` holds fewer distinct rows than ``n_clusters``.

    Stops scanning once ``n_clusters`` distinct rows are seen, so the cost is
    small on ordinary data.
    """
    X = np.ascontiguousarray(X) + 0.0  # -0.0 == 0.0
    seen = set()
    for row in X:
        seen.add(row.tobytes())
        if len(seen) >= n_clusters:
            return
    raise ValueError(
        f"{name} holds only {len(seen)} distinct row(s) among {X.shape[0]}, fewer than "
        f"n_clusters={n_clusters}: no clustering into {n_clusters} groups exists. Lower "
        "n_clusters or check the input (all rows identical?)."
    )


# ---------------------------------------------------------------- standardise
def fit_standardizer(V, *, name="X", rtol=1e-10):
    """Per-feature mean and scale, robust to the overall scale of ``V``.

    Statistics are computed in float64 after dividing by the largest absolute
    value, so data scaled by 1e-12 or 1e200 gives the same standardised
    values as unit-scale data.  A feature is constant when its standard
    deviation is below ``rtol`` times the largest standard deviation (a
    relative, scale-free threshold); its scale is then 1 (centred only).

    Parameters
    ----------
    V : array-like of shape (n_samples, n_features)
        Finite training rows.
    name : str, default="X"
        Name used in the messages.
    rtol : float, default=1e-10
        Relative threshold for constant features.

    Returns
    -------
    mean : ndarray of shape (n_features,)
    scale : ndarray of shape (n_features,)
        Positive; ``(V - mean) / scale`` has unit variance per non-constant
        feature.

    Raises
    ------
    ValueError
        When ``V`` is empty or holds NaN / infinity, or the statistics are not
        finite.
    """
    V = np.asarray(V, dtype=np.float64)
    if V.ndim != 2 or V.shape[0] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array to standardise; got {V.shape}.")
    check_finite_input(V, name=name)
    top = float(np.max(np.abs(V))) if V.size else 0.0
    if top == 0.0:
        return np.zeros(V.shape[1]), np.ones(V.shape[1])
    U = V / top
    mean_u = U.mean(axis=0)
    std_u = U.std(axis=0)
    ref = float(std_u.max())
    constant = std_u <= rtol * ref if ref > 0 else np.ones_like(std_u, dtype=bool)
    std_u = np.where(constant, 1.0 / top, std_u)
    mean, scale = mean_u * top, std_u * top
    exact = np.all(V == V[0], axis=0)  # exactly constant: centre to exactly 0
    mean[exact] = V[0, exact]
    scale[constant] = 1.0
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale)) and np.all(scale > 0)):
        raise ValueError(
            f"The standardisation statistics of {name} are not finite (largest absolute value "
            f"{top:.3g}); rescale the input."
        )
    return mean, scale


def apply_standardizer(V, mean, scale, *, name="X"):
    """``(V - mean) / scale`` in float64, computed without overflow.

    Raises ValueError naming the first row/column whose standardised value is
    not finite (an input far outside the training range).
    """
    V = np.asarray(V, dtype=np.float64)
    mean = np.asarray(mean, dtype=np.float64)
    scale = np.asarray(scale, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        out = V / scale - mean / scale
    bad = ~np.isfinite(out) & np.isfinite(V)
    if bad.any():
        r, c = _first_bad(bad)
        raise ValueError(
            f"Input {name} has value {V[r, c]:.6g} at row {r}, column {c}, which overflows "
            f"after standardisation (training scale {scale[c]:.3g}); rescale the input."
        )
    return out
