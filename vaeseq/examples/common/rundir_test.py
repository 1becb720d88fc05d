"""Tests for rundir.py: configuration and checkpoints of a training directory."""

import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq import train as train_mod
from vaeseq.examples.common import dirlock
from vaeseq.examples.common import hparams as hparams_mod
from vaeseq.examples.common import rundir

SPEC = hparams_mod.ExampleHParams(
    extra={"width": (3, "How wide.")}, defaults={"batch_size": 5},
    architecture=("width", "latent_size"))


def save_checkpoint(log_dir, value=2.0, step=4):
    checkpoint = tf.train.Checkpoint(weight=tf.Variable(value))
    return rundir.checkpoint_manager(checkpoint, log_dir).save(
        checkpoint_number=step)


def test_new_run_takes_defaults_and_flags(tmp_path):
    log_dir = str(tmp_path / "missing")
    hparams, path = rundir.resume(log_dir, SPEC, "width=4")
    assert (hparams.width, hparams.batch_size, path) == (4, 5, None)
    assert not os.path.exists(log_dir)  # Resuming writes nothing.


def test_resume_overrides_the_saved_hparams(tmp_path):
    log_dir = str(tmp_path)
    rundir.save_hparams(log_dir, SPEC, SPEC.make("width=7"))
    saved = save_checkpoint(log_dir)
    hparams, path = rundir.resume(log_dir, SPEC, "batch_size=2")
    assert (hparams.width, hparams.batch_size, path) == (7, 2, saved)
    assert rundir.trained(log_dir, SPEC, None) == (SPEC.make("width=7"), saved)
    with pytest.raises(ValueError, match="architecture.*width"):
        rundir.resume(log_dir, SPEC, "width=8")


def test_save_hparams_writes_only_changes(tmp_path):
    log_dir = str(tmp_path / "new")
    rundir.save_hparams(log_dir, SPEC, SPEC.make())
    path = os.path.join(log_dir, rundir.HPARAMS_FILE)
    os.utime(path, ns=(0, 0))
    rundir.save_hparams(log_dir, SPEC, SPEC.make())
    assert os.stat(path).st_mtime_ns == 0
    rundir.save_hparams(log_dir, SPEC, SPEC.make("batch_size=9"))
    assert rundir.load_hparams(log_dir, SPEC, None).batch_size == 9


@pytest.mark.parametrize("content, message", [
    (b"{", "Invalid .*hparams.json: not JSON"),
    (b'{"width": "wide"}', "Invalid .*hparams.json.*width"),
    (b"\xff\xfe", "Cannot read"),
])
def test_bad_hparams_file(tmp_path, content, message):
    (tmp_path / rundir.HPARAMS_FILE).write_bytes(content)
    with pytest.raises(rundir.LogDirError, match=message):
        rundir.load_hparams(str(tmp_path), SPEC, None)


def test_missing_pieces(tmp_path):
    log_dir = str(tmp_path)
    with pytest.raises(rundir.LogDirError, match="No checkpoint"):
        rundir.trained(log_dir, SPEC, None)
    save_checkpoint(log_dir)
    with pytest.raises(rundir.LogDirError, match="has a checkpoint but lacks"):
        rundir.resume(log_dir, SPEC, None)
    with pytest.raises(rundir.LogDirError, match="lacks hparams.json"):
        rundir.trained(log_dir, SPEC, None)
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    with pytest.raises(rundir.LogDirError, match="not a directory"):
        rundir.resume(str(not_a_dir), SPEC, None)


def test_corrupt_checkpoint_state(tmp_path):
    (tmp_path / "checkpoint").write_bytes(b"\x00garbage{{")
    with pytest.raises(rundir.LogDirError, match="Corrupt checkpoint state"):
        rundir.latest_checkpoint(str(tmp_path))


def test_manager_keeps_the_newest(tmp_path):
    log_dir = str(tmp_path)
    checkpoint = tf.train.Checkpoint(weight=tf.Variable(1.0))
    manager = rundir.checkpoint_manager(checkpoint, log_dir)
    for step in range(1, 6):
        manager.save(checkpoint_number=step)
    names = sorted(name for name in os.listdir(log_dir) if name.endswith(".index"))
    assert names == ["ckpt-3.index", "ckpt-4.index", "ckpt-5.index"]
    assert rundir.latest_checkpoint(log_dir) == os.path.join(log_dir, "ckpt-5")


def test_without_the_state_file_the_highest_step_is_the_newest(tmp_path):
    """A deleted `checkpoint` file must not make a run start again over its checkpoints."""
    log_dir = str(tmp_path)
    checkpoint = tf.train.Checkpoint(weight=tf.Variable(1.0))
    manager = rundir.checkpoint_manager(checkpoint, log_dir)
    for step in (8, 9, 10):
        manager.save(checkpoint_number=step)
    os.remove(os.path.join(log_dir, "checkpoint"))
    (tmp_path / "ckpt-x.index").write_bytes(b"")  # Not a step: ignored.
    assert rundir.latest_checkpoint(log_dir) == os.path.join(log_dir, "ckpt-10")
    # A resumed run's manager then saves beside them without deleting any.
    rundir.checkpoint_manager(checkpoint, log_dir).save(checkpoint_number=11)
    names = sorted(name for name in os.listdir(log_dir) if name.startswith("ckpt-1"))
    assert "ckpt-10.index" in names and "ckpt-11.index" in names
    assert rundir.latest_checkpoint(log_dir) == os.path.join(log_dir, "ckpt-11")
    assert rundir.latest_checkpoint(str(tmp_path / "missing")) is None


def test_restore(tmp_path):
    path = save_checkpoint(str(tmp_path), value=2.5)
    weight = tf.Variable(0.0)
    rundir.restore(tf.train.Checkpoint(weight=weight), path)
    assert float(weight) == 2.5
    # Objects the checkpoint does not hold cannot be restored.
    with pytest.raises(rundir.LogDirError, match="Cannot restore checkpoint"):
        rundir.restore(tf.train.Checkpoint(other=tf.Variable(0.0)), path)
    with open(path + ".index", "wb") as f:
        f.write(b"not an index")
    with pytest.raises(rundir.LogDirError, match="Cannot restore checkpoint"):
        rundir.restore(tf.train.Checkpoint(weight=weight), path)


@pytest.mark.parametrize("damage", ["truncate", "delete_data"])
def test_an_unreadable_newest_checkpoint_falls_back_to_an_older_one(tmp_path, capsys, damage):
    log_dir = str(tmp_path)
    weight = tf.Variable(1.0)
    checkpoint = tf.train.Checkpoint(weight=weight)
    manager = rundir.checkpoint_manager(checkpoint, log_dir)
    for step in (1, 2, 3):
        weight.assign(float(step))
        manager.save(checkpoint_number=step)
    newest = rundir.latest_checkpoint(log_dir)
    data = [name for name in os.listdir(log_dir) if name.startswith("ckpt-3.data")]
    for name in data:
        path = os.path.join(log_dir, name)
        if damage == "truncate":
            os.truncate(path, os.path.getsize(path) // 2)
        else:
            os.remove(path)
    weight.assign(0.0)
    assert rundir.restore(checkpoint, newest) == os.path.join(log_dir, "ckpt-2")
    assert float(weight) == 2.0
    warning = capsys.readouterr().err
    assert warning.startswith(f"warning: cannot read checkpoint {newest} (")
    assert warning.endswith("); restoring " + os.path.join(log_dir, "ckpt-2") + ".\n")
    assert warning.count("\n") == 1
    # With every checkpoint unreadable, the newest one's error.
    for name in os.listdir(log_dir):
        if ".data" in name:
            os.remove(os.path.join(log_dir, name))
    with pytest.raises(rundir.LogDirError, match="Cannot restore checkpoint .*ckpt-3"):
        rundir.restore(checkpoint, newest)


def test_resume_claims_the_directory_for_training(tmp_path):
    log_dir = str(tmp_path / "run")
    os.mkdir(log_dir)
    rundir.resume(log_dir, SPEC, None)
    try:
        busy = subprocess.run(
            [sys.executable, "-c", "import sys; from vaeseq.examples.common import dirlock; "
             "dirlock.claim(sys.argv[1])", log_dir], capture_output=True, text=True)
        assert busy.returncode != 0 and "LogDirBusyError" in busy.stderr
    finally:
        dirlock.release(log_dir)


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
    rundir.save(manager, checkpoint, 1)
    module.weight.assign([bad, 2.0])
    with pytest.raises(train_mod.NonFiniteError, match="weight.*at step 2; not saved"):
        rundir.save(manager, checkpoint, 2)
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
        rundir.save(manager, checkpoint, step)
    FullDisk(manager, failures=1)
    rundir.save(manager, checkpoint, 4)
    assert steps(log_dir) == [2, 3, 4]
    assert not [name for name in os.listdir(log_dir) if name.endswith("_temp")]
    assert rundir.latest_checkpoint(log_dir).endswith("ckpt-4")


def test_a_disk_still_full_keeps_the_newer_checkpoints(tmp_path):
    log_dir = str(tmp_path)
    _, checkpoint, manager = make(log_dir)
    for step in (1, 2):
        rundir.save(manager, checkpoint, step)
    FullDisk(manager, failures=2)
    with pytest.raises(tf.errors.ResourceExhaustedError):
        rundir.save(manager, checkpoint, 3)
    assert steps(log_dir) == [2]
    assert rundir.latest_checkpoint(log_dir).endswith("ckpt-2")
    assert not [name for name in os.listdir(log_dir) if name.endswith("_temp")]


def test_a_lone_checkpoint_is_never_deleted_for_room(tmp_path):
    log_dir = str(tmp_path)
    _, checkpoint, manager = make(log_dir)
    rundir.save(manager, checkpoint, 1)
    FullDisk(manager, failures=1)
    with pytest.raises(tf.errors.ResourceExhaustedError):
        rundir.save(manager, checkpoint, 2)
    assert steps(log_dir) == [1]


def test_other_errors_pass_unchanged(tmp_path):
    _, checkpoint, manager = make(str(tmp_path))
    for step in (1, 2):
        rundir.save(manager, checkpoint, step)

    def fail(checkpoint_number):
        raise PermissionError(13, "Permission denied")

    manager.save = fail
    with pytest.raises(PermissionError):
        rundir.save(manager, checkpoint, 3)
    assert steps(str(tmp_path)) == [1, 2]


def test_remove_partial_saves(tmp_path):
    for name in ("ckpt-7_temp", "ckpt-8_temp", "mine_temp"):
        (tmp_path / name).mkdir()
    (tmp_path / "ckpt-7_temp" / "part-00000").write_bytes(b"x")
    removed = rundir.remove_partial_saves(str(tmp_path))
    assert [os.path.basename(path) for path in removed] == ["ckpt-7_temp", "ckpt-8_temp"]
    assert sorted(os.listdir(tmp_path)) == ["mine_temp"]
    assert rundir.remove_partial_saves(str(tmp_path / "missing")) == []


if __name__ == "__main__":
    testing.main(__file__)
