"""The LSTM cell's arithmetic, and a whole-sequence run with its own gradient.

`step_parts` is the one definition of an LSTM step from its gate
pre-activations; the step-wise core (`vaeseq.lstm.LSTM`) and the
whole-sequence `run` both use it, so the two paths compute the same thing.

`run` differentiates the sequence by hand, as cuDNN and PyTorch do, instead
of letting TensorFlow differentiate every step: the backward pass keeps only
the `[B, 4H] x [4H, H]` matmul that carries the gradient to the previous step
inside the time loop and computes the recurrent weight's gradient for all
steps with one `[H, T * B] x [T * B, 4H]` matmul afterwards. Autodiff would
issue a small weight-gradient matmul per step and sum them with AddN.
"""

import tensorflow as tf


def step_parts(gates: tf.Tensor, cell: tf.Tensor, forget_bias: float):
    """One LSTM step with the intermediates its gradient needs.

    Args:
      gates: `[B, 4H]` pre-activations, in order (i, f, g, o).
      cell: `[B, H]`, the previous cell state.
      forget_bias: added to the forget gate's pre-activation.
    Returns:
      ((i, f, g, o, tanh(new cell)) each `[B, H]`, hidden `[B, H]`, new cell `[B, H]`).
    """
    i, f, g, o = tf.split(gates, 4, axis=-1)
    i, f, g, o = tf.sigmoid(i), tf.sigmoid(f + forget_bias), tf.tanh(g), tf.sigmoid(o)
    cell = f * cell + i * g
    tanh_cell = tf.tanh(cell)
    return (i, f, g, o, tanh_cell), o * tanh_cell, cell


def cell_update(gates: tf.Tensor, cell: tf.Tensor, forget_bias: float):
    """One LSTM step: gates `[B, 4H]`, previous cell `[B, H]` -> (hidden, cell), `[B, H]`."""
    _, hidden, cell = step_parts(gates, cell, forget_bias)
    return hidden, cell


def run(projected: tf.Tensor, hidden: tf.Tensor, cell: tf.Tensor, w_h: tf.Tensor,
        forget_bias: float):
    """Runs an LSTM layer over a whole sequence of projected inputs.

    The time loop is unrolled statically, so the number of steps must be
    known when tracing.

    Args:
      projected: `[T, B, 4H]`, the input's part of the gates (x_t W_x + b).
      hidden: `[B, H]`, the initial hidden state.
      cell: `[B, H]`, the initial cell state.
      w_h: `[H, 4H]`, the recurrent weights.
      forget_bias: added to the forget gate's pre-activation.
    Returns:
      (hidden states `[T, B, H]`, final hidden `[B, H]`, final cell `[B, H]`).
    """
    num_steps = projected.shape[0]
    if num_steps is None:
        raise ValueError("lstm_sequence.run needs a static number of steps")

    @tf.custom_gradient
    def forward(projected, hidden, cell, w_h):
        # Per step: the activations and the previous cell, which the backward pass reads.
        saved, prev_cells, hiddens = [], [], []
        previous_hiddens = [hidden]  # h_{t-1} for every t, for the weight gradient.
        for proj_t in tf.unstack(projected, num=num_steps):
            prev_cells.append(cell)
            parts, hidden, cell = step_parts(proj_t + tf.matmul(hidden, w_h), cell, forget_bias)
            saved.append(parts)
            hiddens.append(hidden)
        previous_hiddens += hiddens[:-1]
        outputs = tf.stack(hiddens)  # [T, B, H]

        def backward(d_outputs, d_hidden, d_cell):
            d_outputs = tf.unstack(d_outputs, num=num_steps)
            d_gates = [None] * num_steps
            for t in reversed(range(num_steps)):
                i, f, g, o, tanh_cell = saved[t]
                prev_cell = prev_cells[t]
                d_hidden += d_outputs[t]
                d_cell += d_hidden * o * (1.0 - tf.square(tanh_cell))
                d_gates[t] = tf.concat([
                    d_cell * g * i * (1.0 - i),
                    d_cell * prev_cell * f * (1.0 - f),
                    d_cell * i * (1.0 - tf.square(g)),
                    d_hidden * tanh_cell * o * (1.0 - o)], axis=-1)  # [B, 4H]
                d_cell *= f
                d_hidden = tf.matmul(d_gates[t], w_h, transpose_b=True)
            d_projected = tf.stack(d_gates)  # [T, B, 4H]
            d_w_h = tf.matmul(tf.concat(previous_hiddens, axis=0),
                              tf.reshape(d_projected, [-1, d_projected.shape[-1]]),
                              transpose_a=True)  # [T * B, H]^T [T * B, 4H] -> [H, 4H]
            return d_projected, d_hidden, d_cell, d_w_h

        return (outputs, hidden, cell), backward

    return forward(projected, hidden, cell, w_h)
