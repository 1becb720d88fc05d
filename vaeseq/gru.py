"""A GRU layer that runs step by step (generation) or over a whole sequence.

The gated recurrent unit of Cho et al. (2014) in the form cuDNN and PyTorch
use, with the reset gate applied after the recurrent matmul:

    [r, u, n_x] = x W_x^T + b_x          [r', u', n_h] = h W_h^T + b_h
    r = sigmoid(r + r')   u = sigmoid(u + u')   n = tanh(n_x + r * n_h)
    h_new = u * h + (1 - u) * n

As in `vaeseq.lstm`, `unroll` computes the input half for all steps with one
matmul, so only the recurrent matmul stays in the time loop (unrolled
statically when short, TensorFlow differentiating it); `__call__` shares the
variables, so both paths compute the same function.
"""

import sonnet as snt
import tensorflow as tf

from vaeseq import lstm
from vaeseq import masks
from vaeseq import rnn_init
from vaeseq import unroll


class GRU(snt.RNNCore):
    """A single GRU layer; its state is the hidden vector `[B, H]`.

    Variables: w_x `[3H, D]`, w_h `[3H, H]` (output-major), b_x, b_h `[3H]`,
    gates in the order (reset, update, candidate); `init` names their initial
    values (`vaeseq.rnn_init`).
    """

    def __init__(self, hidden_size: int, init: str = "joint", name: str | None = None):
        super().__init__(name=name)
        rnn_init.check(init)
        self._hidden_size = hidden_size
        self._init = init

    @property
    def hidden_size(self) -> int:
        return self._hidden_size

    @property
    def state_size(self) -> tf.TensorShape:
        return tf.TensorShape([self._hidden_size])

    def initial_state(self, batch_size) -> tf.Tensor:
        return tf.zeros([batch_size, self._hidden_size])

    @snt.once
    def _initialize(self, input_size: int):
        h = self._hidden_size
        self.w_x = tf.Variable(rnn_init.input_weights(self._init, 3, h, input_size), name="w_x")
        self.w_h = tf.Variable(rnn_init.recurrent_weights(self._init, 3, h), name="w_h")
        self.b_x = tf.Variable(tf.zeros([3 * h]), name="b_x")
        self.b_h = tf.Variable(tf.zeros([3 * h]), name="b_h")

    def input_projection(self, inputs: tf.Tensor) -> tf.Tensor:
        """`[..., D]` -> `[..., 3H]`: the part of the gates that ignores state."""
        inputs = tf.convert_to_tensor(inputs)
        self._initialize(inputs.shape[-1])
        return lstm.project(inputs, self.w_x, self.b_x)

    def step(self, projected: tf.Tensor, hidden: tf.Tensor):
        """One step from a projected input `[B, 3H]`; returns (`[B, H]`, state)."""
        recurrent = tf.matmul(hidden, self.w_h, transpose_b=True) + self.b_h
        r_x, u_x, n_x = tf.split(projected, 3, axis=-1)
        r_h, u_h, n_h = tf.split(recurrent, 3, axis=-1)
        reset = tf.sigmoid(r_x + r_h)
        update = tf.sigmoid(u_x + u_h)
        candidate = tf.tanh(n_x + reset * n_h)
        hidden = update * hidden + (1.0 - update) * candidate
        return hidden, hidden

    def __call__(self, inputs: tf.Tensor, prev_state: tf.Tensor):
        """`[B, D]`, state `[B, H]` -> (`[B, H]`, state)."""
        return self.step(self.input_projection(inputs), prev_state)

    def unroll(self, inputs: tf.Tensor, initial_state: tf.Tensor, seq_lengths=None):
        """Runs over a whole sequence `[B, T, D]` -> (`[B, T, H]`, final state `[B, H]`).

        With `seq_lengths` `[B]`, the final state is each sequence's state
        after its own last step (see `vaeseq.masks`).
        """
        projected = tf.transpose(self.input_projection(inputs), [1, 0, 2])  # [T, B, 3H]
        num_steps = projected.shape[0]
        if unroll.is_static(num_steps):
            hidden, states = initial_state, []
            for proj_t in tf.unstack(projected, num=num_steps):
                hidden, _ = self.step(proj_t, hidden)
                states.append(hidden)
            states = tf.stack(states)  # [T, B, H]
        else:
            states = tf.scan(lambda h, proj_t: self.step(proj_t, h)[1], projected,
                             initializer=initial_state)
        final = masks.state_after(states, seq_lengths, initial_state)
        return tf.transpose(states, [1, 0, 2]), final
