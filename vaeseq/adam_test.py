"""The fused Adam applies Sonnet's (the paper's) Adam update."""

import numpy as np
import pytest
import sonnet as snt
import tensorflow as tf

from vaeseq import adam
from vaeseq import testing


def _parameters():
    return [tf.Variable(tf.random.stateless_normal([3, 4], seed=[0, 1])),
            tf.Variable(tf.random.stateless_normal([4], seed=[0, 2]))]


@pytest.mark.parametrize("epsilon", [1e-8, 0.1])
def test_matches_sonnet_adam(epsilon):
    fused, reference = _parameters(), _parameters()
    fused_adam = adam.Adam(0.01, epsilon=epsilon)
    reference_adam = snt.optimizers.Adam(0.01, epsilon=epsilon)
    apply = tf.function(fused_adam.apply)
    for step in range(4):
        grads = [tf.random.stateless_normal(p.shape, seed=[step, i])
                 for i, p in enumerate(fused)]
        apply(grads, fused)
        reference_adam.apply(grads, reference)
    assert int(fused_adam.step.numpy()) == 4
    for got, want in zip(fused + fused_adam.m + fused_adam.v,
                         reference + reference_adam.m + reference_adam.v):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-7)


def test_learning_rate_given_to_apply_overrides_the_constant():
    """A scheduled rate passed to `apply` steps as an optimizer built with it would."""
    scheduled, built = _parameters(), _parameters()
    gradients = [tf.ones([3, 4]), tf.ones([4])]
    adam.Adam(0.5).apply(gradients, scheduled, learning_rate=tf.constant(0.01))
    adam.Adam(0.01).apply(gradients, built)
    for got, want in zip(scheduled, built):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_none_gradient_leaves_its_parameter():
    params = _parameters()
    before = params[1].numpy()
    adam.Adam(0.1).apply([tf.ones([3, 4]), None], params)
    np.testing.assert_array_equal(params[1].numpy(), before)
    assert not np.allclose(params[0].numpy(), _parameters()[0].numpy())


def test_embedding_gradient_is_applied_densely():
    table = tf.Variable(tf.ones([5, 2]))
    optimizer = adam.Adam(0.1)
    for _ in range(2):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.gather(table, [0]))
        optimizer.apply(tape.gradient(loss, [table]), [table])
    # Row 0 had gradients; rows 1-4 had zero gradients and stay put.
    assert np.all(table.numpy()[0] < 1.0)
    np.testing.assert_allclose(table.numpy()[1:], 1.0)


def test_rejects_mismatched_lists():
    params = _parameters()
    optimizer = adam.Adam()
    with pytest.raises(ValueError, match="2 gradients for 1 parameters"):
        optimizer.apply([tf.ones([3, 4]), tf.ones([4])], params[:1])
    optimizer.apply([tf.ones([3, 4]), tf.ones([4])], params)
    with pytest.raises(ValueError, match="moments for 2 parameters"):
        optimizer.apply([tf.ones([3, 4])], params[:1])


if __name__ == "__main__":
    testing.main(__file__)
