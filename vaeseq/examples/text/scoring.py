"""Scores windows of character ids: ELBO and importance-weighted bound.

Both scores are lower bounds on log p(window) in nats, summed over the
windows scored, so dividing by the number of characters gives nats per
character. Each window is scored on its own, from the model's initial state
(see `vaeseq.examples.common.scoring`).
"""

import numpy as np
import tensorflow as tf

from vaeseq.examples.common import progress
from vaeseq.examples.common import scoring
from vaeseq.vae import VAEBase


class Scorer:
    """Scores windows in `tf.function`s, `batch_size` windows at a time.

    Args:
        vae: the text model.
        sequence_size: T, the length of every window.
        batch_size: windows scored per call.
        num_samples: K of the importance-weighted bound; 0 to skip it.

    Raises:
        ValueError: `batch_size` < 1 or `num_samples` < 0.
    """

    def __init__(self, vae: VAEBase, sequence_size: int, batch_size: int,
                 num_samples: int = 0):
        self._scorer = scoring.Scorer(
            vae, tf.TensorSpec([None, sequence_size], tf.int32), batch_size,
            num_samples)

    def score(self, windows: np.ndarray, seed: int | None = None,
              bar: progress.ProgressBar | None = None) -> scoring.Scores:
        """Scores windows of character ids `[N, T]`.

        Args:
            windows: the windows.
            seed: makes the posterior draws repeatable.
            bar: if given, updated with the number of windows scored.
        """
        size = self._scorer.batch_size
        batches = (windows[start:start + size]
                   for start in range(0, len(windows), size))
        return self._scorer.score(batches, seed, bar)
