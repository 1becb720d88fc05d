"""Scores whole pieces: ELBO and importance-weighted bound per time step.

Pieces have different lengths. `VAEBase.iw_log_prob` sums its log weights
over every step of a batch, padding included, and SRNN's posterior runs
backwards from the last step, so padding would change the scores of real
steps too. Pieces are therefore scored in batches of equal length (grouped
by length, then batched by `dataset.eval_batches`), where the mask is all
ones and every bound is that of the unpadded pieces. Each piece is scored
from the model's initial state.

Memory: a batch holds at most `limits.MAX_PIECE_STEPS` steps (fewer pieces
than `batch_size` when they are long; one piece at least), and no piece is
longer, since `dataset.load_sequences` refuses longer ones. Pieces are
scored whole rather than in chunks with carried state: the importance-
weighted bound of a piece is not a sum of per-chunk bounds, and SRNN's
backward posterior would only see each chunk's future, so chunked scores
would be different (still valid, but looser) bounds from those reported.
"""

import collections
from typing import Iterator, Sequence

import numpy as np
import tensorflow as tf

from vaeseq.examples.common import progress
from vaeseq.examples.common import scoring
from vaeseq.examples.midi import dataset
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import pianoroll
from vaeseq.vae import VAEBase


def equal_length_batches(
    sequences: Sequence[np.ndarray], batch_size: int,
) -> Iterator[tuple[tf.Tensor, tf.Tensor]]:
    """Batches of pieces of one length each, shortest pieces first.

    A batch of pieces of T steps holds at most `batch_size` pieces and, if
    more than one, at most `limits.MAX_PIECE_STEPS` steps in all.

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
        pieces = max(1, min(batch_size, limits.MAX_PIECE_STEPS // length))
        yield from dataset.eval_batches(by_length[length], pieces)


class Scorer:
    """Scores whole pieces in `tf.function`s, one batch of pieces at a time.

    Both functions take any batch size and length, so they are traced once.

    Args:
        vae: the MIDI model.
        batch_size: pieces scored per call at most.
        num_samples: K of the importance-weighted bound; 0 to skip it.

    Raises:
        ValueError: `batch_size` < 1 or `num_samples` < 0.
    """

    def __init__(self, vae: VAEBase, batch_size: int, num_samples: int = 0):
        self._scorer = scoring.Scorer(
            vae, tf.TensorSpec([None, None, pianoroll.NUM_KEYS], tf.float32),
            batch_size, num_samples)

    def score(self, sequences: Sequence[np.ndarray], seed: int | None = None,
              bar: progress.ProgressBar | None = None) -> scoring.Scores:
        """Scores whole pieces `[T_i, 88]`; the sums are over all their steps.

        Args:
            sequences: the pieces.
            seed: makes the posterior draws repeatable.
            bar: if given, updated with the number of pieces scored.
        """
        batches = (rolls for rolls, _ in equal_length_batches(
            sequences, self._scorer.batch_size))
        return self._scorer.score(batches, seed, bar)
