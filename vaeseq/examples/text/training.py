"""Trains the text model: `train(...)`.

Everything is checked before anything is written into the log directory:
hyperparameters, corpora, the saved configuration and the latest
checkpoint. Training then resumes from that checkpoint and runs until the
global step reaches `iters` (see `Schedule`), saving every `save_every`
steps, at the end, and when interrupted by SIGINT or SIGTERM.
"""

import dataclasses
import math
import time
from typing import NamedTuple, TextIO

import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq.examples.text import errors
from vaeseq.examples.text import prepare
from vaeseq.examples.text import progress
from vaeseq.examples.text import rundir
from vaeseq.examples.text import sampling
from vaeseq.examples.text import scoring
from vaeseq.examples.text import signals
from vaeseq.examples.text import summaries

SUMMARY_SAMPLES = 3
SUMMARY_SAMPLE_LENGTH = 200
MAX_CHECKPOINTS = 3
_LOGGED = ("log_prob", "divergence", "elbo", "divergence_strength",
           "grad_norm")
# Weight of the past in the running training bits/char that is shown.
_SMOOTHING = 0.9


class TrainResult(NamedTuple):
    """How a call to `train` ended.

    Attributes:
        step: the global step reached (and saved).
        stopped_by: what stopped training before `iters`: a signal's name
            (`"SIGINT"`, `"SIGTERM"`) or `"time limit"`; None if it did not.
    """

    step: int
    stopped_by: str | None


@dataclasses.dataclass(frozen=True)
class Schedule:
    """When a run stops, logs, validates and saves.

    Attributes:
        iters: the global step to reach, counting earlier runs.
        log_every: steps between scalar summaries (means over the steps).
        valid_every: steps between validations and sample summaries.
        save_every: steps between checkpoints.
        max_seconds: if set, stop (and save) after training this long.
    """

    iters: int
    log_every: int = 100
    valid_every: int = 1000
    save_every: int = 1000
    max_seconds: float | None = None

    def check(self) -> None:
        """Raises InputError unless every value is usable."""
        if self.iters < 0:
            raise errors.InputError(f"iters must be >= 0, got {self.iters}.")
        for name in ("log_every", "valid_every", "save_every"):
            if getattr(self, name) < 1:
                raise errors.InputError(
                    f"{name} must be >= 1, got {getattr(self, name)}.")


def train(
    log_dir: str,
    train_corpus: str,
    schedule: Schedule,
    *,
    valid_corpus: str | None = None,
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
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

    Returns:
        The step reached and what, if anything, stopped training early.

    Raises:
        InputError: bad arguments, or a corrupt or mismatched log
            directory (`rundir.LogDirError`); the log directory is left
            untouched.
        CorpusError: an unusable corpus; the log directory is left
            untouched.
        vaeseq.train.NonFiniteError: a step met a non-finite loss; the last
            good state is saved first.
    """
    schedule.check()
    with errors.bad_input():
        prepared = prepare.prepare(
            log_dir, train_corpus, valid_corpus, hparams, seed)
    rundir.save_config(log_dir, prepared.hparams, prepared.vocabulary)
    manager = tf.train.CheckpointManager(
        prepared.checkpoint, log_dir, max_to_keep=MAX_CHECKPOINTS,
        checkpoint_name=rundir.CHECKPOINT_PREFIX)
    writer = tf.summary.create_file_writer(log_dir)
    trainer = _Trainer(prepared, manager, schedule, seed)
    try:
        with signals.StopRequests() as stop, writer.as_default(
                step=prepared.ops.global_step):
            step = trainer.run(stop, progress_stream)
    finally:
        writer.close()
    if stop.requested:
        return TrainResult(step, stop.signal_name)
    if step < schedule.iters:
        return TrainResult(step, "time limit")
    return TrainResult(step, None)


class _Trainer:
    """Runs the steps of a checked run, with summaries and checkpoints."""

    def __init__(self, prepared: prepare.Prepared,
                 manager: tf.train.CheckpointManager, schedule: Schedule,
                 seed: int | None):
        self._prepared = prepared
        self._manager = manager
        self._schedule = schedule
        self._seed = seed
        self._sampler = sampling.Sampler(prepared.vae, prepared.vocabulary)
        self._scorer = None
        if prepared.valid_windows is not None:
            self._scorer = scoring.Scorer(
                prepared.vae, prepared.hparams.sequence_size,
                prepared.hparams.batch_size)
        self._sums = dict.fromkeys(_LOGGED, 0.0)
        self._count = 0
        self._train_bits = None

    def run(self, stop: signals.StopRequests,
            progress_stream: TextIO | None) -> int:
        """Trains until the end, a stop request or the time limit.

        Returns:
            The global step reached, which is saved.
        """
        schedule, ops = self._schedule, self._prepared.ops
        deadline = None
        if schedule.max_seconds is not None:
            deadline = time.monotonic() + schedule.max_seconds
        step = int(ops.global_step.numpy())
        saved_step = step if self._manager.latest_checkpoint else None
        batches = iter(self._prepared.batches)
        bar = progress.ProgressBar(schedule.iters, step, progress_stream,
                                   deadline=deadline)
        shown = {}
        try:
            while (step < schedule.iters and not stop.requested
                   and (deadline is None or time.monotonic() < deadline)):
                try:
                    results = ops(None, next(batches))
                except train_mod.NonFiniteError:
                    if saved_step != step:
                        self._manager.save(checkpoint_number=step)
                    raise
                step = int(ops.global_step.numpy())
                shown.update(self._after_step(step, results))
                if step % schedule.save_every == 0:
                    self._manager.save(checkpoint_number=step)
                    saved_step = step
                bar.update(step, shown, force=step == schedule.iters)
        finally:
            bar.close()
        if saved_step != step:
            self._manager.save(checkpoint_number=step)
        return step

    def _after_step(self, step: int, results: dict) -> dict[str, float]:
        """Logs and validates when due; returns metrics to show."""
        sequence_size = self._prepared.hparams.sequence_size
        for name in _LOGGED:
            self._sums[name] += float(results[name])
        self._count += 1
        end = step == self._schedule.iters
        if step % self._schedule.log_every == 0 or end:
            means = {name: total / self._count
                     for name, total in self._sums.items()}
            for name, value in means.items():
                summaries.scalar(name, value)
            nats = -means["elbo"] / sequence_size
            summaries.scalar("train/nats_per_char", nats)
            summaries.scalar("train/bits_per_char", nats / math.log(2))
            self._sums, self._count = dict.fromkeys(_LOGGED, 0.0), 0
        bits = -float(results["elbo"]) / sequence_size / math.log(2)
        if self._train_bits is not None:
            bits = _SMOOTHING * self._train_bits + (1 - _SMOOTHING) * bits
        self._train_bits = bits
        shown = {"train_bits": bits}
        if step % self._schedule.valid_every == 0 or end:
            valid_bits = self._validate()
            if valid_bits is not None:
                shown["valid_bits"] = valid_bits
        return shown

    def _validate(self) -> float | None:
        """Writes sample and validation summaries; returns valid bits/char."""
        step = int(self._prepared.ops.global_step.numpy())
        seed = None if self._seed is None else self._seed + step
        samples = self._sampler.sample(
            SUMMARY_SAMPLES, SUMMARY_SAMPLE_LENGTH, SUMMARY_SAMPLES, seed)
        summaries.text("samples", [f"```\n{text}\n```" for text in samples])
        if self._scorer is None:
            return None
        scores = self._scorer.score(self._prepared.valid_windows, seed)
        summaries.scalar("valid/nats_per_char", -scores.elbo_per_step)
        summaries.scalar("valid/bits_per_char", scores.bits_per_step)
        return scores.bits_per_step
