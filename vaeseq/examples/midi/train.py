"""Trains the MIDI model: `train(...)`.

Everything is checked and loaded first (`prepare`: hyperparameters, the
data source, a corrupt or mismatched log directory), so that bad input is
reported before anything is written into the log directory; training then
resumes from the latest checkpoint and runs the shared loop
(`vaeseq.examples.common.training`) until the global step reaches
`Schedule.iters`, saving every `save_every` steps, at the end, and when
interrupted by SIGINT or SIGTERM. Every `valid_every` steps it writes
sampled pieces to TensorBoard as piano-roll images and audio.
"""

import dataclasses
from typing import Mapping, TextIO

import tensorflow as tf

from vaeseq import distribute
from vaeseq import train as train_mod
from vaeseq.examples.common import elbo_hooks
from vaeseq.examples.common import rundir
from vaeseq.examples.common import sampler
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training
from vaeseq.examples.midi import data
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model
from vaeseq.examples.midi import render
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase

SUMMARY_SAMPLES = 3
SUMMARY_SAMPLE_STEPS = 128

# The shared loop's types, here too so that callers need one import.
Schedule = training.Schedule
TrainResult = training.TrainResult


def train(
    log_dir: str,
    source: str,
    schedule: Schedule,
    *,
    split: str = "train",
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
    strategy: tf.distribute.Strategy | None = None,
) -> TrainResult:
    """Trains (or resumes training) until the global step reaches the end.

    Args:
        log_dir: the training directory (see `vaeseq.examples.common.rundir`);
            created if missing.
        source: the data source (see `data.load_split`).
        schedule: the number of steps and when to log, sample and save.
        split: the split to train on; MIDI sources have none.
        hparams: overrides in `HParams.parse` syntax; on resume they apply
            on top of the saved values and cannot change the architecture.
        seed: makes initialisation, data order and sampling repeatable.
        progress_stream: where the progress bar goes; stderr by default.
        strategy: the `tf.distribute` strategy to train under (see
            docs/distributed.md); one device if None.

    Returns:
        The step reached and what, if anything, stopped training early.

    Raises:
        InputError: bad arguments, an unusable data source, or a corrupt or
            mismatched log directory; the log directory is left untouched.
        vaeseq.train.NonFiniteError: a step met a non-finite loss; the last
            good state is saved first.
    """
    with training.preparing(schedule, strategy) as strategy:
        prepared = prepare(log_dir, source, split, hparams, seed)
    if distribute.is_chief(strategy):  # The other workers write nothing there.
        rundir.save_hparams(log_dir, hparams_mod.SPEC, prepared.hparams)
    return training.run_on_dataset(
        log_dir, prepared.checkpoint, prepared.ops, prepared.batches, schedule,
        _Hooks(prepared, seed), progress_stream, strategy)


@dataclasses.dataclass
class Prepared:
    """A checked training run, restored from its latest checkpoint if any.

    Attributes:
        hparams: the run's hyperparameters.
        batches: endless training batches of `(rolls, mask)`: float32
            `[B, T, 88]` windows and their `[B, T]` masks, 0 on the
            padding of pieces shorter than T (see `data.make_dataset`).
        vae: the model.
        ops: its training step.
        checkpoint: the model and the training step's state.
    """

    hparams: HParams
    batches: tf.data.Dataset
    vae: VAEBase
    ops: train_mod.TrainOps
    checkpoint: tf.train.Checkpoint


def prepare(log_dir: str, source: str, split: str, flag_value: str | None,
            seed: int | None) -> Prepared:
    """Checks and loads everything a run needs; writes nothing.

    Args:
        log_dir: the training directory, which may not exist yet.
        source: the data source (see `data.load_split`).
        split: the split to train on.
        flag_value: hyperparameter overrides in `HParams.parse` syntax; on
            resume they apply on top of the saved ones.
        seed: seeds initialisation and the order of the batches.

    Raises:
        ValueError: bad hyperparameters; as `LogDirError`, a
            corrupt or mismatched log directory; as `InputError`, an
            unusable data source.
    """
    hparams, checkpoint_path = rundir.resume(
        log_dir, hparams_mod.SPEC, flag_value)
    sequences = data.load_split(source, split, hparams.rate)
    if seed is not None:
        tf.random.set_seed(seed)
    vae = model.make_model(hparams)
    ops = train_mod.TrainOps(hparams, vae)
    checkpoint = tf.train.Checkpoint(model=vae, train_ops=ops)
    if checkpoint_path is not None:
        rundir.restore(checkpoint, checkpoint_path)
    # A fresh order per resumed run; repeatable given the seed and step.
    step = int(ops.global_step.numpy())
    batches = data.make_dataset(
        sequences, hparams.batch_size, hparams.sequence_size,
        seed=None if seed is None else seed + step)
    return Prepared(hparams, batches, vae, ops, checkpoint)


class _Hooks(elbo_hooks.ElboHooks):
    """Nats per time step, and sampled pieces as images and audio."""

    def __init__(self, prepared: Prepared, seed: int | None):
        super().__init__(prepared.hparams.sequence_size)
        self._rate = prepared.hparams.rate
        self._seed = seed
        self._sampler = sampler.Sampler(prepared.vae)

    def periodic(self, step: int) -> Mapping[str, float]:
        """Writes sampled pieces as piano-roll images and audio."""
        seed = None if self._seed is None else self._seed + step
        rolls = self._sampler.sample(
            SUMMARY_SAMPLES, SUMMARY_SAMPLE_STEPS, SUMMARY_SAMPLES, seed)
        pictures = [render.picture(roll, self._rate) for roll in rolls]
        width, height = pictures[0].image.size
        summaries.images("samples/piano_roll",
                         [picture.png() for picture in pictures],
                         width=width, height=height)
        summaries.audio(
            "samples/audio",
            [render.wav_bytes(render.waveform(roll, self._rate))
             for roll in rolls],
            [f"{SUMMARY_SAMPLE_STEPS} steps at {self._rate:g} steps/s"]
            * len(rolls))
        return {}
