"""The docstring of :class:`skdm2c.DM2CClustering` (kept apart: it is long)."""

DM2C_DOC = """Deep Mixed-Modal Clustering (DM2C, Jiang et al., NeurIPS 2019), with known pairs.

Clusters data in which instances are observed in one modality (some rows
only as image features, others only as text features) and, optionally, some
instances in several modalities at once (a packed row that fills several
blocks: a known cross-modal correspondence).  Without such rows it is the
published DM2C.  One autoencoder per modality maps its
rows into a latent space; latent generators ``G[m->p]`` / ``G[p->m]``,
trained with cycle consistency and Wasserstein adversarial losses against
critics, translate every modality's codes into the latent space of one
*unified* modality ``p``; k-means then clusters all unified codes together.

Read more in the :ref:`User Guide <dm2c>`.

Parameters
----------
n_clusters : int, default=10
    Number of clusters.

modality_dims : sequence of int, default=None
    Width of each modality's column block in packed input.  ``None`` infers
    it from the NaN pattern at fit (:func:`~skdm2c.infer_modality_dims`).
    Set it when a training subset may lack a modality (cross-validation).

modality_names : sequence of str, default=None
    Names of the modalities for packed or list input (dict input brings its
    own).  ``None`` gives ``"modality0"``, ``"modality1"``, ...

latent_dim : int, default=32
    Width of every modality's latent space (the authors use 128).

hidden_sizes : tuple of int, list of tuple of int, default=None
    Encoder hidden widths, one tuple for every modality or one tuple per
    modality; decoders mirror them.  ``None`` derives them from each input
    width: ``d -> (min(1024, d // 2), min(256, ...)) -> latent_dim``, which
    gives the authors' Wikipedia encoder 2048-1024-256-latent.

generator_hidden_sizes : tuple of int, default=None
    Hidden widths of each latent generator; ``None`` means
    ``(latent_dim,)``, the authors' NUS-WIDE generator 128-128-128.

critic_hidden_size : int, default=None
    Hidden width of each critic; ``None`` means ``latent_dim // 4`` as in
    the authors' code (``code/model.py``).

lambda_cycle : float, default=1.0
    Weight ``l1`` of the latent cycle-consistency loss (L1); authors' value.

lambda_rec : float, default=1.0
    Weight ``l2`` of the reconstruction losses (MSE of each autoencoder and
    of the input decoded from the cycled code); the authors use 1.

lambda_adv : float, default=0.5
    Weight of the adversarial losses (``lamda3=0.5`` in the authors' run
    command); also scales the critic loss, as in their code.

critic : {"wgan-clip", "wgan-gp"}, default="wgan-clip"
    ``"wgan-clip"``: Wasserstein critic with weight clipping and RMSprop, as
    the authors.  ``"wgan-gp"``: gradient penalty (Gulrajani et al., 2017)
    with Adam(0.5, 0.9) and no clipping.

clip_value : float, default=0.05
    Critic weight clipping bound (authors: 0.05).

gp_weight : float, default=10.0
    Gradient-penalty weight for ``critic="wgan-gp"``.

critic_interval : int, default=5
    The critics take one step every ``critic_interval`` generator steps
    (authors' ``update_d_freq=5``).

critic_steps : int, default=1
    Critic updates each time the critics step; ``critic_interval=1,
    critic_steps=5`` is the usual WGAN schedule (Arjovsky et al., 2017).

pretrain_epochs : int, default=50
    Epochs of reconstruction-only pretraining of each autoencoder on its
    own modality's rows (authors: 150).

epochs : int, default=50
    Epochs of joint adversarial training over all rows (authors: 220).

batch_size : int, default=128
    Rows per mini-batch; a batch mixes modalities as they come (authors: 128).

pretrain_learning_rate : float or sequence of float, default=1e-3
    Adam learning rate of the pretraining, one for all modalities or one per
    modality (authors: 1e-4 image, 1e-5 text, with 150 epochs).

learning_rate_autoencoder : float, default=1e-4
    RMSprop learning rate of the autoencoders during joint training
    (authors' ``lr_g``).

learning_rate_generator : float, default=5e-4
    RMSprop learning rate of the latent generators (authors' ``lr_ae``).

learning_rate_critic : float, default=5e-5
    Learning rate of the critics (authors' ``lr_d``).

weight_decay : float, default=0.0
    L2 weight decay of every optimiser (the authors run with 0 or 1e-4).

batch_norm : bool, default=True
    BatchNorm after hidden activations of autoencoders and generators
    (authors: True).

preprocessing : {"auto", "standardize", "counts", "none"} or list, default="auto"
    Per-modality input path, fitted on the training rows of each modality by
    :class:`~skdm2c.preprocessing.ModalityPreprocessor` and applied again at
    predict time (see :ref:`preprocessing`).  ``"auto"`` picks it from the
    data without labels: wide, sparse, non-negative blocks (term counts) go
    through log1p + idf + L2 + a 10-d SVD, every other block is standardised
    (scale-free: data scaled by 1e-12 or 1e200 gives the same codes).
    ``"none"`` feeds the raw features.  A list gives one method per
    modality.  The stacked baselines of :mod:`skdm2c.benchmark` get the same
    transformer as their first step.

unified_modality : int or str, default=0
    The modality (index or name) whose latent space unifies all rows
    (authors: the image modality).

n_init : int, default=20
    Restarts of the final k-means (authors: 20).

tol : float, default=None
    Early stopping of the joint phase: stop when the epoch's training
    objective has not improved by a relative ``tol`` for
    ``n_iter_no_change`` epochs.  ``None`` trains all ``epochs``.

n_iter_no_change : int, default=10
    Patience of the early stopping.

warm_start : bool, default=False
    Reuse the fitted networks and continue the joint training for
    ``epochs`` more epochs (no new pretraining) when the layout matches and
    no parameter that shapes the network (``latent_dim``, the hidden sizes,
    ``batch_norm``, ``translator``, ``preprocessing``, ``unified_modality``,
    ``modality_dims``) changed since the last fit; otherwise fit from
    scratch.

lambda_pair : float, default=1.0
    Weight of the known-pair translation loss, active only on rows that
    observe several modalities: the squared distance of a pair's unified
    codes (``G[m->p](z_m)`` against ``z_p``) and of ``G[p->m](z_p)`` against
    ``z_m``, the supervised counterpart of the cycle loss.  Without
    multi-block rows nothing changes (not even a random draw).

lambda_contrastive : float, default=1.0
    Weight of a symmetric InfoNCE contrastive loss (van den Oord et al.,
    2018) on the pairs of each mini-batch: cosine similarities of the paired
    unified codes at ``pair_temperature``; every code must be closer to its
    own partner than to the other partners of the batch.  Measured over 5
    seeds with half of the instances paired, before ``own_features``, it
    added about 0.08 ACC on cub10 (0.750 against 0.672 without) and 0.01 on
    Scene-15 (0.327 against 0.314); those 5 seeds favoured the default,
    whose 20-seed mean on cub10 was 0.723.  ``0`` switches it off
    (``benchmarks/HISTORY.md``).

pair_temperature : float, default=0.5
    Temperature of the contrastive pair loss; with
    ``learn_pair_temperature=True`` its starting value.

learn_pair_temperature : bool, default=True
    Learn the temperature of the contrastive pair loss during the joint
    phase, as CLIP learns its logit scale (Radford et al., 2021): its
    logarithm is a parameter of the generator step (RMSprop, learning rate
    0.03), kept in ``[0.03, 2]``, starting from ``pair_temperature``.  A
    fixed temperature is data-dependent: 0.2 or 0.1 lifts Scene-15 and
    landuse21 but costs cub10 several points; the learned one starts soft
    and sharpens as the pairs align, and was at or above the fixed 0.5 on
    every set measured (``benchmarks/HISTORY.md``).  ``False`` keeps
    ``pair_temperature`` fixed.  Without multi-block rows, or with
    ``lambda_contrastive=0``, it has no effect.

cluster_assignment : {"auto", "structure", "paired", "joint", "matched"}, default="auto"
    How the rows are clustered after training.  ``"auto"``: ``"paired"``
    when some row observes several modalities, else ``"structure"`` (with
    one modality, or a modality with fewer distinct rows than
    ``n_clusters``: ``"joint"``).

    ``"structure"`` (unpaired data; not in the paper): every modality is
    clustered on its own features (k-means on a PCA to at most 32
    dimensions of its preprocessed blocks), so each keeps its own cluster
    quality, and the clusters of every modality are paired one-to-one with
    the unified modality's by the matching that best agrees with the
    structure of the cluster centres (distances between centres compared as
    graphs: Gromov-Wasserstein with 2-opt refinement, after CPMN, Wang et
    al., NeurIPS 2025; in two geometries, plain cosine and cosine after
    whitening the modality by its pooled within-cluster covariance), the
    cluster sizes and, when rows observe several modalities, how often
    their blocks fall in each pair of clusters.  The network's translation
    is not used by this step: on real unpaired data it pairs clusters no
    better than chance (``benchmarks/DM2C_INVESTIGATION.md``, finding 19);
    so without pairs ``pretrain_epochs=0, epochs=0`` gives the same labels
    without training (``transform`` then returns untrained codes).
    A multi-block row gets the cluster with the lowest sum of its blocks'
    squared distances to their modality's centres, each modality weighted
    by the inverse of its mean within-cluster distance.
    ``"paired"``: k-means on the mean of each row's unit-length block
    codes, refined by a k-means with one centre per modality for every
    cluster (a row's cost: the sum over its observed blocks of the weighted
    squared distances to the centre of that modality), so that paired rows
    tie the modalities' clusters together (``paired_covariance`` sets the
    distances' metric).  ``"joint"``: one k-means over
    the unified codes of all rows (the paper; a multi-block row counts with
    the mean of its codes).  ``"matched"``: k-means on each modality's
    unified codes separately, every modality's clusters relabelled by a
    minimum-cost one-to-one matching (Hungarian) of its centres to the
    unified modality's centres.  :meth:`predict` assigns a new row as its
    training rows were assigned.

own_features : {"all", "auto", "none"}, default="all"
    Which modalities' own features the ``"paired"`` assignment clusters
    besides the unified codes (not in the paper; no effect with other
    assignments).  A chosen modality's features (a PCA to at most 32
    dimensions of its preprocessed blocks) become one more block of every
    row: its own features where the row observes the modality, else their
    prediction from the blocks it observes by ridge regressions fitted on
    the pairs (penalty by generalised cross-validation).  ``"all"``: every
    modality.  ``"auto"``: the modalities whose features are clearly more
    clustered than their codes (share of variance that k-means explains
    beyond a Gaussian with the same covariance, at least 1.2 times that of
    the codes; labels are not used), where the autoencoder lost part of the
    input's structure (on cub10 the image features; on Scene-15 and
    landuse21 usually none); the default before ``paired_n_init``.
    ``"none"``: the codes only.  Measured against ``"auto"`` (20 seeds,
    ``benchmarks/RESULTS.md``): cub10 aligned +0.028 ACC, 10 and 50 %
    paired +0.007 / +0.009, Scene-15 at 50 % +0.003.

paired_covariance : {"auto", "tied", "spherical", "cross-block"}, default="auto"
    Metric of the ``"paired"`` assignment's block distances (not in the
    paper; no effect with other assignments).  ``"auto"``: ``"tied"`` when
    own features are used and the score of ``own_features="auto"`` finds a
    modality whose own features are clearly more clustered than its codes
    (cub10's image features), else ``"cross-block"`` (``paired_covariance_``
    says which).  Measured on stored fits, the tied step is above the
    mixture where such a modality exists (cub10 aligned: 0.80 against
    0.76-0.79) and the mixture above the tied step where none does
    (Scene-15: 0.43 against 0.39-0.40); the rule was found on the
    benchmark's sets (``benchmarks/DM2C_INVESTIGATION.md``, finding 21).  ``"spherical"``: every
    block's squared Euclidean distance, weighted by the inverse of the
    block's mean within-cluster distance.  ``"tied"``: after that refinement
    has converged, it goes on with every block's distances measured in the
    inverse of its within-cluster covariance, pooled over the clusters and
    shrunk by the Oracle Approximating Shrinkage estimator (Chen et al.,
    2010): a classification EM of a Gaussian mixture with one covariance per
    block shared by the clusters, as linear discriminant analysis measures
    distances, with the clusters in place of the classes.
    ``"cross-block"``: after the ``"tied"`` stage, the EM of a Gaussian
    mixture over all of a row's blocks side by side (its codes, then its
    own features), with one full covariance shared by the clusters: besides
    how every block varies inside a cluster it learns, from the rows
    observing several modalities, how the blocks of one instance vary
    together.  A row's likelihood is the marginal Gaussian of the blocks it
    observes (an own-feature block counts only where the row observes its
    modality; nothing is imputed), and it gets its most probable cluster;
    the mixture's means are the ``modality_cluster_centers_`` and
    ``own_feature_cluster_centers_``.  The effect of each choice on the
    same trained networks (cub10, Scene-15, landuse21) is measured in
    ``benchmarks/HISTORY.md``.

paired_n_init : int, default=8
    Starts of the ``"paired"`` assignment (not in the paper; no effect with
    other assignments): each start is a k-means of the rows' mean codes and
    own features (``n_init`` restarts, its own seed) followed by the
    spherical and tied refinements; the start whose partition has the
    highest classification log-likelihood under the last refinement's
    Gaussians (every block's precision shared by the clusters, its log
    determinant included) is kept, and with ``"cross-block"`` the mixture
    refines it.  Labels are not used.  The refinements reach partitions
    several points of ACC apart from different starts (cub10: 0.69-0.83
    aligned); the likelihood picks among them as a Gaussian mixture's
    ``n_init`` does.  Measured against one start (20 seeds,
    ``benchmarks/RESULTS.md``): +0.008 to +0.011 ACC on cub10 at 10 and
    50 % paired and on Scene-15 at 50 %, but -0.010 on the cub10 aligned
    protocol; not a consistent gain, and the median Scene-15 fit (4485
    rows) takes 29 s against 17 s.  ``1``: one start, the cheaper choice.

structure_n_draws : int, default=8
    Draws of the ``"structure"`` assignment (unpaired data; not in the
    paper; no effect with other assignments): the per-modality k-means and
    the matching of their clusters are drawn this many times from
    successive seeds (the first draw is the one-draw result), and the most
    typical draw is kept, the one whose labels agree best with the other
    draws' (highest summed adjusted Rand index).  Labels are not used.  The
    matching's signal is weak, so single draws disagree (cub10: ACC varies
    by about 0.05 between draws of one fit); the kept draw varies less and
    its mean over redraws is not lower (``benchmarks/RESULTS.md``,
    section 2).  Each draw costs the step once more (cub10
    about 0.1 s, Scene-15 about 1 s).  ``1``: the step of earlier versions.

translator : {"mlp", "orthogonal"}, default="mlp"
    ``"mlp"``: the published latent generators (MLPs, ``G[p->m]`` trained
    separately, tied only by the cycle loss).  ``"orthogonal"``: ``G[m->p]``
    is an orthogonal affine map ``z W + b`` and ``G[p->m]`` its exact
    inverse, as in unsupervised word-translation alignment (Conneau et al.,
    2018); the cycle loss is then zero by construction.

procrustes_steps : int, default=0
    With ``translator="orthogonal"``: refinements after training, each
    pairing translated codes with their mutual nearest neighbours among the
    unified modality's codes and re-solving the orthogonal Procrustes
    problem on those pairs (Conneau et al., 2018).  Ignored otherwise.

device : str or torch.device, default="cpu"
    Device to train on (``"cuda"`` when asked).  Fitted models pickle with
    CPU tensors and predict on CPU where CUDA is absent.

random_state : int, RandomState instance or None, default=None
    Seeds weight initialisation, batch order and k-means through local
    generators; the global torch RNG is not touched.  The same value gives
    identical labels on CPU.

verbose : int, default=0
    Print one line of losses per epoch when > 0.

Attributes
----------
labels_ : ndarray of shape (n_samples,)
    Cluster of each training row, in packed (concatenation) order.

cluster_centers_ : ndarray of shape (n_clusters, latent_dim)
    Cluster centres in the unified latent space (with
    ``cluster_assignment="matched"``: those of the unified modality's rows;
    with ``"structure"``: the mean unified code of each cluster's rows).

modality_cluster_centers_ : list of ndarray of shape (n_clusters, n_features_m)
    Centres used to assign each modality's blocks: in the unified space
    (unit-length codes with ``"paired"``; all equal to ``cluster_centers_``
    with ``"joint"``), or with ``"structure"`` in the modality's own PCA
    space (``n_features_m`` = its width, at most 32).

own_feature_cluster_centers_ : list of ndarray of shape (n_clusters, n_features_m)
    Unit-length centres of the own-feature blocks of the ``"paired"``
    assignment, one per modality in ``own_feature_modalities_`` (empty when
    none).

own_feature_modalities_ : list of str
    Modalities whose own features the ``"paired"`` assignment clustered
    (``own_features``; empty for other assignments).

cluster_assignment_ : str
    The assignment used (``"auto"`` resolved).

paired_covariance_ : str
    The metric of the ``"paired"`` assignment (``paired_covariance`` with
    ``"auto"`` resolved; set but without effect for other assignments).

modality_dims_ : tuple of int
    Width of each modality's block.

modality_names_ : tuple of str
    Name of each modality.

unified_modality_ : str
    Name of the modality whose latent space unifies the rows.

network_ : torch.nn.Module
    The trained autoencoders, generators and critics.

history_ : list of dict
    One record per epoch: ``phase`` (``"pretrain:<name>"`` or ``"train"``),
    ``epoch``, the mean losses ``reconstruction``, ``cycle``,
    ``cycle_reconstruction``, ``adversarial``, ``objective`` (weighted
    total), ``critic``, and ``time`` (seconds); with known pairs also
    ``pair_translation``, ``pair_contrastive`` and ``pair_temperature``.
    ``pandas.DataFrame(history_)`` plots directly.

pair_temperature_ : float or None
    Temperature of the contrastive pair loss at the end of training (the
    learned value with ``learn_pair_temperature=True``, else
    ``pair_temperature``); None when no contrastive pair loss was trained
    (no multi-block rows, ``lambda_contrastive=0`` or ``epochs=0``).

n_iter_ : int
    Number of joint training epochs run.

n_features_in_ : int
    Width of the packed input.

feature_names_in_ : ndarray of shape (n_features_in_,)
    Column names, when fitted on a DataFrame with string column names.

See Also
--------
skdm2c.ModalityStacker : The paper's PCA-stacking protocol for baselines.
skdm2c.pack_modalities : Build the packed input from per-modality arrays.

Notes
-----
Faithful to the authors' released code (``jiangyangby/DM2C``,
``code/model.py`` and ``code/train.py``): LeakyReLU(0.2) + BatchNorm
autoencoders, generator loss = reconstruction + ``l1`` * latent cycle (L1)
+ cycle reconstruction through the decoder (MSE) + ``l3`` * adversarial,
Wasserstein critics with weight clipping 0.05 and RMSprop stepped every 5th
generator step, mixed-modality mini-batches, k-means with ``n_init=20`` on
the unified codes.  Deviations:

- Defaults are shorter and faster (50 + 50 epochs, pretraining Adam
  learning rate 1e-3 instead of 1e-4 / 1e-5 over 150 epochs, latent width
  32 instead of 128), chosen so that a fit on a few hundred rows takes
  seconds on a CPU; the authors' schedule is one parameter change away.
- Decoder outputs and generator outputs are linear (the authors end both
  with a LeakyReLU).
- Input features go through the per-modality preprocessing
  (``preprocessing="auto"``: standardisation for dense features, a tf-idf +
  SVD path for term counts); the authors fed PCA-reduced 2048-d features.
- The authors run a 20-restart k-means after every epoch for monitoring;
  here it runs once, after training.
- More than two modalities: generators and critics connect the unified
  modality with each other one (a star), each pair with the published
  cycle and adversarial losses; with two modalities this is the paper.
- Plain input without NaN is one modality: the model is then an
  autoencoder followed by k-means.
- Unpaired data are clustered by ``cluster_assignment="structure"``
  (each modality on its own, clusters matched across modalities), not by
  the paper's joint k-means of the unified codes, which pairs the clusters
  of real modalities no better than a random pairing
  (``benchmarks/DM2C_INVESTIGATION.md``); ``cluster_assignment="joint"``
  (part of ``PAPER_PARAMS``) is the published step.
- Rows observing several modalities (known pairs; not in the paper) add
  the supervised pair losses (``lambda_pair``, ``lambda_contrastive``) and
  are clustered by ``cluster_assignment="paired"``, which also clusters
  every modality's own features (``own_features``,
  ``benchmarks/DM2C_INVESTIGATION.md`` findings 13, 16 and 21) and keeps the
  most likely of ``paired_n_init`` starts.
- Options, off by default, not in the paper: ``translator="orthogonal"``
  with ``procrustes_steps`` (isometric translator plus mutual-nearest-
  neighbour Procrustes refinement, after Conneau et al., 2018) and
  ``cluster_assignment="matched"`` (per-modality k-means whose clusters are
  paired by the translation).  On cub10 / Wikipedia / UCI mfeat
  (``benchmarks/DM2C_INVESTIGATION.md``) the orthogonal translator with 5
  Procrustes steps raised NMI on cub10 and Wikipedia and tied on mfeat;
  ``"matched"`` keeps each modality's own cluster quality but pairs the
  clusters no better than chance on these sets.
- ``DM2CClustering(**DM2CClustering.PAPER_PARAMS)`` is the authors' schedule
  (latent 128, 150 + 220 epochs, pretraining rates 1e-4 / 1e-5).

References
----------
.. [1] Y. Jiang, Q. Xu, Z. Yang, X. Cao, Q. Huang. "DM2C: Deep Mixed-Modal
   Clustering". NeurIPS 2019.

Examples
--------
>>> import numpy as np
>>> from skdm2c import DM2CClustering
>>> from skdm2c.datasets import make_mixed_modal_blobs
>>> X, y = make_mixed_modal_blobs(n_samples=120, n_clusters=3, random_state=0)
>>> model = DM2CClustering(n_clusters=3, pretrain_epochs=5, epochs=5,
...                        random_state=0).fit(X)
>>> model.labels_.shape, model.transform(X).shape
((120,), (120, 32))
>>> X_image, X_text = np.random.rand(20, 6), np.random.rand(15, 4)
>>> DM2CClustering(n_clusters=2, pretrain_epochs=2, epochs=2,
...                random_state=0).fit(X_image, X_text).labels_.shape
(35,)
"""
