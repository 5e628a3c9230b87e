"""Deep Clustering Network (DCN; Yang et al., ICML 2017)."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval
from torch.nn import functional as F

from .._core._base import BaseDeepClusterer, kmeans_on_embedding, nearest_center
from .._core._training import fit_loop

__all__ = ["DCN", "dcn_center_update"]


def dcn_center_update(centers, counts, Z, assignments):
    """Online k-means step of DCN (Yang et al., 2017).

    Each row ``z`` assigned to centre ``c`` increments that centre's count
    and moves it: ``c <- (1 - 1/count) c + (1/count) z``, row after row
    (``batch_km`` in boyangumn/DCN-New, multi_layer_km.py).  The sequence of
    updates of one centre equals the closed form
    ``(count * c + sum z) / (count + m)`` for its ``m`` rows, which is what is
    computed here (no Python loop over rows).

    Parameters
    ----------
    centers : ndarray of shape (n_clusters, n_features)
        Current centres (not modified).
    counts : ndarray of shape (n_clusters,)
        Number of updates each centre has received, starting at
        ``count_init`` (not modified).
    Z : ndarray of shape (n_samples, n_features)
        Embedded rows of the mini-batch.
    assignments : ndarray of int of shape (n_samples,)
        Centre of each row.

    Returns
    -------
    new_centers : ndarray of shape (n_clusters, n_features)
        Updated centres.
    new_counts : ndarray of shape (n_clusters,)
        Updated counts.

    See Also
    --------
    DCN : The estimator that applies this update after every mini-batch.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.baselines._dcn import dcn_center_update
    >>> centers, counts = np.array([[0.0, 0.0], [10.0, 10.0]]), np.array([1.0, 3.0])
    >>> Z = np.array([[2.0, 0.0], [4.0, 0.0], [10.0, 14.0]])
    >>> new_centers, new_counts = dcn_center_update(centers, counts, Z, [0, 0, 1])
    >>> new_centers
    array([[ 2.,  0.],
           [10., 11.]])
    >>> new_counts
    array([3., 4.])
    """
    centers = np.asarray(centers, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    k = centers.shape[0]
    assignments = np.asarray(assignments, dtype=np.int64)
    m = np.bincount(assignments, minlength=k).astype(np.float64)
    sums = np.zeros_like(centers)
    np.add.at(sums, assignments, np.asarray(Z, dtype=np.float64))
    new_counts = counts + m
    new_centers = (counts[:, None] * centers + sums) / new_counts[:, None]
    return new_centers, new_counts


class DCN(BaseDeepClusterer):
    """Deep Clustering Network (DCN): an autoencoder with a k-means loss.

    A fully connected autoencoder is pretrained on the reconstruction loss
    and k-means on its embedding gives the initial centres ``M`` and hard
    assignments ``s``.  Training then alternates, on every mini-batch, (1) one
    network step on ``reconstruction + lambda_ / 2 * ||f(x) - M s||^2`` with
    the current assignments, (2) re-encoding the batch, (3) assigning each
    row to its nearest centre and (4) the online centre update
    ``c <- (1 - 1/count) c + (1/count) f(x)`` with per-cluster counts; a full
    k-means restarted from the current centres re-clusters the embedding
    every ``kmeans_every`` epochs (Yang et al., 2017).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (scikit-learn's usual default).
    hidden_sizes : sequence of int or None, default=(500, 500, 2000)
        Encoder widths; the decoder mirrors them.  d-500-500-2000-10, ReLU,
        linear embedding and output is the MNIST network of the authors'
        boyangumn/DCN-New, run_raw_mnist.py.  ``None`` picks widths from the
        input width (:func:`skdm2c._core._nets.default_hidden_sizes`).
    latent_dim : int or None, default=10
        Embedding width (run_raw_mnist.py: 10).  ``None`` uses ``n_clusters``.
    lambda_ : float, default=0.1
        Weight of the clustering term, written as in the paper's objective:
        ``loss = reconstruction + lambda_ / 2 * ||f(x) - M s||^2``, where
        ``reconstruction`` is the squared error averaged over the input
        features and the distance is summed over the embedding dimensions,
        both averaged over the rows of the batch.  The code's MNIST setting
        maps to ``2 / n_features`` (see Notes); 0.1 was chosen on the two
        data sets of ``benchmarks/bench_idec_dcn.py``, where 0.01 and 1.0
        did slightly worse.  The trailing underscore only avoids the Python
        keyword: this is a parameter, not a fitted attribute.
    pretrain_epochs : int, default=100
        Epochs of end-to-end autoencoder pretraining (Adam, mean squared
        error).  The authors pretrain 250 layer-wise plus 250 end-to-end
        epochs (comment in run_raw_mnist.py); 100 end-to-end epochs suffice
        on a few thousand rows.
    pretrain_learning_rate : float, default=1e-3
        Adam step size of the pretraining (Adam's usual default).
    epochs : int, default=50
        Epochs of joint training (``training_epochs`` in run_raw_mnist.py).
    learning_rate : float, default=1e-4
        Step size of the joint training (``finetune_lr`` in run_raw_mnist.py;
        used here with Adam, see Notes).
    batch_size : int, default=256
        Rows per mini-batch (run_raw_mnist.py).
    count_init : int, default=100
        Initial per-cluster count of the online centre update, i.e. the
        inverse of the first step size (``count = 100 * ones`` in
        multi_layer_km.py).
    kmeans_every : int, default=10
        Epochs between two full k-means runs started from the current
        centres (``epoch % 10 == 0`` in multi_layer_km.py).
    n_init : int, default=10
        Restarts of the initial k-means (``init_cluster`` in
        multi_layer_km.py).
    device : str or torch.device, default="cpu"
        Torch device used for training.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and k-means.
    verbose : int, default=0
        Print one line per epoch.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training row, from the final k-means (see Notes);
        equal to :meth:`predict` on the training data.
    cluster_centers_ : ndarray of shape (n_clusters, latent_dim)
        Final centres in embedding space.
    network_ : torch.nn.Module
        Trained autoencoder.
    n_iter_ : int
        Epochs of joint training run.
    history_ : list of dict
        One record per epoch: ``phase`` (``"pretrain"`` or ``"train"``),
        ``epoch``, mean ``reconstruction`` and ``clustering`` (the
        ``||f(x) - M s||^2`` term, unweighted) losses, ``kmeans`` (whether a
        periodic k-means ran after that epoch; the final k-means that
        follows the last epoch is not flagged) and ``time``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    IDEC : Improved Deep Embedded Clustering (KL loss on soft assignments).
    sklearn.cluster.KMeans : The k-means algorithm on the input features.

    Notes
    -----
    **Loss weights.**  The authors' code (``SdC_KM.finetune_cost_updates`` in
    boyangumn/DCN-New, multi_layer_km.py) minimises
    ``beta * ||f(x) - M s||^2 + lbd * ||x - g(f(x))||^2`` with the squared
    errors *summed* over features and ``lbd = beta = 1`` on MNIST.  With the
    reconstruction averaged over the ``d`` input features, as here, that is
    ``lambda_ = 2 * beta / (lbd * d)`` (0.0026 on MNIST).

    **Final labels.**  ``labels_`` and ``cluster_centers_`` come from one
    k-means on the final embedding started from the final online centres
    (the code's periodic re-clustering, whose labels at epoch 50 are the
    numbers run_raw_mnist.py reports); the code also prints a fresh k-means
    (``n_init=10``) at the very end, which is not used here.  Because
    scikit-learn's k-means relocates empty clusters, every label 0..k-1 is
    used, and :meth:`predict` (nearest centre) reproduces ``labels_``.

    Other deviations from the authors' code: untied decoder weights and
    end-to-end Adam pretraining instead of tied layer-wise autoencoders; Adam
    instead of SGD with Nesterov momentum 0.9 (and doubled bias steps) for the
    joint training; rows reshuffled at every epoch instead of once.

    References
    ----------
    .. [1] B. Yang, X. Fu, N. D. Sidiropoulos and M. Hong, "Towards
       K-means-friendly Spaces: Simultaneous Deep Learning and Clustering",
       ICML 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skdm2c.baselines import DCN
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(-3, 1, (30, 5)), rng.normal(3, 1, (30, 5))])
    >>> dcn = DCN(n_clusters=2, hidden_sizes=(16,), latent_dim=2,
    ...           pretrain_epochs=5, epochs=3, random_state=0).fit(X)
    >>> dcn.labels_.shape, dcn.cluster_centers_.shape
    ((60,), (2, 2))
    >>> len(set(dcn.labels_[:30])), len(set(dcn.labels_[30:]))
    (1, 1)
    """

    _parameter_constraints = {
        **BaseDeepClusterer._parameter_constraints,
        **BaseDeepClusterer._autoencoder_constraints,
        "lambda_": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "count_init": [Interval(Integral, 1, None, closed="left")],
        "kmeans_every": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
    }
    _layer_size_params = {"hidden_sizes": {"allow_none": True}}

    def __init__(
        self,
        n_clusters=8,
        *,
        hidden_sizes=(500, 500, 2000),
        latent_dim=10,
        lambda_=0.1,
        pretrain_epochs=100,
        pretrain_learning_rate=1e-3,
        epochs=50,
        learning_rate=1e-4,
        batch_size=256,
        count_init=100,
        kmeans_every=10,
        n_init=10,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.n_clusters = n_clusters
        self.hidden_sizes = hidden_sizes
        self.latent_dim = latent_dim
        self.lambda_ = lambda_
        self.pretrain_epochs = pretrain_epochs
        self.pretrain_learning_rate = pretrain_learning_rate
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.count_init = count_init
        self.kmeans_every = kmeans_every
        self.n_init = n_init
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _embed(self, x):
        return _float64_forward(self.network_.encoder, x)

    def _fit_model(self, X, generator, rng):
        n_samples, n_features = X.shape
        self.network_ = self._build_autoencoder(n_features, generator)
        self._pretrain(self.network_, X, generator)
        Z = self._embedding_tensor(X)
        km = kmeans_on_embedding(Z, self.n_clusters, n_init=self.n_init, random_state=_seed(rng))
        state = {
            "centers": np.asarray(km.cluster_centers_, dtype=np.float64),
            "counts": np.full(self.n_clusters, float(self.count_init)),
            "assign": np.asarray(km.labels_, dtype=np.int64).copy(),
        }
        net = self.network_
        optimizer = torch.optim.Adam(net.parameters(), lr=self.learning_rate)
        weight = self.lambda_ / 2.0

        def train_step(idx):
            idx = idx.to(X.device)
            rows = idx.cpu().numpy()
            xb = X[idx]
            target = torch.as_tensor(state["centers"][state["assign"][rows]],
                                     dtype=X.dtype, device=X.device)
            net.train()
            optimizer.zero_grad()
            recon, z = net(xb)
            reconstruction = F.mse_loss(recon, xb)
            clustering = (z - target).pow(2).sum(1).mean()
            (reconstruction + weight * clustering).backward()
            optimizer.step()
            # re-encode, assign to the nearest centre, online centre update
            net.eval()
            with torch.no_grad():
                zb = net.encoder(xb).cpu().double().numpy()
            if np.all(np.isfinite(zb)):
                assign = nearest_center(zb, state["centers"])
                state["centers"], state["counts"] = dcn_center_update(
                    state["centers"], state["counts"], zb, assign)
                state["assign"][rows] = assign
            return {"reconstruction": reconstruction.item(), "clustering": clustering.item()}

        def on_epoch_end(epoch, record):
            rerun = (epoch + 1) % self.kmeans_every == 0 and epoch + 1 < self.epochs
            if rerun:
                self._recluster(X, state, rng)
            record["kmeans"] = rerun
            return False

        self.n_iter_ = fit_loop(
            train_step, n_samples=n_samples, n_epochs=self.epochs, batch_size=self.batch_size,
            generator=generator, history=self.history_, phase="train", verbose=self.verbose,
            on_epoch_end=on_epoch_end,
        )
        km = self._recluster(X, state, rng)
        self.cluster_centers_ = np.asarray(km.cluster_centers_, dtype=np.float64)
        self.labels_ = self._predict_embedding(self._embedding_tensor(X))

    def _recluster(self, X, state, rng):
        """k-means on the full embedding, started from the current centres."""
        km = kmeans_on_embedding(self._embedding_tensor(X), self.n_clusters, n_init=1,
                                 init=state["centers"], random_state=_seed(rng))
        state["centers"] = np.asarray(km.cluster_centers_, dtype=np.float64)
        state["assign"] = np.asarray(km.labels_, dtype=np.int64).copy()
        return km


def _seed(rng):
    return int(rng.randint(np.iinfo(np.int32).max))


def _float64_forward(module, x):
    """Inference in float64 (float32 products round differently with the batch
    size, ~1e-7, which breaks scikit-learn's subset-invariance check)."""
    state = {k: v.double() for k, v in (*module.named_parameters(), *module.named_buffers())}
    return torch.func.functional_call(module, state, (x.double(),))
