"""
==================================================
What known pairs buy: unpaired to partially paired
==================================================

Without any known correspondence, the clusters of two modalities are paired
no better than at random on real features (:ref:`paired`).  A few instances
observed in both modalities -- a packed row that fills both blocks -- make
the correspondence identifiable.  This example turns the paired CUB-10 set
into *incomplete* data with 0, 10 and 50 % of the birds kept as image AND
text (:func:`~skdm2c.datasets.make_incomplete`; the others as image or text
only) and fits, on every version:

- :class:`~skdm2c.DM2CClustering` with its defaults (without pairs: the
  published training, each modality clustered on its own and the clusters
  matched across modalities; with them: a translation and a contrastive
  loss (learned temperature) on the pairs, and a per-modality-centre
  assignment),
- :class:`~skdm2c.PairedCCAClustering`, the linear reference (PCA per
  modality, regularised CCA on the pairs, k-means).

The data are read from the folder named by ``$SKDM2C_DATA`` (the
documentation build and the tests point it at ``../shared/data`` beside the
repository); without them the example falls back to synthetic blobs (and
says so).  DM2C's training is shortened (30 + 30 epochs) to keep it fast.
"""

# %%
# Paired views and the incomplete protocol
# ----------------------------------------

import warnings

import matplotlib.pyplot as plt
import numpy as np

from skdm2c import DM2CClustering, PairedCCAClustering
from skdm2c.datasets import load_cub10, make_incomplete
from skdm2c.metrics import clustering_accuracy


try:
    cub = load_cub10(return_paired=True)
except FileNotFoundError:  # not in $SKDM2C_DATA
    cub = None
if cub is not None:
    views, y, names = cub.views, cub.target, cub.modality_names
    print(f"CUB-10 from {cub.filename}")
else:
    print("NOTE: CUB-10 not found (set SKDM2C_DATA); using synthetic blobs instead.")
    rng = np.random.RandomState(0)
    y = np.repeat(np.arange(10), 60)
    views = [rng.normal(scale=2, size=(10, 64))[y] + rng.normal(size=(600, 64)),
             rng.normal(scale=2, size=(10, 32))[y] + rng.normal(size=(600, 32))]
    names = ("image", "text")
n_clusters = len(np.unique(y))

fractions = [0.0, 0.1, 0.5]
scores = {"DM2C": [], "linear CCA reference": []}
for fraction in fractions:
    data = make_incomplete(dict(zip(names, views)), y, paired_fraction=fraction, random_state=0)
    n_paired = int(data.observed.all(axis=1).sum())
    dm2c = DM2CClustering(n_clusters, pretrain_epochs=30, epochs=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the linear reference warns without pairs
        dm2c.fit(data.data)
        linear = PairedCCAClustering(n_clusters, random_state=0).fit(data.data)
    scores["DM2C"].append(clustering_accuracy(y, dm2c.labels_))
    scores["linear CCA reference"].append(clustering_accuracy(y, linear.labels_))
    print(f"paired fraction {fraction:.1f} ({n_paired} paired rows): "
          f"DM2C ACC {scores['DM2C'][-1]:.3f} ({dm2c.cluster_assignment_} assignment), "
          f"linear ACC {scores['linear CCA reference'][-1]:.3f}")

# %%
# Accuracy against the paired fraction
# ------------------------------------
# Every row is scored (one label per instance, whichever modalities it was
# seen in).  The jump from 0 to 10 % paired is the correspondence becoming
# identifiable; ``benchmarks/RESULTS.md`` has 5 seeds, 30 % and the aligned
# protocol, on CUB-10 and Scene-15.

fig, ax = plt.subplots(figsize=(5.5, 3.8))
for name, values in scores.items():
    ax.plot(fractions, values, marker="o", label=name)
ax.set_xlabel("fraction of instances observed in both modalities")
ax.set_ylabel("ACC, all rows")
ax.set_ylim(0, 1)
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()
