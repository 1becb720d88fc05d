"""Trains the text model: `train(...)`.

Everything is checked before anything is written into the log directory:
hyperparameters, corpora, the saved configuration and the latest
checkpoint. Training then resumes from that checkpoint and runs the shared
loop (`vaeseq.examples.common.training`) until the global step reaches
`iters`, saving every `save_every` steps, at the end, and when interrupted
by SIGINT or SIGTERM. Every `valid_every` steps it writes sample text and,
given a validation corpus, its bits per character to TensorBoard.
"""

from typing import Mapping, TextIO

import tensorflow as tf

from vaeseq import distribute
from vaeseq.examples.common import elbo_hooks
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training
from vaeseq.examples.text import prepare
from vaeseq.examples.text import rundir
from vaeseq.examples.text import sampling
from vaeseq.examples.text import scoring

SUMMARY_SAMPLES = 3
SUMMARY_SAMPLE_LENGTH = 200

# The shared loop's types, here too so that callers need one import.
Schedule = training.Schedule
TrainResult = training.TrainResult


def train(
    log_dir: str,
    train_corpus: str,
    schedule: Schedule,
    *,
    valid_corpus: str | None = None,
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
    strategy: tf.distribute.Strategy | None = None,
) -> TrainResult:
    """Trains (or resumes training) until the global step reaches the end.

    Args:
        log_dir: the training directory (see `rundir`); created if missing.
        train_corpus: corpus name or path; on resume, its vocabulary must
            match the saved one.
        schedule: the number of steps and when to log, validate and save.
        valid_corpus: optional corpus name or path scored (one-sample ELBO)
            every `schedule.valid_every` steps and at the end.
        hparams: overrides in `HParams.parse` syntax; on resume they apply
            on top of the saved values and cannot change the architecture.
        seed: makes initialisation, data order and sampling repeatable.
        progress_stream: where the progress bar goes; stderr by default.
        strategy: the `tf.distribute` strategy to train under (see
            docs/distributed.md); one device if None.

    Returns:
        The step reached and what, if anything, stopped training early.

    Raises:
        InputError: bad arguments, or a corrupt or mismatched log
            directory (`LogDirError`); the log directory is left untouched.
        CorpusError: an unusable corpus; the log directory is left
            untouched.
        vaeseq.train.NonFiniteError: a step met a non-finite loss; the last
            good state is saved first.
    """
    with training.preparing(schedule, strategy) as strategy:
        prepared = prepare.prepare(log_dir, train_corpus, valid_corpus, hparams, seed)
    if distribute.is_chief(strategy):  # The other workers write nothing there.
        rundir.save_config(log_dir, prepared.hparams, prepared.vocabulary)
    return training.run_on_dataset(
        log_dir, prepared.checkpoint, prepared.ops, prepared.batches, schedule,
        _Hooks(prepared, seed), progress_stream, strategy)


class _Hooks(elbo_hooks.ElboHooks):
    """Bits per character, sample text and validation scores."""

    def __init__(self, prepared: prepare.Prepared, seed: int | None):
        super().__init__(prepared.hparams.sequence_size, unit="char",
                         in_bits=True)
        self._prepared = prepared
        self._seed = seed
        self._sampler = sampling.Sampler(prepared.vae, prepared.vocabulary)
        self._scorer = None
        if prepared.valid_windows is not None:
            self._scorer = scoring.Scorer(
                prepared.vae, prepared.hparams.sequence_size,
                prepared.hparams.batch_size)

    def periodic(self, step: int) -> Mapping[str, float]:
        """Writes sample and validation summaries; shows valid bits/char."""
        seed = None if self._seed is None else self._seed + step
        samples = self._sampler.sample(
            SUMMARY_SAMPLES, SUMMARY_SAMPLE_LENGTH, SUMMARY_SAMPLES, seed)
        summaries.text("samples", [f"```\n{text}\n```" for text in samples])
        if self._scorer is None:
            return {}
        scores = self._scorer.score(self._prepared.valid_windows, seed)
        summaries.scalar("valid/nats_per_char", -scores.elbo_per_step)
        summaries.scalar("valid/bits_per_char", scores.bits_per_step)
        return {"valid_bits": scores.bits_per_step}
