"""The shared epoch loop, loss records and divergence detection.

Every deep estimator trains through :func:`fit_loop`: it shuffles rows with a
local generator, calls the estimator's ``train_step`` on each mini-batch,
averages the returned losses over the epoch, checks them for NaN/inf, appends
one record to the estimator's history, prints it when ``verbose`` and lets an
``on_epoch_end`` hook stop training early.
"""

import math
import time

import numpy as np
import torch

from ._validation import check_float32_range


class DivergenceError(FloatingPointError):
    """Raised when a training loss becomes NaN or infinite.

    The message names the loss, the phase and the epoch, so that the user can
    lower a learning rate or a loss weight; no NaN labels are ever returned.
    """


def batch_indices(n_samples, batch_size, generator, *, shuffle=True):
    """Split ``range(n_samples)`` into mini-batches of index tensors.

    A trailing batch of one row is merged into the previous one (a single
    row gives no batch statistics).
    """
    order = torch.randperm(n_samples, generator=generator) if shuffle else torch.arange(n_samples)
    batches = list(torch.split(order, max(1, int(batch_size))))
    if len(batches) > 1 and len(batches[-1]) < 2:
        batches[-2] = torch.cat([batches[-2], batches.pop()])
    return batches


def check_finite(losses, *, phase, epoch):
    """Raise :class:`DivergenceError` if any loss value is NaN or infinite."""
    for name, value in losses.items():
        if not math.isfinite(value):
            raise DivergenceError(
                f"The {name!r} loss became {value} during {phase} at epoch {epoch + 1}: "
                "training diverged. Lower the learning rates or the weight of that "
                "loss, or standardise the input."
            )


def format_record(record):
    """One-line text form of a history record (used by ``verbose``)."""
    parts = [f"[{record['phase']}] epoch {record['epoch'] + 1:4d}"]
    for key, value in record.items():
        if key in ("phase", "epoch"):
            continue
        parts.append(f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}")
    return " | ".join(parts)


def fit_loop(train_step, *, n_samples, n_epochs, batch_size, generator, history,
             phase, verbose=0, on_epoch_end=None, first_epoch=0):
    """Run ``n_epochs`` epochs of mini-batch training.

    Parameters
    ----------
    train_step : callable
        ``train_step(batch_index_tensor) -> dict[str, float]`` performs one
        optimisation step and returns the losses of that step.
    n_samples : int
        Number of rows to draw batches from.
    n_epochs : int
        Number of epochs.
    batch_size : int
        Rows per mini-batch.
    generator : torch.Generator
        Local generator used for shuffling.
    history : list of dict
        Receives one record per epoch: ``{"phase", "epoch", <loss>: mean,
        "time": seconds}``.
    phase : str
        Name of the phase stored in the records (``"pretrain"``, ``"train"``).
    verbose : int, default=0
        Print each record when > 0.
    on_epoch_end : callable, default=None
        ``on_epoch_end(epoch, record) -> bool``; may add entries to the record;
        returning True stops training.
    first_epoch : int, default=0
        Epoch number of the first epoch (for warm starts).

    Returns
    -------
    n_epochs_run : int
        Epochs actually run.
    """
    for i in range(n_epochs):
        epoch = first_epoch + i
        tic = time.perf_counter()
        sums, counts = {}, {}
        for idx in batch_indices(n_samples, batch_size, generator):
            for key, value in train_step(idx).items():
                sums[key] = sums.get(key, 0.0) + float(value)
                counts[key] = counts.get(key, 0) + 1
        losses = {key: sums[key] / counts[key] for key in sums}
        check_finite(losses, phase=phase, epoch=epoch)
        record = {"phase": phase, "epoch": epoch, **losses}
        stop = bool(on_epoch_end(epoch, record)) if on_epoch_end is not None else False
        record["time"] = time.perf_counter() - tic
        history.append(record)
        if verbose:
            print(format_record(record), flush=True)
        if stop:
            return i + 1
    return n_epochs


@torch.no_grad()
def predict_in_batches(fn, X, device, batch_size=1024, dtype=torch.float32):
    """Apply a torch function to a NumPy array in batches; return NumPy float64.

    ``dtype`` is the dtype of the input tensors (``torch.float64`` for a
    module converted with ``.double()``: results then do not depend on how
    the rows are batched, up to float64 rounding).

    Input values that overflow float32 are refused first (ValueError naming
    the row and column), so that they are not reported as a diverged model.
    """
    X = np.asarray(X)
    check_float32_range(X)
    outs = []
    for start in range(0, X.shape[0], batch_size):
        xb = torch.tensor(X[start:start + batch_size], dtype=dtype, device=device)
        outs.append(fn(xb).detach().cpu().double().numpy())
    if not outs:
        out_dim = fn(torch.zeros((2, X.shape[1]), dtype=dtype, device=device)).shape[1]
        return np.zeros((0, out_dim))
    out = np.concatenate(outs)
    if not np.all(np.isfinite(out)):
        row = int(np.flatnonzero(~np.all(np.isfinite(out), axis=1))[0])
        with np.errstate(invalid="ignore"):
            top = float(np.nanmax(np.abs(X[row]))) if X.shape[1] else 0.0
        if np.all(np.isfinite(X[row])) and top > 1e6:
            raise ValueError(
                f"The network produced NaN or infinite outputs for input row {row}, whose "
                f"largest absolute value is {top:.4g}: the input is far outside the scale the "
                "model was trained on. Rescale it like the training data."
            )
        raise DivergenceError(
            f"The network produced NaN or infinite outputs (first at input row {row}, largest "
            f"absolute input value {top:.4g}); the model diverged."
        )
    return out


def train_autoencoder_step(autoencoder, optimizer, x):
    """One reconstruction step (mean squared error over features); returns the loss."""
    optimizer.zero_grad()
    recon, _ = autoencoder(x)
    loss = torch.nn.functional.mse_loss(recon, x)
    loss.backward()
    optimizer.step()
    return loss.item()


def pretrain_autoencoder(autoencoder, X, *, n_epochs, batch_size, lr, generator, history,
                         verbose=0, weight_decay=0.0, phase="pretrain"):
    """Pretrain an autoencoder on the tensor ``X`` with Adam and MSE loss.

    Returns the number of epochs run (records go to ``history``).
    """
    if n_epochs <= 0:
        return 0
    autoencoder.train()
    optimizer = torch.optim.Adam(autoencoder.parameters(), lr=lr, weight_decay=weight_decay)

    def step(idx):
        batch = X[idx.to(X.device)]
        return {"reconstruction": train_autoencoder_step(autoencoder, optimizer, batch)}

    return fit_loop(step, n_samples=X.shape[0], n_epochs=n_epochs, batch_size=batch_size,
                    generator=generator, history=history, phase=phase, verbose=verbose)
