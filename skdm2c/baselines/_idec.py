"""Improved Deep Embedded Clustering (IDEC; Guo et al., IJCAI 2017)."""

import math
import time
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn
from torch.nn import functional as F

from .._core._base import BaseDeepClusterer, kmeans_on_embedding
from .._core._training import DivergenceError, batch_indices, check_finite, format_record

__all__ = ["IDEC", "soft_assignment", "target_distribution"]


def soft_assignment(Z, centers, alpha=1.0):
    """Student-t soft assignment ``q`` of the embedded rows to the centres.

    ``q_ij`` is proportional to ``(1 + ||z_i - mu_j||^2 / alpha) ** (-(alpha + 1) / 2)``
    (Guo et al., 2017; the ``ClusteringLayer`` of XifengGuo/IDEC,
    DEC.py), rows normalised to sum to one.  Computed in log space (a row
    softmax), so that far-away rows never give ``0 / 0``.

    Parameters
    ----------
    Z : torch.Tensor of shape (n_samples, n_features)
        Embedded rows.
    centers : torch.Tensor of shape (n_clusters, n_features)
        Cluster centres.
    alpha : float, default=1.0
        Degrees of freedom of the Student-t kernel.

    Returns
    -------
    log_q : torch.Tensor of shape (n_samples, n_clusters)
        Logarithm of the soft assignment (``log_q.exp()`` rows sum to one).

    Examples
    --------
    >>> import torch
    >>> from skdm2c.baselines._idec import soft_assignment
    >>> Z = torch.tensor([[0.0], [3.0]])
    >>> soft_assignment(Z, torch.tensor([[0.0], [1.0]])).exp()
    tensor([[0.6667, 0.3333],
            [0.3333, 0.6667]])
    """
    d2 = torch.cdist(Z, centers).pow(2)
    return torch.log_softmax(-(alpha + 1.0) / 2.0 * torch.log1p(d2 / alpha), dim=1)


def target_distribution(q):
    """Auxiliary target ``p_ij = (q_ij^2 / f_j) / sum_j' (q_ij'^2 / f_j')``.

    ``f_j = sum_i q_ij`` are the soft cluster frequencies (Guo et al., 2017;
    ``target_distribution`` in XifengGuo/IDEC, IDEC.py).  Squaring
    sharpens each row towards its most likely cluster and dividing by ``f_j``
    keeps large clusters from swallowing the others.

    Parameters
    ----------
    q : ndarray or torch.Tensor of shape (n_samples, n_clusters)
        Soft assignment, rows summing to one, computed on the full data.

    Returns
    -------
    p : ndarray or torch.Tensor of shape (n_samples, n_clusters)
        Target distribution (same type as ``q``), rows summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.baselines._idec import target_distribution
    >>> target_distribution(np.array([[0.6, 0.4], [0.4, 0.6]])).round(3)
    array([[0.692, 0.308],
           [0.308, 0.692]])
    """
    weight = q**2 / q.sum(0)
    return weight / weight.sum(1)[:, None]


class _IDECNetwork(nn.Module):
    """Autoencoder plus the trainable cluster centres (the clustering layer)."""

    def __init__(self, autoencoder, n_clusters):
        super().__init__()
        self.autoencoder = autoencoder
        latent_dim = autoencoder.encoder[-1].out_features  # linear embedding layer
        self.centers = nn.Parameter(torch.zeros(n_clusters, latent_dim))

    def forward(self, x):
        return self.autoencoder(x)


class IDEC(BaseDeepClusterer):
    """Improved Deep Embedded Clustering (IDEC).

    A fully connected autoencoder is pretrained on the reconstruction loss,
    k-means on its embedding initialises ``n_clusters`` trainable centres, and
    the encoder, decoder and centres are then trained jointly on
    ``reconstruction + gamma * KL(P || Q)``, where ``Q`` is the Student-t soft
    assignment of the embedded rows and ``P`` the sharpened target
    distribution recomputed on the full data every ``update_interval``
    mini-batch steps (Guo et al., 2017).  Unlike DEC, the decoder is kept, so
    the embedding preserves the local structure of the data.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (scikit-learn's usual default).
    hidden_sizes : sequence of int or None, default=(500, 500, 2000)
        Encoder widths; the decoder mirrors them.  d-500-500-2000-10 with ReLU
        and linear embedding/output layers is the paper's network (experimental
        setup; ``autoencoder`` in XifengGuo/IDEC, DEC.py).  ``None`` picks widths
        from the input width (:func:`skdm2c._core._nets.default_hidden_sizes`).
    latent_dim : int or None, default=10
        Embedding width (paper: 10).  ``None`` uses ``n_clusters``.
    gamma : float, default=0.1
        Weight of the clustering (KL) loss; paper's experimental setup and the
        ``--gamma`` default of XifengGuo/IDEC, IDEC.py.
    alpha : float, default=1.0
        Degrees of freedom of the Student-t kernel (paper; ``ClusteringLayer`` in DEC.py),
        in ``[1e-6, 1e6]`` (outside, the float32 kernel over- or underflows).
    update_interval : int or None, default=None
        Mini-batch steps between two target updates.  ``None`` means one
        pass over the data (``ceil(n_samples / batch_size)`` steps), the
        default of the authors' XifengGuo/IDEC-toy, IDEC.py; the paper used 140
        on MNIST and 30 on USPS (XifengGuo/IDEC, README.md).
    tol : float, default=1e-3
        Training stops once fewer than this fraction of the labels changed
        between two consecutive target updates (paper's experimental setup; IDEC.py).
    max_iter : int, default=2000
        Maximum number of mini-batch steps of the clustering phase (paper:
        2e4 on MNIST, IDEC.py ``--maxiter``; 2000 steps are 250 passes over
        2000 rows).  ``0`` returns k-means on the pretrained embedding.
    pretrain_epochs : int, default=100
        Epochs of end-to-end autoencoder pretraining (Adam, mean squared
        error).  The authors' XifengGuo/IDEC-toy, IDEC.py pretrains this way
        for 200 epochs (``--pretrain_epochs``); half of that keeps a CPU fit
        on a few thousand rows near a minute and already beats k-means in
        ``benchmarks/bench_idec_dcn.py``.  The paper pretrains greedy
        layer-wise denoising autoencoders instead.
    pretrain_learning_rate : float, default=1e-3
        Adam step size of the pretraining (Keras' default, used by IDEC-toy).
    learning_rate : float or None, default=None
        Step size of the clustering phase.  ``None``: 1e-3 for Adam (Keras'
        default; paper's MNIST setting) and 0.1 for SGD (paper's USPS /
        REUTERS-10K setting, IDEC.py).
    optimizer : {"adam", "sgd"}, default="adam"
        Optimiser of the clustering phase; ``"sgd"`` uses momentum 0.99
        (IDEC.py).
    batch_size : int, default=256
        Rows per mini-batch (paper; IDEC.py ``--batch_size``).
    n_init : int, default=20
        Restarts of the k-means that initialises the centres (IDEC.py).
    device : str or torch.device, default="cpu"
        Torch device used for training.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and k-means.
    verbose : int, default=0
        Print one line per pretraining epoch and per target update.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training row: the nearest centre in the final
        embedding (equivalently ``argmax q``), consecutive 0..k-1.
    cluster_centers_ : ndarray of shape (n_clusters, latent_dim)
        Cluster centres in embedding space.
    network_ : torch.nn.Module
        Trained autoencoder (``network_.autoencoder``) and centres
        (``network_.centers``).
    n_iter_ : int
        Mini-batch steps run in the clustering phase.
    converged_ : bool
        Whether the ``tol`` criterion stopped training.
    history_ : list of dict
        One record per pretraining epoch (``phase="pretrain"``) and one per
        target update (``phase="train"``) with ``epoch`` (index of the
        update), ``iteration``, the mean ``reconstruction`` and ``kl`` losses
        of the steps since the previous update, ``delta_label`` and ``time``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DCN : Deep Clustering Network (k-means loss on the embedding).
    sklearn.cluster.KMeans : The k-means algorithm on the input features.

    Notes
    -----
    Deviations from the authors' code (XifengGuo/IDEC):

    - pretraining is end-to-end (as in their IDEC-toy), not greedy
      layer-wise denoising (paper); no pretrained weights are loaded;
    - mini-batches are drawn from a fresh random permutation at each pass
      (the original walks the rows in a fixed order);
    - the stopping test also runs after the last step, so ``labels_`` always
      come from the final network and agree with :meth:`predict`; a
      :class:`~sklearn.exceptions.ConvergenceWarning` is emitted when
      ``max_iter`` is reached without meeting ``tol``;
    - when the final assignment leaves a cluster empty, the labels and
      centres are finalised by one k-means run on the embedding started
      from the trained centres, so that every label 0..k-1 is used;
    - the soft assignment is computed in log space (same values, no 0/0).

    References
    ----------
    .. [1] X. Guo, L. Gao, X. Liu and J. Yin, "Improved Deep Embedded
       Clustering with Local Structure Preservation", IJCAI 2017.
    .. [2] J. Xie, R. Girshick and A. Farhadi, "Unsupervised Deep Embedding
       for Clustering Analysis", ICML 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.baselines import IDEC
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(-3, 1, (30, 5)), rng.normal(3, 1, (30, 5))])
    >>> idec = IDEC(n_clusters=2, hidden_sizes=(16,), latent_dim=2,
    ...             pretrain_epochs=5, max_iter=20, random_state=0).fit(X)
    >>> idec.labels_.shape, idec.cluster_centers_.shape
    ((60,), (2, 2))
    >>> len(set(idec.labels_[:30])), len(set(idec.labels_[30:]))
    (1, 1)
    """

    _parameter_constraints = {
        **BaseDeepClusterer._parameter_constraints,
        **BaseDeepClusterer._autoencoder_constraints,
        "gamma": [Interval(Real, 0, None, closed="left")],
        # Outside [1e-6, 1e6] the float32 kernel over/underflows (NaN soft assignments).
        "alpha": [Interval(Real, 1e-6, 1e6, closed="both")],
        "update_interval": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, 1, closed="both")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), None],
        "optimizer": [StrOptions({"adam", "sgd"})],
        "n_init": [Interval(Integral, 1, None, closed="left")],
    }
    _layer_size_params = {"hidden_sizes": {"allow_none": True}}

    def __init__(
        self,
        n_clusters=8,
        *,
        hidden_sizes=(500, 500, 2000),
        latent_dim=10,
        gamma=0.1,
        alpha=1.0,
        update_interval=None,
        tol=1e-3,
        max_iter=2000,
        pretrain_epochs=100,
        pretrain_learning_rate=1e-3,
        learning_rate=None,
        optimizer="adam",
        batch_size=256,
        n_init=20,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.hidden_sizes = hidden_sizes
        self.latent_dim = latent_dim
        self.gamma = gamma
        self.alpha = alpha
        self.update_interval = update_interval
        self.tol = tol
        self.max_iter = max_iter
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_learning_rate = pretrain_learning_rate
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.batch_size = batch_size
        self.n_init = n_init
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------- training
    def _embed(self, x):
        return _float64_forward(self.network_.autoencoder.encoder, x)

    def _make_optimizer(self, params):
        if self.optimizer == "sgd":
            lr = 0.1 if self.learning_rate is None else self.learning_rate
            return torch.optim.SGD(params, lr=lr, momentum=0.99)
        lr = 1e-3 if self.learning_rate is None else self.learning_rate
        return torch.optim.Adam(params, lr=lr)

    @torch.no_grad()
    def _full_soft_assignment(self, X, iteration):
        """``q`` on the full training tensor (eval mode, batched)."""
        net = self.network_.eval()
        q = torch.cat([soft_assignment(net.autoencoder.encoder(X[s:s + 1024]), net.centers,
                                       self.alpha) for s in range(0, X.shape[0], 1024)]).exp()
        if not torch.isfinite(q).all():
            raise DivergenceError(
                f"The soft assignments (and so the 'kl' loss) became NaN during train at "
                f"iteration {iteration}: training diverged. Lower learning_rate or gamma.")
        return q

    def _fit_model(self, X, generator, rng):
        n_samples, n_features = X.shape
        k = self.n_clusters
        autoencoder = self._build_autoencoder(n_features, generator)
        self._pretrain(autoencoder, X, generator)
        self.network_ = _IDECNetwork(autoencoder, k).to(X.device)

        Z = self._embedding_tensor(X)
        km = kmeans_on_embedding(Z, k, n_init=self.n_init, random_state=_seed(rng))
        with torch.no_grad():
            self.network_.centers.copy_(torch.as_tensor(km.cluster_centers_))
        labels_last = np.asarray(km.labels_)

        interval = self.update_interval or max(1, math.ceil(n_samples / self.batch_size))
        optimizer = self._make_optimizer(self.network_.parameters())
        batches, p = [], None
        sums, n_steps = {"reconstruction": 0.0, "kl": 0.0}, 0
        n_updates, self.converged_, ite, tic = 0, False, 0, time.perf_counter()
        while True:
            if ite % interval == 0 or ite == self.max_iter:
                if n_steps:  # close the interval: losses, labels, record
                    losses = {key: value / n_steps for key, value in sums.items()}
                    check_finite(losses, phase="train", epoch=n_updates)
                q = self._full_soft_assignment(X, ite)
                labels = q.argmax(1).cpu().numpy()
                delta_label = float(np.mean(labels != labels_last))
                labels_last = labels
                if n_steps:
                    record = {"phase": "train", "epoch": n_updates, "iteration": ite, **losses,
                              "delta_label": delta_label, "time": time.perf_counter() - tic}
                    self.history_.append(record)
                    if self.verbose:
                        print(format_record(record), flush=True)
                    n_updates += 1
                    sums, n_steps, tic = dict.fromkeys(sums, 0.0), 0, time.perf_counter()
                if ite > 0 and delta_label < self.tol:
                    self.converged_ = True
                    break
                if ite >= self.max_iter:
                    break
                p = target_distribution(q)
            if not batches:
                batches = batch_indices(n_samples, self.batch_size, generator)
            idx = batches.pop(0).to(X.device)
            for key, value in self._train_step(optimizer, X[idx], p[idx]).items():
                sums[key] += value
            n_steps += 1
            ite += 1
        self.n_iter_ = ite
        if not self.converged_ and self.max_iter > 0:
            warnings.warn(f"IDEC did not converge: more than tol={self.tol} of the labels "
                          f"changed between the last two target updates after max_iter="
                          f"{self.max_iter} iterations. Increase max_iter or tol.",
                          ConvergenceWarning)
        self._finalise(X, rng)

    def _train_step(self, optimizer, xb, pb):
        self.network_.train()
        optimizer.zero_grad()
        recon, z = self.network_(xb)
        reconstruction = F.mse_loss(recon, xb)
        log_q = soft_assignment(z, self.network_.centers, self.alpha)
        # KL(P || Q) summed over clusters, averaged over rows (Keras' "kld").
        kl = (torch.special.xlogy(pb, pb) - pb * log_q).sum(1).mean()
        (reconstruction + self.gamma * kl).backward()
        optimizer.step()
        return {"reconstruction": reconstruction.item(), "kl": kl.item()}

    def _finalise(self, X, rng):
        """Labels from the final network; repair empty clusters with k-means."""
        Z = self._embedding_tensor(X)
        self.cluster_centers_ = self.network_.centers.detach().cpu().double().numpy()
        labels = self._predict_embedding(Z)
        if np.unique(labels).size < self.n_clusters:
            km = kmeans_on_embedding(Z, self.n_clusters, n_init=1,
                                     init=self.cluster_centers_, random_state=_seed(rng))
            self.cluster_centers_ = km.cluster_centers_
            with torch.no_grad():
                self.network_.centers.copy_(torch.as_tensor(km.cluster_centers_))
            labels = self._predict_embedding(Z)
        self.labels_ = labels


def _seed(rng):
    return int(rng.randint(np.iinfo(np.int32).max))


def _float64_forward(module, x):
    """Inference in float64 (float32 products round differently with the batch
    size, ~1e-7, which breaks scikit-learn's subset-invariance check)."""
    state = {k: v.double() for k, v in (*module.named_parameters(), *module.named_buffers())}
    return torch.func.functional_call(module, state, (x.double(),))
