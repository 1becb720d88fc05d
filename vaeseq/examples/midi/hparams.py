"""Hyperparameters of the MIDI example: the library's, with music defaults.

Adds `rate`, the steps per second at which MIDI files are read and at which
samples are written out as MIDI and audio, and sets the example's defaults
for the library's hyperparameters: an observation is one step of a piano
roll, 88 binary keys.
"""

import json
from typing import Any

from vaeseq import hparams as hparams_mod
from vaeseq.examples.midi import dataset

_MIDI_HPARAMS = {
    "rate": dataset.DEFAULT_RATE,
}

_MIDI_DEFAULTS = {
    "latent_size": 32,
    "sequence_size": 64,
    "batch_size": 32,
    "rnn_hidden_sizes": [256],
    "obs_encoder_fc_layers": [128],
    "obs_decoder_fc_hidden_layers": [256],
    "latent_decoder_fc_layers": [128],
    "learning_rate": 1e-3,
    "divergence_strength_half": 2000.0,
}

# Hyperparameters that fix the model's variables or what it computes. A
# trained model cannot change them; the others (batch_size, sequence_size,
# rate, log_prob_samples, ...) may differ from run to run.
ARCHITECTURE = (
    "activation",
    "latent_decoder_fc_layers",
    "latent_size",
    "obs_decoder_fc_hidden_layers",
    "obs_encoder_fc_layers",
    "positive_eps",
    "positive_projection",
    "rnn_hidden_sizes",
    "srnn_use_res_q",
    "vae_type",
)


def make_hparams(
    flag_value: str | None = None, **overrides: Any,
) -> hparams_mod.HParams:
    """Returns the MIDI example's default hyperparameters, overridden.

    Args:
        flag_value: assignments in `HParams.parse` syntax, applied last.
        **overrides: values applied before `flag_value`.

    Raises:
        ValueError: a name is unknown, a value is malformed or mistyped, or
            `rate` is not positive.
    """
    hparams = hparams_mod.make_hparams()
    for name, value in _MIDI_HPARAMS.items():
        hparams.add_hparam(name, value)
    hparams.override_from_dict(_MIDI_DEFAULTS)
    hparams.override_from_dict(overrides)
    if flag_value is not None:
        hparams.parse(flag_value)
    if hparams.rate <= 0:
        raise ValueError(f"rate must be positive, got {hparams.rate}.")
    return hparams


def from_json(saved_json: str) -> hparams_mod.HParams:
    """Reads hyperparameters written by `HParams.to_json`.

    Values missing from `saved_json` take the example's defaults.

    Raises:
        ValueError: `saved_json` is not a JSON object of known, well-typed
            hyperparameters.
    """
    try:
        values = json.loads(saved_json)
    except json.JSONDecodeError as err:
        raise ValueError(f"not JSON: {err}") from None
    if not isinstance(values, dict):
        raise ValueError("not a JSON object")
    return make_hparams(**values)


def override(
    saved: hparams_mod.HParams, flag_value: str | None,
) -> hparams_mod.HParams:
    """Returns a copy of a trained model's hyperparameters, overridden.

    Args:
        saved: the hyperparameters the model was trained with.
        flag_value: assignments in `HParams.parse` syntax. They may change
            any hyperparameter except those in `ARCHITECTURE`, which they
            may only restate.

    Raises:
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    hparams = make_hparams(flag_value, **saved.values())
    changed = [
        f"{name} (trained with {saved.get(name)!r}, given {hparams.get(name)!r})"
        for name in ARCHITECTURE if hparams.get(name) != saved.get(name)]
    if changed:
        raise ValueError(
            "--hparams cannot change the architecture of a trained model: "
            + "; ".join(changed) + ".")
    return hparams
