"""Hyperparameters of the text example: the library's, with text defaults.

Adds `embed_size` (character embedding width), `vocab_size` (most common
characters kept) and `oov_buckets` (ids shared by all other characters), and
sets the example's defaults for the library's hyperparameters.
"""

from vaeseq.examples.common import hparams as common_hparams

_TEXT_HPARAMS = {
    "embed_size": (100, "Width of the character embedding."),
    "vocab_size": (100, "Most common characters of the training corpus kept as known."),
    "oov_buckets": (1, "Ids shared by all other (out-of-vocabulary) characters."),
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
ARCHITECTURE = common_hparams.LIBRARY_ARCHITECTURE + (
    "embed_size",
    "oov_buckets",
    "vocab_size",
)



def _check(hparams) -> None:
    """Raises `ValueError` for a text hyperparameter below 1."""
    for name in _TEXT_HPARAMS:
        if hparams.get(name) < 1:
            raise ValueError(f"{name} must be >= 1, got {hparams.get(name)}.")


SPEC = common_hparams.ExampleHParams(_TEXT_HPARAMS, _TEXT_DEFAULTS, ARCHITECTURE,
                                     check=_check)

# `make_hparams(flag_value=None, **overrides)`, `from_json(saved_json)` and
# `override(saved, flag_value)`: see `ExampleHParams`.
make_hparams = SPEC.make
from_json = SPEC.from_json
override = SPEC.override
