"""Variable-length sequences in padded batches: masks, lengths, final states.

A batch of sequences of different lengths is padded at the end to a common
length T. Its mask `[B, T]` is 1 on the real steps and 0 on the padding, so
each row is a run of ones followed by zeros (a *prefix* mask); its lengths
`[B]` count the ones. The models use the lengths to run backward RNNs from
each sequence's own last step and to read recurrent states where each
sequence ends, and the mask to zero the per-step terms of the padding, so
that a padded batch scores exactly as its unpadded sequences would.
"""

import tensorflow as tf


def lengths(mask: tf.Tensor, steps=None) -> tf.Tensor:
    """The lengths `[B]` int32 of a prefix mask `[B, T]` (bool, int or float).

    Args:
      mask: `[B, T]`, nonzero on the real steps.
      steps: T, the padded length the mask must have; not checked if None.
    Raises:
      ValueError (eagerly) or InvalidArgumentError (in a graph): the mask
        is not `[B, T]`, or some row is not ones followed by zeros.
    """
    mask = tf.convert_to_tensor(mask)
    if mask.shape.rank != 2:
        raise ValueError(f"mask must be [B, T], got shape {mask.shape}")
    if steps is not None and mask.shape[1] is not None and mask.shape[1] != steps:
        raise ValueError(f"mask has {mask.shape[1]} steps, the sequences have {steps}")
    ones = tf.cast(tf.not_equal(mask, tf.zeros([], mask.dtype)), tf.int32)  # [B, T]
    result = tf.reduce_sum(ones, axis=1)
    prefix = tf.sequence_mask(result, tf.shape(mask)[1], dtype=tf.int32)
    if tf.executing_eagerly():
        if not bool(tf.reduce_all(tf.equal(ones, prefix))):
            raise ValueError("mask rows must be ones followed by zeros (padding at the end)")
        return result
    with tf.control_dependencies([tf.debugging.assert_equal(
            ones, prefix, message="mask rows must be ones followed by zeros")]):
        return tf.identity(result)


def apply(values: tf.Tensor, seq_lengths) -> tf.Tensor:
    """Zeros the padded steps of per-step terms `[B, T]` (NaN-safe: a select)."""
    if seq_lengths is None:
        return values
    keep = tf.sequence_mask(seq_lengths, tf.shape(values)[1])
    return tf.where(keep, values, tf.zeros_like(values))


def state_after(per_step, seq_lengths, initial):
    """The recurrent state after each sequence's last real step.

    Args:
      per_step: a nest of `[T, B, ...]` states, entry t after step t.
      seq_lengths: `[B]` int32, or None for full-length sequences.
      initial: the nest of `[B, ...]` states before step 0 (what a sequence
        of length 0 ends in).
    Returns:
      The nest of `[B, ...]` states.
    """
    if seq_lengths is None:
        return tf.nest.map_structure(lambda s: s[-1], per_step)
    batch = tf.range(tf.shape(seq_lengths)[0])
    last = tf.stack([tf.maximum(seq_lengths - 1, 0), batch], axis=1)  # [B, 2] of (t, b)
    empty = tf.equal(seq_lengths, 0)

    def pick(states, start):
        picked = tf.gather_nd(states, last)
        keep = tf.reshape(empty, [-1] + [1] * (picked.shape.rank - 1))
        return tf.where(keep, start, picked)

    return tf.nest.map_structure(pick, per_step, initial)


def reverse(x: tf.Tensor, seq_lengths) -> tf.Tensor:
    """Reverses each `[B, T, ...]` row's first `length` steps (all of them if None)."""
    if seq_lengths is None:
        return tf.reverse(x, axis=[1])
    return tf.reverse_sequence(x, seq_lengths, seq_axis=1, batch_axis=0)
