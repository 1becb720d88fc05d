"""A training directory (`--log_dir`): hyperparameters and checkpoints.

Every example's training directory holds `hparams.json` (the run's
hyperparameters), the checkpoints written by `tf.train.CheckpointManager`
(`ckpt-<step>.*` and the `checkpoint` state file) and TensorBoard event
files; an example may add files of its own (the text example's vocabulary).

Nothing here writes except `save_hparams` (atomically; it and
`load_hparams` come from the TensorFlow-free `runconfig`) and the manager
made by `checkpoint_manager`, so a run can check everything first and
leave a directory it rejects as it was. A training run holds the directory
alone (`dirlock`): `resume` claims it before reading it, `save_hparams`
creates it if need be. Typical use::

    hparams, path = rundir.resume(log_dir, SPEC, flag_value)  # training
    hparams, path = rundir.trained(log_dir, SPEC, flag_value)  # inference
    rundir.restore(tf.train.Checkpoint(model=vae), path)

Saved work stays usable: `save` refuses a checkpoint holding a non-finite
value (a NaN written once would be restored by every later resume,
generate and evaluate), and on a full disk makes room by deleting the
oldest checkpoint the manager keeps, then tries once more: the newer ones,
and the run's progress, stay. `remove_partial_saves` deletes what saves
interrupted by `kill -9` left.
"""

import errno
import logging
import os
import shutil
import sys

import tensorflow as tf

from vaeseq import distribute
from vaeseq import train as train_mod
from vaeseq.examples.common import dirlock
from vaeseq.examples.common import errors
from vaeseq.examples.common import hparams as hparams_mod
# The run's hyperparameters, read without TensorFlow (see `runconfig`).
from vaeseq.examples.common.runconfig import HPARAMS_FILE, LogDirError, load_hparams, save_hparams
from vaeseq.hparams import HParams

CHECKPOINT_PREFIX = "ckpt"
MAX_CHECKPOINTS = 3
_CHECKPOINT_STATE_FILE = "checkpoint"


def latest_checkpoint(log_dir: str) -> str | None:
    """The prefix of the newest checkpoint in `log_dir`, or None if none.

    Without the `checkpoint` state file (deleted, or lost), the checkpoint
    with the highest step among the `ckpt-<step>.index` files is the newest:
    a run that still has checkpoints resumes from them rather than starting
    again at step 0 and overwriting them.

    Raises:
        LogDirError: the checkpoint state file is corrupt.
    """
    state_path = os.path.join(log_dir, _CHECKPOINT_STATE_FILE)
    if not os.path.exists(state_path):
        return _highest_numbered_checkpoint(log_dir)
    tf_logger = tf.get_logger()
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)  # It logs, then ignores, parse errors.
    try:
        state = tf.train.get_checkpoint_state(log_dir)
    except (ValueError, tf.errors.OpError) as err:
        raise LogDirError(f"Corrupt checkpoint state {state_path}: {err}") from None
    finally:
        tf_logger.setLevel(level)
    if state is None or not state.model_checkpoint_path:
        raise LogDirError(f"Corrupt checkpoint state file {state_path}.")
    return state.model_checkpoint_path


def _highest_numbered_checkpoint(log_dir: str) -> str | None:
    """`log_dir/ckpt-<N>` with the largest N that has an index file, or None."""
    steps = _checkpoint_steps(log_dir)
    return _checkpoint_path(log_dir, steps[-1]) if steps else None


def _checkpoint_steps(log_dir: str) -> list[int]:
    """The N of every `ckpt-<N>.index` in `log_dir`, in increasing order."""
    if not os.path.isdir(log_dir):
        return []
    prefix, suffix = CHECKPOINT_PREFIX + "-", ".index"
    return sorted(int(name[len(prefix):-len(suffix)]) for name in os.listdir(log_dir)
                  if name.startswith(prefix) and name.endswith(suffix)
                  and name[len(prefix):-len(suffix)].isdigit())


def _checkpoint_path(log_dir: str, step: int) -> str:
    return os.path.join(log_dir, f"{CHECKPOINT_PREFIX}-{step}")


def resume(log_dir: str, spec: hparams_mod.ExampleHParams,
           flag_value: str | None) -> tuple[HParams, str | None]:
    """The hyperparameters and latest checkpoint a training run starts from.

    For a new run (no checkpoint, no `hparams.json`), the example's defaults
    overridden by `flag_value`; on resume, the saved values overridden.
    The chief of the current `tf.distribute` strategy (any process outside
    a multi-worker job) first claims `log_dir` for its run (`dirlock.claim`).

    Returns:
        `(hparams, checkpoint prefix or None)`.

    Raises:
        LogDirError: `log_dir` is not a directory, or has a checkpoint but
            no `hparams.json`, or a corrupt one of them.
        dirlock.LogDirBusyError: another training run holds `log_dir`.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    if os.path.exists(log_dir) and not os.path.isdir(log_dir):
        raise LogDirError(f"Log directory {log_dir} is not a directory.")
    if distribute.is_chief(tf.distribute.get_strategy()):
        dirlock.claim(log_dir)
    checkpoint_path = latest_checkpoint(log_dir)
    hparams = load_hparams(log_dir, spec, flag_value)
    if hparams is None:
        if checkpoint_path is not None:
            raise LogDirError(
                f"Log directory {log_dir} has a checkpoint but lacks "
                f"{HPARAMS_FILE}.")
        hparams = spec.make(flag_value)
    return hparams, checkpoint_path


def trained(log_dir: str, spec: hparams_mod.ExampleHParams,
            flag_value: str | None) -> tuple[HParams, str]:
    """The hyperparameters and latest checkpoint of a finished run.

    Returns:
        `(saved hparams overridden by flag_value, checkpoint prefix)`.

    Raises:
        LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    path = latest_checkpoint(log_dir)
    if path is None:
        raise LogDirError(f"No checkpoint in log directory {log_dir}.")
    hparams = load_hparams(log_dir, spec, flag_value)
    if hparams is None:
        raise LogDirError(f"Log directory {log_dir} lacks {HPARAMS_FILE}.")
    return hparams, path


def restore(checkpoint: tf.train.Checkpoint, path: str) -> str:
    """Restores `checkpoint` (whose model variables exist) from `path`.

    Every stored tensor is read and checksummed first, so that a corrupt
    checkpoint fails here rather than later when deferred variables (the
    optimizer's) are created. If `path` is `<dir>/ckpt-<N>` and cannot be
    read (truncated, corrupt, partly deleted), the newest older
    `<dir>/ckpt-<M>` that can is restored instead, with a warning on
    stderr: a run interrupted while it saved loses one interval, not all.
    What `checkpoint` lacks (the optimizer, when only the model is
    restored) is ignored.

    Returns:
        The checkpoint restored: `path` or an older one.

    Raises:
        LogDirError: no checkpoint from `path` down can be read, or the one
            read does not fit the objects of `checkpoint`.
    """
    first_error = None
    for candidate in [path] + _older_checkpoints(path):
        try:
            reader = tf.train.load_checkpoint(candidate)
            for name in reader.get_variable_to_shape_map():
                reader.get_tensor(name)
        except _UNREADABLE as err:
            first_error = first_error or err
            continue
        if candidate != path:
            print(f"warning: cannot read checkpoint {path} "
                  f"({errors.one_line(first_error)}); restoring {candidate}.",
                  file=sys.stderr)
        try:
            status = checkpoint.restore(candidate)
            status.assert_existing_objects_matched()
            status.expect_partial()
        except (tf.errors.OpError, AssertionError, ValueError) as err:
            raise LogDirError(
                f"Cannot restore checkpoint {candidate}: {errors.one_line(err)}") from None
        return candidate
    raise LogDirError(f"Cannot restore checkpoint {path}: {errors.one_line(first_error)}")


# What reading a missing, truncated or corrupt checkpoint raises (a
# truncated file surfaces as an IndexError from the reader).
_UNREADABLE = (tf.errors.OpError, ValueError, IndexError)


def _older_checkpoints(path: str) -> list[str]:
    """The numbered checkpoints beside `path` older than it, newest first."""
    log_dir, name = os.path.split(path)
    prefix = CHECKPOINT_PREFIX + "-"
    if not name.startswith(prefix) or not name[len(prefix):].isdigit():
        return []
    step = int(name[len(prefix):])
    return [_checkpoint_path(log_dir, older)
            for older in reversed(_checkpoint_steps(log_dir)) if older < step]


def checkpoint_manager(checkpoint: tf.train.Checkpoint,
                       log_dir: str) -> tf.train.CheckpointManager:
    """The manager that writes `checkpoint` into `log_dir` as `ckpt-<step>`.

    It keeps the newest `MAX_CHECKPOINTS`; `latest_checkpoint` finds them.
    """
    return tf.train.CheckpointManager(
        checkpoint, log_dir, max_to_keep=MAX_CHECKPOINTS,
        checkpoint_name=CHECKPOINT_PREFIX)


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
        if (name.startswith(CHECKPOINT_PREFIX + "-") and name.endswith("_temp")
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
