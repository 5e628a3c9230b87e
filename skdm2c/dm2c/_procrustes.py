"""Procrustes refinement of orthogonal DM2C translators (Conneau et al., 2018).

After adversarial training, each orthogonal translator ``G[m->p]`` is
refined by alternating (i) pairing the translated codes of modality ``m``
with the codes of the unified modality ``p`` that are mutual nearest
neighbours and (ii) the closed-form orthogonal Procrustes solution on those
pairs (with the affine offset of the pairs' means).
"""

import numpy as np
import torch

from .._core._training import predict_in_batches


def mutual_nearest_pairs(A, B):
    """Index pairs ``(i, j)``: ``B[j]`` is ``A[i]``'s nearest row and vice versa."""
    d2 = (A ** 2).sum(1)[:, None] - 2 * A @ B.T + (B ** 2).sum(1)[None, :]
    ab = np.argmin(d2, axis=1)
    ba = np.argmin(d2, axis=0)
    i = np.flatnonzero(ba[ab] == np.arange(len(A)))
    return i, ab[i]


def procrustes(A, B):
    """Orthogonal ``W`` and offset ``b`` minimising ``||A W + b - B||`` (paired rows)."""
    ma, mb = A.mean(0), B.mean(0)
    u, _, vt = np.linalg.svd((A - ma).T @ (B - mb))
    W = u @ vt
    return W, mb - ma @ W


def refine_translators(net, tensors, n_steps, device):
    """Run ``n_steps`` mutual-NN + Procrustes refinements of every translator.

    Returns the number of pairs used in the last step of each modality
    (``{modality: n_pairs}``).
    """
    net.eval()
    p = net.pivot
    with torch.no_grad():
        zp = predict_in_batches(net.autoencoders[p].encoder, tensors[p].cpu().numpy(), device)
    used = {}
    for m in net.others:
        g = net.to_pivot[str(m)]
        with torch.no_grad():
            zm = predict_in_batches(net.autoencoders[m].encoder, tensors[m].cpu().numpy(), device)
        for _ in range(n_steps):
            W = g.weight().detach().cpu().double().numpy()
            b = g.bias.detach().cpu().double().numpy()
            i, j = mutual_nearest_pairs(zm @ W + b, zp)
            used[m] = len(i)
            if len(i) < 2:
                break
            W, b = procrustes(zm[i], zp[j])
            g.set_(W, b)
    return used
