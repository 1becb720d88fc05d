"""The MIDI training directory (`--log_dir`): the common layout, no extras.

A training directory holds what `vaeseq.examples.common.rundir` describes:
`hparams.json`, checkpoints and TensorBoard event files.
"""

import tensorflow as tf

from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase


def load_trained(log_dir: str,
                 flag_value: str | None) -> tuple[HParams, VAEBase]:
    """The hyperparameters and restored model of a training run.

    Args:
        log_dir: the training directory.
        flag_value: hyperparameter overrides; the architecture cannot change.

    Raises:
        LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: bad `flag_value`.
    """
    hparams, path = common_rundir.trained(log_dir, hparams_mod.SPEC, flag_value)
    vae = model.make_model(hparams)
    common_rundir.restore(tf.train.Checkpoint(model=vae), path)
    return hparams, vae
