"""Tests for models.py: contexts of recorded sequences, variables, seeds."""

import numpy as np
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import models


def observations(batch=testing.BATCH, steps=testing.STEPS):
    rng = np.random.default_rng(0)
    return tf.constant(rng.normal(size=[batch, steps, testing.OBS]), tf.float32)


def test_contexts_shift_the_encoded_observations():
    _, vae = testing.tiny_model("RNN")
    observed = observations()
    contexts = models.contexts(vae, observed)
    encoded = vae.obs_encoder(observed[:, 0])
    assert contexts.shape == (testing.BATCH, testing.STEPS, encoded.shape[-1])
    np.testing.assert_array_equal(contexts[:, 0], np.zeros_like(encoded))
    np.testing.assert_allclose(contexts[:, 1], encoded, rtol=1e-5, atol=1e-6)


def test_contexts_keep_static_steps_in_graphs():
    _, vae = testing.tiny_model("ISEQ")
    vae.build(tf.zeros([1, 1, testing.OBS]))
    shapes = []

    @tf.function(input_signature=[
        tf.TensorSpec([None, 7, testing.OBS], tf.float32)])
    def trace(observed):
        shapes.append(models.contexts(vae, observed).shape.as_list())
        return observed

    trace.get_concrete_function()
    assert shapes[0][:2] == [None, 7]


def test_seed_stream():
    first = models.seed_stream(3)
    second = models.seed_stream(3)
    seeds = [next(first).numpy().tolist() for _ in range(3)]
    assert seeds == [next(second).numpy().tolist() for _ in range(3)]
    assert len({tuple(seed) for seed in seeds}) == 3
    fresh = next(models.seed_stream(None))
    assert fresh.dtype == tf.int32 and fresh.shape == (2,)


if __name__ == "__main__":
    testing.main(__file__)
