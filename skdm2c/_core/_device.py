"""Devices and local random number generators (no global seeding)."""

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._validation import check_device, check_float32_range


def resolve_device(device):
    """Return a :class:`torch.device`, failing clearly when it is not usable.

    Parameters
    ----------
    device : str or torch.device
        ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ... or a device object.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        See :func:`skdm2c._core._validation.check_device` (``meta``, unknown
        strings, CUDA / MPS where unavailable).
    """
    return check_device(device)


def inference_device(device):
    """Device for predict/transform: the fitted device if usable, else CPU.

    A model fitted with ``device="cuda"`` and unpickled on a machine without a
    GPU then still predicts (on CPU).
    """
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError, TypeError):
        return check_device(device)  # raises, naming the value
    if dev.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) is not None
                                  and torch.backends.mps.is_available()):
        return torch.device("cpu")
    return check_device(dev)


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
    """Copy an array into a new tensor (safe on read-only / memory-mapped input).

    Raises a ValueError naming the row and column of the first value that
    overflows float32 (it would silently become ``inf``).
    """
    X = np.asarray(X)
    if dtype == torch.float32:
        check_float32_range(X)
    return torch.tensor(X, dtype=dtype, device=device)
