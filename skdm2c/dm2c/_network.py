"""DM2C networks and losses: per-modality autoencoders, latent translators, critics.

With modalities ``0..M-1`` and a pivot ``p`` (the modality whose latent
space unifies all instances), every other modality ``m`` gets a pair of
latent generators ``G[m->p]`` and ``G[p->m]`` and a pair of Wasserstein
critics: ``D_p[m]`` (in p's latent space, real ``z_p`` vs fake
``G[m->p](z_m)``) and ``D_m[m]`` (in m's space).  With two modalities this
is exactly the published model (Jiang et al., 2019).
"""

import torch
from torch import nn
from torch.nn import functional as F

from .._core._nets import Autoencoder, make_mlp


class DM2CNetwork(nn.Module):
    """All trainable parts of a DM2C model.

    Parameters
    ----------
    modality_dims : sequence of int
        Input width of every modality.
    hidden_sizes : list of tuple of int
        Encoder hidden widths for each modality (decoders mirror them).
    latent_dim : int
        Width of every latent space.
    generator_hidden_sizes : tuple of int
        Hidden widths of each latent generator.
    critic_hidden_size : int
        Hidden width of each critic (one hidden layer, as the authors).
    pivot : int
        Index of the unifying modality.
    batch_norm : bool
        BatchNorm after the hidden activations of autoencoders and generators.
    generator : {"mlp", "orthogonal"}
        Published MLP generators, or one orthogonal affine map per pair with
        its exact inverse as the reverse generator (:class:`OrthogonalMap`).
    """

    def __init__(self, modality_dims, hidden_sizes, latent_dim, generator_hidden_sizes,
                 critic_hidden_size, pivot, batch_norm, generator="mlp"):
        super().__init__()
        self.pivot = int(pivot)
        self.n_modalities = len(modality_dims)
        self.autoencoders = nn.ModuleList(
            Autoencoder(d, h, latent_dim, activation="leaky_relu", batch_norm=batch_norm)
            for d, h in zip(modality_dims, hidden_sizes)
        )
        gen_sizes = [latent_dim, *generator_hidden_sizes, latent_dim]
        critic_sizes = [latent_dim, critic_hidden_size, 1]
        self.to_pivot, self.from_pivot = nn.ModuleDict(), nn.ModuleDict()
        self.critic_pivot, self.critic_other = nn.ModuleDict(), nn.ModuleDict()
        for m in self.others:
            key = str(m)
            if generator == "orthogonal":
                self.to_pivot[key] = OrthogonalMap(latent_dim)
                self.from_pivot[key] = InverseMap(self.to_pivot[key])
                continue
            self.to_pivot[key] = make_mlp(gen_sizes, activation="leaky_relu", batch_norm=batch_norm)
            self.from_pivot[key] = make_mlp(gen_sizes, activation="leaky_relu",
                                            batch_norm=batch_norm)
        for m in self.others:
            key = str(m)
            self.critic_pivot[key] = make_mlp(critic_sizes, activation="leaky_relu")
            self.critic_other[key] = make_mlp(critic_sizes, activation="leaky_relu")

    @property
    def others(self):
        return [m for m in range(self.n_modalities) if m != self.pivot]

    def translators_and_autoencoders(self):
        """Parameters trained by the generator optimiser (AEs, generators)."""
        gen = {id(p): p for p in [*self.to_pivot.parameters(), *self.from_pivot.parameters()]}
        return list(self.autoencoders.parameters()), list(gen.values())

    def critic_parameters(self):
        return list(self.critic_pivot.parameters()) + list(self.critic_other.parameters())

    def unify(self, x, m):
        """Latent code of rows of modality ``m`` in the pivot's latent space."""
        z = self.autoencoders[m].encoder(x)
        return z if m == self.pivot else self.to_pivot[str(m)](z)


def generator_losses(net, xs):
    """Losses of one generator step on per-modality batches ``xs`` (list, may be empty).

    Returns a dict of tensors: ``reconstruction`` (sum over modalities of the
    MSE), ``cycle`` (L1 latent cycle, both directions of every pair),
    ``cycle_reconstruction`` (MSE of the input decoded from the cycled code)
    and ``adversarial`` (``-E[D(fake)]`` summed over critics), and the latent
    codes ``z`` (list) and translated codes needed by the critic step.
    """
    p = net.pivot
    zero = next(net.parameters()).new_zeros(())
    out = {"reconstruction": zero, "cycle": zero, "cycle_reconstruction": zero,
           "adversarial": zero}
    z = [None] * len(xs)
    for m, x in enumerate(xs):
        if x.shape[0] == 0:
            continue
        recon, z[m] = net.autoencoders[m](x)
        out["reconstruction"] = out["reconstruction"] + F.mse_loss(recon, x)
    fakes = {}
    for m in net.others:
        key = str(m)
        for src, dst, fwd, back, critic in (
            (m, p, net.to_pivot[key], net.from_pivot[key], net.critic_pivot[key]),
            (p, m, net.from_pivot[key], net.to_pivot[key], net.critic_other[key]),
        ):
            if z[src] is None:
                continue
            translated = fwd(z[src])
            cycled = back(translated)
            out["cycle"] = out["cycle"] + F.l1_loss(cycled, z[src])
            out["cycle_reconstruction"] = out["cycle_reconstruction"] + F.mse_loss(
                net.autoencoders[src].decoder(cycled), xs[src]
            )
            out["adversarial"] = out["adversarial"] - critic(translated).mean()
            fakes[(src, dst)] = translated
    return out, z, fakes


def pair_losses(net, z, observed, *, temperature, contrastive=True):
    """Losses of the known correspondences in one mini-batch.

    ``z[m]`` holds the latent codes of the batch rows observing modality
    ``m`` (in batch order) and ``observed`` is the batch's ``(n, M)`` bool
    mask.  For every two modalities ``a < b`` observed together on at least
    one batch row, the unified codes of the pair (``G[m->p](z_m)``, or
    ``z_p`` itself for the pivot) are pulled together:

    - ``pair_translation``: mean squared distance of the paired unified
      codes, plus, for pairs with the pivot, of ``G[p->m](z_p)`` to ``z_m``
      (the supervised counterpart of the cycle loss);
    - ``pair_contrastive`` (when ``contrastive``): symmetric InfoNCE (van
      den Oord et al., 2018) of the cosine similarities of the paired
      unified codes at ``temperature``: every code must be closer to its own
      partner than to the other partners of the batch (needs two pairs in
      the batch).

    Returns a dict of two scalar tensors (zero when the batch has no pair).
    """
    zero = next(net.parameters()).new_zeros(())
    out = {"pair_translation": zero, "pair_contrastive": zero}
    n_mod = observed.shape[1]
    pos = [torch.cumsum(observed[:, m].long(), 0) - 1 for m in range(n_mod)]
    unified = {}
    for a in range(n_mod):
        for b in range(a + 1, n_mod):
            both = observed[:, a] & observed[:, b]
            if not bool(both.any()):
                continue
            ia, ib = pos[a][both].to(z[a].device), pos[b][both].to(z[b].device)
            for m in (a, b):
                if m not in unified:
                    unified[m] = z[m] if m == net.pivot else net.to_pivot[str(m)](z[m])
            ua, ub = unified[a][ia], unified[b][ib]
            loss = F.mse_loss(ua, ub)
            for m, im, other, io in ((a, ia, b, ib), (b, ib, a, ia)):
                if other == net.pivot:
                    loss = loss + F.mse_loss(net.from_pivot[str(m)](z[other][io]), z[m][im])
            out["pair_translation"] = out["pair_translation"] + loss
            if contrastive and ua.shape[0] >= 2:
                logits = F.normalize(ua, dim=1) @ F.normalize(ub, dim=1).T / temperature
                target = torch.arange(ua.shape[0], device=ua.device)
                out["pair_contrastive"] = out["pair_contrastive"] + 0.5 * (
                    F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
    return out


def critic_loss(net, z, fakes, *, kind, gp_weight, generator):
    """Wasserstein critic loss ``E[D(fake)] - E[D(real)]`` summed over critics.

    With ``kind="wgan-gp"`` a gradient penalty (Gulrajani et al., 2017) on
    random interpolates is added; the interpolation weights come from the
    local ``generator``.
    """
    p = net.pivot
    loss = next(net.parameters()).new_zeros(())
    for m in net.others:
        key = str(m)
        for src, dst, critic in ((m, p, net.critic_pivot[key]), (p, m, net.critic_other[key])):
            if (src, dst) not in fakes or z[dst] is None:
                continue
            fake, real = fakes[(src, dst)].detach(), z[dst].detach()
            loss = loss + critic(fake).mean() - critic(real).mean()
            if kind == "wgan-gp":
                loss = loss + gp_weight * _gradient_penalty(critic, real, fake, generator)
    return loss


def _gradient_penalty(critic, real, fake, generator):
    n = min(real.shape[0], fake.shape[0])
    eps = torch.rand((n, 1), generator=generator).to(real.device)
    inter = (eps * real[:n] + (1 - eps) * fake[:n]).requires_grad_(True)
    grad, = torch.autograd.grad(critic(inter).sum(), inter, create_graph=True)
    return ((grad.norm(2, dim=1) - 1) ** 2).mean()


class OrthogonalMap(nn.Module):
    """Affine latent generator ``z -> z W + b`` with ``W`` orthogonal.

    ``W`` is the Q factor (signs fixed by ``R``'s diagonal) of a free square
    parameter, so any orthogonal matrix is reachable and gradients flow
    through the QR decomposition.  Restricting the translator to an isometry
    is the device of unsupervised word-translation alignment (Conneau et
    al., 2018): distribution matching can then only rotate the whole
    geometry, not fold clusters onto arbitrary partners.
    """

    def __init__(self, dim):
        super().__init__()
        self.raw = nn.Parameter(torch.empty(dim, dim))
        self.bias = nn.Parameter(torch.empty(dim))
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self):
        """Identity map (the starting point of Conneau et al.)."""
        if not self.raw.is_meta:
            self.raw.copy_(torch.eye(self.raw.shape[0]))
            self.bias.zero_()

    def weight(self):
        q, r = torch.linalg.qr(self.raw)
        return q * torch.where(torch.diagonal(r) < 0, -1.0, 1.0)

    def forward(self, z):
        return z @ self.weight() + self.bias

    @torch.no_grad()
    def set_(self, weight, bias):
        self.raw.copy_(torch.as_tensor(weight, dtype=self.raw.dtype))
        self.bias.copy_(torch.as_tensor(bias, dtype=self.bias.dtype))


class InverseMap(nn.Module):
    """The exact inverse ``z -> (z - b) W^T`` of an :class:`OrthogonalMap`."""

    def __init__(self, forward_map):
        super().__init__()
        self.forward_map = forward_map

    def forward(self, z):
        return (z - self.forward_map.bias) @ self.forward_map.weight().T
