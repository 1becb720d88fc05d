"""Scores whole pieces: ELBO and importance-weighted bound per time step.

Pieces have different lengths. `VAEBase.iw_log_prob` sums its log weights
over every step of a batch, padding included, and SRNN's posterior runs
backwards from the last step, so padding would change the scores of real
steps too. Pieces are therefore scored in batches of equal length (grouped
by length, then batched by `dataset.eval_batches`), where the mask is all
ones and every bound is that of the unpadded pieces. Each piece is scored
from the model's initial state.
"""

import collections
from typing import Iterator, Sequence

import numpy as np
import tensorflow as tf

from vaeseq.examples.midi import dataset
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.text import model as text_model
from vaeseq.examples.text import progress
from vaeseq.examples.text import scoring as text_scoring
from vaeseq.vae import VAEBase


def equal_length_batches(
    sequences: Sequence[np.ndarray], batch_size: int,
) -> Iterator[tuple[tf.Tensor, tf.Tensor]]:
    """Batches of pieces of one length each, shortest pieces first.

    Args:
        sequences: `[T_i, 88]` rolls.
        batch_size: pieces per batch at most.

    Yields:
        `dataset.eval_batches` pairs: rolls `[B, T, 88]` and their mask
        `[B, T]`, all ones since the pieces of a batch have one length.
    """
    by_length = collections.defaultdict(list)
    for roll in sequences:
        by_length[len(roll)].append(roll)
    for length in sorted(by_length):
        yield from dataset.eval_batches(by_length[length], batch_size)


class Scorer:
    """Runs the scores in `tf.function`s, one batch of pieces at a time.

    Both functions take any batch size and length, so they are traced once.

    Args:
        vae: the MIDI model.
        batch_size: pieces scored per call at most.
        num_samples: K of the importance-weighted bound; 0 to skip it.
    """

    def __init__(self, vae: VAEBase, batch_size: int, num_samples: int = 0):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        if num_samples < 0:
            raise ValueError(
                f"log_prob_samples must be >= 0, got {num_samples}.")
        self._vae = vae
        self._batch_size = batch_size
        self._num_samples = num_samples
        rolls = tf.TensorSpec([None, None, pianoroll.NUM_KEYS], tf.float32)
        seed = tf.TensorSpec([2], tf.int32)
        self._elbo = tf.function(
            self._elbo_fn, autograph=False, input_signature=[
                rolls, tf.TensorSpec([None, None], tf.float32), seed])
        self._iw_log_prob = tf.function(
            self._iw_log_prob_fn, autograph=False,
            input_signature=[rolls, seed])

    def score(self, sequences: Sequence[np.ndarray], seed: int | None = None,
              bar: progress.ProgressBar | None = None) -> text_scoring.Scores:
        """Scores whole pieces `[T_i, 88]`; the sums are over all their steps.

        Args:
            sequences: the pieces.
            seed: makes the posterior draws repeatable.
            bar: if given, updated with the number of pieces scored.
        """
        seeds = text_model.seed_stream(seed)
        elbo = 0.0
        iw_log_prob = 0.0 if self._num_samples else None
        num_steps = done = 0
        for rolls, mask in equal_length_batches(sequences, self._batch_size):
            elbo += float(tf.reduce_sum(self._elbo(rolls, mask, next(seeds))))
            if self._num_samples:
                iw_log_prob += float(tf.reduce_sum(
                    self._iw_log_prob(rolls, next(seeds))))
            num_steps += int(tf.reduce_sum(mask))
            done += int(rolls.shape[0])
            if bar is not None:
                bar.update(done, force=done == len(sequences))
        return text_scoring.Scores(elbo, iw_log_prob, num_steps, self._num_samples)

    def _elbo_fn(self, observed: tf.Tensor, mask: tf.Tensor,
                 seed: tf.Tensor) -> tf.Tensor:
        """The ELBO of each piece over its real steps: `[B, T, 88]` -> `[B]`."""
        contexts = text_model.contexts(self._vae, observed)
        latents, divergences = self._vae.infer_latents(contexts, observed, seed)
        log_probs = self._vae.log_prob_observed(contexts, latents, observed)
        return tf.reduce_sum(mask * (log_probs - divergences), axis=1)

    def _iw_log_prob_fn(self, observed: tf.Tensor,
                        seed: tf.Tensor) -> tf.Tensor:
        """The K-sample bound of each unpadded piece: `[B, T, 88]` -> `[B]`."""
        contexts = text_model.contexts(self._vae, observed)
        return self._vae.iw_log_prob(
            contexts, observed, self._num_samples, seed)
