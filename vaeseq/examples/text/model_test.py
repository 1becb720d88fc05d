"""Tests for model.py."""

import numpy as np
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
def test_build_creates_the_variables(vae_type):
    vae = model.make_model(tiny(vae_type), VOCAB_SIZE)
    before = len(vae.trainable_variables)  # Only the eager embedding.
    model.build(vae)
    assert len(vae.trainable_variables) > before
    shapes = {tuple(v.shape) for v in vae.trainable_variables}
    assert (VOCAB_SIZE, 4) in shapes  # The character embedding.
    assert (7, VOCAB_SIZE) in shapes  # The decoder's logits layer.
    count = len(vae.trainable_variables)
    model.build(vae)
    assert len(vae.trainable_variables) == count


def test_contexts_shift_the_encoded_characters():
    vae = model.make_model(tiny("SRNN"), VOCAB_SIZE)
    model.build(vae)
    observed = tf.constant([[1, 2, 3], [4, 5, 6]], tf.int32)
    contexts = model.contexts(vae, observed)
    assert contexts.shape == (2, 3, 5)
    np.testing.assert_array_equal(contexts[:, 0], np.zeros([2, 5]))
    encoded = vae.obs_encoder(observed[:, 0])
    np.testing.assert_allclose(contexts[:, 1], encoded, rtol=1e-5, atol=1e-6)


def test_contexts_keep_static_steps_in_graphs():
    vae = model.make_model(tiny("RNN"), VOCAB_SIZE)
    model.build(vae)
    shapes = []

    @tf.function(input_signature=[tf.TensorSpec([None, 7], tf.int32)])
    def trace(observed):
        shapes.append(model.contexts(vae, observed).shape.as_list())
        return observed

    trace.get_concrete_function()
    assert shapes == [[None, 7, 5]]


def test_unknown_vae_type():
    with pytest.raises(ValueError, match="vae_type"):
        model.make_model(tiny("XYZ"), VOCAB_SIZE)


def test_seed_stream():
    first = model.seed_stream(3)
    second = model.seed_stream(3)
    seeds = [next(first).numpy().tolist() for _ in range(3)]
    assert seeds == [next(second).numpy().tolist() for _ in range(3)]
    assert len({tuple(seed) for seed in seeds}) == 3
    assert next(model.seed_stream(None)).dtype == tf.int32


if __name__ == "__main__":
    testing.main(__file__)
