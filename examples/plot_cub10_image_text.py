"""
=========================================================
Image + text clustering on CUB-10 (real mixed-modal data)
=========================================================

CUB-10 holds 600 birds of 10 species, each described by 1024-d GoogLeNet
image features and by a 300-d doc2vec embedding of a text description (see
:ref:`datasets`).  The set is paired; :func:`~skdm2c.datasets.load_cub10`
makes it mixed-modal by keeping each bird as an image *or* as a text, half
and half.  :class:`~skdm2c.DM2CClustering` then clusters images and texts
together, and the unified latent space is drawn with t-SNE, coloured by
species and marked by modality.

The data are read from the folder named by ``$SKDM2C_DATA`` (the
documentation build and the tests point it at ``../shared/data`` beside the
repository); without them the example falls back to synthetic data (and says
so).  Training is shortened (40 + 40 epochs) to keep the example fast.
"""

# %%
# Load the data
# -------------

import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.manifold import TSNE
from sklearn.pipeline import make_pipeline

from skdm2c import DM2CClustering
from skdm2c.baselines import ModalityStacker
from skdm2c.datasets import load_cub10, make_mixed_modal_blobs
from skdm2c.metrics import alignment_reference, clustering_report


try:
    cub = load_cub10(proportions=(0.5, 0.5), random_state=0)
except FileNotFoundError:  # not in $SKDM2C_DATA
    cub = None
if cub is not None:
    X, y, modality = cub.data, cub.target, cub.modality
    names = cub.modality_names
    print(f"CUB-10 from {cub.filename}")
else:
    print("NOTE: CUB-10 not found (set SKDM2C_DATA); using synthetic data instead.")
    X, y, modality = make_mixed_modal_blobs(
        n_samples=600, n_clusters=10, modality_dims=(64, 32), latent_dim=8,
        random_state=0, return_modality=True,
    )
    names = ("image", "text")
n_clusters = len(np.unique(y))
print(f"X {X.shape}, {n_clusters} classes, rows per modality {np.bincount(modality)}")

# %%
# Baseline: PCA-stacked k-means
# -----------------------------
# The paper's protocol for single-modality methods (:ref:`baselines`): each
# modality is reduced by its own PCA to a common width and all rows are
# clustered together.
stacked = make_pipeline(ModalityStacker(32), KMeans(n_clusters, n_init=10, random_state=0))
stacked_labels = stacked.fit_predict(X)
print("stacked k-means", {k: round(v, 3) for k, v in clustering_report(y, stacked_labels).items()})

# %%
# DM2C
# ----
# The image modality is the unified one (``unified_modality="image"``, the
# authors' choice): text codes are translated into the image latent space.
dm2c = DM2CClustering(
    n_clusters=n_clusters, modality_names=names, unified_modality="image",
    pretrain_epochs=40, epochs=40, random_state=0,
)
labels = dm2c.fit_predict(X)
print("DM2C           ", {k: round(v, 3) for k, v in clustering_report(y, labels).items()})
for m, name in enumerate(names):
    rows = modality == m
    print(f"  {name:5s} rows: ACC {clustering_report(y[rows], labels[rows])['acc']:.3f}")

# %%
# How far could alignment go?
# ---------------------------
# :func:`~skdm2c.metrics.alignment_reference` (it uses the labels: a
# diagnostic, not a method) runs k-means on each modality alone and puts the
# per-modality clusterings together twice: with the clusters paired at
# random, and paired by the labels -- the ceiling of perfect alignment.  A
# mixed-modal clusterer near the random pairing has learned little of the
# cross-modal correspondence (see ``benchmarks/RESULTS.md``).
ref = alignment_reference(y, X, random_state=0)
print("k-means on each modality alone (ACC):",
      dict(zip(names, (round(a, 3) for a in ref["single_acc"]))))
print(f"per-modality clusters, random pairing: ACC {ref['random_acc']:.3f}; "
      f"paired by the labels (ceiling): ACC {ref['aligned_acc']:.3f}")

# %%
# The unified latent space
# ------------------------
# Left: the stacked PCA features the baselines cluster.  Right: DM2C's
# unified codes.  Colour is the true species, the marker the modality.  In
# the stacked space the two modalities tend to occupy separate regions; the
# better the translation, the more images and texts of one species share a
# region on the right.
Z_stacked = stacked[0].transform(X)
Z_dm2c = dm2c.transform(X)
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
for ax, Z, title in zip(axes, [Z_stacked, Z_dm2c], ["PCA-stacked features", "DM2C unified codes"]):
    E = TSNE(n_components=2, init="pca", perplexity=30, random_state=0).fit_transform(Z)
    for m, marker in enumerate(["o", "^"]):
        rows = modality == m
        ax.scatter(E[rows, 0], E[rows, 1], c=y[rows], cmap="tab10", vmin=0, vmax=9,
                   marker=marker, s=18, alpha=0.8, edgecolors="none", label=names[m])
    ax.set(title=f"{title} (t-SNE)", xticks=[], yticks=[])
    ax.legend(title="modality", loc="best")
fig.suptitle("Colour: true class; marker: modality")
fig.tight_layout()

plt.show()
