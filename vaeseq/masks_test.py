"""Prefix masks, their lengths, and states read where each sequence ends."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import masks
from vaeseq import testing


@pytest.mark.parametrize("dtype", [tf.bool, tf.int32, tf.float32])
def test_lengths_of_a_prefix_mask(dtype):
    mask = tf.cast([[1, 1, 1], [1, 0, 0], [0, 0, 0]], dtype)
    np.testing.assert_array_equal(masks.lengths(mask, 3), [3, 1, 0])


@pytest.mark.parametrize("mask, match", [
    ([[1, 0, 1]], "ones followed by zeros"),
    ([[0, 1, 1]], "ones followed by zeros"),
    ([1, 1], r"\[B, T\]"),
    ([[1, 1]], "mask has 2 steps, the sequences have 3"),
])
def test_bad_masks_are_refused(mask, match):
    with pytest.raises(ValueError, match=match):
        masks.lengths(tf.constant(mask), 3)


def test_a_graph_checks_the_prefix_too():
    check = tf.function(masks.lengths, autograph=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="ones followed by zeros"):
        check(tf.constant([[1.0, 0.0, 1.0]]))


def test_apply_zeros_padding_even_where_terms_are_not_finite():
    values = tf.constant([[1.0, np.nan], [np.inf, 2.0]])
    np.testing.assert_array_equal(masks.apply(values, tf.constant([1, 2])),
                                  [[1.0, 0.0], [np.inf, 2.0]])
    assert masks.apply(values, None) is values


def test_state_after_each_length():
    per_step = tf.reshape(tf.range(12.0), [3, 2, 2])  # [T=3, B=2, 2]
    initial = tf.constant([[-1.0, -1.0], [-2.0, -2.0]])
    got = masks.state_after(per_step, tf.constant([2, 0]), initial)
    np.testing.assert_array_equal(got, [[4.0, 5.0], [-2.0, -2.0]])
    np.testing.assert_array_equal(masks.state_after(per_step, None, initial), per_step[-1])


def test_reverse_within_each_length():
    x = tf.constant([[1, 2, 3], [4, 5, 0]])[:, :, tf.newaxis]
    np.testing.assert_array_equal(masks.reverse(x, tf.constant([3, 2]))[..., 0],
                                  [[3, 2, 1], [5, 4, 0]])
    np.testing.assert_array_equal(masks.reverse(x, None)[..., 0], [[3, 2, 1], [0, 5, 4]])


if __name__ == "__main__":
    testing.main(__file__)
