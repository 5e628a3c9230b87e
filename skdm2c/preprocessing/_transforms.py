"""The per-block transforms: scale-free standardisation and the term-count path.

Each method is a pair ``fit_<method>(V, ...) -> state`` and
``apply_<method>(V, state) -> W`` working on the observed rows ``V`` of one
block (float64, no NaN).  ``state`` is a small dict of fitted arrays.
"""

import numpy as np
from scipy import linalg
from sklearn.utils.extmath import svd_flip

from .._rows import unit_rows

#: A feature whose standard deviation is at most this share of its largest
#: absolute value is constant (its output is 0).
CONSTANT_RTOL = 1e-10


# ---------------------------------------------------------------- standardize
def fit_standardize(V):
    """Per-feature offset and scale, computed without overflow or underflow.

    Each feature is first divided by its largest absolute value, so that the
    mean and variance are computed on values in ``[-1, 1]`` whatever the
    scale of the data (1e-12 or 1e200).
    """
    maxabs = np.max(np.abs(V), axis=0) if V.shape[0] else np.ones(V.shape[1])
    maxabs = np.where(maxabs > 0, maxabs, 1.0)
    U = V / maxabs
    mean = U.mean(axis=0)
    std = U.std(axis=0)
    constant = std <= CONSTANT_RTOL
    std = np.where(constant, 1.0, std)
    return {"maxabs": maxabs, "mean": mean, "std": std, "constant": constant}


def apply_standardize(V, state):
    W = (V / state["maxabs"] - state["mean"]) / state["std"]
    W[:, state["constant"]] = 0.0
    return W


# ---------------------------------------------------------------- counts
def _tf(V, block):
    if V.size and np.min(V) < 0:
        raise ValueError(
            f"Block {block} has negative values, but method 'counts' needs "
            "non-negative term counts or weights; use 'standardize' for it."
        )
    return np.log1p(V)


def fit_counts(V, n_components, block, *, idf=True, post="l2-sqrtk"):
    """Fit the count path on the observed rows of one block.

    ``log1p`` (sublinear term frequency), times the smoothed inverse document
    frequency ``log((1 + n) / (1 + df)) + 1`` when ``idf``, rows scaled to
    unit L2 norm, projected on the top ``n_components`` right singular
    vectors (latent semantic analysis, uncentred, exact SVD: deterministic),
    then ``post``: ``"l2"`` rows to unit norm again, ``"l2-sqrtk"`` unit
    norm times ``sqrt(k)`` (mean squared coordinate 1), ``"none"``.
    """
    T = _tf(V, block)
    n = T.shape[0]
    if not np.any(T):
        raise ValueError(
            f"Block {block} is zero on every observed row at fit, so the count "
            "path has no terms to weight; drop the block or use method 'none'."
        )
    if idf:
        df = np.count_nonzero(T, axis=0)
        idf_w = np.log((1.0 + n) / (1.0 + df)) + 1.0
    else:
        idf_w = np.ones(T.shape[1])
    L = unit_rows(T * idf_w)
    k = int(min(n_components, n, T.shape[1]))
    U, s, Vt = linalg.svd(L, full_matrices=False)
    U, Vt = svd_flip(U, Vt, u_based_decision=False)
    return {"idf": idf_w, "components": Vt[:k], "singular_values": s[:k], "post": post}


def apply_counts(V, state, block):
    W = unit_rows(_tf(V, block) * state["idf"]) @ state["components"].T
    post = state["post"]
    if post == "l2":
        return unit_rows(W)
    if post == "l2-sqrtk":
        return unit_rows(W) * np.sqrt(W.shape[1])
    return W


def out_width(method, width, state):
    return state["components"].shape[0] if method == "counts" else width
