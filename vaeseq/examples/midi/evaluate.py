"""Scores a data split under a trained model: `evaluate(...)`.

Every piece is scored whole, from the model's initial state: the ELBO and
the importance-weighted bound per time step. Pieces have different lengths.
`VAEBase.iw_log_prob` sums its log weights over every step of a batch,
padding included, and SRNN's posterior runs backwards from the last step,
so padding would change the scores of real steps too. Pieces are therefore
scored in batches of equal length (grouped by length, then batched by
`data.eval_batches`), where the mask is all ones and every bound is that of
the unpadded pieces.

Memory: a batch holds at most `limits.MAX_PIECE_STEPS` steps (fewer pieces
than `batch_size` when they are long; one piece at least), and no piece is
longer, since `data.load_sequences` refuses longer ones. Pieces are scored
whole rather than in chunks with carried state: the importance-weighted
bound of a piece is not a sum of per-chunk bounds, and SRNN's backward
posterior would only see each chunk's future, so chunked scores would be
different (still valid, but looser) bounds from those reported.
"""

import collections
from typing import Any, Iterator, Sequence, TextIO

import numpy as np
import tensorflow as tf

from vaeseq.examples.common import errors
from vaeseq.examples.common import progress
from vaeseq.examples.common import scoring
from vaeseq.examples.midi import data
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import model
from vaeseq.examples.midi import pianoroll
from vaeseq.vae import VAEBase


def evaluate(
    log_dir: str,
    source: str,
    *,
    split: str = "test",
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
) -> dict[str, dict[str, Any]]:
    """Scores every piece of a split, whole, with the latest checkpoint.

    Args:
        log_dir: a training directory (see `model.load_trained`).
        source: the data source (see `data.load_split`).
        split: the split to score; MIDI sources have none.
        hparams: overrides in `HParams.parse` syntax: `batch_size` (pieces
            per batch), `log_prob_samples` (K) and `rate` (for MIDI sources)
            shape the evaluation; the architecture cannot change.
        seed: makes the posterior draws repeatable.
        progress_stream: where the progress bar goes; stderr by default.

    Returns:
        `{key: scores}`, keyed by `data.score_key(source, split)`
        (`"path:split"`; the path alone for MIDI files, which have no
        splits), the scores in the text example's schema: `elbo_per_step`
        and `iw_log_prob_per_step` (the importance-weighted bound with K
        samples), both in nats per time step (each step's log-likelihood
        summed over the 88 keys); `bits_per_step` (from the
        importance-weighted bound); `num_steps` (time steps scored) and
        `num_samples` (K).

    Raises:
        InputError: bad arguments, an unusable data source or a missing,
            corrupt or mismatched training directory.
    """
    with errors.bad_input():
        model_hparams, vae = model.load_trained(log_dir, hparams)
        if model_hparams.log_prob_samples < 1:
            raise errors.InputError(
                "log_prob_samples must be >= 1, got "
                f"{model_hparams.log_prob_samples}.")
        sequences = data.load_split(source, split, model_hparams.rate)
        scorer = Scorer(vae, model_hparams.batch_size,
                        model_hparams.log_prob_samples)
    bar = progress.ProgressBar(len(sequences), stream=progress_stream,
                               unit="pieces")
    try:
        scores = scorer.score(sequences, seed, bar)
    finally:
        bar.close()
    return {data.score_key(source, split): scores.as_dict()}


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
        `data.eval_batches` pairs: rolls `[B, T, 88]` and their mask
        `[B, T]`, all ones since the pieces of a batch have one length.
    """
    by_length = collections.defaultdict(list)
    for roll in sequences:
        by_length[len(roll)].append(roll)
    for length in sorted(by_length):
        pieces = max(1, min(batch_size, limits.MAX_PIECE_STEPS // length))
        yield from data.eval_batches(by_length[length], pieces)


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
