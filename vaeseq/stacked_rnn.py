"""Stacks of recurrent layers (LSTM or GRU), step by step or over whole sequences."""

from typing import Sequence

import sonnet as snt
import tensorflow as tf

from vaeseq import gru
from vaeseq import lstm
from vaeseq import masks

# The layer classes by `hparams.rnn_cell`.
CELLS = {"lstm": lstm.LSTM, "gru": gru.GRU}


class StackedRNN(snt.RNNCore):
    """Recurrent layers applied in sequence; the output is the top layer's hidden state.

    Args:
      cell: "lstm" or "gru" (a key of `CELLS`).
      hidden_sizes: the layers' sizes, bottom first.
      init: how the layers' weights start (a scheme of `vaeseq.rnn_init`).
      name: the module name.
    """

    def __init__(self, cell: str, hidden_sizes: Sequence[int], init: str = "joint",
                 name: str | None = None):
        super().__init__(name=name)
        if cell not in CELLS:
            raise ValueError(f"unknown rnn_cell {cell!r}; valid: {', '.join(sorted(CELLS))}")
        if not hidden_sizes:
            raise ValueError("rnn_hidden_sizes must name at least one layer")
        self._layers = [CELLS[cell](size, init=init, name=f"{cell}_{i}")
                        for i, size in enumerate(hidden_sizes)]

    @property
    def layers(self) -> tuple:
        """The layers, bottom first (each an `lstm.LSTM` or a `gru.GRU`)."""
        return tuple(self._layers)

    @property
    def output_size(self) -> int:
        return self._layers[-1].hidden_size

    @property
    def state_size(self):
        return tuple(layer.state_size for layer in self._layers)

    def initial_state(self, batch_size):
        return tuple(layer.initial_state(batch_size) for layer in self._layers)

    def __call__(self, inputs: tf.Tensor, prev_state):
        """`[B, D]`, state -> (`[B, H_top]`, state)."""
        states = []
        for layer, state in zip(self._layers, prev_state):
            inputs, state = layer(inputs, state)
            states.append(state)
        return inputs, tuple(states)

    def unroll(self, inputs: tf.Tensor, initial_state=None, reverse: bool = False,
               seq_lengths=None):
        """Runs over `[B, T, D]` -> (`[B, T, H_top]`, final state).

        Layer by layer, so each layer's input projection is one matmul over
        all steps.

        Args:
          inputs: `[B, T, D]`.
          initial_state: the state before the first step run; zeros if None.
          reverse: run time from each sequence's last step to its first
            (outputs stay aligned with the inputs' steps).
          seq_lengths: optional `[B]` int32 lengths of right-padded
            sequences: a reverse run starts at each sequence's own last
            step, and the final state is the one after each sequence's last
            step run. Outputs at padded steps are unspecified.
        """
        if initial_state is None:
            initial_state = self.initial_state(tf.shape(inputs)[0])
        if reverse:
            inputs = masks.reverse(inputs, seq_lengths)
        states = []
        for layer, state in zip(self._layers, initial_state):
            inputs, state = layer.unroll(inputs, state, seq_lengths)
            states.append(state)
        if reverse:
            inputs = masks.reverse(inputs, seq_lengths)
        return inputs, tuple(states)
