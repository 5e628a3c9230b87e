"""Network builders shared by DM2C and the deep baselines."""

import math

import torch
from torch import nn
from torch.nn import functional as F


class SafeBatchNorm1d(nn.BatchNorm1d):
    """BatchNorm1d that tolerates training batches of one row.

    A batch of one row has no variance; this layer then normalises with the
    running statistics without updating them, instead of raising as
    :class:`torch.nn.BatchNorm1d` does.  Mixed-modal mini-batches can hold a
    single row of a rare modality.
    """

    def forward(self, x):
        if self.training and x.shape[0] < 2:
            return F.batch_norm(
                x, self.running_mean, self.running_var, self.weight, self.bias,
                False, 0.0, self.eps,
            )
        return super().forward(x)


_ACTIVATIONS = {
    "relu": lambda: nn.ReLU(),
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "tanh": lambda: nn.Tanh(),
}


def make_mlp(sizes, *, activation="relu", batch_norm=False, output_activation=False):
    """Build a fully connected network ``sizes[0] -> ... -> sizes[-1]``.

    Hidden layers are ``Linear -> activation [-> BatchNorm]`` (the DM2C
    authors' order); the last layer is linear unless ``output_activation``.
    """
    sizes = [int(s) for s in sizes]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        last = i == len(sizes) - 2
        if not last or output_activation:
            layers.append(_ACTIVATIONS[activation]())
            if batch_norm and not last:
                layers.append(SafeBatchNorm1d(sizes[i + 1]))
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """Symmetric fully connected autoencoder ``d -> hidden -> latent -> hidden -> d``.

    Embedding and output layers are linear.
    """

    def __init__(self, n_features, hidden_sizes, latent_dim, *, activation="relu",
                 batch_norm=False):
        super().__init__()
        enc = [n_features, *hidden_sizes, latent_dim]
        self.encoder = make_mlp(enc, activation=activation, batch_norm=batch_norm)
        self.decoder = make_mlp(enc[::-1], activation=activation, batch_norm=batch_norm)

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z), z


def init_parameters(module, generator):
    """Re-initialise every layer: Linear and BatchNorm from a local generator.

    Same distributions as torch's defaults (Kaiming-uniform with ``a=sqrt(5)``
    weights, uniform biases), but drawn from ``generator`` so that no global
    seed is needed for reproducibility.
    """
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Linear):
                bound = 1.0 / math.sqrt(m.in_features)
                m.weight.uniform_(-bound, bound, generator=generator)
                if m.bias is not None:
                    m.bias.uniform_(-bound, bound, generator=generator)
            elif isinstance(m, nn.BatchNorm1d):
                m.reset_parameters()
                m.reset_running_stats()
            elif hasattr(m, "reset_parameters") and next(m.parameters(False), None) is not None:
                # Custom layers must initialise deterministically (no global RNG).
                m.reset_parameters()
    return module


def build_module(factory, generator):
    """Construct ``factory()`` without touching the global torch RNG.

    Layers are created on the ``meta`` device (no default initialisation
    runs), materialised on the CPU and initialised by
    :func:`init_parameters` from the local ``generator``.
    """
    with torch.device("meta"):
        module = factory()
    return init_parameters(module.to_empty(device="cpu"), generator)


def default_hidden_sizes(n_features, latent_dim):
    """Automatic encoder widths from the input width.

    ``2048 -> (1024, 256)`` reproduces the DM2C authors' Wikipedia encoder
    (2048-1024-256-128); narrower inputs get proportionally narrower layers,
    never below 64 units.
    """
    first = min(1024, max(64, n_features // 2))
    second = min(256, max(64, n_features // 4, 2 * latent_dim))
    return (first, min(first, second))
