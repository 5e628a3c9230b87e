"""
===============================================
Quick start: DM2C on synthetic mixed-modal data
===============================================

This example packs two modalities into one array, clusters all rows with
:class:`~skdm2c.DM2CClustering`, evaluates the clusters with the paper's
metrics and assigns new rows of a single modality.

The data come from :func:`~skdm2c.datasets.make_mixed_modal_blobs`: three
clusters seen through two *different* non-linear views (20 and 10 features),
each instance kept in one view only.  Training is shortened (30 + 30 epochs
instead of the default 50 + 50) to keep the example fast.
"""

# %%
# Mixed-modal data in the packed layout
# -------------------------------------
# Every row fills the column block of its own modality and is NaN in the
# other block.  ``return_modality=True`` also returns the modality of each row
# (here only to colour the plots: the estimator reads it from the NaN pattern).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skdm2c import DM2CClustering, pack_modalities, unpack_modalities
from skdm2c.datasets import make_mixed_modal_blobs
from skdm2c.metrics import clustering_report

X, y, modality = make_mixed_modal_blobs(
    n_samples=300, n_clusters=3, modality_dims=(20, 10), random_state=0, return_modality=True
)
print("packed X:", X.shape, "- rows per modality:", np.bincount(modality))

fig, ax = plt.subplots(figsize=(6, 3.2))
order = np.argsort(modality, kind="stable")[::6]  # every 6th row, grouped by modality
ax.imshow(~np.isnan(X[order]), aspect="auto", cmap="Greys", interpolation="nearest")
ax.axvline(19.5, color="tab:red")
ax.set(xlabel="column (block 0: 20 features | block 1: 10 features)",
       ylabel="row (sample of the rows)", title="Observed entries of the packed array (black)")
fig.tight_layout()

# %%
# Per-modality arrays pack into the same layout with
# :func:`~skdm2c.pack_modalities`, and :func:`~skdm2c.unpack_modalities`
# splits the packed array again.
views, indices = unpack_modalities(X, (20, 10))
X_image, X_text = views
packed = pack_modalities({"image": X_image, "text": X_text})
print("image rows:", X_image.shape, "text rows:", X_text.shape)
print("re-packed:", packed.X.shape, packed.modality_dims, packed.modality_names)

# %%
# Fit DM2C and evaluate
# ---------------------
# ``fit`` infers the block widths from the NaN pattern.  The five metrics of
# the paper are computed on all rows, then on the rows of each modality:
# a good mixed-modal clustering is good on both.
model = DM2CClustering(n_clusters=3, pretrain_epochs=30, epochs=30, random_state=0)
model.fit(X)
print("unified modality:", model.unified_modality_, "| blocks:", model.modality_dims_)
report = clustering_report(y, model.labels_)
print("all rows   ", {k: round(v, 3) for k, v in report.items()})
for m in range(2):
    rows = modality == m
    acc = clustering_report(y[rows], model.labels_[rows])["acc"]
    print(f"modality {m} ACC {acc:.3f}")

# %%
# If the per-modality accuracies are high but the accuracy on all rows is
# lower, each modality was clustered well on its own but the clusters were
# paired up wrongly across modalities: the latent translation, not the
# autoencoders, is then the weak part (see :ref:`dm2c`).  A longer schedule,
# another seed or the parameters of :ref:`dm2c` change that.
#
# The unified latent space
# ------------------------
# :meth:`~skdm2c.DM2CClustering.transform` maps every row into the latent
# space of the unified modality (modality 0 here).  Left: true classes;
# right: DM2C clusters.  Ideally rows of both modalities (circles and
# triangles) of one class share one group.
Z = model.transform(X)
Z2 = PCA(n_components=2).fit_transform(Z)
fig, axes = plt.subplots(1, 2, figsize=(10, 4.3), sharex=True, sharey=True)
for ax, colour, title in [(axes[0], y, "true class"), (axes[1], model.labels_, "DM2C cluster")]:
    for m, marker in enumerate(["o", "^"]):
        rows = modality == m
        ax.scatter(Z2[rows, 0], Z2[rows, 1], c=colour[rows], cmap="viridis", vmin=0, vmax=2,
                   marker=marker, s=22, alpha=0.8, edgecolors="none", label=f"modality {m}")
    ax.set(title=f"Unified codes (PCA), colour = {title}", xlabel="PC 1", ylabel="PC 2")
    ax.legend()
fig.tight_layout()

# %%
# Assign new rows
# ---------------
# A fitted model assigns rows of any modality; here held-out rows, then the
# held-out rows of modality 1 alone.  Set ``modality_dims`` explicitly
# whenever the training subset might miss a modality (cross-validation).
X_train, X_test, y_train, y_test, mod_train, mod_test = train_test_split(
    X, y, modality, test_size=0.25, random_state=0, stratify=y
)
model = DM2CClustering(
    n_clusters=3, modality_dims=(20, 10), pretrain_epochs=30, epochs=30, random_state=0
).fit(X_train)
test_labels = model.predict(X_test)
print("held-out ACC:", round(clustering_report(y_test, test_labels)["acc"], 3))
print("labels of 5 held-out rows of modality 1:", model.predict(X_test[mod_test == 1][:5]))

plt.show()
