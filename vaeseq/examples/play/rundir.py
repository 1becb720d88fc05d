"""The play example's training directory: `hparams.json` and checkpoints.

Checkpoints hold the model with its policy, both optimizers and the
iteration count; the replay of real episodes is not saved, so a resumed run
starts collecting afresh. Checkpoint handling is the text example's
(`vaeseq.examples.text.rundir`); only the hyperparameters differ.
"""

import os

import tensorflow as tf

from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import model
from vaeseq.examples.text import corpus
from vaeseq.examples.text import rundir as text_rundir
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase

HPARAMS_FILE = text_rundir.HPARAMS_FILE
CHECKPOINT_PREFIX = text_rundir.CHECKPOINT_PREFIX
LogDirError = text_rundir.LogDirError
latest_checkpoint = text_rundir.latest_checkpoint
restore = text_rundir.restore


def load_hparams(log_dir: str, flag_value: str | None) -> HParams | None:
    """The saved hyperparameters overridden by `flag_value`, or None if none.

    Raises:
        LogDirError: `hparams.json` is unreadable or invalid.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    path = os.path.join(log_dir, HPARAMS_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            saved = hparams_mod.from_json(f.read())
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise LogDirError(f"Invalid {path}: {err}") from None
    return hparams_mod.override(saved, flag_value)


def save_hparams(log_dir: str, hparams: HParams) -> None:
    """Writes `hparams.json` atomically unless it holds `hparams` already."""
    os.makedirs(log_dir, exist_ok=True)
    if load_hparams(log_dir, None) != hparams:
        corpus.write_atomically(os.path.join(log_dir, HPARAMS_FILE),
                                hparams.to_json().encode("utf-8"))


def resume(log_dir: str, flag_value: str | None) -> tuple[HParams, str | None]:
    """The hyperparameters and latest checkpoint (or None) a training run starts from.

    Raises:
        LogDirError: `log_dir` is not a directory, or a checkpoint without
            `hparams.json`, or a corrupt file.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    if os.path.exists(log_dir) and not os.path.isdir(log_dir):
        raise LogDirError(f"Log directory {log_dir} is not a directory.")
    path = latest_checkpoint(log_dir)
    hparams = load_hparams(log_dir, flag_value)
    if hparams is None:
        if path is not None:
            raise LogDirError(f"Log directory {log_dir} has a checkpoint but lacks "
                              f"{HPARAMS_FILE}.")
        hparams = hparams_mod.make_hparams(flag_value)
    return hparams, path


def load_trained(log_dir: str, flag_value: str | None) -> tuple[HParams, VAEBase]:
    """The hyperparameters and restored model (with its policy) of a training run.

    Raises:
        LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    path = latest_checkpoint(log_dir)
    if path is None:
        raise LogDirError(f"No checkpoint in log directory {log_dir}.")
    hparams = load_hparams(log_dir, flag_value)
    if hparams is None:
        raise LogDirError(f"Log directory {log_dir} lacks {HPARAMS_FILE}.")
    vae = model.make_model(hparams)
    model.build(vae)
    restore(tf.train.Checkpoint(model=vae), path)
    return hparams, vae
