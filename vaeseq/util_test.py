"""Shape helpers and factories in vaeseq.util."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq import unroll
from vaeseq import util


def test_concat_features_flattens_and_casts():
    out = util.concat_features([tf.ones([2, 3, 4]), tf.zeros([2, 5], tf.int32)])
    assert out.shape == (2, 17) and out.dtype == tf.float32
    seq = util.concat_features([tf.ones([2, 3, 4]), tf.ones([2, 3, 1, 5])], batch_dims=2)
    assert seq.shape == (2, 3, 9)


def test_apply_over_time_restores_batch_and_time():
    x = tf.reshape(tf.range(24.0), [2, 3, 4])
    out = util.apply_over_time(lambda y: (tf.reduce_sum(y, -1), y * 2), x)
    np.testing.assert_array_equal(out[0], tf.reduce_sum(x, -1))
    np.testing.assert_array_equal(out[1], x * 2)


def test_swap_and_tile():
    x = tf.reshape(tf.range(6), [2, 3])
    np.testing.assert_array_equal(util.swap_batch_time(x), tf.transpose(x))
    tiled = util.tile_batch(x, 3)
    assert tiled.shape == (6, 3)
    np.testing.assert_array_equal(tiled[4], x[0])  # Row k * B + b copies row b.


def test_mlp_layers_and_identity():
    hparams = testing.tiny_hparams()
    assert util.make_mlp(hparams, [5, 6])(tf.ones([2, 4])).shape == (2, 6)
    x = tf.constant([[-1.0, 2.0]])
    np.testing.assert_array_equal(util.make_mlp(hparams, [])(x), x)
    np.testing.assert_array_less(0.0, util.make_mlp(hparams, [5])(x) + 1e-9)  # relu final.


def test_clipped_leaky_relu_matches_the_srnn_papers_rectifier():
    act = util.activation(testing.tiny_hparams(activation="clipped_leaky_relu"))
    x = tf.constant([-12.0, -3.0, 0.0, 1.5, 3.0, 7.0])
    np.testing.assert_allclose(act(x), [-3.0, -1.0, 0.0, 1.5, 3.0, 3.0], rtol=1e-6)


def test_positive_projection():
    hparams = testing.tiny_hparams(positive_projection="exp", positive_eps=0.25)
    np.testing.assert_allclose(util.positive_projection(hparams)(tf.constant([0.0])), [1.25])
    with pytest.raises(ValueError, match="unknown positive_projection 'abs'"):
        util.positive_projection(testing.tiny_hparams(positive_projection="abs"))


@pytest.mark.parametrize("max_static_steps", [128, 0])
def test_scan_matches_tf_scan(max_static_steps):
    """Unrolled (short) and `tf.scan` (long) paths give `tf.scan`'s results."""
    with unroll.max_static_steps(max_static_steps):
        _check_scan_matches_tf_scan()


def _check_scan_matches_tf_scan():
    elems = (tf.random.stateless_normal([3, 2, 4], seed=[1, 2]),
             tf.random.stateless_normal([3, 2], seed=[1, 3]))

    def fn(carry, inputs):
        total, count = carry
        x_t, y_t = inputs
        return total * 0.5 + x_t * y_t[:, None], count + 1

    init = (tf.zeros([2, 4]), tf.constant(0))
    got = util.scan(fn, elems, init)
    want = tf.scan(fn, elems, initializer=init)
    assert got[0].shape == (3, 2, 4)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)


if __name__ == "__main__":
    testing.main(__file__)
