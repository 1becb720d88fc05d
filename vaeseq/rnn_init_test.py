"""The recurrent layers' initial weights: shapes, orthogonality, and the hyperparameter's path."""

import numpy as np
import pytest
import sonnet as snt
import tensorflow as tf

from vaeseq import hparams as hparams_mod
from vaeseq import rnn_init
from vaeseq import stacked_rnn
from vaeseq import util


def _assert_orthonormal_rows(matrix):
    np.testing.assert_allclose(matrix @ matrix.T, np.eye(matrix.shape[0]), atol=1e-5)


@pytest.mark.parametrize("input_size", [3, 5, 9])
def test_orthogonal_gates_blocks(input_size):
    """Every gate's block is orthogonal, wider or narrower than the layer."""
    tf.random.set_seed(0)
    gates, hidden = 3, 5
    w_x = rnn_init.input_weights("orthogonal_gates", gates, hidden, input_size).numpy()
    w_h = rnn_init.recurrent_weights("orthogonal_gates", gates, hidden).numpy()
    assert w_x.shape == (gates * hidden, input_size)
    assert w_h.shape == (gates * hidden, hidden)
    for block in np.split(w_h, gates):
        _assert_orthonormal_rows(block)
        _assert_orthonormal_rows(block.T)
    for block in np.split(w_x, gates):
        _assert_orthonormal_rows(block if input_size >= hidden else block.T)
    first, second = np.split(w_h, gates)[:2]
    assert not np.allclose(first, second)  # Independent draws, not one block repeated.


def test_joint_recurrent_map_is_one_orthogonal_map():
    """"joint": h -> all gates is one map with orthonormal columns; a gate's block is not."""
    tf.random.set_seed(0)
    w_h = rnn_init.recurrent_weights("joint", 4, 6).numpy()
    assert w_h.shape == (24, 6)
    _assert_orthonormal_rows(w_h.T)
    singular = np.linalg.svd(w_h[:6], compute_uv=False)
    assert singular.max() < 0.99  # About 1/sqrt(4) on average.
    w_x = rnn_init.input_weights("joint", 4, 6, 50).numpy()
    assert w_x.shape == (24, 50)
    assert abs(w_x.std() * np.sqrt(50) - 0.88) < 0.1  # Truncated normal of stddev 1/sqrt(D).


def test_joint_is_what_the_layers_drew_before():
    """The default scheme draws the same values as the layers' original initialisers."""
    tf.random.set_seed(3)
    core = stacked_rnn.StackedRNN("gru", [5])
    core(tf.zeros([1, 4]), core.initial_state(1))
    tf.random.set_seed(3)
    w_x = snt.initializers.TruncatedNormal(stddev=4 ** -0.5)([15, 4], tf.float32)
    w_h = tf.transpose(snt.initializers.Orthogonal()([5, 15], tf.float32))
    np.testing.assert_array_equal(core.layers[0].w_x.numpy(), w_x.numpy())
    np.testing.assert_array_equal(core.layers[0].w_h.numpy(), w_h.numpy())


@pytest.mark.parametrize("cell,gates", [("lstm", 4), ("gru", 3)])
def test_make_rnn_follows_the_hyperparameter(cell, gates):
    hparams = hparams_mod.make_hparams(
        f"rnn_cell={cell},rnn_hidden_sizes=[4,6],rnn_init=orthogonal_gates")
    core = util.make_rnn(hparams)
    core(tf.zeros([2, 7]), core.initial_state(2))
    for layer in core.layers:
        for block in np.split(layer.w_h.numpy(), gates):
            _assert_orthonormal_rows(block)


@pytest.mark.parametrize("cell", sorted(stacked_rnn.CELLS))
def test_unknown_scheme_fails_at_construction(cell):
    with pytest.raises(ValueError, match="unknown rnn_init 'glorot'; valid: joint, orthogonal_gates"):
        stacked_rnn.StackedRNN(cell, [4], init="glorot")
