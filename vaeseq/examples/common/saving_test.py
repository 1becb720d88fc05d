"""Tests for saving.py: no non-finite checkpoint; room made on a full disk."""

import os

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq import train as train_mod
from vaeseq.examples.common import rundir
from vaeseq.examples.common import saving


def steps(log_dir):
    return sorted(int(name[len("ckpt-"):-len(".index")])
                  for name in os.listdir(log_dir) if name.endswith(".index"))


def make(log_dir, value=1.0):
    module = tf.Module()
    module.weight = tf.Variable([value, 2.0], name="weight")
    checkpoint = tf.train.Checkpoint(model=module, step=tf.Variable(0, dtype=tf.int64))
    return module, checkpoint, rundir.checkpoint_manager(checkpoint, log_dir)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_variable_is_never_saved(tmp_path, bad):
    log_dir = str(tmp_path)
    module, checkpoint, manager = make(log_dir)
    saving.save(manager, checkpoint, 1)
    module.weight.assign([bad, 2.0])
    with pytest.raises(train_mod.NonFiniteError, match="weight.*at step 2; not saved"):
        saving.save(manager, checkpoint, 2)
    assert steps(log_dir) == [1]


class FullDisk:
    """Wraps a manager's save to fail like TensorFlow on a full disk.

    The first `failures` saves leave a partial `ckpt-<N>_temp` folder and
    raise the error TensorFlow's SaveV2 raises for ENOSPC.
    """

    def __init__(self, manager, failures):
        self._save, self._failures = manager.save, failures
        self._directory = manager.directory
        manager.save = self

    def __call__(self, checkpoint_number):
        if self._failures:
            self._failures -= 1
            os.makedirs(os.path.join(self._directory, f"ckpt-{checkpoint_number}_temp"))
            raise tf.errors.ResourceExhaustedError(
                None, None, "ckpt_temp/part-00000; No space left on device")
        return self._save(checkpoint_number=checkpoint_number)


def test_a_full_disk_deletes_the_oldest_and_saves(tmp_path):
    log_dir = str(tmp_path)
    _, checkpoint, manager = make(log_dir)
    for step in (1, 2, 3):
        saving.save(manager, checkpoint, step)
    FullDisk(manager, failures=1)
    saving.save(manager, checkpoint, 4)
    assert steps(log_dir) == [2, 3, 4]
    assert not [name for name in os.listdir(log_dir) if name.endswith("_temp")]
    assert rundir.latest_checkpoint(log_dir).endswith("ckpt-4")


def test_a_disk_still_full_keeps_the_newer_checkpoints(tmp_path):
    log_dir = str(tmp_path)
    _, checkpoint, manager = make(log_dir)
    for step in (1, 2):
        saving.save(manager, checkpoint, step)
    FullDisk(manager, failures=2)
    with pytest.raises(tf.errors.ResourceExhaustedError):
        saving.save(manager, checkpoint, 3)
    assert steps(log_dir) == [2]
    assert rundir.latest_checkpoint(log_dir).endswith("ckpt-2")
    assert not [name for name in os.listdir(log_dir) if name.endswith("_temp")]


def test_a_lone_checkpoint_is_never_deleted_for_room(tmp_path):
    log_dir = str(tmp_path)
    _, checkpoint, manager = make(log_dir)
    saving.save(manager, checkpoint, 1)
    FullDisk(manager, failures=1)
    with pytest.raises(tf.errors.ResourceExhaustedError):
        saving.save(manager, checkpoint, 2)
    assert steps(log_dir) == [1]


def test_other_errors_pass_unchanged(tmp_path):
    _, checkpoint, manager = make(str(tmp_path))
    for step in (1, 2):
        saving.save(manager, checkpoint, step)

    def fail(checkpoint_number):
        raise PermissionError(13, "Permission denied")

    manager.save = fail
    with pytest.raises(PermissionError):
        saving.save(manager, checkpoint, 3)
    assert steps(str(tmp_path)) == [1, 2]


def test_remove_partial_saves(tmp_path):
    for name in ("ckpt-7_temp", "ckpt-8_temp", "mine_temp"):
        (tmp_path / name).mkdir()
    (tmp_path / "ckpt-7_temp" / "part-00000").write_bytes(b"x")
    removed = saving.remove_partial_saves(str(tmp_path))
    assert [os.path.basename(path) for path in removed] == ["ckpt-7_temp", "ckpt-8_temp"]
    assert sorted(os.listdir(tmp_path)) == ["mine_temp"]
    assert saving.remove_partial_saves(str(tmp_path / "missing")) == []


if __name__ == "__main__":
    testing.main(__file__)
