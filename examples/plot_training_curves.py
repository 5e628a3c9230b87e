"""
=====================================
Training curves from the loss history
=====================================

A fitted :class:`~skdm2c.DM2CClustering` keeps one record per epoch in
``history_``: the phase (``"pretrain:<modality>"`` or ``"train"``), the mean
of every loss term of :ref:`dm2c` -- ``reconstruction``, ``cycle``,
``cycle_reconstruction``, ``adversarial``, the weighted ``objective`` and the
``critic`` loss -- and the epoch time.  Plotting them is the first check of a
fit: pretraining should level off, and the joint objective should settle.
``pandas.DataFrame(model.history_)`` gives a table directly; this example
uses plain lists.

It also compares the two critics (weight clipping, the authors' choice, and
gradient penalty) and shows early stopping with ``tol``.  Schedules are
short (30 + 60 epochs on 300 rows) to keep the example fast.
"""

# %%
# Fit and read the history
# ------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skdm2c import DM2CClustering
from skdm2c.datasets import make_mixed_modal_blobs

X, y = make_mixed_modal_blobs(n_samples=300, n_clusters=3, random_state=0)
model = DM2CClustering(n_clusters=3, modality_names=("image", "text"),
                       pretrain_epochs=30, epochs=60, random_state=0).fit(X)

history = model.history_
print(len(history), "records; first:", history[0])
print("last:", {k: (round(v, 4) if isinstance(v, float) else v) for k, v in history[-1].items()})


def curve(history, phase, key):
    """Epochs and values of one loss in one phase (a record may lack a key:
    ``critic`` is absent from epochs in which the critics did not step)."""
    points = [(r["epoch"], r[key]) for r in history if r["phase"] == phase and key in r]
    return np.array(points).T


# %%
# Pretraining: one autoencoder per modality
# -----------------------------------------
fig, ax = plt.subplots(figsize=(5.5, 3.5))
for name in model.modality_names_:
    ax.plot(*curve(history, f"pretrain:{name}", "reconstruction"), label=name)
ax.set(xlabel="epoch", ylabel="reconstruction (MSE)", yscale="log",
       title="Pretraining of the autoencoders")
ax.legend(title="modality")
fig.tight_layout()

# %%
# Joint training: every loss term
# -------------------------------
# ``adversarial`` is the generators' Wasserstein term (minus the critics'
# mean score of translated codes) and ``critic`` the critics' own loss, both
# without a natural floor: what matters is that they do not blow up.  The
# critics step every ``critic_interval`` generator steps, so with few batches
# per epoch some epochs have no ``critic`` value.
terms = ["reconstruction", "cycle", "cycle_reconstruction", "adversarial", "objective"]
fig, axes = plt.subplots(2, 3, figsize=(11, 5.5), sharex=True)
for ax, key in zip(axes.flat, terms + ["critic"]):
    ax.plot(*curve(history, "train", key), color="tab:blue")
    ax.set(title=key, xlabel="joint epoch")
fig.suptitle("Joint adversarial training (critic='wgan-clip')")
fig.tight_layout()

# %%
# Weight clipping versus gradient penalty
# ---------------------------------------
# ``critic="wgan-gp"`` replaces the clipping by a gradient penalty; the usual
# schedule steps the critics five times per generator step.  Clipped critics
# can only output small scores, so their adversarial term stays near zero;
# the penalised critics are not bounded that way and their scores drift
# (right), which also shifts the objective.  Compare the shapes of the
# curves, not their levels.
gp = DM2CClustering(n_clusters=3, pretrain_epochs=30, epochs=60, critic="wgan-gp",
                    critic_interval=1, critic_steps=5, random_state=0).fit(X)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
for label, fitted in [("wgan-clip", model), ("wgan-gp", gp)]:
    axes[0].plot(*curve(fitted.history_, "train", "objective"), label=label)
    axes[1].plot(*curve(fitted.history_, "train", "adversarial"), label=label)
axes[0].set(title="objective", xlabel="joint epoch")
axes[1].set(title="adversarial", xlabel="joint epoch")
axes[0].legend(title="critic")
fig.tight_layout()

# %%
# Early stopping
# --------------
# With ``tol`` the joint phase stops once the objective has not improved by
# a relative ``tol`` for ``n_iter_no_change`` epochs; ``n_iter_`` counts the
# epochs run.  A :class:`~sklearn.exceptions.ConvergenceWarning` says when
# ``epochs`` ran out first.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    early = DM2CClustering(n_clusters=3, pretrain_epochs=30, epochs=60, tol=1e-2,
                           n_iter_no_change=5, random_state=0).fit(X)
print(f"joint epochs run: {early.n_iter_} of 60;",
      "ConvergenceWarning" if caught else "stopped early")

plt.show()
