"""DM2CClustering: the scikit-learn estimator of Deep Mixed-Modal Clustering."""

import copy
import functools
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from .._core._base import BaseDeepClusterer
from .._core._device import make_generator, resolve_device, to_tensor
from .._core._validation import (
    DegenerateClusteringWarning,
    check_distinct_rows,
    check_float32_range,
    check_layer_sizes,
    check_per_modality,
    warn_constant_modalities,
)
from .._core._nets import build_module, default_hidden_sizes
from .._core._training import predict_in_batches, pretrain_autoencoder
from .._inputs import (
    MixedModalFitPredictMixin,
    MixedModalFitTransformMixin,
    default_names,
    validated_fit_input,
    validated_predict_input,
)
from .._modality import observed_blocks, unpack_modalities
from ..preprocessing import ModalityPreprocessor
from ._assign import assign_clusters, fused_codes, nearest_observed, unclusterable_modality
from ._docs import DM2C_DOC
from ._network import DM2CNetwork
from ._own_features import fit_block_imputers, impute_blocks, select_own_feature_modalities
from ._procrustes import refine_translators
from ._training import train_jointly

#: Width of the per-modality PCA that ``cluster_assignment="structure"``
#: clusters each modality in (capped by the block's width and rows), as the
#: stacked baselines' ModalityStacker.
STRUCTURE_WIDTH = 32

__all__ = ["DM2CClustering"]


class DM2CClustering(MixedModalFitPredictMixin, MixedModalFitTransformMixin, BaseDeepClusterer):
    __doc__ = DM2C_DOC

    #: The authors' published schedule (``DM2CClustering(**PAPER_PARAMS)``).
    PAPER_PARAMS = dict(
        latent_dim=128, pretrain_epochs=150, epochs=220, pretrain_learning_rate=(1e-4, 1e-5),
        learning_rate_autoencoder=1e-4, learning_rate_generator=5e-4,
        learning_rate_critic=5e-5, critic="wgan-clip", clip_value=0.05, critic_interval=5,
        critic_steps=1, lambda_cycle=1.0, lambda_rec=1.0, lambda_adv=0.5, batch_norm=True,
        cluster_assignment="joint", translator="mlp",
    )

    _parameter_constraints = {
        **BaseDeepClusterer._parameter_constraints,
        "modality_dims": ["array-like", None],
        "modality_names": ["array-like", None],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "hidden_sizes": [list, tuple, None],
        "generator_hidden_sizes": [list, tuple, None],
        "critic_hidden_size": [Interval(Integral, 1, None, closed="left"), None],
        "lambda_cycle": [Interval(Real, 0, None, closed="left")],
        "lambda_rec": [Interval(Real, 0, None, closed="left")],
        "lambda_adv": [Interval(Real, 0, None, closed="left")],
        "lambda_pair": [Interval(Real, 0, None, closed="left")],
        "lambda_contrastive": [Interval(Real, 0, None, closed="left")],
        "pair_temperature": [Interval(Real, 0, None, closed="neither")],
        "learn_pair_temperature": ["boolean"],
        "critic": [StrOptions({"wgan-clip", "wgan-gp"})],
        "clip_value": [Interval(Real, 0, None, closed="neither")],
        "gp_weight": [Interval(Real, 0, None, closed="left")],
        "critic_interval": [Interval(Integral, 1, None, closed="left")],
        "critic_steps": [Interval(Integral, 1, None, closed="left")],
        "pretrain_epochs": [Interval(Integral, 0, None, closed="left")],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "pretrain_learning_rate": [Interval(Real, 0, None, closed="neither"), list, tuple],
        "learning_rate_autoencoder": [Interval(Real, 0, None, closed="left")],
        "learning_rate_generator": [Interval(Real, 0, None, closed="left")],
        "learning_rate_critic": [Interval(Real, 0, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "batch_norm": ["boolean"],
        "preprocessing": [StrOptions({"auto", "standardize", "counts", "none"}), list, tuple],
        "unified_modality": [Interval(Integral, 0, None, closed="left"), str],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "cluster_assignment": [StrOptions({"auto", "joint", "matched", "structure", "paired"})],
        "own_features": [StrOptions({"auto", "none", "all"})],
        "paired_covariance": [StrOptions({"auto", "tied", "spherical", "cross-block"})],
        "paired_n_init": [Interval(Integral, 1, None, closed="left")],
        "structure_n_draws": [Interval(Integral, 1, None, closed="left")],
        "translator": [StrOptions({"mlp", "orthogonal"})],
        "procrustes_steps": [Interval(Integral, 0, None, closed="left")],
    }

    _layer_size_params = {"hidden_sizes": {"allow_per_modality": True},
                          "generator_hidden_sizes": {}}

    #: Parameters that shape the network: a warm start with any of them
    #: changed since the last fit refits from scratch.
    _ARCHITECTURE_PARAMS = ("latent_dim", "hidden_sizes", "generator_hidden_sizes",
                            "critic_hidden_size", "batch_norm", "translator", "preprocessing",
                            "unified_modality", "modality_dims")

    def __init__(
        self,
        n_clusters=10,
        *,
        modality_dims=None,
        modality_names=None,
        latent_dim=32,
        hidden_sizes=None,
        generator_hidden_sizes=None,
        critic_hidden_size=None,
        lambda_cycle=1.0,
        lambda_rec=1.0,
        lambda_adv=0.5,
        lambda_pair=1.0,
        lambda_contrastive=1.0,
        pair_temperature=0.5,
        learn_pair_temperature=True,
        critic="wgan-clip",
        clip_value=0.05,
        gp_weight=10.0,
        critic_interval=5,
        critic_steps=1,
        pretrain_epochs=50,
        epochs=50,
        batch_size=128,
        pretrain_learning_rate=1e-3,
        learning_rate_autoencoder=1e-4,
        learning_rate_generator=5e-4,
        learning_rate_critic=5e-5,
        weight_decay=0.0,
        batch_norm=True,
        preprocessing="auto",
        unified_modality=0,
        n_init=20,
        tol=None,
        n_iter_no_change=10,
        warm_start=False,
        cluster_assignment="auto",
        own_features="all",
        paired_covariance="auto",
        paired_n_init=8,
        structure_n_draws=8,
        translator="mlp",
        procrustes_steps=0,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.modality_dims = modality_dims
        self.modality_names = modality_names
        self.latent_dim = latent_dim
        self.hidden_sizes = hidden_sizes
        self.generator_hidden_sizes = generator_hidden_sizes
        self.critic_hidden_size = critic_hidden_size
        self.lambda_cycle = lambda_cycle
        self.lambda_rec = lambda_rec
        self.lambda_adv = lambda_adv
        self.lambda_pair = lambda_pair
        self.lambda_contrastive = lambda_contrastive
        self.pair_temperature = pair_temperature
        self.learn_pair_temperature = learn_pair_temperature
        self.critic = critic
        self.clip_value = clip_value
        self.gp_weight = gp_weight
        self.critic_interval = critic_interval
        self.critic_steps = critic_steps
        self.pretrain_epochs = pretrain_epochs
        self.epochs = epochs
        self.batch_size = batch_size
        self.pretrain_learning_rate = pretrain_learning_rate
        self.learning_rate_autoencoder = learning_rate_autoencoder
        self.learning_rate_generator = learning_rate_generator
        self.learning_rate_critic = learning_rate_critic
        self.weight_decay = weight_decay
        self.batch_norm = batch_norm
        self.preprocessing = preprocessing
        self.unified_modality = unified_modality
        self.n_init = n_init
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.cluster_assignment = cluster_assignment
        self.own_features = own_features
        self.paired_covariance = paired_covariance
        self.paired_n_init = paired_n_init
        self.structure_n_draws = structure_n_draws
        self.translator = translator
        self.procrustes_steps = procrustes_steps
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------ validation
    def _validate_params(self):
        super()._validate_params()
        check_per_modality(self.pretrain_learning_rate, "pretrain_learning_rate", None)
        if self.modality_dims is not None:
            check_layer_sizes(self.modality_dims, "modality_dims", allow_empty=False,
                              what="block widths")

    def _architecture(self):
        return {k: repr(getattr(self, k)) for k in self._ARCHITECTURE_PARAMS}

    def _validate_layout(self, X, dims, names_from_input):
        names = names_from_input
        if names is None and self.modality_names is not None:
            names = tuple(str(n) for n in self.modality_names)
        if names is None:
            names = default_names(len(dims))
        if len(set(names)) != len(names):
            raise ValueError(f"modality_names must be unique; got {tuple(names)}.")
        if len(names) != len(dims):
            raise ValueError(f"Got {len(names)} modality_names for {len(dims)} modalities {dims}.")
        observed = observed_blocks(X, dims, modality_names=names, require_all=True)
        if isinstance(self.unified_modality, str):
            if self.unified_modality not in names:
                raise ValueError(
                    f"unified_modality={self.unified_modality!r} is not one of {list(names)}."
                )
            pivot = names.index(self.unified_modality)
        else:
            pivot = int(self.unified_modality)
            if pivot >= len(dims):
                raise ValueError(
                    f"unified_modality={pivot} but the data has only {len(dims)} modalities."
                )
        return names, observed, pivot

    def _hidden_sizes_for(self, dims):
        hs = self.hidden_sizes
        if hs is None:
            return [default_hidden_sizes(d, self.latent_dim) for d in dims]
        if len(hs) > 0 and all(isinstance(h, (list, tuple)) for h in hs):
            if len(hs) != len(dims):
                raise ValueError(
                    f"hidden_sizes gives {len(hs)} per-modality tuples for {len(dims)} modalities."
                )
            return [tuple(int(v) for v in h) for h in hs]
        return [tuple(int(v) for v in hs)] * len(dims)

    def _pretrain_lrs(self, n):
        lr = self.pretrain_learning_rate
        if isinstance(lr, (list, tuple)):
            if len(lr) != n:
                raise ValueError(
                    f"pretrain_learning_rate gives {len(lr)} rates for {n} modalities.")
            return [float(v) for v in lr]
        return [float(lr)] * n

    # ---------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *Xs):
        """Train the autoencoders, the latent translators and cluster all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims)), list or dict
            Packed mixed-modal data (each row fills its own modality's block,
            NaN elsewhere), or the first modality's rows when further 2-D
            arrays follow, or a list of per-modality arrays, or a dict
            ``{name: array}``.  A plain array without NaN is one modality.
        y : None, array-like of shape (n_samples,) or 2-D array
            Ignored when 1-D or None; a 2-D array here is the second modality
            (``fit(X_image, X_text)``).
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, names, dims = validated_fit_input(self, X, y, Xs, self.modality_names)
        names, observed, pivot = self._validate_layout(X, dims, names)
        assignment = self._resolve_assignment(observed)
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        check_distinct_rows(np.nan_to_num(X, nan=np.inf), self.n_clusters)
        warn_constant_modalities(X, observed, dims, names, "DM2CClustering")
        device = resolve_device(self.device)
        generator, rng = make_generator(self.random_state)
        warm = (self.warm_start and hasattr(self, "network_") and self.modality_dims_ == dims
                and self._pivot == pivot
                and getattr(self, "_fitted_architecture", None) == self._architecture())
        if not warm:
            self.preprocessor_ = self._fit_preprocessor(X, dims)
        Xp = self._preprocess(X)
        dims_in = self._network_dims(dims)
        views, _ = unpack_modalities(Xp, dims_in)
        if not warm:
            self.history_ = []
            self.pair_temperature_ = None
            hidden = self._hidden_sizes_for(dims_in)
            gen_hidden = (
                (self.latent_dim,) if self.generator_hidden_sizes is None
                else tuple(int(h) for h in self.generator_hidden_sizes)
            )
            critic_hidden = self.critic_hidden_size or max(1, self.latent_dim // 4)
            self.network_ = build_module(
                lambda: DM2CNetwork(dims_in, hidden, self.latent_dim, gen_hidden, critic_hidden,
                                    pivot, self.batch_norm, generator=self.translator),
                generator,
            )
            self.network_ = self.network_.to(device)
        self.modality_dims_, self.modality_names_, self._pivot = dims, names, pivot
        self._fitted_architecture = self._architecture()
        self._latent_dim = int(self.latent_dim)
        self.unified_modality_ = names[pivot]
        tensors = [to_tensor(v, device) for v in views]
        if not warm:
            for m, (t, lr) in enumerate(zip(tensors, self._pretrain_lrs(len(dims)))):
                pretrain_autoencoder(
                    self.network_.autoencoders[m], t, n_epochs=self.pretrain_epochs,
                    batch_size=self.batch_size, lr=lr, generator=generator,
                    history=self.history_, verbose=self.verbose,
                    weight_decay=self.weight_decay, phase=f"pretrain:{names[m]}",
                )
        train_jointly(self, tensors, observed, generator,
                      first_epoch=self._n_train_epochs() if warm else 0)
        if self.translator == "orthogonal" and self.procrustes_steps:
            refine_translators(self.network_, tensors, self.procrustes_steps, device)
        U = self._block_codes(Xp, device)
        seed = rng.randint(np.iinfo(np.int32).max)
        R = None
        if assignment == "structure":
            self._fit_modality_reducers(views, seed)
            R = self._modality_features(Xp)
            # an explicit "structure" refuses such a modality itself, by name
            small = (unclusterable_modality(R, observed, self.n_clusters)
                     if self.cluster_assignment == "auto" else None)
            if small is not None:
                # a modality has too few rows to be clustered on its own
                warnings.warn(
                    f"DM2CClustering: modality {names[small[0]]!r} has {small[1]} distinct "
                    f"row(s) for n_clusters={self.n_clusters}, too few to be clustered on its "
                    "own; cluster_assignment='auto' uses the published joint k-means of the "
                    "unified codes instead (cluster_assignment_='joint').",
                    DegenerateClusteringWarning, stacklevel=3)
                assignment, R = "joint", None
        self.cluster_assignment_ = assignment
        extra, extra_observed = self._fit_own_features(views, Xp, U, observed, seed)
        self.paired_covariance_ = self._resolve_paired_covariance()
        labels, centers, per_modality, self._assignment_weights = assign_clusters(
            U, observed, self.n_clusters, how=self.cluster_assignment_, pivot=pivot,
            n_init=self.n_init, random_state=seed, R=R, extra=extra,
            extra_observed=extra_observed, covariance=self.paired_covariance_,
            extra_modalities=list(self._own_imputers), n_starts=self.paired_n_init,
            n_draws=self.structure_n_draws)
        self.cluster_centers_ = centers
        n_mod = len(dims)
        self.modality_cluster_centers_ = [np.asarray(c) for c in per_modality[:n_mod]]
        self.own_feature_cluster_centers_ = [np.asarray(c) for c in per_modality[n_mod:]]
        self.labels_ = labels
        self.n_iter_ = self._n_train_epochs()
        return self

    def _fit_preprocessor(self, X, dims):
        if isinstance(self.preprocessing, str) and self.preprocessing == "none":
            return None
        method = (self.preprocessing if isinstance(self.preprocessing, str)
                  else list(self.preprocessing))
        return ModalityPreprocessor(method=method, modality_dims=dims).fit(X)

    def _preprocess(self, X):
        return X if self.preprocessor_ is None else self.preprocessor_.transform(X)

    def _network_dims(self, dims):
        return dims if self.preprocessor_ is None else self.preprocessor_.modality_dims_out_

    def _n_train_epochs(self):
        return sum(1 for r in getattr(self, "history_", []) if r["phase"] == "train")

    # -------------------------------------------------------------- inference
    def _resolve_assignment(self, observed):
        has_pairs = bool((observed.sum(1) > 1).any())
        if self.cluster_assignment == "paired" and not has_pairs:
            raise ValueError(
                "cluster_assignment='paired' needs rows observing several modalities (known "
                "pairs); the data has none: use 'auto' or 'joint'.")
        if self.cluster_assignment != "auto":
            return self.cluster_assignment
        if has_pairs:
            return "paired"
        return "structure" if observed.shape[1] > 1 else "joint"

    def _resolve_paired_covariance(self):
        """``paired_covariance`` with ``"auto"`` resolved (after the own features are scored):
        the tied step when some modality's own features are clearly more clustered than
        its codes (scored only when own features are used), else the cross-block mixture."""
        if self.paired_covariance != "auto":
            return self.paired_covariance
        return "tied" if self._clustered_own else "cross-block"

    def _fit_own_features(self, views, Xp, U, observed, seed):
        """Own-feature blocks of the paired assignment (``own_features``), fitted on
        the training rows: ``(blocks, rows having them)``; none for other assignments."""
        self._own_imputers = {}
        self.own_feature_modalities_ = []
        self._own_feature_scores = None
        self._clustered_own = []
        if self.cluster_assignment_ != "paired" or self.own_features == "none":
            return (), None
        self._fit_modality_reducers(views, seed)
        R = self._modality_features(Xp)
        if self.own_features == "auto" or self.paired_covariance == "auto":
            self._clustered_own, self._own_feature_scores = select_own_feature_modalities(
                R, U, observed, self.n_clusters, random_state=seed)
        chosen = (list(range(len(R))) if self.own_features == "all"
                  else self._clustered_own)
        self._own_imputers = fit_block_imputers(R, observed, chosen)
        self.own_feature_modalities_ = [self.modality_names_[m] for m in chosen]
        return impute_blocks(R, observed, self._own_imputers) if chosen else ((), None)

    def _fit_modality_reducers(self, views, seed):
        """PCA of every modality's preprocessed blocks ``views`` (``"structure"`` and
        ``own_features``)."""
        from sklearn.decomposition import PCA

        # a constant block has no variance to explain: its PCA divides 0 by 0 (harmless)
        with np.errstate(invalid="ignore", divide="ignore"):
            self._modality_reducers = [
                PCA(n_components=min(STRUCTURE_WIDTH, v.shape[1], v.shape[0]),
                    random_state=seed).fit(v)
                for v in views
            ]

    def _modality_features(self, Xp):
        """Every modality's own features of the blocks of preprocessed rows ``Xp`` (NaN
        elsewhere), for ``"structure"``."""
        # the same range as the network's input: a block beyond float32 is refused, by name
        check_float32_range(Xp)
        reducers = self._modality_reducers
        return self._map_blocks(Xp, [pca.transform for pca in reducers],
                                [pca.n_components_ for pca in reducers])

    def _block_codes(self, Xp, device):
        """Unified code of every observed block of preprocessed rows ``Xp``: ``U[m]``
        (n_samples, latent), NaN elsewhere."""
        # Inference in float64: codes do not depend on how the rows are batched.
        net = copy.deepcopy(self.network_).to(device).double().eval()

        def unify(v, m):
            return predict_in_batches(lambda x: net.unify(x, m), v, device, dtype=torch.float64)

        n = len(self.modality_dims_)
        return self._map_blocks(Xp, [functools.partial(unify, m=m) for m in range(n)],
                                [self._latent_dim] * n)

    def _map_blocks(self, Xp, transforms, widths):
        """``transforms[m]`` of modality ``m``'s blocks of ``Xp``, one ``(n_samples,
        widths[m])`` array per modality with NaN on the rows not observing it."""
        views, indices = unpack_modalities(Xp, self._network_dims(self.modality_dims_))
        out = []
        for transform, width, v, idx in zip(transforms, widths, views, indices):
            block = np.full((Xp.shape[0], width), np.nan)
            if len(idx):
                block[idx] = transform(v)
            out.append(block)
        return out

    def _unified_codes(self, X, observed, device):
        """Unified codes of packed rows: the mean of the codes of a row's observed blocks."""
        return fused_codes(self._block_codes(self._preprocess(X), device), observed)

    def transform(self, X, *Xs):
        """Unified latent codes: every row mapped into the unified modality's latent space.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            New rows in any accepted form (packed, several arrays - one per
            fitted modality - a list, where ``None`` stands for a modality
            without rows, or a dict holding any subset of the fitted
            modality names).
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim)
            Unified codes, rows in packed (concatenation) order.
        """
        X, observed = validated_predict_input(self, X, Xs)
        return self._unified_codes(X, observed, self._inference_device())

    def predict(self, X, *Xs):
        """Assign rows of any modality (or several) to the nearest cluster.

        A row observing several modalities is assigned by the sum of its
        blocks' squared distances to each modality's cluster centres (for
        the joint assignment: the nearest centre to the mean of its codes).
        With ``own_feature_modalities_``, the own-feature blocks (predicted
        from the row's other blocks where it lacks the modality) add their
        distances too, as in training.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            New rows in any accepted form (see :meth:`transform`).
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster index of each row, in packed (concatenation) order.
        """
        X, observed = validated_predict_input(self, X, Xs)
        U, observed, centers = self._assignment_blocks(self._preprocess(X), observed)
        return nearest_observed(U, observed, centers, how=self.cluster_assignment_,
                                weights=self._assignment_weights)

    def _assignment_blocks(self, Xp, observed):
        """``(blocks, observed, centers)`` the fitted final step compares preprocessed rows
        ``Xp`` with: every modality's codes (its own features with ``"structure"``), then
        the own-feature blocks (predicted where a row lacks the modality), the blocks each
        row has, and the centres of every block."""
        centers = list(self.modality_cluster_centers_)
        if self.cluster_assignment_ == "structure":
            U = self._modality_features(Xp)
        else:
            U = self._block_codes(Xp, self._inference_device())
        if self._own_imputers:
            extra, extra_observed = impute_blocks(self._modality_features(Xp), observed,
                                                  self._own_imputers)
            U, observed = U + list(extra), np.hstack([observed, extra_observed])
            centers += self.own_feature_cluster_centers_
        return U, observed, centers

    @property
    def _n_features_out(self):
        return self._latent_dim

    def __sklearn_tags__(self):
        # NaN is structural here (the blocks a row does not observe), not a
        # missing value: arbitrary NaN is rejected, so ``allow_nan`` stays False.
        return super().__sklearn_tags__()
