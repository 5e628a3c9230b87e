"""Gaussian mixture over all of a row's blocks, unobserved blocks marginalised.

The last stage of DM2C's ``"paired"`` assignment with
``paired_covariance="cross-block"``.  Every row is a point of the concatenation of
all blocks (the modalities' unit codes, then the own-feature blocks); a row
observes some of them.  The mixture has one mean per cluster over the whole
concatenation (so one centre per modality and cluster, as in the k-means it
refines) and ONE covariance shared by the clusters over the whole
concatenation: its diagonal blocks say how each block varies inside a
cluster, its off-diagonal blocks how the blocks of one instance vary
together, learned from the rows that observe several blocks.  A row's
likelihood is the marginal Gaussian of the blocks it observes, so a
single-block row is compared with its own modality's part of every cluster
and nothing is imputed.  Fitted by EM for Gaussian data with missing values
(the M-step uses the conditional mean and covariance of the unobserved
blocks given the observed ones), with the covariance shrunk by the Oracle
Approximating Shrinkage estimator.
"""

import warnings
from dataclasses import dataclass, replace

import numpy as np
from scipy.linalg import cho_factor, cho_solve, solve_triangular
from scipy.special import logsumexp
from sklearn.exceptions import ConvergenceWarning

from .._core._validation import warn_empty_clusters

__all__ = ["JointMixture", "fit_joint_mixture"]


def _oas(S, n_samples):
    """``S`` shrunk towards ``trace(S) / p`` times the identity by the OAS formula."""
    p = S.shape[0]
    mu = np.trace(S) / p
    alpha = np.mean(S ** 2)
    den = (n_samples + 1.0) * (alpha - mu ** 2 / p)
    shrinkage = 1.0 if den <= 0 else min((alpha + mu ** 2) / den, 1.0)
    out = (1.0 - shrinkage) * S
    out[np.diag_indices(p)] += shrinkage * mu
    return out


def _stack(blocks, seen):
    """The blocks side by side (0 where unobserved), and for every distinct set of
    observed blocks the pair ``(observed columns, its rows)``."""
    widths = [b.shape[1] for b in blocks]
    X = np.hstack([np.where(seen[:, [j]], b, 0.0) for j, b in enumerate(blocks)])
    patterns, inverse = np.unique(seen, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    return X, [(np.repeat(pattern, widths), inverse == p) for p, pattern in enumerate(patterns)]


@dataclass
class JointMixture:
    """A fitted Gaussian mixture over blocks side by side (:func:`fit_joint_mixture`).

    Attributes
    ----------
    means : ndarray of shape (n_clusters, width)
        Every cluster's mean over all blocks (``width = sum(widths)``).
    covariance : ndarray of shape (width, width)
        The covariance shared by the clusters.
    log_weights : ndarray of shape (n_clusters,)
        Log of every cluster's share (``-inf`` for a cluster without weight).
    widths : tuple of int
        Width of every block, in order.
    columns : tuple of int
        Block ``j`` is observed on the rows where column ``columns[j]`` of
        the observed mask is True.
    """

    means: np.ndarray
    covariance: np.ndarray
    log_weights: np.ndarray
    widths: tuple
    columns: tuple

    def block_means(self):
        """The cluster means of every block.

        Returns
        -------
        means : list of ndarray of shape (n_clusters, widths[j])
            ``means`` split by block.
        """
        edges = np.cumsum([0, *self.widths])
        return [self.means[:, a:b] for a, b in zip(edges[:-1], edges[1:])]

    def _e_step(self, X, patterns):
        """Log joint density of every row and cluster, and per pattern what the M-step needs."""
        n, k = X.shape[0], self.means.shape[0]
        log_joint = np.empty((n, k))
        parts = []
        for o, rows in patterns:
            Xo, Mo = X[np.ix_(rows, o)], self.means[:, o]
            factor = cho_factor(self.covariance[np.ix_(o, o)], lower=True)
            Y = solve_triangular(factor[0], Xo.T, lower=True).T
            C = solve_triangular(factor[0], Mo.T, lower=True).T
            maha = (Y ** 2).sum(1)[:, None] + (C ** 2).sum(1)[None] - 2.0 * Y @ C.T
            logdet = 2.0 * np.log(np.diag(factor[0])).sum()
            log_joint[rows] = (self.log_weights[None] - 0.5 * np.maximum(maha, 0.0)
                               - 0.5 * (logdet + o.sum() * np.log(2.0 * np.pi)))
            parts.append((o, rows, factor))
        return log_joint, parts

    def predict(self, blocks, observed):
        """Most probable cluster of every row, from the blocks it observes.

        Parameters
        ----------
        blocks : list of ndarray of shape (n_samples, widths[j])
            Every block's values (ignored where the row does not observe it).
        observed : ndarray of shape (n_samples, n_columns), dtype=bool
            Observed mask; block ``j`` is observed where ``observed[:,
            columns[j]]``.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            The cluster of highest posterior probability.
        """
        X, patterns = _stack(blocks, observed[:, list(self.columns)])
        return self._e_step(X, patterns)[0].argmax(1).astype(np.int64)


def _m_step(X, resp, parts, mixture, n_samples):
    """Means and shared covariance from the responsibilities (EM with missing blocks)."""
    k, width = mixture.means.shape
    Nk = resp.sum(0)
    first = np.zeros((k, width))        # sum_i r_ik E[x_i | cluster k]
    second = np.zeros((width, width))   # sum_i sum_k r_ik E[x_i x_i^T | cluster k]
    for o, rows, factor in parts:
        m = ~o
        R = resp[rows]
        Z = np.zeros((rows.sum(), width))
        Z[:, o] = X[np.ix_(rows, o)]
        offsets = np.zeros((k, width))
        if m.any():
            # E[x_m | x_o, k] = mu_k,m + B (x_o - mu_k,o) = B x_o + (mu_k,m - B mu_k,o)
            S_om = mixture.covariance[np.ix_(o, m)]
            B = cho_solve(factor, S_om).T
            Z[:, m] = Z[:, o] @ B.T
            offsets[:, m] = mixture.means[:, m] - mixture.means[:, o] @ B.T
            conditional = mixture.covariance[np.ix_(m, m)] - B @ S_om
            second[np.ix_(m, m)] += rows.sum() * conditional
        RZ = R.T @ Z                    # sum_i r_ik z_i, per cluster
        Nkp = R.sum(0)
        first += RZ + Nkp[:, None] * offsets
        cross = RZ.T @ offsets
        second += Z.T @ Z + cross + cross.T + (offsets.T * Nkp) @ offsets
    safe = np.maximum(Nk, np.finfo(float).tiny)
    means = first / safe[:, None]
    scatter = (second - (means.T * Nk) @ means) / n_samples
    covariance = _oas((scatter + scatter.T) / 2.0, n_samples)
    # a floor far below the spread keeps every marginal covariance invertible
    covariance[np.diag_indices(width)] += 1e-6 * np.trace(covariance) / width
    with np.errstate(divide="ignore"):
        log_weights = np.log(Nk / n_samples)
    return replace(mixture, means=means, covariance=covariance, log_weights=log_weights)


def _start(X, seen, labels, n_clusters, widths, columns):
    """Mixture of hard ``labels``: per-cluster means of the observed values, a block-
    diagonal covariance of every block's pooled residuals, the clusters' shares."""
    n, width = X.shape
    onehot = np.eye(n_clusters)[labels]
    counts = onehot.T @ np.repeat(seen, widths, axis=1)
    sums = onehot.T @ X
    means = np.divide(sums, counts, out=np.zeros((n_clusters, width)), where=counts > 0)
    covariance = np.zeros((width, width))
    edges = np.cumsum([0, *widths])
    for rows, a, b in zip(seen.T, edges[:-1], edges[1:]):
        residuals = X[rows, a:b] - means[labels[rows], a:b]
        S = residuals.T @ residuals / max(rows.sum(), 1)
        covariance[a:b, a:b] = _oas(S, max(rows.sum(), 1))
        covariance[np.arange(a, b), np.arange(a, b)] += 1e-6 * np.trace(S) / (b - a) + 1e-12
    with np.errstate(divide="ignore"):
        log_weights = np.log(onehot.sum(0) / n)
    return JointMixture(means, covariance, log_weights, tuple(widths), tuple(columns))


def fit_joint_mixture(blocks, seen, labels, n_clusters, *, columns=None, max_iter=1000,
                      tol=1e-7):
    """EM of the joint mixture, started from hard ``labels``.

    Parameters
    ----------
    blocks : list of ndarray of shape (n_samples, d_j)
        Every block's values (ignored where ``seen`` is False).
    seen : ndarray of shape (n_samples, n_columns), dtype=bool
        Observed mask: block ``j`` is observed on the rows where column
        ``columns[j]`` is True; every row observes at least one block.
    labels : ndarray of shape (n_samples,)
        Starting partition (the k-means the mixture refines).
    n_clusters : int
        Number of clusters.
    columns : sequence of int, default=None
        The column of ``seen`` of every block (``range(n_blocks)`` by
        default); kept by the mixture, so that :meth:`JointMixture.predict`
        reads the same kind of mask.
    max_iter : int, default=1000
        EM iterations at most.
    tol : float, default=1e-7
        Stop when the log-likelihood changes by less than ``tol`` times its
        magnitude.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        Most probable cluster of every row.
    mixture : JointMixture
        The fitted mixture (:meth:`JointMixture.predict` assigns new rows).

    Warns
    -----
    ConvergenceWarning
        When the log-likelihood still moved after ``max_iter`` iterations.
    UserWarning
        When some cluster has no row in the returned labels.
    """
    columns = tuple(range(len(blocks)) if columns is None else (int(c) for c in columns))
    seen = seen[:, list(columns)]
    X, patterns = _stack(blocks, seen)
    n = X.shape[0]
    mixture = _start(X, seen, np.asarray(labels), n_clusters, [b.shape[1] for b in blocks],
                     columns)
    previous = None
    for _ in range(max_iter):
        log_joint, parts = mixture._e_step(X, patterns)
        total = logsumexp(log_joint, axis=1)
        likelihood = total.sum()
        if previous is not None and abs(likelihood - previous) <= tol * abs(likelihood):
            break
        previous = likelihood
        mixture = _m_step(X, np.exp(log_joint - total[:, None]), parts, mixture, n)
    else:
        warnings.warn(
            f"DM2CClustering: the joint Gaussian mixture of the 'paired' assignment did not "
            f"converge in max_iter={max_iter} EM iterations; its last state is used.",
            ConvergenceWarning,
        )
        log_joint, _ = mixture._e_step(X, patterns)
    labels = log_joint.argmax(1).astype(np.int64)
    warn_empty_clusters(labels, n_clusters, "DM2CClustering: the joint Gaussian mixture of "
                        "the 'paired' assignment")
    return labels, mixture
