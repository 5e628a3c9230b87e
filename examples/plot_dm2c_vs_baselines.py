"""
=========================
DM2C versus the baselines
=========================

The DM2C paper compares against single-modality clusterers run on
**PCA-stacked** modalities: each modality is reduced by its own PCA to a
common width with :class:`~skdm2c.baselines.ModalityStacker` and all rows are
clustered together (:ref:`baselines`).  Every baseline is therefore a
two-step :class:`~sklearn.pipeline.Pipeline`, while
:class:`~skdm2c.DM2CClustering` takes the packed array directly.

The comparison runs on synthetic mixed-modal blobs (three data seeds) and,
when the file is available, on the real CUB-10 image + text set.  All deep
models use small networks and short schedules here to keep the example
under a minute; the numbers are therefore a smoke test of the protocol, not
a benchmark.  For the paper's protocol over many seeds and data sets, run
``python -m skdm2c.benchmark``.
"""

# %%
# The methods
# -----------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.pipeline import make_pipeline

from skdm2c import DM2CClustering
from skdm2c.baselines import DCN, DKM, IDEC, IMSAT, ModalityStacker
from skdm2c.datasets import load_cub10, make_mixed_modal_blobs
from skdm2c.metrics import clustering_report


def make_methods(n_clusters, n_components, seed):
    """Each baseline behind the stacker; small networks, short schedules."""
    net = dict(hidden_sizes=(64, 32), latent_dim=n_clusters, pretrain_epochs=30)
    baselines = {
        "k-means": KMeans(n_clusters, n_init=10, random_state=seed),
        "DKM": DKM(n_clusters, epochs_per_alpha=2, random_state=seed, **net),
        "DCN": DCN(n_clusters, epochs=20, random_state=seed, **net),
        "IDEC": IDEC(n_clusters, max_iter=300, random_state=seed, **net),
        "IMSAT": IMSAT(n_clusters, hidden_sizes=(64, 64), epochs=30, batch_size=100,
                       random_state=seed),
    }
    methods = {name: make_pipeline(ModalityStacker(n_components), model)
               for name, model in baselines.items()}
    methods["DM2C"] = DM2CClustering(n_clusters, pretrain_epochs=30, epochs=30,
                                     random_state=seed)
    return methods


# %%
# The data
# --------
# Three draws of the synthetic blobs (3 clusters, 20- and 10-d modalities)
# and, if found in ``$SKDM2C_DATA``, CUB-10.
datasets = []
for seed in range(3):
    X, y = make_mixed_modal_blobs(n_samples=300, n_clusters=3, random_state=seed)
    datasets.append(("synthetic", seed, X, y, 5))
try:
    cub = load_cub10(random_state=0)
except FileNotFoundError:  # not in $SKDM2C_DATA
    cub = None
if cub is not None:
    datasets.append(("CUB-10", 0, cub.data, cub.target, 32))
else:
    print("NOTE: CUB-10 not found (set SKDM2C_DATA); comparing on synthetic data only.")

# %%
# Fit everything
# --------------
# Scores are computed on the training rows (clustering is transductive).
scores = {}  # (data set, method) -> list of (ACC, NMI)
start = time.perf_counter()
for name, seed, X, y, width in datasets:
    n_clusters = len(np.unique(y))
    for method, estimator in make_methods(n_clusters, width, seed).items():
        labels = estimator.fit_predict(X)
        report = clustering_report(y, labels)
        scores.setdefault((name, method), []).append((report["acc"], report["nmi"]))
print(f"{len(datasets)} data sets x 6 methods in {time.perf_counter() - start:.0f} s\n")

print(f"{'data':10s} {'method':8s} {'ACC':>12s} {'NMI':>12s}")
for (name, method), values in scores.items():
    v = np.asarray(values)
    print(f"{name:10s} {method:8s} {v[:, 0].mean():6.3f}±{v[:, 0].std():.3f}"
          f" {v[:, 1].mean():6.3f}±{v[:, 1].std():.3f}")

# %%
# Plot
# ----
# Mean ACC and NMI of each method (error bars: standard deviation over the
# synthetic seeds).
names = list(dict.fromkeys(name for name, *_ in datasets))
methods = list(dict.fromkeys(method for _, method in scores))
fig, axes = plt.subplots(1, len(names), figsize=(5.5 * len(names), 4), squeeze=False)
width = 0.38
for ax, name in zip(axes[0], names):
    x = np.arange(len(methods))
    for j, (metric, colour) in enumerate([("ACC", "tab:blue"), ("NMI", "tab:orange")]):
        v = np.asarray([np.asarray(scores[name, m])[:, j] for m in methods])
        ax.bar(x + (j - 0.5) * width, v.mean(1), width, yerr=v.std(1), color=colour,
               label=metric, capsize=2)
    ax.set_xticks(x, methods, rotation=30)
    ax.set(ylim=(0, 1), title=name)
    ax.legend()
fig.tight_layout()

plt.show()
