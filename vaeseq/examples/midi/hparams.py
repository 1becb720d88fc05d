"""Hyperparameters of the MIDI example: the library's, with music defaults.

Adds `rate`, the steps per second at which MIDI files are read and at which
samples are written out as MIDI and audio, and sets the example's defaults
for the library's hyperparameters: an observation is one step of a piano
roll, 88 binary keys.
"""

from vaeseq.examples.common import hparams as common_hparams
from vaeseq.hparams import HParams

# Steps per second when sampling MIDI files (the original VAE-Seq default).
DEFAULT_RATE = 32.0

_MIDI_HPARAMS = {
    "rate": (DEFAULT_RATE, "Steps per second at which MIDI files are read and samples written."),
}

_MIDI_DEFAULTS = {
    "latent_size": 32,
    "sequence_size": 64,
    "batch_size": 32,
    "rnn_hidden_sizes": [256],
    "obs_encoder_fc_layers": [128],
    "obs_decoder_fc_hidden_layers": [256],
    "latent_decoder_fc_layers": [128],
}

# Hyperparameters that fix the model's variables or what it computes: the
# library's. A trained model cannot change them; the others (batch_size,
# sequence_size, rate, log_prob_samples, ...) may differ from run to run.
ARCHITECTURE = common_hparams.LIBRARY_ARCHITECTURE


def _check(hparams: HParams) -> None:
    if hparams.rate <= 0:
        raise ValueError(f"rate must be positive, got {hparams.rate}.")


SPEC = common_hparams.ExampleHParams(
    _MIDI_HPARAMS, _MIDI_DEFAULTS, ARCHITECTURE, check=_check)

# `make_hparams(flag_value=None, **overrides)`, `from_json(saved_json)` and
# `override(saved, flag_value)`: see `ExampleHParams`.
make_hparams = SPEC.make
from_json = SPEC.from_json
override = SPEC.override
