"""Hyperparameters of the play example: the library's, plus the RL loop's.

The model's defaults are small (the CartPole state has four numbers); the
added hyperparameters size the policy and drive the training loop: how many
real episodes each iteration plays, how many model and policy steps follow,
and how imagined rollouts are scored.
"""

import json
from typing import Any

from vaeseq import hparams as hparams_mod

_PLAY_HPARAMS = {
    # Hidden layer sizes of the policy MLP (normalised state -> action logit).
    "policy_layers": [32],
    # Real episodes played (in parallel) per iteration of the training loop.
    "episodes_per_iter": 8,
    # Most recent real episodes kept for model training.
    "replay_episodes": 400,
    # Model training steps (TrainOps calls) per iteration.
    "model_steps_per_iter": 40,
    # Policy-gradient updates per iteration, each on a fresh imagined batch.
    "policy_steps_per_iter": 10,
    # Imagined rollouts per policy update, each started from a real state.
    "imagine_batch_size": 256,
    # Steps of each imagined rollout.
    "imagine_steps": 150,
    # Discount of imagined rewards.
    "discount": 0.99,
    # Learning rate of the policy (Adam).
    "policy_learning_rate": 3e-3,
    # Weight of the entropy bonus that keeps the policy exploring.
    "entropy_bonus": 1e-3,
}

_PLAY_DEFAULTS = {
    "latent_size": 4,
    "sequence_size": 32,
    "batch_size": 32,
    "rnn_hidden_sizes": [64],
    "obs_encoder_fc_layers": [32],
    "obs_decoder_fc_hidden_layers": [64],
    "latent_decoder_fc_layers": [32],
    "learning_rate": 3e-3,
    # Full KL weight from the start: imagination samples latents from the
    # prior, so the posterior must not drift from it even early on.
    "divergence_strength_start": 1.0,
}

# Hyperparameters that fix the variables (of the model or the policy) or what
# the model computes; a trained run cannot change them.
ARCHITECTURE = (
    "activation",
    "latent_decoder_fc_layers",
    "latent_size",
    "obs_decoder_fc_hidden_layers",
    "obs_encoder_fc_layers",
    "policy_layers",
    "positive_eps",
    "positive_projection",
    "rnn_hidden_sizes",
    "srnn_use_res_q",
    "vae_type",
)


def make_hparams(flag_value: str | None = None, **overrides: Any) -> hparams_mod.HParams:
    """Returns the play example's default hyperparameters, overridden.

    Args:
        flag_value: assignments in `HParams.parse` syntax, applied last.
        **overrides: values applied before `flag_value`.

    Raises:
        ValueError: a name is unknown or a value is malformed or mistyped.
    """
    hparams = hparams_mod.make_hparams()
    for name, value in _PLAY_HPARAMS.items():
        hparams.add_hparam(name, value)
    hparams.override_from_dict(_PLAY_DEFAULTS)
    hparams.override_from_dict(overrides)
    if flag_value is not None:
        hparams.parse(flag_value)
    return hparams


def from_json(saved_json: str) -> hparams_mod.HParams:
    """Reads hyperparameters written by `HParams.to_json`; missing ones take defaults.

    Raises:
        ValueError: not a JSON object of known, well-typed hyperparameters.
    """
    values = json.loads(saved_json)  # json.JSONDecodeError is a ValueError.
    if not isinstance(values, dict):
        raise ValueError("not a JSON object")
    return make_hparams(**values)


def override(saved: hparams_mod.HParams, flag_value: str | None) -> hparams_mod.HParams:
    """A trained run's hyperparameters overridden by `flag_value`.

    Raises:
        ValueError: `flag_value` is malformed or changes one of `ARCHITECTURE`.
    """
    hparams = make_hparams(flag_value, **saved.values())
    changed = [f"{name} (trained with {saved.get(name)!r}, given {hparams.get(name)!r})"
               for name in ARCHITECTURE if hparams.get(name) != saved.get(name)]
    if changed:
        raise ValueError("--hparams cannot change the architecture of a trained model: "
                         + "; ".join(changed) + ".")
    return hparams
