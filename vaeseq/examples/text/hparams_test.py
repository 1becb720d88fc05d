"""Tests for hparams.py (the text example's hyperparameters)."""

import pytest

from vaeseq import testing
from vaeseq.examples.text import hparams as hparams_mod


def test_text_defaults():
    hparams = hparams_mod.make_hparams()
    assert hparams.latent_size == 16
    assert hparams.sequence_size == 40
    assert hparams.rnn_hidden_sizes == [512, 512, 512]
    assert hparams.obs_encoder_fc_layers == [64, 32]
    assert hparams.obs_decoder_fc_hidden_layers == [64]
    assert (hparams.embed_size, hparams.vocab_size, hparams.oov_buckets) == (
        100, 100, 1)
    assert hparams.vae_type == "SRNN"  # The library's default.


def test_overrides_then_flag():
    hparams = hparams_mod.make_hparams(
        "vae_type=RNN,sequence_size=1000", sequence_size=7, embed_size=3)
    assert (hparams.vae_type, hparams.sequence_size, hparams.embed_size) == (
        "RNN", 1000, 3)


def test_malformed_flag():
    with pytest.raises(ValueError, match="no_such"):
        hparams_mod.make_hparams("no_such=1")
    with pytest.raises(ValueError, match="Malformed"):
        hparams_mod.make_hparams("latent_size")


@pytest.mark.parametrize("flag", ["embed_size=-3", "vocab_size=0", "oov_buckets=0"])
def test_text_sizes_below_one(flag):
    with pytest.raises(ValueError, match=flag.split("=")[0] + " must be >= 1"):
        hparams_mod.make_hparams(flag)


def test_from_json_round_trip():
    hparams = hparams_mod.make_hparams("rnn_hidden_sizes=[8],latent_size=2")
    assert hparams_mod.from_json(hparams.to_json()) == hparams


def test_override_runtime_values():
    saved = hparams_mod.make_hparams("rnn_hidden_sizes=[8]")
    hparams = hparams_mod.override(
        saved, "sequence_size=1000,batch_size=3,vae_type=SRNN,"
        "rnn_hidden_sizes=[8]")
    assert (hparams.sequence_size, hparams.batch_size) == (1000, 3)
    assert hparams.rnn_hidden_sizes == [8]
    assert saved.sequence_size == 40  # Unchanged.
    assert hparams_mod.override(saved, None) == saved


@pytest.mark.parametrize("flag", [
    "vae_type=RNN", "rnn_hidden_sizes=[16]", "latent_size=3", "embed_size=5",
    "vocab_size=50", "oov_buckets=2", "activation=tanh",
])
def test_override_rejects_architecture_changes(flag):
    saved = hparams_mod.make_hparams("rnn_hidden_sizes=[8]")
    name = flag.split("=")[0]
    with pytest.raises(ValueError, match=f"architecture.*{name}"):
        hparams_mod.override(saved, flag)


def test_architecture_names_exist():
    hparams = hparams_mod.make_hparams()
    assert all(name in hparams for name in hparams_mod.ARCHITECTURE)


if __name__ == "__main__":
    testing.main(__file__)
