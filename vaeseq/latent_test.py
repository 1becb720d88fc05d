"""LatentDecoder: parameters, distribution, and the split first layer."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import latent
from vaeseq import testing


@pytest.mark.parametrize("layers,separate,width", [([5], False, 5), ([], False, 6),
                                                  ([5, 4], True, 10), ([], True, 6)])
def test_split_inputs_matches_the_whole_decoder(layers, separate, width):
    decoder = latent.LatentDecoder(testing.tiny_hparams(
        latent_size=3, latent_decoder_fc_layers=layers, latent_decoder_separate_heads=separate))
    static = tf.random.stateless_normal([4, 2, 6], seed=[0, 1])  # [T, B, S]
    steps = tf.random.stateless_normal([4, 2, 3], seed=[0, 2])
    partial, finish = decoder.split_inputs(static, step_size=3)  # Builds the variables.
    assert partial.shape == (4, 2, width)
    for t in range(4):
        got = finish(partial[t], steps[t])
        want = decoder(static[t], steps[t])
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_separate_heads_are_two_independent_mlps():
    hparams = testing.tiny_hparams(latent_size=3, latent_decoder_fc_layers=[5, 4],
                                   latent_decoder_separate_heads=True, activation="tanh",
                                   positive_projection="exp", positive_eps=0.0)
    decoder = latent.LatentDecoder(hparams)
    features = tf.random.stateless_normal([2, 6], seed=[0, 3])
    loc, scale = decoder(features)
    by_name = {v.name.split("/", 1)[1]: v.numpy() for v in decoder.trainable_variables}
    w0, b0 = by_name["linear_0/w:0"], by_name["linear_0/b:0"]  # [6, 10], [10]

    def head(prefix, half):
        hidden = np.tanh(features.numpy() @ w0[:, half] + b0[half])
        hidden = np.tanh(hidden @ by_name[f"{prefix}/linear_0/w:0"]
                         + by_name[f"{prefix}/linear_0/b:0"])
        return hidden @ by_name[f"{prefix}/out/w:0"] + by_name[f"{prefix}/out/b:0"]

    np.testing.assert_allclose(loc, head("loc_head", slice(0, 5)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scale, np.exp(head("scale_head", slice(5, 10))),
                               rtol=1e-5, atol=1e-6)
    # Each head's hidden layers see only its own half of the first layer.
    assert by_name["loc_head/linear_0/w:0"].shape == (5, 4)


def test_distribution_has_the_latent_event():
    decoder = latent.LatentDecoder(testing.tiny_hparams(latent_size=3))
    loc, scale = decoder(tf.ones([2, 4]))
    assert loc.shape == scale.shape == (2, 3)
    assert np.all(scale.numpy() > 0)
    assert decoder.dist((loc, scale)).event_shape == (3,)


def test_sample_is_reparameterised_and_prefix_stable():
    decoder = latent.LatentDecoder(testing.tiny_hparams(latent_size=3))
    loc = tf.random.stateless_normal([5, 2, 3], seed=[0, 5])
    scale = tf.exp(tf.random.stateless_normal([5, 2, 3], seed=[0, 6]))
    draw = decoder.sample((loc, scale), seed=(1, 2))
    prefix = decoder.sample((loc[:2], scale[:2]), seed=(1, 2))
    np.testing.assert_allclose(draw[:2], prefix, rtol=1e-6)
    noise = (draw - loc) / scale  # What the draw added: standard normal noise.
    np.testing.assert_allclose(noise, tf.random.stateless_normal([5, 2, 3], seed=(1, 2)),
                               rtol=1e-4, atol=1e-5)
    with tf.GradientTape() as tape:
        tape.watch(loc)
        total = tf.reduce_sum(decoder.sample((loc, scale), seed=(1, 2)))
    np.testing.assert_allclose(tape.gradient(total, loc), tf.ones_like(loc))


if __name__ == "__main__":
    testing.main(__file__)
