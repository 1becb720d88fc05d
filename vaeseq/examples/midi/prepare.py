"""Checks and loads everything a training run needs, writing nothing.

`train` calls `prepare` first, so that bad input (hyperparameters, the data
source, a corrupt or mismatched log directory) is reported before the log
directory is touched.
"""

import dataclasses

import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq.examples.common import rundir
from vaeseq.examples.midi import dataset
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model
from vaeseq.examples.midi import sources
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase


@dataclasses.dataclass
class Prepared:
    """A checked training run, restored from its latest checkpoint if any.

    Attributes:
        hparams: the run's hyperparameters.
        batches: endless training batches of `(rolls, mask)`: float32
            `[B, T, 88]` windows and their `[B, T]` masks, 0 on the
            padding of pieces shorter than T (see `dataset.make_dataset`).
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
        source: the data source (see `sources.load_split`).
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
    sequences = sources.load_split(source, split, hparams.rate)
    if seed is not None:
        tf.random.set_seed(seed)
    vae = model.make_model(hparams)
    ops = train_mod.TrainOps(hparams, vae)
    checkpoint = tf.train.Checkpoint(model=vae, train_ops=ops)
    if checkpoint_path is not None:
        rundir.restore(checkpoint, checkpoint_path)
    # A fresh order per resumed run; repeatable given the seed and step.
    step = int(ops.global_step.numpy())
    batches = dataset.make_dataset(
        sequences, hparams.batch_size, hparams.sequence_size,
        seed=None if seed is None else seed + step)
    return Prepared(hparams, batches, vae, ops, checkpoint)
