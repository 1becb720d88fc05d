"""Scores windows of character ids: ELBO and importance-weighted bound.

Both scores are lower bounds on log p(window) in nats, summed over the
windows scored, so dividing by the number of characters gives nats per
character. Each window is scored on its own, from the model's initial state.
"""

import math
from typing import NamedTuple

import numpy as np
import tensorflow as tf

from vaeseq.examples.text import model
from vaeseq.examples.text import progress
from vaeseq.vae import VAEBase


class Scores(NamedTuple):
    """Bounds summed over `num_steps` characters.

    Attributes:
        elbo: one-sample ELBO, in nats.
        iw_log_prob: importance-weighted bound with `num_samples` draws, in
            nats; None when not computed (`num_samples` is 0).
        num_steps: characters scored.
        num_samples: K of the importance-weighted bound.
    """

    elbo: float
    iw_log_prob: float | None
    num_steps: int
    num_samples: int

    @property
    def elbo_per_step(self) -> float:
        """The ELBO in nats per character."""
        return self.elbo / self.num_steps

    @property
    def iw_log_prob_per_step(self) -> float | None:
        """The importance-weighted bound in nats per character."""
        if self.iw_log_prob is None:
            return None
        return self.iw_log_prob / self.num_steps

    @property
    def bits_per_step(self) -> float:
        """Bits per character from the tightest bound computed."""
        best = self.iw_log_prob_per_step
        if best is None:
            best = self.elbo_per_step
        return -best / math.log(2)


class Scorer:
    """Runs the scores in `tf.function`s, one batch of windows at a time.

    Args:
        vae: the text model.
        sequence_size: T, the length of every window.
        batch_size: windows scored per call.
        num_samples: K of the importance-weighted bound; 0 to skip it.
    """

    def __init__(self, vae: VAEBase, sequence_size: int, batch_size: int,
                 num_samples: int = 0):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        if num_samples < 0:
            raise ValueError(
                f"log_prob_samples must be >= 0, got {num_samples}.")
        self._vae = vae
        self._batch_size = batch_size
        self._num_samples = num_samples
        signature = [tf.TensorSpec([None, sequence_size], tf.int32),
                     tf.TensorSpec([2], tf.int32)]
        self._elbo = tf.function(
            self._elbo_fn, input_signature=signature, autograph=False)
        self._iw_log_prob = tf.function(
            self._iw_log_prob_fn, input_signature=signature, autograph=False)

    def score(self, windows: np.ndarray, seed: int | None = None,
              bar: progress.ProgressBar | None = None) -> Scores:
        """Scores windows of character ids `[N, T]`.

        Args:
            windows: the windows.
            seed: makes the posterior draws repeatable.
            bar: if given, updated with the number of windows scored.
        """
        seeds = model.seed_stream(seed)
        elbo = 0.0
        iw_log_prob = 0.0 if self._num_samples else None
        for start in range(0, len(windows), self._batch_size):
            batch = tf.constant(windows[start:start + self._batch_size])
            elbo += float(tf.reduce_sum(self._elbo(batch, next(seeds))))
            if self._num_samples:
                iw_log_prob += float(tf.reduce_sum(
                    self._iw_log_prob(batch, next(seeds))))
            if bar is not None:
                done = start + len(batch)
                bar.update(done, force=done == len(windows))
        return Scores(elbo, iw_log_prob, int(windows.size), self._num_samples)

    def _elbo_fn(self, observed: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """The ELBO of each window: `[B, T]` -> `[B]`."""
        contexts = model.contexts(self._vae, observed)
        latents, divergences = self._vae.infer_latents(contexts, observed, seed)
        log_probs = self._vae.log_prob_observed(contexts, latents, observed)
        return tf.reduce_sum(log_probs - divergences, axis=1)

    def _iw_log_prob_fn(self, observed: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """The K-sample bound of each window: `[B, T]` -> `[B]`."""
        contexts = model.contexts(self._vae, observed)
        return self._vae.iw_log_prob(
            contexts, observed, self._num_samples, seed)
