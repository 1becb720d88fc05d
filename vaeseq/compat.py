"""The TensorFlow internals vaeseq relies on, and nothing else.

Everything here reaches past TensorFlow's documented API, so an upgrade may
move or change it; `compat_test.py` checks each against a definition made
of public ops and fails loudly when one breaks. No other module of vaeseq
(or of its examples and benchmarks) may use a private TensorFlow or Sonnet
name.
"""

import json

import tensorflow as tf
# Private: TensorFlow has no public way to ask whether XLA compiles the graph
# being built, nor to read a profile's op statistics without TensorBoard.
from tensorflow.python.ops import control_flow_util
from tensorflow.python.profiler.internal import _pywrap_profiler_plugin


def in_xla_context() -> bool:
    """Whether the ops being created now will be compiled by XLA.

    True inside a `tf.function(jit_compile=True)` (and its nested control
    flow); False eagerly and in ordinary graphs.
    """
    return bool(control_flow_util.GraphOrParentsInXlaContext(
        tf.compat.v1.get_default_graph()))


def fused_lstm_gates_gradient(parts, prev_cell: tf.Tensor, cell: tf.Tensor,
                              d_cell: tf.Tensor, d_hidden: tf.Tensor):
    """Backward through one LSTM step in TensorFlow's fused CPU/GPU kernel.

    `tf.raw_ops.LSTMBlockCellGrad` is public, but this use of it is not: the
    kernel is given zeros for the input, weights and bias, which it only
    reads for their shapes (it takes the gates it needs from `parts`). XLA
    has no implementation of it: see `in_xla_context`.

    Args:
      parts: (i, g, f, o, tanh(cell)), each `[B, H]`, after their
        nonlinearities (`vaeseq.lstm_sequence.step_parts`).
      prev_cell, cell: the step's previous and new cell states `[B, H]`.
      d_cell: the gradient reaching the new cell from later steps `[B, H]`.
      d_hidden: the gradient of the step's hidden output `[B, H]`.
    Returns:
      (d previous cell `[B, H]`, d gate pre-activations `[B, 4H]` in the
      order (i, g, f, o)).
    """
    i, g, f, o, tanh_cell = parts
    batch, size = tf.shape(cell)[0], cell.shape[-1]
    zeros = tf.zeros([size])
    d_prev_cell, d_gates = tf.raw_ops.LSTMBlockCellGrad(
        x=tf.zeros([batch, 0]), cs_prev=prev_cell, h_prev=prev_cell,
        w=tf.zeros([size, 4 * size]), wci=zeros, wcf=zeros, wco=zeros,
        b=tf.zeros([4 * size]), i=i, cs=cell, f=f, o=o, ci=g, co=tanh_cell,
        cs_grad=d_cell, h_grad=d_hidden, use_peephole=False)[:2]
    return d_prev_cell, d_gates


def framework_op_stats(xplane_paths: list[str]) -> list[dict]:
    """The per-op-type rows of a `tf.profiler` trace, as TensorBoard shows them.

    Args:
      xplane_paths: the `*.xplane.pb` files that `tf.profiler.experimental`
        wrote for one profile.
    Returns:
      One dict per row, by column id: at least "type" (the op type),
      "total_self_time" (microseconds) and "occurrences".
    """
    data, _ = _pywrap_profiler_plugin.xspace_to_tools_data(
        xplane_paths, "framework_op_stats")
    table = json.loads(data)[0]
    columns = [column["id"] for column in table["cols"]]
    return [dict(zip(columns, [cell["v"] if cell else None for cell in row["c"]]))
            for row in table["rows"]]
