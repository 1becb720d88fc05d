"""Saving a training run's checkpoint so that saved work stays usable.

`save` refuses a checkpoint holding a non-finite value (a NaN written
once would be restored by every later resume, generate and evaluate), and
on a full disk makes room by deleting the oldest checkpoint the manager
keeps, then tries once more: the newer ones, and the run's progress, stay.
`remove_partial_saves` deletes what saves interrupted by `kill -9` left.
"""

import errno
import os
import shutil

import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq.examples.common import rundir


def check_finite(checkpoint: tf.train.Checkpoint, step: int) -> None:
    """Raises unless every floating-point variable in `checkpoint` is finite.

    Raises:
        vaeseq.train.NonFiniteError: naming (up to three of) the variables
            with a NaN or infinity, and `step`.
    """
    bad = [variable.name for variable in _float_variables(checkpoint)
           if not bool(tf.reduce_all(tf.math.is_finite(variable)))]
    if bad:
        names = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise train_mod.NonFiniteError(
            f"non-finite values in {names} at step {step}; not saved.")


def save(manager: tf.train.CheckpointManager, checkpoint: tf.train.Checkpoint,
         step: int) -> str:
    """Saves `checkpoint` (`manager`'s) as `ckpt-<step>`; returns its path.

    Raises:
        vaeseq.train.NonFiniteError: a variable is not finite; nothing is
            written.
        tf.errors.ResourceExhaustedError, OSError: the disk is full even
            after deleting the oldest checkpoint (or there was none to
            delete); the partial save is removed.
    """
    check_finite(checkpoint, step)
    try:
        return manager.save(checkpoint_number=step)
    except (tf.errors.ResourceExhaustedError, OSError) as err:
        remove_partial_saves(manager.directory)
        if not _disk_full(err) or len(manager.checkpoints) < 2:
            raise
    # The manager would delete its oldest checkpoint after this save anyway.
    for path in tf.io.gfile.glob(manager.checkpoints[0] + ".*"):
        tf.io.gfile.remove(path)
    try:
        return manager.save(checkpoint_number=step)
    except (tf.errors.ResourceExhaustedError, OSError):
        remove_partial_saves(manager.directory)
        raise


def remove_partial_saves(log_dir: str) -> list[str]:
    """Deletes the `ckpt-*_temp` folders of unfinished saves in `log_dir`.

    Only the process that holds `log_dir` (see `dirlock`) may call this:
    another run's save in progress would look the same.

    Returns:
        The folders deleted.
    """
    if not os.path.isdir(log_dir):
        return []
    removed = []
    for name in sorted(os.listdir(log_dir)):
        path = os.path.join(log_dir, name)
        if (name.startswith(rundir.CHECKPOINT_PREFIX + "-") and name.endswith("_temp")
                and os.path.isdir(path)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _float_variables(checkpoint: tf.train.Checkpoint) -> list[tf.Variable]:
    """The floating-point variables `checkpoint` saves, each once."""
    found = {}
    for obj in tf.train.TrackableView(checkpoint).descendants():
        if isinstance(obj, tf.Variable) and obj.dtype.is_floating:
            found[id(obj)] = obj
    return list(found.values())


def _disk_full(err: Exception) -> bool:
    if isinstance(err, OSError):
        return err.errno == errno.ENOSPC
    return "No space left on device" in str(err)
