"""scikit-learn plumbing shared by every deep estimator of the package."""

from numbers import Integral, Real

import warnings

import numpy as np
import torch
from scipy.spatial.distance import cdist
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.cluster import KMeans
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from ._device import inference_device, make_generator, resolve_device, to_tensor
from ._nets import Autoencoder, build_module, default_hidden_sizes
from ._training import DivergenceError, pretrain_autoencoder, predict_in_batches
from ._validation import (
    DegenerateClusteringWarning,
    check_device,
    check_distinct_rows,
    check_finite_input,
    check_finite_params,
    check_float32_range,
    check_input_scale,
    check_layer_sizes,
    check_not_modalities,
)

__all__ = ["TorchEstimatorMixin", "BaseDeepClusterer", "kmeans_on_embedding", "nearest_center"]


def kmeans_on_embedding(Z, n_clusters, *, n_init, random_state, init="k-means++"):
    """k-means on an embedding; always returns consecutive labels 0..k-1.

    scikit-learn's k-means relocates empty clusters, so every label is used
    whenever there are at least ``n_clusters`` distinct rows.
    """
    if not np.all(np.isfinite(Z)):
        raise DivergenceError("The embedding holds NaN or infinite values; the model diverged.")
    n_distinct = _count_distinct(Z, n_clusters)
    if n_distinct < n_clusters:
        warnings.warn(
            f"The learned embedding holds only {n_distinct} distinct row(s) for "
            f"n_clusters={n_clusters}: the network maps many rows to the same code, so "
            "some clusters are arbitrary. Standardise the input, train longer or lower "
            "n_clusters.",
            DegenerateClusteringWarning, stacklevel=2,
        )
    km = KMeans(n_clusters=n_clusters, init=init, n_init=n_init, random_state=random_state)
    km.fit(Z)
    return km


def _count_distinct(Z, stop):
    """Distinct rows of ``Z``, counting no further than ``stop``."""
    seen = set()
    for row in np.ascontiguousarray(Z, dtype=np.float64) + 0.0:
        seen.add(row.tobytes())
        if len(seen) >= stop:
            break
    return len(seen)


_PACKED_HINT = (
    "If X is packed mixed-modal data (NaN outside each row's own modality block), put "
    "skdm2c.baselines.ModalityStacker in front of this estimator."
)


def nearest_center(Z, centers):
    """Index of the nearest centre (squared Euclidean distance) of every row of ``Z``."""
    d2 = cdist(Z, centers, "sqeuclidean")  # no (rows, centres, width) temporary
    return np.argmin(d2, axis=1).astype(np.int64)


class TorchEstimatorMixin:
    """Device handling and torch-aware pickling (skorch's ``__getstate__`` idea).

    Fitted torch modules are stored in attributes ending in ``_`` whose value
    is an :class:`torch.nn.Module`.  Pickling moves them to the CPU, so a model
    fitted with ``device="cuda"`` loads and predicts on a machine without GPU.
    """

    def __getstate__(self):
        state = super().__getstate__() if hasattr(super(), "__getstate__") else self.__dict__.copy()
        state = dict(state)
        for key, value in state.items():
            if isinstance(value, torch.nn.Module):
                state[key] = _cpu_copy(value)
        return state

    def _inference_device(self):
        return inference_device(self.device)


def _cpu_copy(module):
    import copy

    if all(p.device.type == "cpu" for p in module.parameters()):
        return module
    return copy.deepcopy(module).to("cpu")


class BaseDeepClusterer(
    TorchEstimatorMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    ClusterMixin,
    BaseEstimator,
):
    """Base class of the single-modality deep clusterers (IDEC, DCN, DKM, IMSAT).

    Subclasses define ``__init__`` (explicit keyword parameters) and:

    - ``_fit_model(X, generator, rng)``: train on the float32 tensor ``X``
      (on the device); must set ``network_`` (an ``nn.Module``),
      ``cluster_centers_`` (ndarray, embedding space), ``labels_`` and
      ``n_iter_``, appending epoch records to ``self.history_``;
    - ``_embed(x)``: tensor -> embedding tensor (``network_`` in eval mode);
    - optionally ``_predict_embedding(Z)`` (default: nearest centre).

    Shared parameters: ``n_clusters``, ``batch_size``, ``device``,
    ``random_state``, ``verbose`` and, for autoencoder-based methods,
    ``hidden_sizes``, ``latent_dim``, ``pretrain_epochs``,
    ``pretrain_learning_rate``.
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }
    _autoencoder_constraints = {
        "hidden_sizes": ["array-like", None],
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "pretrain_learning_rate": [Interval(Real, 0, None, closed="neither")],
    }

    #: Layer-width parameters checked by :func:`check_layer_sizes` before any
    #: training, with the keyword arguments to use (single-modality
    #: estimators set ``{"hidden_sizes": {...}}``).
    _layer_size_params = {}

    # ------------------------------------------------------------- validation
    def _validate_params(self):
        """scikit-learn's constraint check plus what it cannot express.

        Rejects ``True``/``False`` for numeric parameters, non-finite reals,
        bad layer widths (``_layer_size_params``) and devices torch cannot
        use here, all before any training.
        """
        super()._validate_params()
        check_finite_params(self)
        for name, kwargs in self._layer_size_params.items():
            check_layer_sizes(getattr(self, name), name, **kwargs)
        check_device(self.device)

    def _validate_fit_input(self, X, y):
        """Single-modality training input: checked, float, finite, clusterable."""
        name = type(self).__name__
        check_not_modalities(X, y, name)
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_all_finite=False)
        check_finite_input(X, hint=_PACKED_HINT)
        n_samples = X.shape[0]
        if n_samples < self.n_clusters:
            raise ValueError(
                f"n_samples={n_samples} should be >= n_clusters={self.n_clusters}."
            )
        check_distinct_rows(X, self.n_clusters)
        check_float32_range(X)
        check_input_scale(X, estimator=name)
        return X

    # ----------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the network and cluster ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (a single modality; use
            :class:`~skdm2c.ModalityStacker` in front for mixed-modal data).
        y : None or array-like of shape (n_samples,)
            Ignored.  A 2-D array is refused (TypeError): it would be a
            second modality, which this estimator cannot use.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X = self._validate_fit_input(X, y)
        device = resolve_device(self.device)
        generator, rng = make_generator(self.random_state)
        self.history_ = []
        self._fit_model(to_tensor(X, device), generator, rng)
        self.labels_ = np.asarray(self.labels_, dtype=np.int64)
        return self

    def fit_predict(self, X, y=None):
        """Fit and return ``labels_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster labels of the training rows.
        """
        return self.fit(X, y).labels_

    # ---------------------------------------------------------------- helpers
    def _build_autoencoder(self, n_features, generator, *, activation="relu", batch_norm=False):
        latent = self.latent_dim if self.latent_dim is not None else self.n_clusters
        hidden = (
            default_hidden_sizes(n_features, latent)
            if self.hidden_sizes is None
            else tuple(int(h) for h in self.hidden_sizes)
        )
        return build_module(
            lambda: Autoencoder(n_features, hidden, latent, activation=activation,
                                batch_norm=batch_norm),
            generator,
        )

    def _pretrain(self, autoencoder, X, generator):
        autoencoder.to(X.device)
        return pretrain_autoencoder(
            autoencoder, X, n_epochs=self.pretrain_epochs, batch_size=self.batch_size,
            lr=self.pretrain_learning_rate, generator=generator, history=self.history_,
            verbose=self.verbose,
        )

    def _embedding_tensor(self, X):
        """Embedding of the training tensor (eval mode), as NumPy."""
        self.network_.eval()
        with torch.no_grad():
            return predict_in_batches(self._embed, X.cpu().numpy(), X.device)

    # -------------------------------------------------------------- inference
    def __sklearn_is_fitted__(self):
        # Every ``_fit_model`` sets ``network_``.  An explicit test keeps a
        # parameter whose name ends with "_" (DCN's and DKM's ``lambda_``)
        # from fooling check_is_fitted's default attribute scan.
        return hasattr(self, "network_")

    def _check_input(self, X):
        check_is_fitted(self)
        check_not_modalities(X, None, type(self).__name__)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False,
                          ensure_all_finite=False)
        check_finite_input(X, hint=_PACKED_HINT)
        return X

    def transform(self, X):
        """Map ``X`` to the learned embedding.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_features_out)
            Embedding of each row.
        """
        X = self._check_input(X)
        device = self._inference_device()
        self.network_.to(device).eval()
        return predict_in_batches(self._embed, X, device)

    def predict(self, X):
        """Assign each row of ``X`` to a cluster.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Index of the cluster each row belongs to.
        """
        return self._predict_embedding(self.transform(X))

    def _predict_embedding(self, Z):
        return nearest_center(Z, self.cluster_centers_)

    @property
    def _n_features_out(self):
        return self.cluster_centers_.shape[1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags
