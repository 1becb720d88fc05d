"""Draws observation sequences from a model's generative core; seeds for sampling.

`seed_stream` gives endless stateless seeds for the model's sampling methods
(sampling here, posterior draws when scoring).
"""

from typing import Iterator

import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq.examples.common import errors
from vaeseq.vae import VAEBase


class Sampler:
    """Draws sequences from `vae.gen_core` in a `tf.function`.

    The function is traced once, for any number and length of sequences.
    The agent gets no inputs (null inputs `[B, T, 0]`), as for models of
    recorded sequences.

    Args:
        vae: the model.

    Attributes:
        draw: the `tf.function` `(batch_size, length, seed [2])` (int32) ->
            observations `[batch_size, length, ...]`, one batch at once.
    """

    def __init__(self, vae: VAEBase):
        self._vae = vae
        self.draw = tf.function(
            self._generate_observations, autograph=False, input_signature=[
                tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32),
                tf.TensorSpec([2], tf.int32)])

    def sample(self, count: int, length: int, batch_size: int,
               seed: int | None = None) -> list[np.ndarray]:
        """Returns `count` sequences of observations `[length, ...]`.

        Sequences are drawn `batch_size` at a time (see `batches`); `seed`
        makes them repeatable.

        Raises:
            InputError: `count` < 0, `length` < 1 or `batch_size` < 1.
        """
        return [sequence for batch in self.batches(count, length, batch_size, seed)
                for sequence in batch]

    def batches(self, count: int, length: int, batch_size: int,
                seed: int | None = None) -> Iterator[np.ndarray]:
        """Yields `count` sequences in batches `[<= batch_size, length, ...]`.

        Each batch (the last may be smaller) is drawn when it is asked for,
        so at most one is held at a time; `seed` makes them repeatable.

        Raises:
            InputError: when the first batch is asked for: `count` < 0,
                `length` < 1 or `batch_size` < 1.
        """
        if count < 0 or length < 1 or batch_size < 1:
            raise errors.InputError(
                "Need samples >= 0, sequence_size >= 1 and batch_size >= 1; "
                f"got {count}, {length} and {batch_size}.")
        seeds = seed_stream(seed)
        for start in range(0, count, batch_size):
            yield np.asarray(self.draw(min(batch_size, count - start), length, next(seeds)))

    def _generate_observations(self, batch_size: tf.Tensor, length: tf.Tensor,
                               seed: tf.Tensor) -> tf.Tensor:
        """Samples observations `[batch_size, length, ...]`."""
        observations, _, _ = self._vae.gen_core.generate(
            agent_mod.null_inputs(batch_size, length), seed=seed)
        return observations


def seed_stream(seed: int | None) -> Iterator[tf.Tensor]:
    """Endless stateless seeds (`[2]` int32) for the model's sampling methods.

    The same `seed` gives the same seeds; None gives fresh ones.
    """
    if seed is None:
        rng = tf.random.Generator.from_non_deterministic_state()
    else:
        rng = tf.random.Generator.from_seed(seed)
    while True:
        yield tf.cast(rng.make_seeds(1)[:, 0], tf.int32)
