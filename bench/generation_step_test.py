"""`bench.generation_step` runs every variant on tiny sizes."""

import numpy as np
import tensorflow as tf

from bench import generation_step
from vaeseq import stacked_rnn


def test_matmuls_only_keeps_the_stack_matmuls():
    stack = stacked_rnn.StackedRNN("lstm", [4, 4])
    inputs = tf.random.stateless_normal([3, 2], seed=[0, 1])
    state = stack.initial_state(3)
    stack(inputs, state)
    outputs, new_state = generation_step.variants(stack)["matmuls only"](inputs, state)
    layer = stack.layers[0]
    expected = tf.matmul(inputs, layer.w_x, transpose_b=True)[:, :4]  # Zero initial state.
    layer = stack.layers[1]
    expected = tf.matmul(expected, layer.w_x, transpose_b=True)[:, :4]
    np.testing.assert_allclose(outputs, expected, rtol=1e-5, atol=1e-6)
    assert [s.hidden.shape for s in new_state] == [(3, 4), (3, 4)]


def test_measure_reports_every_variant(capsys):
    generation_step.main(["--batch", "2", "--input_size", "3", "--hidden_sizes", "4,4",
                          "--steps", "3", "--reps", "1"])
    printed = capsys.readouterr().out
    times = generation_step.measure(batch=2, input_size=3, hidden_sizes=[4, 4], steps=3, reps=1)
    for name in ("LSTM step", "matmuls only", "matmuls only, one shared weight"):
        assert name in printed
        assert np.isfinite(times[name]) and times[name] > 0


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
