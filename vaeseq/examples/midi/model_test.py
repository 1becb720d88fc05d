"""Tests for model.py: the three models over piano-roll steps."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import codec
from vaeseq import testing
from vaeseq.examples.common import models
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model

TINY = dict(rnn_hidden_sizes=[6], latent_size=3, obs_encoder_fc_layers=[5],
            obs_decoder_fc_hidden_layers=[7], latent_decoder_fc_layers=[4])


@pytest.mark.parametrize("vae_type", ["RNN", "ISEQ", "SRNN"])
def test_bernoulli_model(vae_type):
    vae = model.make_model(hparams_mod.make_hparams(vae_type=vae_type, **TINY))
    assert vae.trainable_variables
    observed = tf.constant(
        np.random.default_rng(0).random([2, 3, 88]) < 0.2, tf.float32)
    contexts = models.contexts(vae, observed)
    latents, divergences = vae.infer_latents(contexts, observed)
    log_probs = vae.log_prob_observed(contexts, latents, observed)
    assert log_probs.shape == divergences.shape == (2, 3)
    assert np.all(log_probs.numpy() < 0)
    assert isinstance(vae.obs_decoder, codec.BernoulliDecoder)
    assert vae.obs_decoder.event_size == [88]
    samples, _, _ = vae.gen_core.generate(tf.zeros([2, 4, 0]))
    assert samples.shape == (2, 4, 88)
    assert set(np.unique(samples.numpy())) <= {0.0, 1.0}


def test_unknown_vae_type():
    with pytest.raises(ValueError, match="vae_type"):
        model.make_model(hparams_mod.make_hparams(vae_type="HMM", **TINY))


if __name__ == "__main__":
    testing.main(__file__)
