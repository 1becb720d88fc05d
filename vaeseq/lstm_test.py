"""The whole-sequence LSTM paths compute what the step-wise cores compute."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import lstm
from vaeseq import testing


def _step_by_step(core, inputs, state):
    outputs = []
    for t in range(inputs.shape[1]):
        out, state = core(inputs[:, t], state)
        outputs.append(out)
    return tf.stack(outputs, axis=1), state


@pytest.mark.parametrize("reverse", [False, True])
def test_unroll_matches_steps(reverse):
    core = lstm.StackedLSTM([6, 7])
    inputs = tf.random.normal([2, 3, 4])
    outputs, final = core.unroll(inputs, reverse=reverse)
    assert outputs.shape == (2, 3, 7)
    stepped_inputs = tf.reverse(inputs, [1]) if reverse else inputs
    expected, expected_final = _step_by_step(core, stepped_inputs, core.initial_state(2))
    if reverse:
        expected = tf.reverse(expected, [1])
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-6)
    for got, want in zip(tf.nest.flatten(final), tf.nest.flatten(expected_final)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_state_shapes_and_variables():
    core = lstm.StackedLSTM([6, 7])
    state = core.initial_state(2)
    assert [s.hidden.shape for s in state] == [(2, 6), (2, 7)]
    core(tf.zeros([2, 4]), state)
    shapes = sorted(tuple(v.shape) for v in core.trainable_variables)
    assert shapes == sorted([(4, 24), (6, 24), (24,), (6, 28), (7, 28), (28,)])


def test_needs_a_layer():
    with pytest.raises(ValueError, match="rnn_hidden_sizes"):
        lstm.StackedLSTM([])


if __name__ == "__main__":
    testing.main(__file__)
