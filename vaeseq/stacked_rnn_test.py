"""The whole-sequence RNN paths (LSTM and GRU) compute what the step-wise cores compute."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import stacked_rnn
from vaeseq import testing
from vaeseq import unroll


def _step_by_step(core, inputs, state):
    outputs = []
    for t in range(inputs.shape[1]):
        out, state = core(inputs[:, t], state)
        outputs.append(out)
    return tf.stack(outputs, axis=1), state


CELLS = sorted(stacked_rnn.CELLS)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("reverse", [False, True])
def test_unroll_matches_steps(cell, reverse):
    core = stacked_rnn.StackedRNN(cell, [6, 7])
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


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("reverse", [False, True])
def test_unroll_gradients_match_steps(cell, reverse):
    """The sequence gradient (hand-written for the LSTM) equals autodiff of the steps."""
    core = stacked_rnn.StackedRNN(cell, [6, 7])
    inputs = tf.random.stateless_normal([2, 3, 4], seed=[0, 1])
    initial = tf.nest.map_structure(
        lambda x: tf.random.stateless_normal(x.shape, seed=[0, 2]), core.initial_state(2))
    weights = tf.random.stateless_normal([2, 3, 7], seed=[0, 3])
    core(inputs[:, 0], initial)  # Creates the variables.

    def loss(outputs, final):
        # Weighted so that every output step and the final states all get a gradient.
        return (tf.reduce_sum(weights * outputs)
                + sum(tf.reduce_sum(tf.square(s)) for s in tf.nest.flatten(final)))

    sources = [inputs, initial, core.trainable_variables]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([inputs, initial])
        outputs, final = core.unroll(inputs, initial, reverse=reverse)
        fused = loss(outputs, final)
        stepped_inputs = tf.reverse(inputs, [1]) if reverse else inputs
        expected, expected_final = _step_by_step(core, stepped_inputs, initial)
        if reverse:
            expected = tf.reverse(expected, [1])
        stepped = loss(expected, expected_final)
    got = tf.nest.flatten(tape.gradient(fused, sources))
    want = tf.nest.flatten(tape.gradient(stepped, sources))
    num_variables = {"lstm": 6, "gru": 8}[cell]
    num_states = {"lstm": 4, "gru": 2}[cell]
    assert len(got) == len(want) == 1 + num_states + num_variables
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_unroll_gradients_under_xla():
    """Under XLA, which lacks the fused backward kernel, the gradient is the same."""
    core = stacked_rnn.StackedRNN("lstm", [5])
    inputs = tf.random.stateless_normal([3, 4, 2], seed=[0, 4])
    core(inputs[:, 0], core.initial_state(3))  # Creates the variables.

    def gradients(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = tf.reduce_sum(tf.sin(core.unroll(x)[0]))
        return tape.gradient(loss, [x, *core.trainable_variables])

    fused = tf.function(gradients, autograph=False)(inputs)
    compiled = tf.function(gradients, autograph=False, jit_compile=True)(inputs)
    for got, want in zip(compiled, fused):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def _padded_batch(lengths, steps, size, seed):
    """Rows of the given lengths, padded to `steps` with large garbage."""
    inputs = tf.random.stateless_normal([len(lengths), steps, size], seed=[seed, 0])
    garbage = 100.0 * tf.random.stateless_normal(inputs.shape, seed=[seed, 1])
    real = tf.sequence_mask(lengths, steps)[:, :, tf.newaxis]
    return tf.where(real, inputs, garbage)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("static_steps", [unroll.DEFAULT_MAX_STATIC_STEPS, 0])
def test_lengths_give_each_row_its_unpadded_run(cell, reverse, static_steps):
    """Outputs at real steps and final states equal those of each row run alone, unpadded."""
    with unroll.max_static_steps(static_steps):  # 0: the tf.scan path.
        _check_lengths_give_each_row_its_unpadded_run(cell, reverse)


def _check_lengths_give_each_row_its_unpadded_run(cell, reverse):
    core = stacked_rnn.StackedRNN(cell, [6, 7])
    lengths = [5, 2, 0, 4]
    inputs = _padded_batch(lengths, 5, 3, seed=7)
    initial = tf.nest.map_structure(
        lambda x: tf.random.stateless_normal(x.shape, seed=[7, 2]), core.initial_state(4))
    outputs, final = core.unroll(inputs, initial, reverse=reverse,
                                 seq_lengths=tf.constant(lengths))
    for row, length in enumerate(lengths):
        row_initial = tf.nest.map_structure(lambda s, r=row: s[r:r + 1], initial)
        if length:
            want, want_final = core.unroll(inputs[row:row + 1, :length], row_initial,
                                           reverse=reverse)
            np.testing.assert_allclose(outputs[row, :length], want[0], rtol=1e-5, atol=1e-6)
        else:
            want_final = row_initial
        for got, expected in zip(tf.nest.flatten(final), tf.nest.flatten(want_final)):
            np.testing.assert_allclose(got[row], expected[0], rtol=1e-5, atol=1e-6)


def test_state_shapes_and_variables():
    core = stacked_rnn.StackedRNN("lstm", [6, 7])
    state = core.initial_state(2)
    assert [s.hidden.shape for s in state] == [(2, 6), (2, 7)]
    core(tf.zeros([2, 4]), state)
    shapes = sorted(tuple(v.shape) for v in core.trainable_variables)
    assert shapes == sorted([(24, 4), (24, 6), (24,), (28, 6), (28, 7), (28,)])


def test_gru_state_shapes_and_variables():
    core = stacked_rnn.StackedRNN("gru", [6, 7])
    state = core.initial_state(2)
    assert [s.shape for s in state] == [(2, 6), (2, 7)]
    core(tf.zeros([2, 4]), state)
    shapes = sorted(tuple(v.shape) for v in core.trainable_variables)
    assert shapes == sorted([(18, 4), (18, 6), (18,), (18,), (21, 6), (21, 7), (21,), (21,)])
    assert [type(layer).__name__ for layer in core.layers] == ["GRU", "GRU"]


def test_needs_a_layer():
    with pytest.raises(ValueError, match="rnn_hidden_sizes"):
        stacked_rnn.StackedRNN("lstm", [])


def test_unknown_cell_names_the_choices():
    with pytest.raises(ValueError, match="rnn_cell 'rnn'; valid: gru, lstm"):
        stacked_rnn.StackedRNN("rnn", [4])


if __name__ == "__main__":
    testing.main(__file__)
