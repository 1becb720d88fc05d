"""Scores text under a trained model: `Scorer` and `evaluate(...)`.

`Scorer` scores windows of character ids: the ELBO and the
importance-weighted bound, both lower bounds on log p(window) in nats,
summed over the windows scored, so dividing by the number of characters
gives nats per character. Each window is scored on its own, from the
model's initial state (see `vaeseq.examples.common.scoring`). `evaluate`
scores whole corpora with a trained run.
"""

from typing import Any, NamedTuple, TextIO

import numpy as np
import tensorflow as tf

from vaeseq import vae as vae_mod
from vaeseq.examples.common import errors
from vaeseq.examples.common import progress
from vaeseq.examples.common import scoring
from vaeseq.examples.text import data
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab


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

    def __init__(self, vae: vae_mod.VAEBase, sequence_size: int,
                 batch_size: int, num_samples: int = 0):
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


class _EvalCorpus(NamedTuple):
    """The part of one corpus to score.

    Attributes:
        windows: int32 character ids `[N, T]`.
        corpus_chars: characters in the whole corpus.
        oov_chars: characters in `windows` outside the vocabulary.
    """

    windows: np.ndarray
    corpus_chars: int
    oov_chars: int


def evaluate(
    log_dir: str,
    eval_corpora: list[str],
    *,
    hparams: str | None = None,
    train_corpus: str | None = None,
    seed: int | None = None,
    max_chars: int | None = None,
    progress_stream: TextIO | None = None,
) -> dict[str, dict[str, Any]]:
    """Scores each corpus with the latest checkpoint in `log_dir`.

    Each corpus (its first `max_chars` characters, if given) is cut into
    consecutive windows of `sequence_size` characters (a remainder too short
    for a window is dropped), and each window is scored from the model's
    initial state.

    Args:
        log_dir: a training directory (see `model`).
        eval_corpora: corpus names or paths; all are read and checked before
            any is scored.
        hparams: overrides in `HParams.parse` syntax: `sequence_size`,
            `batch_size` and `log_prob_samples` (K) shape the evaluation;
            the architecture cannot change.
        train_corpus: optional; its vocabulary must match the saved one.
        seed: makes the posterior draws repeatable.
        max_chars: if given, score at most this many characters of each
            corpus, from its start; at least `sequence_size`.
        progress_stream: where a progress bar per corpus goes; stderr by
            default.

    Returns:
        For each corpus, as given: `elbo_per_step` and `iw_log_prob_per_step`
        (the importance-weighted bound with K samples), both in nats per
        character; `bits_per_step` (from the importance-weighted bound);
        `num_steps` (characters scored), `num_samples` (K), `corpus_chars`
        (characters in the whole corpus) and `oov_chars` (characters scored
        that are outside the vocabulary, each scored as its OOV bucket).

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`LogDirError`).
        CorpusError: an unusable corpus.
    """
    if not eval_corpora:
        raise errors.InputError("No corpus to evaluate: pass --eval_corpus.")
    with errors.bad_input():
        model_hparams, vocabulary, vae = model.load_trained(
            log_dir, hparams, train_corpus)
        if max_chars is not None and max_chars < model_hparams.sequence_size:
            raise errors.InputError(
                f"max_eval_chars ({max_chars}) is less than sequence_size "
                f"({model_hparams.sequence_size}): no window to score.")
        loaded = {name: _load(name, vocabulary, model_hparams.sequence_size,
                              max_chars)
                  for name in eval_corpora}
        if model_hparams.log_prob_samples < 1:
            raise errors.InputError(
                "log_prob_samples must be >= 1, got "
                f"{model_hparams.log_prob_samples}.")
        scorer = Scorer(
            vae, model_hparams.sequence_size, model_hparams.batch_size,
            model_hparams.log_prob_samples)
    results = {}
    for name, eval_corpus in loaded.items():
        bar = progress.ProgressBar(
            len(eval_corpus.windows), stream=progress_stream, unit="windows")
        try:
            scores = scorer.score(eval_corpus.windows, seed, bar)
        finally:
            bar.close()
        results[name] = dict(scores.as_dict(),
                             corpus_chars=eval_corpus.corpus_chars,
                             oov_chars=eval_corpus.oov_chars)
    return results


def _load(name: str, vocabulary: vocab.Vocabulary, sequence_size: int,
          max_chars: int | None) -> _EvalCorpus:
    """Reads a corpus and cuts its first `max_chars` characters into windows."""
    text = data.read_corpus(data.resolve_corpus(name))
    windows = data.eval_windows(
        vocabulary.encode(text[:max_chars]), sequence_size, name)
    return _EvalCorpus(windows, len(text), vocabulary.count_oov(windows))
