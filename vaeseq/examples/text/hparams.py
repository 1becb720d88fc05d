"""Hyperparameters of the text example: the library's, with text defaults.

Adds `embed_size` (character embedding width), `vocab_size` (most common
characters kept) and `oov_buckets` (ids shared by all other characters), and
sets the example's defaults for the library's hyperparameters.
"""

import json
from typing import Any

from vaeseq import hparams as hparams_mod

_TEXT_HPARAMS = {
    "embed_size": 100,
    "vocab_size": 100,
    "oov_buckets": 1,
}

_TEXT_DEFAULTS = {
    "latent_size": 16,
    "sequence_size": 40,
    "rnn_hidden_sizes": [512, 512, 512],
    "obs_encoder_fc_layers": [64, 32],
    "obs_decoder_fc_hidden_layers": [64],
}

# Hyperparameters that fix the model's variables or what it computes. A
# trained model cannot change them; the others (batch_size, sequence_size,
# learning_rate, ...) may differ from run to run.
ARCHITECTURE = (
    "activation",
    "embed_size",
    "latent_decoder_fc_layers",
    "latent_size",
    "obs_decoder_fc_hidden_layers",
    "obs_encoder_fc_layers",
    "oov_buckets",
    "positive_eps",
    "positive_projection",
    "rnn_hidden_sizes",
    "srnn_use_res_q",
    "vae_type",
    "vocab_size",
)


def make_hparams(
    flag_value: str | None = None, **overrides: Any,
) -> hparams_mod.HParams:
    """Returns the text example's default hyperparameters, overridden.

    Args:
        flag_value: assignments in `HParams.parse` syntax, applied last.
        **overrides: values applied before `flag_value`.

    Raises:
        ValueError: a name is unknown or a value is malformed or mistyped.
    """
    hparams = hparams_mod.make_hparams()
    for name, value in _TEXT_HPARAMS.items():
        hparams.add_hparam(name, value)
    hparams.override_from_dict(_TEXT_DEFAULTS)
    hparams.override_from_dict(overrides)
    if flag_value is not None:
        hparams.parse(flag_value)
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
