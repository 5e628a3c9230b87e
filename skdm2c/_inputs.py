"""Turn the accepted input forms of the mixed-modal estimators into packed X.

Accepted forms (``fit``, ``fit_predict``, ``predict``, ``transform``):

- the packed array (canonical form, see :mod:`skdm2c._modality`);
- several 2-D arrays, ``fit(X_image, X_text, ...)``: a 2-D array in the
  second position is a modality, a 1-D array or ``None`` there is the
  ignored ``y``;
- a list of 2-D arrays; at predict time ``None`` in it stands for a
  modality without rows (``predict([X_image, None])``);
- a dict ``{name: array}``; at predict time it may hold a subset of the
  fitted modality names.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_is_fitted, validate_data

from ._modality import (
    _as_2d_float,
    _check_dims,
    infer_modality_dims,
    observed_blocks,
    pack_modalities,
)


def _is_2d(a):
    """True for an array-like with a 2-D ``shape`` (no array conversion)."""
    shape = getattr(a, "shape", None)
    return shape is not None and len(shape) == 2


def _is_dict(X):
    # scipy's dok sparse format subclasses dict: it is an array, not modalities.
    return isinstance(X, dict) and not sparse.issparse(X)


def _is_view_list(X):
    """A list or tuple of per-modality 2-D arrays (``None`` for a modality without rows)."""
    return (isinstance(X, (list, tuple)) and any(_is_2d(a) for a in X)
            and all(a is None or _is_2d(a) for a in X))


def _check_list_items(X):
    """Name the item that stops a list holding 2-D arrays from being a list of modalities
    (otherwise NumPy fails on it as a ragged packed array)."""
    if isinstance(X, (list, tuple)) and X and all(a is None for a in X):
        raise ValueError(f"X is a list of {len(X)} None: there are no rows.")
    if not isinstance(X, (list, tuple)) or not any(_is_2d(a) for a in X):
        return
    for i, a in enumerate(X):
        if not (a is None or _is_2d(a)):
            raise TypeError(
                f"X is a list holding 2-D arrays (modalities), but its item {i} is "
                f"{type(a).__name__} of shape {np.shape(a)}; every item must be a 2-D array "
                "(or None at predict time, for a modality without rows).")


def _refuse_missing_fit_views(views, names):
    """Every modality needs training rows: name a ``None`` in a list given to ``fit``."""
    for i, v in enumerate(views):
        if v is None:
            name = f" ({names[i]!r})" if names is not None and i < len(names) else ""
            raise ValueError(
                f"Modality {i}{name} is None: fit needs rows of every modality (its network "
                "and clusters are learned from them). Drop the modality, or give its rows; "
                "None stands for a modality without rows only at predict time.")


def split_fit_args(X, y, extra):
    """Return ``(views, X, y, names)`` from the arguments of ``fit``.

    ``views`` is the list of per-modality arrays, or None when ``X`` is the
    (packed) array itself.
    """
    if _is_dict(X):
        if _is_2d(y) or extra:
            raise TypeError("Pass either a dict of modalities or arrays, not both.")
        return list(X.values()), None, y, tuple(str(k) for k in X)
    _check_list_items(X)
    if _is_view_list(X):
        if _is_2d(y) or extra:
            raise TypeError("Pass either a list of modalities or several arrays, not both.")
        return list(X), None, y, None
    if _is_2d(y) and _is_2d(X):
        return [X, y, *extra], None, None, None
    if extra:
        raise TypeError(
            "Extra positional arrays are modalities and must follow a 2-D array in "
            f"second position; got y of shape {np.shape(y)}."
        )
    return None, X, y, None


def pack_fit_input(X, y, extra, names_param=None):
    """Packed X, y, names for ``fit``; names is None when the input was packed."""
    views, X, y, names = split_fit_args(X, y, extra)
    if views is not None:
        _refuse_missing_fit_views(views, names or names_param)
        _check_views_finite(views, names or names_param, several_arrays=names is None)
        packed = pack_modalities(views, names=names or names_param)
        return packed.X, y, packed.modality_names
    return X, y, None


def pack_predict_input(X, extra, modality_dims, modality_names):
    """Packed X for ``predict``/``transform`` given the fitted layout."""
    if _is_dict(X):
        if extra:
            raise TypeError("Pass either a dict of modalities or arrays, not both.")
        unknown = [k for k in X if str(k) not in modality_names]
        if unknown:
            raise ValueError(
                f"Unknown modality names {unknown}; the model was fitted on {list(modality_names)}."
            )
        views = []
        for name, dim in zip(modality_names, modality_dims):
            views.append(X[name] if name in X else np.empty((0, dim)))
        return _pack_checked(views, modality_dims, modality_names)
    _check_list_items(X)
    if _is_view_list(X) and extra:
        raise TypeError("Pass either a list of modalities or several arrays, not both.")
    if _is_view_list(X) or extra:
        views = list(X) if _is_view_list(X) else [X, *extra]
        if len(views) != len(modality_dims):
            raise ValueError(
                f"Got {len(views)} modality arrays but the model was fitted on "
                f"{len(modality_dims)} modalities {list(modality_names)}."
            )
        if all(v is None for v in views):
            raise ValueError("Every modality array is None: there are no rows to predict.")
        views = [np.empty((0, dim)) if v is None else v for v, dim in zip(views, modality_dims)]
        return _pack_checked(views, modality_dims, modality_names)
    return X


def _check_views_finite(views, names, several_arrays=False):
    """Name the first NaN / infinite entry of a per-modality array."""
    for i, v in enumerate(views):
        if sparse.issparse(v) or not _is_2d(v):
            continue
        a = np.asarray(v)
        if a.dtype.kind not in "fc" or a.size == 0:
            continue
        bad = ~np.isfinite(a)
        if bad.any():
            r, c = (int(k) for k in np.argwhere(bad)[0])
            kind = "NaN" if np.isnan(a[r, c]) else "an infinite value"
            name = f" ({names[i]!r})" if names is not None and i < len(names) else ""
            hint = (
                " If the first argument is already the packed array, pass y as None or a "
                "1-D array: a 2-D array in second position is read as a second modality."
                if several_arrays and i == 0 else
                " A per-modality array must be fully observed (impute missing values); the "
                "rows absent from a modality are simply not passed."
            )
            raise ValueError(
                f"Modality {i}{name} holds {kind} at row {r}, column {c} of its array.{hint}"
            )


def _pack_checked(views, modality_dims, modality_names):
    _check_views_finite(views, modality_names)
    for name, dim, v in zip(modality_names, modality_dims, views):
        if not _is_2d(v) or v.shape[1] != dim:
            raise ValueError(
                f"Modality {name!r} expects arrays with {dim} columns; got shape {np.shape(v)}."
            )
    return pack_modalities(views, names=modality_names).X


def _refuse_sparse_packed(X):
    """A sparse matrix cannot be the packed array: say which forms take it."""
    if sparse.issparse(X):
        _as_2d_float(X, "X")


def validated_fit_input(estimator, X, y, Xs, names_param=None):
    """Packed, validated training input of a mixed-modal estimator.

    Packs the accepted input forms (:func:`pack_fit_input`), validates the
    array with scikit-learn's ``validate_data`` (NaN is structural and inf
    is left to :func:`~skdm2c.observed_blocks`, which names its row, column
    and block) and resolves the block widths from ``estimator.modality_dims``
    or the NaN pattern.

    Returns ``(X, names, dims)``; ``names`` is None when the input was packed.
    """
    X, _, names = pack_fit_input(X, y, Xs, names_param)
    _refuse_sparse_packed(X)
    X = validate_data(estimator, X, dtype=[np.float64, np.float32], ensure_all_finite=False)
    dims = (infer_modality_dims(X) if estimator.modality_dims is None
            else _check_dims(estimator.modality_dims, X.shape[1]))
    return X, names, dims


def validated_predict_input(estimator, X, Xs):
    """Packed, validated input of a fitted estimator's predict/transform.

    Returns ``(X, observed)``: the packed array in the fitted layout and the
    blocks each row observes.
    """
    check_is_fitted(estimator)
    X = pack_predict_input(X, Xs, estimator.modality_dims_, estimator.modality_names_)
    _refuse_sparse_packed(X)
    X = validate_data(estimator, X, dtype=[np.float64, np.float32], ensure_all_finite=False,
                      reset=False)
    return X, observed_blocks(X, estimator.modality_dims_,
                              modality_names=estimator.modality_names_)


def default_names(n_modalities):
    """``("modality0", "modality1", ...)``: the names of blocks given without names."""
    return tuple(f"modality{i}" for i in range(n_modalities))


def check_fitted_names(names, modality_dims, what="modality names"):
    """The fitted modality names: the given ones, else the default names."""
    if names is None:
        return default_names(len(modality_dims))
    names = tuple(names)
    if len(names) != len(modality_dims):
        raise ValueError(
            f"The {len(names)} {what} {list(names)} do not match the {len(modality_dims)} "
            f"blocks modality_dims={tuple(modality_dims)}; pass modality_dims matching the "
            "modalities."
        )
    return names


class MixedModalFitTransformMixin:
    """``fit_transform`` that accepts every input form of ``fit``.

    Placed before scikit-learn's ``TransformerMixin`` in the bases, so that
    ``fit_transform(X_image, X_text)`` packs the modalities like ``fit``
    instead of taking the second array for ``y``.
    """

    def fit_transform(self, X, y=None, *Xs):
        """Fit and return the transformed training rows (same input forms as :meth:`fit`).

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Packed mixed-modal data, or the first modality's rows when further
            2-D arrays follow, or a list of per-modality arrays, or a dict
            ``{name: array}``.
        y : None, 1-D or 2-D array
            Ignored, or the second modality.
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        Xt : ndarray of shape (n_samples, n_features_out)
            Transformed rows, in packed (concatenation) order.
        """
        self.fit(X, y, *Xs)
        X, _, _ = pack_fit_input(X, y, Xs)
        return self.transform(X)


class MixedModalFitPredictMixin:
    """``fit_predict`` that accepts every input form of ``fit``."""

    def fit_predict(self, X, y=None, *Xs):
        """Fit and return ``labels_`` (same input forms as :meth:`fit`).

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Training data, see :meth:`fit`.
        y : None, 1-D or 2-D array
            Ignored, or the second modality.
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster labels in packed (concatenation) order.
        """
        return self.fit(X, y, *Xs).labels_
