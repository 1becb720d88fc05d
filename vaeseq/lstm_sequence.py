"""The LSTM cell's arithmetic, and a whole-sequence run with its own gradient.

Layout: gate pre-activations are `[B, 4H]` in the order (i, g, f, o) (input
gate, candidate cell, forget gate, output gate), the order of TensorFlow's
fused `LSTMBlockCellGrad` kernel; weights are stored output-major, `[4H, D]`
as in cuDNN and PyTorch, because oneDNN multiplies `[B, H] x [4H, H]^T` about
a third faster than `[B, H] x [H, 4H]` at the small batch of one step
(docs/performance.md).

`step_parts` is the one definition of an LSTM step from its gate
pre-activations; the step-wise core (`vaeseq.lstm.LSTM`) and the
whole-sequence `run` both use it, so the two paths compute the same thing.

`run` differentiates the sequence by hand, as cuDNN and PyTorch do, instead
of letting TensorFlow differentiate every step: the time loop of the
backward pass keeps one fused elementwise kernel and the `[B, 4H] x [4H, H]`
matmul that carries the gradient to the previous step, and the recurrent
weight's gradient for all steps is one `[4H, T * B] x [T * B, H]` matmul
afterwards. Autodiff would issue about twenty small ops and a weight-gradient
matmul per step.
"""

import tensorflow as tf

from vaeseq import compat


def step_parts(gates: tf.Tensor, cell: tf.Tensor, forget_bias: float):
    """One LSTM step with the intermediates its gradient needs.

    Args:
      gates: `[B, 4H]` pre-activations, in order (i, g, f, o).
      cell: `[B, H]`, the previous cell state.
      forget_bias: added to the forget gate's pre-activation.
    Returns:
      ((i, g, f, o, tanh(new cell)) each `[B, H]` after their nonlinearity,
      hidden `[B, H]`, new cell `[B, H]`).
    """
    i, g, f, o = tf.split(gates, 4, axis=-1)
    i, g, f, o = tf.sigmoid(i), tf.tanh(g), tf.sigmoid(f + forget_bias), tf.sigmoid(o)
    cell = f * cell + i * g
    tanh_cell = tf.tanh(cell)
    return (i, g, f, o, tanh_cell), o * tanh_cell, cell


def cell_update(gates: tf.Tensor, cell: tf.Tensor, forget_bias: float):
    """One LSTM step: gates `[B, 4H]`, previous cell `[B, H]` -> (hidden, cell), `[B, H]`."""
    _, hidden, cell = step_parts(gates, cell, forget_bias)
    return hidden, cell


def _gates_gradient(parts, prev_cell, cell, d_cell, d_hidden):
    """Backward through one `step_parts`: returns (d previous cell, d gates `[B, 4H]`).

    Args:
      parts: `step_parts`'s (i, g, f, o, tanh(cell)).
      prev_cell, cell: the step's previous and new cell states `[B, H]`.
      d_cell: the gradient reaching the new cell from later steps `[B, H]`.
      d_hidden: the gradient of the step's hidden output `[B, H]`.
    """
    if not compat.in_xla_context():  # One fused kernel, where there is one.
        return compat.fused_lstm_gates_gradient(parts, prev_cell, cell, d_cell, d_hidden)
    i, g, f, o, tanh_cell = parts
    d_cell += d_hidden * o * (1.0 - tf.square(tanh_cell))
    d_gates = tf.concat([
        d_cell * g * i * (1.0 - i),
        d_cell * i * (1.0 - tf.square(g)),
        d_cell * prev_cell * f * (1.0 - f),
        d_hidden * tanh_cell * o * (1.0 - o)], axis=-1)
    return d_cell * f, d_gates


def run(projected: tf.Tensor, hidden: tf.Tensor, cell: tf.Tensor, w_h: tf.Tensor,
        forget_bias: float):
    """Runs an LSTM layer over a whole sequence of projected inputs.

    The time loop is unrolled statically, so the number of steps must be
    known when tracing.

    Args:
      projected: `[T, B, 4H]`, the input's part of the gates (x_t W_x^T + b).
      hidden: `[B, H]`, the initial hidden state.
      cell: `[B, H]`, the initial cell state.
      w_h: `[4H, H]`, the recurrent weights.
      forget_bias: added to the forget gate's pre-activation.
    Returns:
      (hidden states `[T, B, H]`, cell states `[T, B, H]`): the state after
      every step, so that a caller can read the state after any step (the
      end of a shorter sequence in a padded batch).
    """
    num_steps = projected.shape[0]
    if num_steps is None:
        raise ValueError("lstm_sequence.run needs a static number of steps")
    # Read a variable here, outside `forward`: a custom gradient whose forward
    # pass reads variables must return their gradients separately in eager mode.
    w_h = tf.convert_to_tensor(w_h)

    @tf.custom_gradient
    def forward(projected, hidden, cell, w_h):
        # Per step: the activations, which the backward pass reads, and the cells.
        saved, cells, hiddens = [], [cell], []
        previous_hiddens = [hidden]  # h_{t-1} for every t, for the weight gradient.
        for proj_t in tf.unstack(projected, num=num_steps):
            parts, hidden, cell = step_parts(
                proj_t + tf.matmul(hidden, w_h, transpose_b=True), cell, forget_bias)
            saved.append(parts)
            cells.append(cell)
            hiddens.append(hidden)
        previous_hiddens += hiddens[:-1]

        def backward(d_outputs, d_cells):
            d_outputs = tf.unstack(d_outputs, num=num_steps)
            d_cells = tf.unstack(d_cells, num=num_steps)
            d_hidden = tf.zeros_like(previous_hiddens[0])
            d_cell = tf.zeros_like(cells[0])
            d_gates = [None] * num_steps
            for t in reversed(range(num_steps)):
                d_cell, d_gates[t] = _gates_gradient(
                    saved[t], cells[t], cells[t + 1], d_cell + d_cells[t],
                    d_hidden + d_outputs[t])
                d_hidden = tf.matmul(d_gates[t], w_h)
            d_projected = tf.stack(d_gates)  # [T, B, 4H]
            d_w_h = tf.matmul(tf.reshape(d_projected, [-1, d_projected.shape[-1]]),
                              tf.concat(previous_hiddens, axis=0),
                              transpose_a=True)  # [T * B, 4H]^T [T * B, H] -> [4H, H]
            return d_projected, d_hidden, d_cell, d_w_h

        return (tf.stack(hiddens), tf.stack(cells[1:])), backward

    return forward(projected, hidden, cell, w_h)
