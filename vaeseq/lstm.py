"""LSTM cores that run step by step (generation) or over a whole sequence.

Training knows every input in advance, so `unroll` computes the input
projection of all steps with one matmul and only the recurrent matmul stays
in the time loop, which `lstm_sequence.run` unrolls with a hand-written
gradient. The step-wise `__call__` used by generation shares the same
variables, so both paths compute the same function.
"""

import collections

import sonnet as snt
import tensorflow as tf

from vaeseq import lstm_sequence
from vaeseq import masks
from vaeseq import rnn_init
from vaeseq import unroll

LSTMState = collections.namedtuple("LSTMState", ["hidden", "cell"])


def project(inputs: tf.Tensor, weights: tf.Tensor, bias: tf.Tensor) -> tf.Tensor:
    """`inputs W^T + b` over every leading axis: `[..., D]`, W `[O, D]` -> `[..., O]`.

    One matmul for all steps of a sequence: the input half of a recurrent
    layer's gates (`LSTM`, `gru.GRU`).
    """
    if inputs.shape.rank == 2:
        return tf.matmul(inputs, weights, transpose_b=True) + bias
    flat = tf.reshape(inputs, [-1, inputs.shape[-1]])
    projected = tf.matmul(flat, weights, transpose_b=True) + bias
    return tf.reshape(projected, tf.concat([tf.shape(inputs)[:-1], [weights.shape[0]]], 0))


class LSTM(snt.RNNCore):
    """A single LSTM layer: gates = x W_x^T + h W_h^T + b, in order (i, g, f, o).

    Variables: w_x `[4H, D]`, w_h `[4H, H]` (output-major, see
    `vaeseq.lstm_sequence`), b `[4H]`; `init` names their initial values
    (`vaeseq.rnn_init`).
    """

    def __init__(self, hidden_size: int, forget_bias: float = 1.0, init: str = "joint",
                 name: str | None = None):
        super().__init__(name=name)
        rnn_init.check(init)
        self._hidden_size = hidden_size
        self._forget_bias = forget_bias
        self._init = init

    @property
    def hidden_size(self) -> int:
        return self._hidden_size

    @property
    def state_size(self) -> LSTMState:
        return LSTMState(tf.TensorShape([self._hidden_size]), tf.TensorShape([self._hidden_size]))

    def initial_state(self, batch_size) -> LSTMState:
        zeros = tf.zeros([batch_size, self._hidden_size])
        return LSTMState(zeros, zeros)

    @snt.once
    def _initialize(self, input_size: int):
        h = self._hidden_size
        self.w_x = tf.Variable(rnn_init.input_weights(self._init, 4, h, input_size), name="w_x")
        self.w_h = tf.Variable(rnn_init.recurrent_weights(self._init, 4, h), name="w_h")
        self.b = tf.Variable(tf.zeros([4 * h]), name="b")

    def input_projection(self, inputs: tf.Tensor) -> tf.Tensor:
        """`[..., D]` -> `[..., 4H]`: the part of the gates that ignores state."""
        inputs = tf.convert_to_tensor(inputs)
        self._initialize(inputs.shape[-1])
        return project(inputs, self.w_x, self.b)

    def step(self, projected: tf.Tensor, state: LSTMState):
        """One step from a projected input `[B, 4H]`; returns (`[B, H]`, state)."""
        gates = projected + tf.matmul(state.hidden, self.w_h, transpose_b=True)
        hidden, cell = lstm_sequence.cell_update(gates, state.cell, self._forget_bias)
        return hidden, LSTMState(hidden, cell)

    def __call__(self, inputs: tf.Tensor, prev_state: LSTMState):
        """`[B, D]`, state -> (`[B, H]`, state)."""
        return self.step(self.input_projection(inputs), prev_state)

    def unroll(self, inputs: tf.Tensor, initial_state: LSTMState, seq_lengths=None):
        """Runs over a whole sequence `[B, T, D]` -> (`[B, T, H]`, final state).

        With `seq_lengths` `[B]`, the final state is each sequence's state
        after its own last step (see `vaeseq.masks`).
        """
        projected = tf.transpose(self.input_projection(inputs), [1, 0, 2])  # [T, B, 4H]
        num_steps = projected.shape[0]
        if unroll.is_static(num_steps):
            # The fused static unroll takes about 20% less CPU per training
            # step than tf.scan with TensorFlow's gradient (docs/performance.md).
            states = LSTMState(*lstm_sequence.run(
                projected, initial_state.hidden, initial_state.cell, self.w_h,
                self._forget_bias))  # Each [T, B, H].
        else:
            states = tf.scan(lambda state, proj_t: self.step(proj_t, state)[1], projected,
                             initializer=initial_state)
        final = masks.state_after(states, seq_lengths, initial_state)
        return tf.transpose(states.hidden, [1, 0, 2]), final
