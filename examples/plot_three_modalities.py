"""
========================
More than two modalities
========================

DM2C extends to any number of modalities: every modality is connected with
the *unified* modality by its own pair of latent generators and critics (a
star), each pair trained with the published cycle and adversarial losses
(:ref:`dm2c`).  The packed layout simply has one column block per modality.

This example uses three views of the UCI handwritten digits (``pix`` 240-d
pixel averages, ``fou`` 76-d Fourier coefficients, ``kar`` 64-d
Karhunen-Loeve coefficients), each digit kept in one view only, and

1. clusters each modality's rows alone with k-means -- a quick guide to
   which modality has the best cluster structure, hence to the choice of the
   unified modality;
2. fits DM2C once per choice of ``unified_modality`` and compares the
   accuracy on all rows and on each modality's rows.

The data are read from the folder named by ``$SKDM2C_DATA`` (the
documentation build and the tests point it at ``../shared/data`` beside the
repository), else replaced by synthetic three-modality blobs (with a note).
To stay fast, 900 of the 2000 digits are used and training is shortened
(30 + 30 epochs).
"""

# %%
# Load three modalities
# ---------------------

import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from skdm2c import DM2CClustering, unpack_modalities
from skdm2c.datasets import load_uci_mfeat, make_mixed_modal_blobs
from skdm2c.metrics import clustering_accuracy


try:
    digits = load_uci_mfeat(views=["pix", "fou", "kar"], random_state=0)
except FileNotFoundError:  # not in $SKDM2C_DATA
    digits = None
if digits is not None:
    keep = np.sort(np.random.RandomState(0).choice(len(digits.target), 900, replace=False))
    X, y, modality = digits.data[keep], digits.target[keep], digits.modality[keep]
    names, dims = digits.modality_names, digits.modality_dims
else:
    print("NOTE: UCI mfeat not found (set SKDM2C_DATA); using synthetic data instead.")
    names, dims = ("view0", "view1", "view2"), (30, 20, 10)
    X, y, modality = make_mixed_modal_blobs(
        n_samples=600, n_clusters=5, modality_dims=dims, latent_dim=4,
        modality_names=names, random_state=0, return_modality=True,
    )
n_clusters = len(np.unique(y))
print(f"X {X.shape}, blocks {dims}, rows per modality {np.bincount(modality)}")

# %%
# Which modality clusters best on its own?
# ----------------------------------------
# k-means on each modality's own (standardised) rows.  This needs no
# translation and bounds what the unified space can offer.
views, indices = unpack_modalities(X, dims)
own_acc = []
for name, view, idx in zip(names, views, indices):
    pred = KMeans(n_clusters, n_init=10, random_state=0).fit_predict(
        StandardScaler().fit_transform(view))
    own_acc.append(clustering_accuracy(y[idx], pred))
    print(f"k-means on {name} rows alone: ACC {own_acc[-1]:.3f}")

# %%
# DM2C with each choice of unified modality
# -----------------------------------------
results = {}
for pivot, name in enumerate(names):
    model = DM2CClustering(n_clusters=n_clusters, modality_names=names, unified_modality=name,
                           pretrain_epochs=30, epochs=30, random_state=0)
    labels = model.fit_predict(X)
    per_modality = [clustering_accuracy(y[modality == m], labels[modality == m])
                    for m in range(len(names))]
    results[name] = (clustering_accuracy(y, labels), per_modality)
    print(f"unified = {name:4s}: ACC all rows {results[name][0]:.3f}, per modality "
          + ", ".join(f"{n} {a:.3f}" for n, a in zip(names, per_modality)))

# %%
# Plot
# ----
# Left: each modality clustered alone.  Right: DM2C's accuracy on all rows
# and on each modality's rows, for each unified modality.  Rows of the
# unified modality are clustered in their own latent space; the rows of the
# other modalities depend on how well their codes were translated.
fig, axes = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1, 2.2]})
axes[0].bar(names, own_acc, color="tab:gray")
axes[0].set(ylim=(0, 1), ylabel="ACC", title="k-means, one modality alone")

groups = ["all rows", *names]
width = 0.8 / len(names)
for k, name in enumerate(names):
    values = [results[name][0], *results[name][1]]
    axes[1].bar(np.arange(len(groups)) + (k - (len(names) - 1) / 2) * width, values, width,
                label=f"unified = {name}")
axes[1].set_xticks(range(len(groups)), groups)
axes[1].set(ylim=(0, 1), title="DM2C accuracy by unified modality")
axes[1].legend(fontsize=8)
fig.tight_layout()

plt.show()
