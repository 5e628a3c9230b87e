"""Devices and local random number generators (no global seeding)."""

import numpy as np
import torch
from sklearn.utils import check_random_state


def resolve_device(device):
    """Return a :class:`torch.device`, failing clearly when CUDA is missing.

    Parameters
    ----------
    device : str or torch.device
        ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ... or a device object.

    Returns
    -------
    device : torch.device
    """
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine; use device='cpu'."
        )
    return dev


def inference_device(device):
    """Device for predict/transform: the fitted device if usable, else CPU.

    A model fitted with ``device="cuda"`` and unpickled on a machine without a
    GPU then still predicts (on CPU).
    """
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    return dev


def make_generator(random_state):
    """Return ``(torch.Generator, numpy RandomState)`` seeded from ``random_state``.

    The torch generator lives on the CPU: weight initialisation and shuffling
    draw from it and the results are moved to the device afterwards, so the
    same ``random_state`` gives the same initial weights and batch order on
    every device.  The global torch RNG is never touched.
    """
    rng = check_random_state(random_state)
    seed = int(rng.randint(np.iinfo(np.int32).max))
    gen = torch.Generator(device="cpu")
    gen.manual_seed(seed)
    return gen, rng


def to_tensor(X, device, dtype=torch.float32):
    """Copy an array into a new tensor (safe on read-only / memory-mapped input)."""
    return torch.tensor(np.asarray(X), dtype=dtype, device=device)
