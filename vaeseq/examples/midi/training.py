"""Trains the MIDI model: `train(...)`.

The run is the text example's (see `vaeseq.examples.text.training`):
everything is checked before anything is written into the log directory;
training resumes from the latest checkpoint and runs until the global step
reaches `Schedule.iters`, saving every `save_every` steps, at the end, and
when interrupted by SIGINT or SIGTERM. Every `valid_every` steps it writes
sampled pieces to TensorBoard as piano-roll images and audio.
"""

from typing import TextIO

import tensorflow as tf

from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import prepare
from vaeseq.examples.midi import render
from vaeseq.examples.midi import rundir
from vaeseq.examples.midi import sampling
from vaeseq.examples.midi import summaries
from vaeseq.examples.text import errors
from vaeseq.examples.text import rundir as text_rundir
from vaeseq.examples.text import signals
from vaeseq.examples.text import summaries as text_summaries
from vaeseq.examples.text import training as text_training

SUMMARY_SAMPLES = 3
SUMMARY_SAMPLE_STEPS = 128
_LOGGED = ("log_prob", "divergence", "elbo", "divergence_strength",
           "grad_norm")
# Weight of the past in the running training nats per step that is shown.
_SMOOTHING = 0.9


def train(
    log_dir: str,
    source: str,
    schedule: text_training.Schedule,
    *,
    split: str = "train",
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
) -> text_training.TrainResult:
    """Trains (or resumes training) until the global step reaches the end.

    Args:
        log_dir: the training directory (see `rundir`); created if missing.
        source: the data source (see `sources.load_split`).
        schedule: the number of steps and when to log, sample and save.
        split: the split to train on; MIDI sources have none.
        hparams: overrides in `HParams.parse` syntax; on resume they apply
            on top of the saved values and cannot change the architecture.
        seed: makes initialisation, data order and sampling repeatable.
        progress_stream: where the progress bar goes; stderr by default.

    Returns:
        The step reached and what, if anything, stopped training early.

    Raises:
        InputError: bad arguments, an unusable data source, or a corrupt or
            mismatched log directory; the log directory is left untouched.
        vaeseq.train.NonFiniteError: a step met a non-finite loss; the last
            good state is saved first.
    """
    schedule.check()
    with errors.bad_input():
        prepared = prepare.prepare(log_dir, source, split, hparams, seed)
    rundir.save_config(log_dir, prepared.hparams)
    manager = tf.train.CheckpointManager(
        prepared.checkpoint, log_dir,
        max_to_keep=text_training.MAX_CHECKPOINTS,
        checkpoint_name=text_rundir.CHECKPOINT_PREFIX)
    writer = tf.summary.create_file_writer(log_dir)
    trainer = _Trainer(prepared, manager, schedule, seed)
    try:
        with signals.StopRequests() as stop, writer.as_default(
                step=prepared.ops.global_step):
            step = trainer.run(stop, progress_stream)
    finally:
        writer.close()
    if stop.requested:
        return text_training.TrainResult(step, stop.signal_name)
    if step < schedule.iters:
        return text_training.TrainResult(step, "time limit")
    return text_training.TrainResult(step, None)


# pylint: disable-next=protected-access
class _Trainer(text_training._Trainer):
    """The text example's training loop with the MIDI example's summaries.

    `run` (steps, checkpoints, stop requests, the progress bar) is the text
    example's; `_after_step` logs nats per time step and sample pieces.
    """

    # The base constructor builds the text example's sampler and scorer;
    # `run` needs only the attributes set here.
    def __init__(  # pylint: disable=super-init-not-called
            self, prepared: prepare.Prepared,
            manager: tf.train.CheckpointManager,
            schedule: text_training.Schedule, seed: int | None):
        self._prepared = prepared
        self._manager = manager
        self._schedule = schedule
        self._seed = seed
        self._sampler = sampling.make_sampler(prepared.vae)
        self._sums = dict.fromkeys(_LOGGED, 0.0)
        self._count = 0
        self._train_nats = None

    def _after_step(self, step: int, results: dict) -> dict[str, float]:
        """Logs and samples when due; returns metrics to show."""
        sequence_size = self._prepared.hparams.sequence_size
        for name in _LOGGED:
            self._sums[name] += float(results[name])
        self._count += 1
        end = step == self._schedule.iters
        if step % self._schedule.log_every == 0 or end:
            for name, total in self._sums.items():
                text_summaries.scalar(name, total / self._count)
            text_summaries.scalar(
                "train/nats_per_step",
                -self._sums["elbo"] / self._count / sequence_size)
            self._sums, self._count = dict.fromkeys(_LOGGED, 0.0), 0
        nats = -float(results["elbo"]) / sequence_size
        if self._train_nats is not None:
            nats = _SMOOTHING * self._train_nats + (1 - _SMOOTHING) * nats
        self._train_nats = nats
        if step % self._schedule.valid_every == 0 or end:
            self._write_samples(step)
        return {"train_nats": nats}

    def _write_samples(self, step: int) -> None:
        """Writes sampled pieces as piano-roll images and audio."""
        seed = None if self._seed is None else self._seed + step
        rolls = self._sampler.sample(
            SUMMARY_SAMPLES, SUMMARY_SAMPLE_STEPS, SUMMARY_SAMPLES, seed)
        rate = self._prepared.hparams.rate
        summaries.images(
            "samples/piano_roll", [render.png_bytes(roll) for roll in rolls],
            width=SUMMARY_SAMPLE_STEPS, height=pianoroll.NUM_KEYS)
        summaries.audio(
            "samples/audio",
            [render.wav_bytes(render.waveform(roll, rate)) for roll in rolls],
            [f"{SUMMARY_SAMPLE_STEPS} steps at {rate:g} steps/s"] * len(rolls))
