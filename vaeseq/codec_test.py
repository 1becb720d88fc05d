"""Encoders and observation decoders: shapes, dtypes, distributions, errors."""

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import codec
from vaeseq import testing

tfd = tfp.distributions


def test_encoders_shapes():
    hparams = testing.tiny_hparams()
    assert codec.FlattenEncoder([3, 4])(tf.ones([2, 3, 4])).shape == (2, 12)
    assert codec.FlattenEncoder([3, 4]).output_size == 12
    mlp = codec.MLPObsEncoder(hparams)
    assert mlp(tf.ones([2, 4])).shape == (2, mlp.output_size) == (2, 8)
    embed = codec.EmbedObsEncoder(hparams, vocab_size=11, embed_size=6)
    assert embed(tf.constant([0, 10])).shape == (2, 8)


@pytest.mark.parametrize("make_decoder,events,event_shape,dtype,dist_type", [
    (lambda hp: codec.CategoricalDecoder(hp, 11), tf.constant([0, 10]), [], tf.int32,
     tfd.Categorical),
    (lambda hp: codec.OneHotCategoricalDecoder(hp, 11), tf.one_hot([0, 10], 11), [11],
     tf.float32, tfd.OneHotCategorical),
    (lambda hp: codec.BernoulliDecoder(hp, [3, 4]), tf.ones([2, 3, 4]), [3, 4], tf.float32,
     tfd.Independent),
    (lambda hp: codec.NormalDecoder(hp, [4]), tf.ones([2, 4]), [4], tf.float32,
     tfd.Independent),
])
def test_decoders(make_decoder, events, event_shape, dtype, dist_type):
    decoder = make_decoder(testing.tiny_hparams())
    dist = decoder.dist(decoder(tf.ones([2, 5]), tf.ones([2, 6])))  # Two feature inputs.
    assert isinstance(dist, dist_type)
    assert dist.batch_shape == [2] and dist.event_shape == event_shape
    assert decoder.event_size == event_shape and decoder.event_dtype == dtype
    assert dist.sample().dtype == dtype
    log_prob = dist.log_prob(events)
    assert log_prob.shape == (2,)
    assert np.all(np.isfinite(log_prob)) and np.all(log_prob.numpy() <= 1e3)


def test_categorical_normalised():
    decoder = codec.CategoricalDecoder(testing.tiny_hparams(), 3)
    dist = decoder.dist(decoder(tf.ones([1, 5])))
    total = tf.reduce_logsumexp(dist.log_prob(tf.constant([[0], [1], [2]])), axis=0)
    np.testing.assert_allclose(total, [0.0], atol=1e-6)


def test_normal_scale_positive_and_eps():
    hparams = testing.tiny_hparams(positive_eps=0.5)
    decoder = codec.NormalDecoder(hparams, [4])
    _, scale = decoder(-100.0 * tf.ones([2, 5]))
    assert np.all(scale.numpy() >= 0.5)


def test_check_events_errors():
    decoder = codec.NormalDecoder(testing.tiny_hparams(), [4])
    decoder.check_events(tf.zeros([2, 3, 4]))
    with pytest.raises(ValueError, match=r"shape \[2, 3, 5\] do not match NormalDecoder"):
        decoder.check_events(tf.zeros([2, 3, 5]))
    with pytest.raises(ValueError, match="dtype int32 do not match NormalDecoder"):
        decoder.check_events(tf.zeros([2, 3, 4], tf.int32))
    ids = codec.CategoricalDecoder(testing.tiny_hparams(), 7)
    with pytest.raises(ValueError, match="float32 do not match CategoricalDecoder"):
        ids.check_events(tf.zeros([2, 3]))


def test_unknown_activation():
    with pytest.raises(ValueError, match="unknown activation 'nope'; valid: .*leaky_relu, relu"):
        codec.MLPObsEncoder(testing.tiny_hparams(activation="nope"))


if __name__ == "__main__":
    testing.main(__file__)
