"""Initial weights of the recurrent layers (`lstm.LSTM`, `gru.GRU`).

A layer with G gates of H units each stores its input weights as `[G*H, D]`
and its recurrent weights as `[G*H, H]` (output-major). Two schemes, chosen by
`hparams.rnn_init`:

- "joint" (the default): input weights from a truncated normal of standard
  deviation 1/sqrt(D); recurrent weights one orthogonal map from h to all
  the gates at once, so each gate's `[H, H]` block has singular values near
  1/sqrt(G).
- "orthogonal_gates": every gate's input block `[H, D]` and recurrent block
  `[H, H]` its own orthogonal matrix (Saxe et al. 2014), as in the SRNN
  code of Fraccaro et al. (2016): each recurrent block is exactly
  orthogonal, its singular values all 1.
"""

import sonnet as snt
import tensorflow as tf

INITS = ("joint", "orthogonal_gates")


def check(init: str) -> None:
    """Raises ValueError for an unknown scheme."""
    if init not in INITS:
        raise ValueError(f"unknown rnn_init {init!r}; valid: {', '.join(INITS)}")


def _orthogonal_blocks(gates: int, rows: int, cols: int) -> tf.Tensor:
    """`[gates * rows, cols]`: `gates` independent orthogonal `[rows, cols]` blocks."""
    orthogonal = snt.initializers.Orthogonal()
    return tf.concat([orthogonal([rows, cols], tf.float32) for _ in range(gates)], axis=0)


def input_weights(init: str, gates: int, hidden: int, input_size: int) -> tf.Tensor:
    """Initial input weights `[gates * hidden, input_size]`."""
    check(init)
    if init == "orthogonal_gates":
        return _orthogonal_blocks(gates, hidden, input_size)
    return snt.initializers.TruncatedNormal(stddev=input_size ** -0.5)(
        [gates * hidden, input_size], tf.float32)


def recurrent_weights(init: str, gates: int, hidden: int) -> tf.Tensor:
    """Initial recurrent weights `[gates * hidden, hidden]`."""
    check(init)
    if init == "orthogonal_gates":
        return _orthogonal_blocks(gates, hidden, hidden)
    # Orthogonal columns of the [H, G*H] map h -> gates, stored transposed.
    return tf.transpose(snt.initializers.Orthogonal()([hidden, gates * hidden], tf.float32))
