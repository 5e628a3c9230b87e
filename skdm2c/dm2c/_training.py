"""The joint adversarial phase of DM2C (the ``train_step`` of the epoch loop).

Generator step on every mixed mini-batch (reconstruction + cycle + cycle
reconstruction + adversarial, plus the known-pair losses of rows that observe
several modalities), critic step every ``critic_interval`` generator steps,
optional early stopping on the training objective.  Without multi-block rows
the steps, their random draws and their losses are exactly the published
ones.
"""

import math
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from .._core._training import fit_loop, pretrain_autoencoder
from ._network import critic_loss, generator_losses, pair_losses


#: Learning rate of the log-temperature of the contrastive pair loss when it
#: is learned (RMSprop, like the generator step it joins) ...
TEMPERATURE_LEARNING_RATE = 0.03
#: ... and the range the temperature is kept in (a logit scale of at most 33).
TEMPERATURE_RANGE = (0.03, 2.0)


def _learned_log_temperature(est, device):
    """The trainable log-temperature of the pair loss, at its starting value.

    A warm start continues from the value learned by the previous fit.
    """
    start = getattr(est, "pair_temperature_", None)
    if start is None:
        start = est.pair_temperature
    lo, hi = TEMPERATURE_RANGE
    return torch.nn.Parameter(torch.tensor(math.log(min(max(float(start), lo), hi)),
                                           device=device))


def _local_positions(observed):
    """``local[m][i]``: position of row ``i`` among the rows observing ``m`` (-1 if not)."""
    obs = torch.as_tensor(observed)
    local = []
    for m in range(obs.shape[1]):
        pos = torch.full((obs.shape[0],), -1, dtype=torch.long)
        pos[obs[:, m]] = torch.arange(int(obs[:, m].sum()))
        local.append(pos)
    return obs, local


def train_jointly(est, tensors, observed, generator, first_epoch):
    """The joint adversarial phase: ``fit_loop`` over all rows, mixed batches."""
    net = est.network_
    if est.epochs == 0 or not net.others:
        # One modality: nothing to translate; keep refining the autoencoder.
        if est.epochs and not net.others:
            pretrain_autoencoder(
                net.autoencoders[0], tensors[0], n_epochs=est.epochs,
                batch_size=est.batch_size, lr=est.learning_rate_autoencoder,
                generator=generator, history=est.history_, verbose=est.verbose,
                weight_decay=est.weight_decay, phase="train",
            )
        return
    ae_params, gen_params = net.translators_and_autoencoders()
    device = tensors[0].device
    obs_t, local = _local_positions(observed)
    has_pairs = bool((obs_t.sum(1) > 1).any())
    contrastive = has_pairs and est.lambda_contrastive > 0
    log_temperature = (_learned_log_temperature(est, device)
                       if contrastive and est.learn_pair_temperature else None)

    def pair_temperature():
        if log_temperature is None:
            return float(est.pair_temperature)
        return log_temperature.exp().clamp(*TEMPERATURE_RANGE)

    def as_float(t):
        return float(t.detach()) if torch.is_tensor(t) else t

    groups = [{"params": ae_params, "lr": est.learning_rate_autoencoder},
              {"params": gen_params, "lr": est.learning_rate_generator}]
    if log_temperature is not None:
        groups.append({"params": [log_temperature], "lr": TEMPERATURE_LEARNING_RATE,
                       "weight_decay": 0.0})
    opt_g = torch.optim.RMSprop(groups, weight_decay=est.weight_decay)
    if est.critic == "wgan-clip":
        opt_d = torch.optim.RMSprop(net.critic_parameters(), lr=est.learning_rate_critic,
                                    weight_decay=est.weight_decay)
    else:
        opt_d = torch.optim.Adam(net.critic_parameters(), lr=est.learning_rate_critic,
                                 betas=(0.5, 0.9), weight_decay=est.weight_decay)
    state = {"step": 0, "best": np.inf, "stall": 0}

    def train_step(idx):
        ob = obs_t[idx]
        xs = [tensors[m][local[m][idx[ob[:, m]]].to(device)] for m in range(len(tensors))]
        net.train()
        opt_g.zero_grad()
        losses, z, fakes = generator_losses(net, xs)
        total = (est.lambda_rec * (losses["reconstruction"] + losses["cycle_reconstruction"])
                 + est.lambda_cycle * losses["cycle"] + est.lambda_adv * losses["adversarial"])
        if has_pairs and (est.lambda_pair > 0 or est.lambda_contrastive > 0):
            temperature = pair_temperature()
            pairs = pair_losses(net, z, ob, temperature=temperature,
                                contrastive=est.lambda_contrastive > 0)
            losses.update(pairs)
            total = total + (est.lambda_pair * pairs["pair_translation"]
                             + est.lambda_contrastive * pairs["pair_contrastive"])
        total.backward()
        opt_g.step()
        record = {k: v.item() for k, v in losses.items()}
        record["objective"] = total.item()
        if contrastive:
            record["pair_temperature"] = as_float(temperature)
        state["step"] += 1
        if state["step"] % est.critic_interval == 0:
            for _ in range(est.critic_steps):
                record["critic"] = critic_step(z, fakes)
        return record

    def critic_step(z, fakes):
        opt_d.zero_grad()
        d_loss = est.lambda_adv * critic_loss(
            net, z, fakes, kind=est.critic, gp_weight=est.gp_weight, generator=generator)
        if d_loss.requires_grad:
            d_loss.backward()
            opt_d.step()
        if est.critic == "wgan-clip":
            with torch.no_grad():
                for p in net.critic_parameters():
                    p.clamp_(-est.clip_value, est.clip_value)
        return d_loss.item()

    def on_epoch_end(epoch, record):
        if est.tol is None:
            return False
        best = state["best"]
        if not np.isfinite(best) or record["objective"] < best - est.tol * abs(best):
            state["best"], state["stall"] = record["objective"], 0
        else:
            state["stall"] += 1
        record["converged"] = state["stall"] >= est.n_iter_no_change
        return record["converged"]

    run = fit_loop(train_step, n_samples=len(observed), n_epochs=est.epochs,
                   batch_size=est.batch_size, generator=generator, history=est.history_,
                   phase="train", verbose=est.verbose, on_epoch_end=on_epoch_end,
                   first_epoch=first_epoch)
    est.pair_temperature_ = as_float(pair_temperature()) if contrastive else None
    if est.tol is not None and run == est.epochs:
        warnings.warn(
            f"DM2CClustering: the training objective did not stop improving by more "
            f"than tol={est.tol} within epochs={est.epochs}; consider more epochs.",
            ConvergenceWarning,
        )
