"""The MIDI training directory (`--log_dir`): configuration and checkpoints.

A training directory holds `hparams.json`, the checkpoints written by
`tf.train.CheckpointManager` and TensorBoard event files: the text
example's layout (see `vaeseq.examples.text.rundir`, whose checkpoint
functions this module uses) without the vocabulary.
"""

import os

import tensorflow as tf

from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model
from vaeseq.examples.text import corpus
from vaeseq.examples.text import rundir as text_rundir
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase


def load_hparams(log_dir: str, flag_value: str | None) -> HParams | None:
    """The saved hyperparameters overridden by `flag_value`, or None if none.

    Raises:
        text_rundir.LogDirError: `hparams.json` is unreadable or invalid.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    path = os.path.join(log_dir, text_rundir.HPARAMS_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            saved = f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise text_rundir.LogDirError(f"Cannot read {path}: {err}") from None
    try:
        saved_hparams = hparams_mod.from_json(saved)
    except ValueError as err:
        raise text_rundir.LogDirError(f"Invalid {path}: {err}") from None
    return hparams_mod.override(saved_hparams, flag_value)


def save_config(log_dir: str, hparams: HParams) -> None:
    """Writes `hparams.json` atomically unless it holds `hparams` already."""
    os.makedirs(log_dir, exist_ok=True)
    if load_hparams(log_dir, None) != hparams:
        corpus.write_atomically(os.path.join(log_dir, text_rundir.HPARAMS_FILE),
                                hparams.to_json().encode("utf-8"))


def load_trained(log_dir: str,
                 flag_value: str | None) -> tuple[HParams, VAEBase]:
    """The hyperparameters and restored model of a training run.

    Args:
        log_dir: the training directory.
        flag_value: hyperparameter overrides; the architecture cannot change.

    Raises:
        text_rundir.LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: bad `flag_value`.
    """
    path = text_rundir.latest_checkpoint(log_dir)
    if path is None:
        raise text_rundir.LogDirError(f"No checkpoint in log directory {log_dir}.")
    hparams = load_hparams(log_dir, flag_value)
    if hparams is None:
        raise text_rundir.LogDirError(
            f"Log directory {log_dir} lacks {text_rundir.HPARAMS_FILE}.")
    vae = model.make_model(hparams)
    model.build(vae)
    text_rundir.restore(tf.train.Checkpoint(model=vae), path)
    return hparams, vae
