"""Tests for model.py."""

import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import model

VOCAB_SIZE = 11


def tiny(vae_type):
    return hparams_mod.make_hparams(
        vae_type=vae_type, rnn_hidden_sizes=[6], latent_size=3, embed_size=4,
        obs_encoder_fc_layers=[5], obs_decoder_fc_hidden_layers=[7],
        latent_decoder_fc_layers=[8])


@pytest.mark.parametrize("vae_type", ["RNN", "ISEQ", "SRNN"])
def test_the_model_comes_built(vae_type):
    vae = model.make_model(tiny(vae_type), VOCAB_SIZE)
    shapes = {tuple(v.shape) for v in vae.trainable_variables}
    assert (VOCAB_SIZE, 4) in shapes  # The character embedding.
    assert (7, VOCAB_SIZE) in shapes  # The decoder's logits layer.
    count = len(vae.trainable_variables)
    vae.build(tf.zeros([1, 1], tf.int32))
    assert len(vae.trainable_variables) == count


def test_unknown_vae_type():
    with pytest.raises(ValueError, match="vae_type"):
        model.make_model(tiny("XYZ"), VOCAB_SIZE)


if __name__ == "__main__":
    testing.main(__file__)
