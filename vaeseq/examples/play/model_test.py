"""Tests for model.py: the step decoder and the model of every type."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq import train as train_mod
from vaeseq.examples.play import environment
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import model
from vaeseq.examples.play import policy

B, T, N = 2, 3, 4
OBS = environment.OBS_SIZE


def tiny_hparams(vae_type="SRNN"):
    return hparams_mod.make_hparams(
        vae_type=vae_type, latent_size=3, rnn_hidden_sizes=[6], obs_encoder_fc_layers=[7],
        obs_decoder_fc_hidden_layers=[8], latent_decoder_fc_layers=[9], policy_layers=[10])


def test_step_decoder_distribution():
    decoder = model.StepDecoder(tiny_hparams(), name="decoder")
    params = decoder(tf.zeros([N, 11]))
    dist = decoder.dist(params)
    assert dist.batch_shape == [N] and dist.event_shape == [OBS]
    sample = dist.sample(seed=[1, 2]).numpy()
    assert sample.shape == (N, OBS) and sample.dtype == np.float32
    assert set(np.unique(sample[:, 4])) <= {0.0, 1.0}
    loc, scale, logit = params
    expected = (tf.reduce_sum(-0.5 * tf.square((sample[:, :4] - loc) / scale)
                              - tf.math.log(scale) - 0.5 * np.log(2 * np.pi), axis=1)
                - tf.nn.softplus(-(2 * sample[:, 4] - 1) * logit[:, 0]))
    np.testing.assert_allclose(dist.log_prob(sample).numpy(), expected.numpy(), rtol=1e-5)


@pytest.mark.parametrize("vae_type", ["RNN", "ISEQ", "SRNN"])
def test_model_trains_and_generates(vae_type):
    hparams = tiny_hparams(vae_type)
    vae = model.make_model(hparams)
    inputs = policy.uniform_inputs(B, T, seed=tf.constant([5, 6]))
    observed, latents, _ = vae.gen_core.generate(inputs, seed=tf.constant([7, 8]))
    assert observed.shape == (B, T, OBS) and latents.shape[:2] == (B, T)
    contexts = vae.agent.contexts_for_observations(inputs, observed)
    assert contexts.shape == (B, T, policy.CONTEXT_SIZE)
    policy_vars = {v.ref() for v in vae.agent.policy.trainable_variables}
    model_vars = [v for v in vae.trainable_variables if v.ref() not in policy_vars]
    with tf.GradientTape() as tape:
        latents, divergences = vae.infer_latents(contexts, observed)
        loss = -tf.reduce_sum(vae.log_prob_observed(contexts, latents, observed) - divergences)
    for var, grad in zip(model_vars, tape.gradient(loss, model_vars)):
        assert grad is not None and np.all(np.isfinite(grad.numpy())), var.name
    # The policy is not part of the model's objective: TrainOps leaves it alone.
    before = [v.numpy() for v in vae.agent.policy.trainable_variables]
    result = train_mod.TrainOps(hparams, vae)(contexts, observed)
    assert np.isfinite(float(result["elbo"]))
    for old, var in zip(before, vae.agent.policy.trainable_variables):
        np.testing.assert_array_equal(old, var.numpy())


if __name__ == "__main__":
    testing.main(__file__)
