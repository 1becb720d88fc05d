"""Tests for hparams.py (the MIDI example's hyperparameters)."""

import pytest

from vaeseq import testing
from vaeseq.examples.midi import data
from vaeseq.examples.midi import hparams as hparams_mod


def test_midi_defaults():
    hparams = hparams_mod.make_hparams()
    assert hparams.rate == data.DEFAULT_RATE
    assert hparams.sequence_size == 64
    assert hparams.rnn_hidden_sizes == [256]
    assert hparams.vae_type == "SRNN"  # The library's default.


def test_overrides_then_flag():
    hparams = hparams_mod.make_hparams("rate=4,vae_type=RNN", rate=8.0)
    assert (hparams.rate, hparams.vae_type) == (4.0, "RNN")


@pytest.mark.parametrize("flags, message", [
    ("rate=0", "rate must be positive"),
    ("no_such=1", "no_such"),
    ("rate=fast", "rate"),
])
def test_bad_flags(flags, message):
    with pytest.raises(ValueError, match=message):
        hparams_mod.make_hparams(flags)


def test_from_json_round_trip():
    hparams = hparams_mod.make_hparams("rnn_hidden_sizes=[8],rate=4")
    assert hparams_mod.from_json(hparams.to_json()) == hparams


def test_override_keeps_the_architecture():
    saved = hparams_mod.make_hparams("latent_size=3")
    changed = hparams_mod.override(saved, "sequence_size=9,rate=4,latent_size=3")
    assert (changed.sequence_size, changed.rate, changed.latent_size) == (9, 4.0, 3)
    with pytest.raises(ValueError, match=r"architecture.*latent_size \(trained with 3"):
        hparams_mod.override(saved, "latent_size=4")


if __name__ == "__main__":
    testing.main(__file__)
