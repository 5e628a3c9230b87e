"""DM2CClustering: the scikit-learn estimator of Deep Mixed-Modal Clustering."""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._core._base import BaseDeepClusterer, kmeans_on_embedding
from ._core._device import make_generator, resolve_device, to_tensor
from ._core._nets import default_hidden_sizes, init_parameters
from ._core._training import fit_loop, predict_in_batches, pretrain_autoencoder
from ._dm2c_docs import DM2C_DOC
from ._dm2c_network import DM2CNetwork, critic_loss, generator_losses
from ._inputs import pack_fit_input, pack_predict_input
from ._modality import check_mixed_modal, infer_modality_dims, unpack_modalities

__all__ = ["DM2CClustering"]


class DM2CClustering(BaseDeepClusterer):
    __doc__ = DM2C_DOC

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
        "standardize": ["boolean"],
        "unified_modality": [Interval(Integral, 0, None, closed="left"), str],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left"), None],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
    }

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
        standardize=True,
        unified_modality=0,
        n_init=20,
        tol=None,
        n_iter_no_change=10,
        warm_start=False,
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
        self.standardize = standardize
        self.unified_modality = unified_modality
        self.n_init = n_init
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------ validation
    def _validate_layout(self, X, names_from_input):
        dims = (
            infer_modality_dims(X) if self.modality_dims is None
            else tuple(int(d) for d in self.modality_dims)
        )
        names = names_from_input
        if names is None and self.modality_names is not None:
            names = tuple(str(n) for n in self.modality_names)
        if names is None:
            names = tuple(f"modality{i}" for i in range(len(dims)))
        if len(names) != len(dims):
            raise ValueError(f"Got {len(names)} modality_names for {len(dims)} modalities {dims}.")
        modality = check_mixed_modal(X, dims, modality_names=names, require_all=True)
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
        return dims, names, modality, pivot

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
                raise ValueError(f"pretrain_learning_rate gives {len(lr)} rates for {n} modalities.")
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
        X, _, names = pack_fit_input(X, y, Xs, self.modality_names)
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan")
        dims, names, modality, pivot = self._validate_layout(X, names)
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        device = resolve_device(self.device)
        generator, rng = make_generator(self.random_state)
        views, _ = unpack_modalities(X, dims)
        warm = self.warm_start and hasattr(self, "network_") and self.modality_dims_ == dims \
            and self._pivot == pivot
        if not warm:
            self._set_scaling(views)
            self.history_ = []
            hidden = self._hidden_sizes_for(dims)
            gen_hidden = (
                (self.latent_dim,) if self.generator_hidden_sizes is None
                else tuple(int(h) for h in self.generator_hidden_sizes)
            )
            critic_hidden = self.critic_hidden_size or max(1, self.latent_dim // 4)
            self.network_ = init_parameters(
                DM2CNetwork(dims, hidden, self.latent_dim, gen_hidden, critic_hidden, pivot,
                            self.batch_norm),
                generator,
            ).to(device)
        self.modality_dims_, self.modality_names_, self._pivot = dims, names, pivot
        self.unified_modality_ = names[pivot]
        tensors = [to_tensor(self._scale(v, m), device) for m, v in enumerate(views)]
        if not warm:
            for m, (t, lr) in enumerate(zip(tensors, self._pretrain_lrs(len(dims)))):
                pretrain_autoencoder(
                    self.network_.autoencoders[m], t, n_epochs=self.pretrain_epochs,
                    batch_size=self.batch_size, lr=lr, generator=generator,
                    history=self.history_, verbose=self.verbose,
                    weight_decay=self.weight_decay, phase=f"pretrain:{names[m]}",
                )
        self._train(tensors, modality, generator, first_epoch=self._n_train_epochs() if warm else 0)
        Z = self._unified_codes(X, device)
        km = kmeans_on_embedding(Z, self.n_clusters, n_init=self.n_init,
                                 random_state=rng.randint(np.iinfo(np.int32).max))
        self.cluster_centers_ = km.cluster_centers_
        self.labels_ = km.labels_.astype(np.int64)
        self.n_iter_ = self._n_train_epochs()
        return self

    def _set_scaling(self, views):
        self._means, self._scales = [], []
        for v in views:
            if self.standardize:
                mean = v.mean(axis=0)
                std = v.std(axis=0)
                std[std < 1e-12] = 1.0
            else:
                mean, std = np.zeros(v.shape[1]), np.ones(v.shape[1])
            self._means.append(mean)
            self._scales.append(std)

    def _scale(self, v, m):
        return (v - self._means[m]) / self._scales[m]

    def _n_train_epochs(self):
        return sum(1 for r in getattr(self, "history_", []) if r["phase"] == "train")

    def _train(self, tensors, modality, generator, first_epoch):
        """The joint adversarial phase: ``fit_loop`` over all rows, mixed batches."""
        net = self.network_
        if self.epochs == 0 or not net.others:
            # One modality: nothing to translate; keep refining the autoencoder.
            if self.epochs and not net.others:
                pretrain_autoencoder(
                    net.autoencoders[0], tensors[0], n_epochs=self.epochs,
                    batch_size=self.batch_size, lr=self.learning_rate_autoencoder,
                    generator=generator, history=self.history_, verbose=self.verbose,
                    weight_decay=self.weight_decay, phase="train",
                )
            return
        ae_params, gen_params = net.translators_and_autoencoders()
        opt_g = torch.optim.RMSprop(
            [{"params": ae_params, "lr": self.learning_rate_autoencoder},
             {"params": gen_params, "lr": self.learning_rate_generator}],
            weight_decay=self.weight_decay,
        )
        if self.critic == "wgan-clip":
            opt_d = torch.optim.RMSprop(net.critic_parameters(), lr=self.learning_rate_critic,
                                        weight_decay=self.weight_decay)
        else:
            opt_d = torch.optim.Adam(net.critic_parameters(), lr=self.learning_rate_critic,
                                     betas=(0.5, 0.9), weight_decay=self.weight_decay)
        device = tensors[0].device
        mod_t = torch.as_tensor(modality)
        local_t = torch.empty(len(modality), dtype=torch.long)
        for m in range(len(tensors)):
            local_t[mod_t == m] = torch.arange(int((mod_t == m).sum()))
        state = {"step": 0, "best": np.inf, "stall": 0}

        def train_step(idx):
            xs = [tensors[m][local_t[idx[mod_t[idx] == m]].to(device)] for m in range(len(tensors))]
            net.train()
            opt_g.zero_grad()
            losses, z, fakes = generator_losses(net, xs)
            total = (self.lambda_rec * (losses["reconstruction"] + losses["cycle_reconstruction"])
                     + self.lambda_cycle * losses["cycle"] + self.lambda_adv * losses["adversarial"])
            total.backward()
            opt_g.step()
            record = {k: v.item() for k, v in losses.items()}
            record["objective"] = total.item()
            state["step"] += 1
            if state["step"] % self.critic_interval == 0:
                for _ in range(self.critic_steps):
                    record["critic"] = critic_step(z, fakes)
            return record

        def critic_step(z, fakes):
            opt_d.zero_grad()
            d_loss = self.lambda_adv * critic_loss(
                net, z, fakes, kind=self.critic, gp_weight=self.gp_weight, generator=generator)
            if d_loss.requires_grad:
                d_loss.backward()
                opt_d.step()
            if self.critic == "wgan-clip":
                with torch.no_grad():
                    for p in net.critic_parameters():
                        p.clamp_(-self.clip_value, self.clip_value)
            return d_loss.item()

        def on_epoch_end(epoch, record):
            if self.tol is None:
                return False
            if record["objective"] < state["best"] - self.tol * abs(state["best"]):
                state["best"], state["stall"] = record["objective"], 0
            else:
                state["stall"] += 1
            record["converged"] = state["stall"] >= self.n_iter_no_change
            return record["converged"]

        run = fit_loop(train_step, n_samples=len(modality), n_epochs=self.epochs,
                       batch_size=self.batch_size, generator=generator, history=self.history_,
                       phase="train", verbose=self.verbose, on_epoch_end=on_epoch_end,
                       first_epoch=first_epoch)
        if self.tol is not None and run == self.epochs:
            warnings.warn(
                f"DM2CClustering: the training objective did not stop improving by more "
                f"than tol={self.tol} within epochs={self.epochs}; consider more epochs.",
                ConvergenceWarning,
            )

    # -------------------------------------------------------------- inference
    def _unified_codes(self, X, device):
        """Latent codes of packed rows, all mapped into the unified modality's space."""
        net = self.network_.to(device).eval()
        views, indices = unpack_modalities(X, self.modality_dims_)
        Z = np.zeros((X.shape[0], self.latent_dim))
        for m, (v, idx) in enumerate(zip(views, indices)):
            if len(idx):
                Z[idx] = predict_in_batches(lambda x, m=m: net.unify(x, m), self._scale(v, m),
                                            device)
        return Z

    def _check_predict_input(self, X, Xs):
        check_is_fitted(self)
        X = pack_predict_input(X, Xs, self.modality_dims_, self.modality_names_)
        X = validate_data(self, X, dtype=[np.float64, np.float32],
                          ensure_all_finite="allow-nan", reset=False)
        check_mixed_modal(X, self.modality_dims_, modality_names=self.modality_names_)
        return X

    def transform(self, X, *Xs):
        """Unified latent codes: every row mapped into the unified modality's latent space.

        Parameters
        ----------
        X : array-like of shape (n_samples, sum(modality_dims_)), list or dict
            New rows in any accepted form (packed, several arrays - one per
            fitted modality - a list, or a dict holding any subset of the
            fitted modality names).
        *Xs : 2-D arrays
            Further modalities when ``X`` is the first one.

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim)
            Unified codes, rows in packed (concatenation) order.
        """
        X = self._check_predict_input(X, Xs)
        return self._unified_codes(X, self._inference_device())

    def predict(self, X, *Xs):
        """Assign rows of any modality to the nearest cluster centre.

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
        return self._predict_embedding(self.transform(X, *Xs))

    def fit_predict(self, X, y=None, *Xs):
        """Fit and return ``labels_`` (same input forms as :meth:`fit`).

        Parameters
        ----------
        X : array-like, list or dict
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

    def fit_transform(self, X, y=None, *Xs):
        """Fit and return the unified codes of the training rows.

        Parameters
        ----------
        X : array-like, list or dict
            Training data, see :meth:`fit`.
        y : None, 1-D or 2-D array
            Ignored, or the second modality.
        *Xs : 2-D arrays
            Further modalities.

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim)
            Unified codes in packed (concatenation) order.
        """
        self.fit(X, y, *Xs)
        return self.transform(*self._training_input(X, y, Xs))

    @staticmethod
    def _training_input(X, y, Xs):
        if getattr(y, "shape", None) is not None and len(y.shape) == 2:
            return (X, y, *Xs)
        return (X,)

    @property
    def _n_features_out(self):
        return self.latent_dim

    def __sklearn_tags__(self):
        # NaN is structural here (the blocks a row does not observe), not a
        # missing value: arbitrary NaN is rejected, so ``allow_nan`` stays False.
        return super().__sklearn_tags__()
