"""Tests for imagination.py: returns and one imagined policy update."""

import numpy as np
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import imagination
from vaeseq.examples.play import model


def test_alive_after_never_revives():
    flags = tf.constant([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    observations = tf.concat([tf.zeros([2, 4, 4]), flags[..., None]], axis=-1)
    np.testing.assert_array_equal(imagination.alive_after(observations).numpy(),
                                  [[1, 0, 0, 0], [1, 1, 1, 0]])


def test_discounted_returns():
    rewards = np.array([[1.0, 2.0, 0.0, 3.0], [1.0, 1.0, 1.0, 1.0]], np.float32)
    expected = np.zeros_like(rewards)
    for t in reversed(range(4)):
        expected[:, t] = rewards[:, t] + (0.5 * expected[:, t + 1] if t < 3 else 0.0)
    np.testing.assert_allclose(imagination.discounted_returns(tf.constant(rewards), 0.5).numpy(),
                               expected, rtol=1e-6)


def test_update_changes_only_the_policy():
    hparams = hparams_mod.make_hparams(
        latent_size=3, rnn_hidden_sizes=[6], obs_encoder_fc_layers=[7],
        obs_decoder_fc_hidden_layers=[8], latent_decoder_fc_layers=[9], policy_layers=[10],
        imagine_steps=4)
    vae = model.make_model(hparams)
    policy_vars = vae.agent.policy.trainable_variables
    policy_refs = {v.ref() for v in policy_vars}
    before = {v.ref(): v.numpy() for v in vae.trainable_variables}
    trainer = imagination.PolicyTrainer(hparams, vae)
    start = tf.constant([[0.0, 0.1, 0.01, -0.1, 0.0]] * 5)
    result = trainer(start, tf.constant([1, 2]))
    steps = float(result["imagined_steps"])
    assert 1.0 <= steps <= 4.0  # The first step always acts.
    assert 0.0 < float(result["entropy"]) <= np.log(2) + 1e-6
    assert np.isfinite(float(result["loss"])) and float(result["baseline_loss"]) >= 0
    assert trainer.baseline.trainable_variables  # Created and trained by the update.
    for var in vae.trainable_variables:
        changed = not np.array_equal(before[var.ref()], var.numpy())
        assert changed == (var.ref() in policy_refs), var.name


if __name__ == "__main__":
    testing.main(__file__)
