"""Deep k-Means (DKM) of Moradi Fard, Thonet and Gaussier."""

import math
from numbers import Integral, Real

import numpy as np
import torch
from torch import nn

from sklearn.utils._param_validation import InvalidParameterError, Interval, StrOptions

from .._core._base import BaseDeepClusterer, kmeans_on_embedding
from .._core._training import DivergenceError, fit_loop

__all__ = ["DKM", "annealed_alphas", "dkm_clustering_loss"]

#: Constant inverse temperature of DKMp and number of alpha values it runs
#: (``dkm.py``: ``alphas = 1000 * np.ones(20)``).
_PRETRAINED_ALPHA, _PRETRAINED_N_ALPHAS = 1000.0, 20
#: Largest inverse temperature: larger values become inf in float32 (NaN loss).
_MAX_ALPHA = 1e30


def annealed_alphas(n_alphas=40, first=0.1):
    """The DKMa annealing schedule of inverse temperatures.

    ``alpha_1 = first`` and ``alpha_{i+1} = 2 ** (1 / ln(i + 1) ** 2) * alpha_i``
    for ``i = 1, ..., n_alphas - 1`` (authors' ``dkm.py``, MaziarMF/deep-k-means;
    paper Section 3.2).  The factor is 2**(1/ln(2)**2) ~ 4.23 at the first step
    and tends to 1, so the schedule grows fast, then slowly (alpha_40 ~ 28.1).

    Parameters
    ----------
    n_alphas : int, default=40
        Number of values.
    first : float, default=0.1
        First value.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)

    Examples
    --------
    >>> from skdm2c.baselines._dkm import annealed_alphas
    >>> annealed_alphas(3).round(4)
    array([0.1   , 0.4232, 0.7516])
    """
    alphas = np.empty(n_alphas)
    alphas[0] = first
    for i in range(1, n_alphas):
        alphas[i] = 2.0 ** (1.0 / math.log(i + 1) ** 2) * alphas[i - 1]
    return alphas


def dkm_clustering_loss(z, representatives, alpha):
    """DKM's differentiable k-means term, batch mean.

    ``mean_i sum_k softmin_k(alpha * d_ik) * d_ik`` with ``d_ik`` the squared
    Euclidean distance between embedding ``z_i`` and representative ``r_k``
    (``f_func`` in the authors' ``compgraph.py``).  The softmin is computed
    on ``-alpha * (d_ik - min_k d_ik)``, as the authors do, so any finite
    ``alpha`` gives finite weights (the row minimum has weight exp(0) = 1).

    Parameters
    ----------
    z : Tensor of shape (n, p)
    representatives : Tensor of shape (k, p)
    alpha : float

    Returns
    -------
    loss : scalar Tensor
    distances : Tensor of shape (n, k)
    """
    d = ((z[:, None, :] - representatives[None, :, :]) ** 2).sum(-1)
    shifted = d - d.min(dim=1, keepdim=True).values.detach()
    weights = torch.softmax(-alpha * shifted, dim=1)
    return (weights * d).sum(1).mean(), d


class _DKMNetwork(nn.Module):
    """Autoencoder plus the learned cluster representatives."""

    def __init__(self, autoencoder, representatives):
        super().__init__()
        self.autoencoder = autoencoder
        self.representatives = nn.Parameter(representatives)


class DKM(BaseDeepClusterer):
    """Deep k-Means: autoencoder and k-means trained jointly by gradient descent.

    Every mini-batch minimises ``reconstruction + lambda_ * sum_k
    softmin_k(alpha * d_ik) * d_ik`` where ``d_ik`` is the squared Euclidean
    distance between the embedding of row ``i`` and the learned cluster
    representative ``k`` (a network parameter).  With increasing inverse
    temperature ``alpha`` the soft assignment tends to the hard k-means one.
    Two variants of the paper are covered:

    - **DKMp** (``pretrain_epochs > 0``, the default): the autoencoder is
      pretrained, the representatives start at the centres of k-means++ on
      the pretrained embedding and ``alpha`` is constant (1000);
    - **DKMa** (``pretrain_epochs=0``): no pretraining, representatives drawn
      from U[-1, 1] and ``alpha`` annealed over 40 values
      (:func:`annealed_alphas`).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters ``K``.
    hidden_sizes : sequence of int or None, default=(500, 500, 2000)
        Encoder hidden widths, mirrored by the decoder; ReLU hidden layers,
        linear embedding and output layers (``mnist_specs.py``).  ``None``
        derives narrower widths from the input width (the package's
        automatic autoencoder sizes).
    latent_dim : int, default=None
        Embedding width; ``None`` uses ``n_clusters``, as the authors do
        (``embedding_size = n_clusters`` in ``*_specs.py``).
    lambda_ : float, default=1.0
        Weight of the clustering term (``dkm.py``, ``--lambda`` default).
    pretrain_epochs : int, default=200
        Autoencoder pretraining epochs; ``0`` gives DKMa.  The authors use 50
        (``dkm.py``, ``--p_epochs``) on MNIST, i.e. ~13,700 Adam updates; on
        data sets of a few thousand rows 50 epochs are only a few hundred
        updates and leave the autoencoder under-trained (k-means on the
        embedding falls below k-means on the input), hence 200, the
        pretraining length of :class:`~skdm2c.baselines.IDEC`.
    alphas : {"auto", "annealed"}, float or array-like of float, default="auto"
        Inverse temperatures, each used for ``epochs_per_alpha`` epochs.
        ``"auto"``: ``[1000] * 20`` with pretraining (DKMp), the annealed
        schedule without (DKMa), as in ``dkm.py``.  ``"annealed"``: the 40
        annealed values in both cases.  A float ``a``: ``[a] * 20``.  An
        array: those values in order.  Values lie in ``(0, 1e30]`` (larger
        ones overflow float32).
    epochs_per_alpha : int, default=5
        Epochs per alpha value (``dkm.py``, ``--f_epochs`` default).
    learning_rate : float, default=1e-3
        Adam learning rate of the joint training (TensorFlow's Adam default,
        used by ``compgraph.py``).
    pretrain_learning_rate : float, default=1e-3
        Adam learning rate of the pretraining (same source).
    batch_size : int, default=256
        Mini-batch size (``dkm.py``, ``--batch_size`` default).
    device : str or torch.device, default="cpu"
        Torch device used for training.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order, representatives and k-means.
    verbose : int, default=0
        Print one line per epoch when > 0.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, latent_dim)
        Learned representatives, or k-means centres when ``kmeans_fallback_``.
    representatives_ : ndarray of shape (n_clusters, latent_dim)
        The learned representatives (always).
    labels_ : ndarray of shape (n_samples,)
        Index of the nearest ``cluster_centers_`` row of each training
        embedding (eval mode, after training).
    kmeans_fallback_ : bool
        True when the nearest-representative assignment left a cluster
        empty; ``labels_`` and ``cluster_centers_`` then come from k-means
        (``n_init=10``) on the final embedding, so that every label
        ``0..n_clusters-1`` is used.
    alphas_ : ndarray
        The inverse temperatures actually used.
    network_ : torch.nn.Module
        Trained autoencoder (``network_.autoencoder``) and representatives.
    history_ : list of dict
        One record per epoch (phase, losses, alpha, time).
    n_iter_ : int
        Number of joint-training epochs run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit (DataFrame input only).

    See Also
    --------
    skdm2c.baselines.ModalityStacker : Put it in front for mixed-modal data.
    skdm2c.baselines.DCN : Hard-assignment counterpart.

    Notes
    -----
    ``transform`` returns the embedding; ``predict`` the nearest centre.
    Deviations from the authors' TensorFlow code (``dkm.py``, ``compgraph.py``):

    - reconstruction in the joint loss is, as there, the squared error
      summed over features and averaged over the batch; pretraining uses
      the shared mean-squared-error pretraining of this package, which
      differs only by the constant factor ``1/n_features`` (irrelevant to
      Adam up to its epsilon);
    - the authors draw mini-batches with replacement across batches and
      label rows by the distances recorded during the last epoch; here each
      epoch is a shuffled pass and labels use the final embedding;
    - pretraining and joint training use two Adam optimisers (one shared
      optimiser there); k-means++ uses ``n_init=10`` (scikit-learn's old
      default that the authors relied on);
    - weights use torch's default initialisation (TensorFlow: Glorot uniform).

    References
    ----------
    .. [1] M. Moradi Fard, T. Thonet, E. Gaussier, "Deep k-Means: Jointly
       clustering with k-Means and learning representations", Pattern
       Recognition Letters 138, 2020 (arXiv:1806.10069).
       Code: https://github.com/MaziarMF/deep-k-means

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.baselines import DKM
    >>> X = np.r_[np.zeros((20, 4)), np.ones((20, 4))]
    >>> X += np.random.RandomState(0).normal(scale=0.1, size=X.shape)
    >>> dkm = DKM(n_clusters=2, hidden_sizes=(8,), pretrain_epochs=10, alphas=[1000.0],
    ...           epochs_per_alpha=5, batch_size=8, random_state=0).fit(X)
    >>> np.bincount(dkm.labels_)
    array([20, 20])
    """

    _parameter_constraints = {
        **BaseDeepClusterer._parameter_constraints,
        **BaseDeepClusterer._autoencoder_constraints,
        "lambda_": [Interval(Real, 0, None, closed="left")],
        "alphas": [
            StrOptions({"auto", "annealed"}),
            Interval(Real, 0, _MAX_ALPHA, closed="right"),
            "array-like",
        ],
        "epochs_per_alpha": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
    }
    _layer_size_params = {"hidden_sizes": {"allow_none": True}}

    def __init__(
        self,
        n_clusters=8,
        *,
        hidden_sizes=(500, 500, 2000),
        latent_dim=None,
        lambda_=1.0,
        pretrain_epochs=200,
        alphas="auto",
        epochs_per_alpha=5,
        learning_rate=1e-3,
        pretrain_learning_rate=1e-3,
        batch_size=256,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.hidden_sizes = hidden_sizes
        self.latent_dim = latent_dim
        self.lambda_ = lambda_
        self.pretrain_epochs = pretrain_epochs
        self.alphas = alphas
        self.epochs_per_alpha = epochs_per_alpha
        self.learning_rate = learning_rate
        self.pretrain_learning_rate = pretrain_learning_rate
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _resolve_alphas(self):
        alphas = self.alphas
        if isinstance(alphas, str):
            if alphas == "annealed" or self.pretrain_epochs == 0:
                return annealed_alphas()
            return np.full(_PRETRAINED_N_ALPHAS, _PRETRAINED_ALPHA)
        if isinstance(alphas, Real):
            return np.full(_PRETRAINED_N_ALPHAS, float(alphas))
        message = (
            "alphas must be 'auto', 'annealed', a positive float or a non-empty "
            f"1-D sequence of positive floats, each at most {_MAX_ALPHA:g}; got {alphas!r}."
        )
        items = np.asarray(alphas, dtype=object)
        if any(isinstance(v, (bool, np.bool_)) or not isinstance(v, Real)
               for v in items.ravel()):
            raise InvalidParameterError(message)
        values = items.astype(np.float64)
        if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)) \
                or np.any(values <= 0) or np.any(values > _MAX_ALPHA):
            raise InvalidParameterError(message)
        return values

    def _validate_params(self):
        super()._validate_params()
        self._resolve_alphas()  # the array form, before any training

    def _embed(self, x):
        return self.network_.autoencoder.encoder(x)

    def _fit_model(self, X, generator, rng):
        alphas = self._resolve_alphas()
        autoencoder = self._build_autoencoder(X.shape[1], generator)
        self._pretrain(autoencoder, X, generator)
        self._init_network(X, autoencoder, generator, rng)
        self.alphas_ = alphas
        self.n_iter_ = self._train(X, alphas, generator)
        self._finalise(X, rng)

    def _init_network(self, X, autoencoder, generator, rng):
        latent = self.latent_dim if self.latent_dim is not None else self.n_clusters
        if self.pretrain_epochs > 0:
            # dkm.py: k-means++ on the pretrained embedding initialises the
            # representatives.
            self.network_ = _DKMNetwork(autoencoder, torch.zeros(self.n_clusters, latent))
            km = kmeans_on_embedding(
                self._embedding_tensor(X), self.n_clusters, n_init=10, random_state=rng
            )
            reps = torch.tensor(km.cluster_centers_, dtype=torch.float32)
        else:
            # compgraph.py: representatives ~ U[-1, 1].
            reps = torch.rand(self.n_clusters, latent, generator=generator) * 2.0 - 1.0
        self.network_ = _DKMNetwork(autoencoder, reps).to(X.device)

    def _train(self, X, alphas, generator):
        net = self.network_
        net.train()
        optimizer = torch.optim.Adam(net.parameters(), lr=self.learning_rate)
        lambda_ = float(self.lambda_)
        n_run = 0
        for i, alpha in enumerate(alphas):
            alpha = float(alpha)
            where = f"alpha={alpha:g} (value {i + 1} of {len(alphas)})"

            def step(idx, alpha=alpha, where=where):
                x = X[idx.to(X.device)]
                optimizer.zero_grad()
                recon, z = net.autoencoder(x)
                rec = ((recon - x) ** 2).sum(1).mean()
                km, _ = dkm_clustering_loss(z, net.representatives, alpha)
                loss = rec + lambda_ * km
                if not torch.isfinite(loss):
                    raise DivergenceError(
                        f"The DKM loss became {loss.item()} (reconstruction={rec.item()}, "
                        f"kmeans={km.item()}) at {where} of the joint training: training "
                        "diverged. Standardise the input, lower learning_rate or lambda_."
                    )
                loss.backward()
                optimizer.step()
                return {"loss": loss.item(), "reconstruction": rec.item(), "kmeans": km.item()}

            def add_alpha(epoch, record, alpha=alpha):
                record["alpha"] = alpha
                return False

            n_run += fit_loop(
                step, n_samples=X.shape[0], n_epochs=self.epochs_per_alpha,
                batch_size=self.batch_size, generator=generator, history=self.history_,
                phase="train", verbose=self.verbose, on_epoch_end=add_alpha,
                first_epoch=n_run,
            )
        return n_run

    def _finalise(self, X, rng):
        Z = self._embedding_tensor(X)
        reps = self.network_.representatives.detach().cpu().double().numpy()
        if not np.all(np.isfinite(reps)):
            raise DivergenceError("The DKM representatives hold NaN or infinite values.")
        self.representatives_ = reps
        self.cluster_centers_ = reps
        labels = self._predict_embedding(Z)
        self.kmeans_fallback_ = np.unique(labels).size < self.n_clusters
        if self.kmeans_fallback_:
            km = kmeans_on_embedding(Z, self.n_clusters, n_init=10, random_state=rng)
            self.cluster_centers_ = km.cluster_centers_
            labels = km.labels_
        self.labels_ = labels
