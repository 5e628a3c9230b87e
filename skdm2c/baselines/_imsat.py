"""IMSAT: information maximising self-augmented training (Hu et al., 2017)."""

import math
from numbers import Integral, Real

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import Interval

from .._core._base import BaseDeepClusterer, kmeans_on_embedding
from .._core._nets import SafeBatchNorm1d
from .._core._training import DivergenceError, fit_loop

__all__ = ["IMSAT", "neighbour_radii", "imsat_entropies"]

_LOG_EPS = 1e-8  # imsat_cluster.py: entropy(p) = -sum p * log(p + 1e-8)


def neighbour_radii(X, n_neighbors=10):
    """Distance of every row of ``X`` to its ``n_neighbors``-th nearest other row.

    The row itself is not its own neighbour (scikit-learn's ``kneighbors()``
    without query).  ``n_neighbors`` is clipped to ``n_samples - 1``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data, ``n_samples >= 2``.
    n_neighbors : int, default=10

    Returns
    -------
    radii : ndarray of shape (n_samples,)
    """
    k = min(int(n_neighbors), X.shape[0] - 1)
    dist, _ = NearestNeighbors(n_neighbors=k).fit(X).kneighbors()
    return dist[:, -1]


def imsat_entropies(logits):
    """Conditional entropy ``H(Y|X)`` and marginal entropy ``H(Y)`` of a batch.

    ``H(Y|X) = -mean_i sum_k p_ik log p_ik``; ``H(Y) = -sum_k pbar_k
    log(pbar_k + 1e-8)`` with ``pbar`` the batch mean of ``p`` (``loss_equal``
    in ``imsat_cluster.py``).

    Parameters
    ----------
    logits : Tensor of shape (n, k)

    Returns
    -------
    cond_entropy, marginal_entropy : scalar Tensors
    """
    p = torch.softmax(logits, dim=1)
    cond = -(p * torch.log_softmax(logits, dim=1)).sum(1).mean()
    pbar = p.mean(0)
    marg = -(pbar * torch.log(pbar + _LOG_EPS)).sum()
    return cond, marg


def _kl_from_logits(p, logp, logits):
    """``mean_i KL(p_i || softmax(logits)_i)`` (``p`` fixed)."""
    return (p * (logp - torch.log_softmax(logits, dim=1))).sum(1).mean()


def _unit_rows(d):
    return d / (d.pow(2).sum(1, keepdim=True).sqrt() + 1e-12)


class _IMSATNetwork(nn.Module):
    """``d -> hidden (Linear, BatchNorm, ReLU) -> K`` logits (``Encoder`` of the authors)."""

    def __init__(self, n_features, hidden_sizes, n_clusters):
        super().__init__()
        sizes = [n_features, *hidden_sizes]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.norms = nn.ModuleList(SafeBatchNorm1d(b) for b in sizes[1:])
        self.out = nn.Linear(sizes[-1], n_clusters)

    def forward(self, x, update_stats=True):
        h = x
        for linear, norm in zip(self.linears, self.norms):
            h = linear(h)
            if self.training and not update_stats and h.shape[0] > 1:
                # Normalise with the batch statistics, leave the running ones
                # untouched (call_bn(..., update_batch_stats=False)).
                h = F.batch_norm(h, None, None, norm.weight, norm.bias, True, 0.0, norm.eps)
            elif self.training and not update_stats:
                h = F.batch_norm(h, norm.running_mean, norm.running_var, norm.weight,
                                 norm.bias, False, 0.0, norm.eps)
            else:
                h = norm(h)
            h = torch.relu(h)
        return self.out(h)

    @torch.no_grad()
    def initialise(self, generator):
        """Chainer v1 ``Linear(wscale=s)``: W ~ N(0, s^2 / in), b = 0.

        ``wscale`` is 0.1 for hidden layers and 1e-4 for the output layer
        (``imsat_cluster.py``), so initial predictions are near uniform.
        """
        layers = [(lin, 0.1) for lin in self.linears] + [(self.out, 1e-4)]
        for lin, scale in layers:
            lin.weight.normal_(0.0, scale / math.sqrt(lin.in_features), generator=generator)
            lin.bias.zero_()
        for norm in self.norms:
            norm.reset_parameters()
        return self


class IMSAT(BaseDeepClusterer):
    """Information Maximising Self-Augmented Training for clustering.

    A classifier network is trained without labels to maximise the mutual
    information between inputs and predicted clusters while keeping its
    predictions invariant under virtual adversarial perturbations (VAT):
    the loss is ``R_vat + lam * (H(Y|X) - mu * H(Y))``.  There is no
    autoencoder and no pretraining.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (output units).
    hidden_sizes : sequence of int, default=(1200, 1200)
        Hidden widths; each hidden layer is Linear -> BatchNorm -> ReLU, the
        output layer is linear (``imsat_cluster.py``, ``--hidden_list``).
    mu : float, default=4.0
        Weight of the marginal entropy H(Y) (``--mu`` default).
    lam : float, default=0.1
        Weight of the mutual-information term against R_vat (``--lam``).
    xi : float, default=10.0
        Length of the probe perturbation of the power iteration (``vat``,
        ``xi=10``).  This is in input units: the authors' MNIST inputs lie in
        [-1, 1] (784 features).
    eps_scale : float, default=0.25
        VAT radius of row ``i``: ``eps_scale`` times the distance to its
        ``n_neighbors``-th nearest neighbour in the training data
        (``--prop_eps``; paper Section 4.1).
    n_neighbors : int, default=10
        Neighbour rank of the radius (``calculate_distance.py``); clipped to
        ``n_samples - 1``.
    epochs : int, default=200
        Training epochs.  The authors run 50 (``n_epoch``) on MNIST, i.e.
        14,000 updates of 250 rows; on data sets of a few thousand rows 50
        epochs are a few hundred updates and stop far from convergence
        (standardised digits, 3 seeds: mean ACC 0.47 after 50 epochs, 0.71
        after 200; ``benchmarks/bench_dkm_imsat.py``).
    learning_rate : float, default=2e-3
        Adam step size (``optimizers.Adam(alpha=0.002, beta1=0.9)``).
    batch_size : int, default=250
        Mini-batch size (``batchsize_ul``).
    device : str or torch.device, default="cpu"
        Torch device used for training.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, batch order, VAT probes and the k-means fallback.
    verbose : int, default=0
        Print one line per epoch when > 0.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_clusters)
        Mean predicted probability vector of the training rows of each
        cluster (the centres in the space of :meth:`transform`).
    labels_ : ndarray of shape (n_samples,)
        ``argmax`` of the predicted probabilities of the training rows.
    kmeans_fallback_ : bool
        True when the argmax assignment left a cluster empty; ``labels_`` and
        ``cluster_centers_`` then come from k-means (``n_init=10``) on the
        probabilities and :meth:`predict` assigns to the nearest centre, so
        that every label ``0..n_clusters-1`` is used.
    radii_ : ndarray of shape (n_samples,)
        Per-row VAT radius ``eps_i`` used in training.
    network_ : torch.nn.Module
        The trained classifier (logits).
    history_ : list of dict
        One record per epoch: ``loss``, ``vat``, ``cond_entropy``,
        ``marginal_entropy``, ``time``.
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit (DataFrame input only).

    See Also
    --------
    skdm2c.baselines.ModalityStacker : Put it in front for mixed-modal data.
    skdm2c.baselines.DKM : Autoencoder-based deep clustering.

    Notes
    -----
    :meth:`transform` returns the softmax cluster probabilities (eval mode:
    BatchNorm running statistics) and :meth:`predict` their argmax.
    Deviations from the authors' Chainer code (``imsat_cluster.py``):

    - the radius uses the ``n_neighbors``-th nearest other row, as the paper
      states; ``calculate_distance.py`` takes index 10 of the sorted
      distances with the row itself excluded, i.e. the 11th neighbour;
    - each epoch is a shuffled pass over the data (random batches there);
    - the clean forward pass of a batch is reused (detached) as ``p(x)`` in
      the KL; the authors recompute it without updating BatchNorm, which
      gives the same values;
    - directions are normalised with a ``1e-12`` guard and the KL uses
      ``log_softmax`` rather than ``log(p + 1e-8)``;
    - torch BatchNorm defaults (eps 1e-5, momentum 0.1; Chainer eps 2e-5,
      decay 0.9).

    References
    ----------
    .. [1] W. Hu, T. Miyato, S. Tokui, E. Matsumoto, M. Sugiyama, "Learning
       Discrete Representations via Information Maximizing Self-Augmented
       Training", ICML 2017.  Code: https://github.com/weihua916/imsat

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.baselines import IMSAT
    >>> X = np.r_[np.zeros((20, 4)), np.ones((20, 4))]
    >>> X += np.random.RandomState(0).normal(scale=0.1, size=X.shape)
    >>> imsat = IMSAT(n_clusters=2, hidden_sizes=(16,), epochs=20, batch_size=20,
    ...               random_state=0).fit(X)
    >>> np.bincount(imsat.labels_)
    array([20, 20])
    >>> imsat.transform(X[:1]).shape
    (1, 2)
    """

    _parameter_constraints = {
        **BaseDeepClusterer._parameter_constraints,
        "hidden_sizes": ["array-like"],
        "mu": [Interval(Real, 0, None, closed="left")],
        "lam": [Interval(Real, 0, None, closed="left")],
        "xi": [Interval(Real, 0, None, closed="neither")],
        "eps_scale": [Interval(Real, 0, None, closed="left")],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
    }
    _layer_size_params = {"hidden_sizes": {"allow_none": False}}

    def __init__(
        self,
        n_clusters=8,
        *,
        hidden_sizes=(1200, 1200),
        mu=4.0,
        lam=0.1,
        xi=10.0,
        eps_scale=0.25,
        n_neighbors=10,
        epochs=200,
        learning_rate=2e-3,
        batch_size=250,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.hidden_sizes = hidden_sizes
        self.mu = mu
        self.lam = lam
        self.xi = xi
        self.eps_scale = eps_scale
        self.n_neighbors = n_neighbors
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _embed(self, x):
        return torch.softmax(self.network_(x), dim=1)

    def _predict_embedding(self, Z):
        if getattr(self, "kmeans_fallback_", False):
            return super()._predict_embedding(Z)
        return np.argmax(Z, axis=1).astype(np.int64)

    def _fit_model(self, X, generator, rng):
        n_samples, n_features = X.shape
        if n_samples < 2:
            raise ValueError(
                "IMSAT needs at least 2 samples for its neighbour radii; "
                f"got n_samples={n_samples}."
            )
        hidden = tuple(int(h) for h in self.hidden_sizes)
        self.kmeans_fallback_ = False
        self.radii_ = self.eps_scale * neighbour_radii(X.cpu().numpy(), self.n_neighbors)
        radii = torch.tensor(self.radii_, dtype=torch.float32, device=X.device)
        net = _IMSATNetwork(n_features, hidden, self.n_clusters).initialise(generator)
        self.network_ = net.to(X.device)
        optimizer = torch.optim.Adam(net.parameters(), lr=self.learning_rate, betas=(0.9, 0.999))
        lam, mu, xi = float(self.lam), float(self.mu), float(self.xi)

        def step(idx):
            x = X[idx.to(X.device)]
            net.train()
            optimizer.zero_grad()
            logits = net(x)
            cond, marg = imsat_entropies(logits)
            vat = self._vat(net, x, logits.detach(), radii[idx.to(X.device)], xi, generator)
            loss = vat + lam * (cond - mu * marg)
            for name, value in (("vat", vat), ("cond_entropy", cond),
                                ("marginal_entropy", marg)):
                if not torch.isfinite(value):
                    raise DivergenceError(
                        f"The IMSAT {name!r} loss became {value.item()} during training "
                        f"(epoch {len(self.history_) + 1}): training diverged. Standardise "
                        "the input, lower learning_rate, xi or eps_scale."
                    )
            loss.backward()
            optimizer.step()
            return {"loss": loss.item(), "vat": vat.item(), "cond_entropy": cond.item(),
                    "marginal_entropy": marg.item()}

        self.n_iter_ = fit_loop(
            step, n_samples=n_samples, n_epochs=self.epochs, batch_size=self.batch_size,
            generator=generator, history=self.history_, phase="train", verbose=self.verbose,
        )
        self._finalise(X, rng)

    @staticmethod
    def _vat(net, x, logits, radii, xi, generator):
        """VAT loss with one power iteration; BatchNorm statistics untouched."""
        p = torch.softmax(logits, dim=1)
        logp = torch.log_softmax(logits, dim=1)
        d = _unit_rows(torch.randn(x.shape, generator=generator).to(x.device))
        d.requires_grad_(True)
        probe = _kl_from_logits(p, logp, net(x + xi * d, update_stats=False))
        (grad,) = torch.autograd.grad(probe, d)
        r = _unit_rows(grad.detach()) * radii[:, None]
        return _kl_from_logits(p, logp, net(x + r, update_stats=False))

    def _finalise(self, X, rng):
        P = self._embedding_tensor(X)
        labels = np.argmax(P, axis=1).astype(np.int64)
        counts = np.bincount(labels, minlength=self.n_clusters)
        if np.any(counts == 0):
            km = kmeans_on_embedding(P, self.n_clusters, n_init=10, random_state=rng)
            self.kmeans_fallback_ = True
            self.cluster_centers_ = km.cluster_centers_
            self.labels_ = km.labels_
            return
        self.cluster_centers_ = np.stack(
            [P[labels == k].mean(0) for k in range(self.n_clusters)]
        )
        self.labels_ = labels
