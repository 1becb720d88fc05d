"""Small helpers shared by the models: MLP and RNN factories, shape plumbing.

Conventions: public tensors are batch-major `[B, T, ...]`; a "flat" tensor
merges the batch and time axes into one `[B * T, ...]` so that per-step
modules (MLPs, decoders) run once over the whole sequence.
"""

from typing import Callable, Sequence

import sonnet as snt
import tensorflow as tf

from vaeseq import stacked_rnn
from vaeseq import unroll

ACTIVATIONS = {
    "relu": tf.nn.relu,
    "elu": tf.nn.elu,
    # A slope of 0.01 below zero.
    "leaky_relu": lambda x: tf.nn.leaky_relu(x, alpha=0.01),
    # Fraccaro et al. (2016)'s "clipped very leaky" rectifier: a slope of 1/3
    # below zero, the output clipped to [-3, 3].
    "clipped_leaky_relu": lambda x: tf.clip_by_value(tf.nn.leaky_relu(x, alpha=1 / 3), -3.0, 3.0),
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "softplus": tf.nn.softplus,
    "swish": tf.nn.silu,
    "gelu": tf.nn.gelu,
}

POSITIVE_PROJECTIONS = {
    "softplus": tf.nn.softplus,
    "exp": tf.exp,
}


def _lookup(table: dict, name: str, hparam: str):
    if name not in table:
        raise ValueError(f"unknown {hparam} {name!r}; valid: {', '.join(sorted(table))}")
    return table[name]


def activation(hparams) -> Callable[[tf.Tensor], tf.Tensor]:
    """The nonlinearity named by `hparams.activation`."""
    return _lookup(ACTIVATIONS, hparams.activation, "activation")


def positive_projection(hparams) -> Callable[[tf.Tensor], tf.Tensor]:
    """Maps reals to (eps, inf): `hparams.positive_projection` plus `positive_eps`."""
    project = _lookup(POSITIVE_PROJECTIONS, hparams.positive_projection, "positive_projection")
    eps = hparams.positive_eps
    return lambda x: project(x) + eps


def mlp_modules(hparams, layers: Sequence[int], activate_final: bool = True) -> list:
    """`snt.Linear` layers of the given sizes with `hparams.activation` between them."""
    act = activation(hparams)
    modules = []
    for i, size in enumerate(layers):
        modules.append(snt.Linear(size, name=f"linear_{i}"))
        if activate_final or i + 1 < len(layers):
            modules.append(act)
    return modules


def make_mlp(hparams, layers: Sequence[int], activate_final: bool = True,
             name: str | None = None) -> snt.Module:
    """A stack of `snt.Linear` layers with `hparams.activation` between them.

    With no layers this is the identity, so `obs_decoder_fc_hidden_layers=[]`
    means "project straight to the distribution's parameters".
    """
    return snt.Sequential(mlp_modules(hparams, layers, activate_final), name=name)


def make_rnn(hparams, name: str | None = None) -> stacked_rnn.StackedRNN:
    """A recurrent core: `rnn_cell` layers ("lstm" or "gru") of `rnn_hidden_sizes`,
    initialised by `rnn_init`."""
    return stacked_rnn.StackedRNN(hparams.rnn_cell, hparams.rnn_hidden_sizes,
                                  init=hparams.rnn_init, name=name)


def concat_features(inputs: Sequence[tf.Tensor], batch_dims: int = 1) -> tf.Tensor:
    """Flattens each `[*batch, ...]` input to `[*batch, D_i]` and concatenates.

    Args:
      inputs: tensors sharing their first `batch_dims` dimensions.
      batch_dims: how many leading dimensions to keep.
    Returns:
      `[*batch, sum_i D_i]` float32.
    """
    flat = []
    for x in inputs:
        x = tf.convert_to_tensor(x)
        if x.dtype != tf.float32:
            x = tf.cast(x, tf.float32)
        batch_shape = tf.shape(x)[:batch_dims]
        size = x.shape[batch_dims:].num_elements()
        flat.append(tf.reshape(x, tf.concat([batch_shape, [size]], 0)))
    return flat[0] if len(flat) == 1 else tf.concat(flat, axis=-1)


def merge_batch_time(x: tf.Tensor) -> tf.Tensor:
    """`[B, T, ...]` -> `[B * T, ...]`."""
    shape = tf.shape(x)
    return tf.reshape(x, tf.concat([[shape[0] * shape[1]], shape[2:]], 0))


def split_batch_time(x: tf.Tensor, batch_size) -> tf.Tensor:
    """`[B * T, ...]` -> `[B, T, ...]` (inverse of `merge_batch_time`)."""
    shape = tf.shape(x)
    return tf.reshape(x, tf.concat([[batch_size, -1], shape[1:]], 0))


def apply_over_time(fn: Callable, *inputs: tf.Tensor):
    """Runs a per-step `fn` over all steps of `[B, T, ...]` inputs at once.

    Returns `fn`'s output nest with every tensor reshaped back to `[B, T, ...]`.
    """
    leading = tf.convert_to_tensor(inputs[0]).shape[:2]  # Static [B, T] where known.
    batch_size = tf.shape(inputs[0])[0]
    outputs = fn(*[merge_batch_time(x) for x in inputs])

    def split(y):
        y = split_batch_time(y, batch_size)
        y.set_shape(leading.concatenate(y.shape[2:]))
        return y

    return tf.nest.map_structure(split, outputs)


def scan(fn: Callable, elems, initializer):
    """`tf.scan` over the leading (time) axis, unrolled when it is short.

    With a number of steps known at trace time and within the limit of
    `vaeseq.unroll`, the loop is unrolled in Python; otherwise it is a
    `tf.scan`. Both compute the same thing.

    Args:
      fn: `(carry, elems_t) -> carry`, as for `tf.scan`.
      elems: a nest of `[T, ...]` tensors.
      initializer: the initial carry (a nest of tensors).
    Returns:
      The carries of every step, each stacked to `[T, ...]`.
    """
    flat = [tf.convert_to_tensor(x) for x in tf.nest.flatten(elems)]
    num_steps = flat[0].shape[0]
    if not unroll.is_static(num_steps):
        return tf.scan(fn, elems, initializer=initializer)
    per_step = [tf.unstack(x, num=num_steps) for x in flat]
    carry, carries = initializer, []
    for t in range(num_steps):
        carry = fn(carry, tf.nest.pack_sequence_as(elems, [x[t] for x in per_step]))
        carries.append(carry)
    return tf.nest.map_structure(lambda *steps: tf.stack(steps), *carries)


def swap_batch_time(x: tf.Tensor) -> tf.Tensor:
    """Swaps the first two axes: `[T, B, ...]` <-> `[B, T, ...]`."""
    x = tf.convert_to_tensor(x)
    perm = [1, 0] + list(range(2, x.shape.rank))
    return tf.transpose(x, perm)


def tile_batch(nest, multiples: int):
    """Repeats every `[B, ...]` tensor in `nest` to `[multiples * B, ...]`.

    Copies are sample-major: row `k * B + b` is a copy of row `b`.
    """
    return tf.nest.map_structure(lambda x: tf.concat([x] * multiples, axis=0), nest)
