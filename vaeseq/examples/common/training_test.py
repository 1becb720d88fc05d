"""Tests for training.py: the shared loop with a fake step function."""

import json
import logging
import os
import signal
import subprocess
import sys

import pytest
import tensorflow as tf

from vaeseq import distribute
from vaeseq import testing
from vaeseq import train as train_mod
from vaeseq.examples.common import curves
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training


class Recorder(training.TrainHooks):
    """Records the calls, and writes a summary so the writer is exercised."""

    def __init__(self):
        self.after = []
        self.periodic_steps = []

    def after_step(self, step, results, log_due):
        self.after.append((step, float(results["loss"]), log_due))
        if log_due:
            summaries.scalar("loss", float(results["loss"]))
        return {"loss": float(results["loss"])}

    def periodic(self, step):
        self.periodic_steps.append(step)
        return {"periodic": float(step)}


class FakeRun:
    """A global step, a weight, and a step function that moves both."""

    def __init__(self, on_step=None):
        self.global_step = tf.Variable(0, dtype=tf.int64)
        self.weight = tf.Variable(0.0)
        self.checkpoint = tf.train.Checkpoint(
            step=self.global_step, weight=self.weight)
        self.on_step = on_step

    def step(self):
        # Like TrainOps, a failing step raises before it updates anything.
        if self.on_step is not None:
            self.on_step(int(self.global_step) + 1)
        self.global_step.assign_add(1)
        self.weight.assign_add(0.5)
        return {"loss": tf.constant(10.0) - self.weight}


def checkpoints(log_dir):
    return sorted(int(name[len("ckpt-"):-len(".index")])
                  for name in os.listdir(log_dir) if name.endswith(".index"))


def run(log_dir, fake, schedule, hooks=None):
    return training.run(log_dir, fake.checkpoint, fake.global_step, fake.step,
                        schedule, hooks or Recorder(), open(os.devnull, "w"))


def test_steps_hooks_and_checkpoints(tmp_path):
    log_dir = str(tmp_path)
    fake, hooks = FakeRun(), Recorder()
    result = run(log_dir, fake, training.Schedule(
        7, log_every=3, valid_every=4, save_every=5), hooks)
    assert result == training.TrainResult(7, None)
    assert [step for step, _, _ in hooks.after] == list(range(1, 8))
    assert [step for step, _, due in hooks.after if due] == [3, 6, 7]
    assert hooks.periodic_steps == [4, 7]
    assert checkpoints(log_dir) == [5, 7]
    assert any(name.startswith("events.") for name in os.listdir(log_dir))


def test_resume_from_the_checkpoint(tmp_path):
    log_dir = str(tmp_path)
    run(log_dir, FakeRun(), training.Schedule(3))
    fake, hooks = FakeRun(), Recorder()
    rundir.restore(fake.checkpoint, rundir.latest_checkpoint(log_dir))
    result = run(log_dir, fake, training.Schedule(5), hooks)
    assert result == training.TrainResult(5, None)
    assert [step for step, _, _ in hooks.after] == [4, 5]
    assert float(fake.weight) == 2.5
    assert checkpoints(log_dir) == [3, 5]
    # Nothing to do: no step and no new checkpoint.
    assert run(log_dir, fake, training.Schedule(4)) == (5, None)
    assert checkpoints(log_dir) == [3, 5]


def test_signal_stops_after_the_step_and_saves(tmp_path):
    log_dir = str(tmp_path)

    def send_sigterm(step):
        if step == 2:
            os.kill(os.getpid(), signal.SIGTERM)

    result = run(log_dir, FakeRun(send_sigterm), training.Schedule(100))
    assert result == training.TrainResult(2, "SIGTERM")
    assert checkpoints(log_dir) == [2]


class ElboRecorder(training.TrainHooks):
    """Logs the fake loss as `elbo` and a tenth of it as `divergence`."""

    def after_step(self, step, results, log_due):
        if log_due:
            summaries.scalar("elbo", -float(results["loss"]))
            summaries.scalar("divergence", float(results["loss"]) / 10)
        return {}


def test_curves_of_every_run(tmp_path):
    log_dir = str(tmp_path)
    run(log_dir, FakeRun(), training.Schedule(4, log_every=2), ElboRecorder())
    assert (tmp_path / curves.FILENAME).exists()
    fake = FakeRun()
    rundir.restore(fake.checkpoint, rundir.latest_checkpoint(log_dir))
    run(log_dir, fake, training.Schedule(6, log_every=2), ElboRecorder())
    with open(tmp_path / curves.FILENAME, "rb") as f:
        image = tf.io.decode_png(f.read())
    assert image.shape[0] > 2 * curves.PLOT_HEIGHT
    assert image.shape[1] > curves.PLOT_WIDTH
    # The loss after step n is 10 - n / 2; the second run resumed at 4.
    found = summaries.read_scalars(log_dir, ["elbo", "divergence"])
    assert found["elbo"].steps.tolist() == [2, 4, 6]
    assert found["elbo"].values.tolist() == [-9.0, -8.0, -7.0]
    assert found["divergence"].values.tolist() == pytest.approx(
        [0.9, 0.8, 0.7])


def test_curves_failing_to_draw_fail_nothing(tmp_path, monkeypatch, caplog):
    # Nothing to draw: the Recorder logs no elbo.
    with caplog.at_level(logging.WARNING):
        result = run(str(tmp_path / "a"), FakeRun(), training.Schedule(2))
    assert result == (2, None) and checkpoints(str(tmp_path / "a")) == [2]
    assert "Could not draw" in caplog.text
    assert not (tmp_path / "a" / curves.FILENAME).exists()

    def broken(_):
        raise OSError("disk on fire\nsecond line")

    monkeypatch.setattr(curves, "write", broken)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        result = run(str(tmp_path / "b"), FakeRun(), training.Schedule(3),
                     ElboRecorder())
    assert result == (3, None) and checkpoints(str(tmp_path / "b")) == [3]
    message, = [record.getMessage() for record in caplog.records]
    assert message.endswith(": disk on fire")


def test_time_limit(tmp_path):
    result = run(str(tmp_path), FakeRun(),
                 training.Schedule(100, max_seconds=0))
    assert result == training.TrainResult(0, "time limit")


def test_non_finite_step_saves_the_last_good_state(tmp_path):
    log_dir = str(tmp_path)

    def fail_at_three(step):
        if step == 3:
            raise train_mod.NonFiniteError("loss is NaN")

    with pytest.raises(train_mod.NonFiniteError):
        run(log_dir, FakeRun(fail_at_three),
            training.Schedule(10, save_every=100))
    assert checkpoints(log_dir) == [2]
    restored = FakeRun()
    rundir.restore(restored.checkpoint, rundir.latest_checkpoint(log_dir))
    assert (int(restored.global_step), float(restored.weight)) == (2, 1.0)


def test_non_finite_variables_are_never_saved(tmp_path):
    """Without check_numerics a NaN reaches the variables: the save refuses it."""
    log_dir = str(tmp_path)
    fake = FakeRun()

    def poison_at_four(step):
        if step == 4:
            fake.weight.assign(float("nan"))

    fake.on_step = poison_at_four
    with pytest.raises(train_mod.NonFiniteError, match="at step 6; not saved"):
        run(log_dir, fake, training.Schedule(10, save_every=3))
    assert checkpoints(log_dir) == [3]


def test_partial_saves_are_removed_and_the_directory_held(tmp_path):
    log_dir = str(tmp_path)
    (tmp_path / "ckpt-5_temp").mkdir()  # What kill -9 during a save leaves.
    probe = ("import sys; from vaeseq.examples.common import dirlock; "
             "dirlock.claim(sys.argv[1])")

    def claim_elsewhere(step):
        if step == 1:
            assert not (tmp_path / "ckpt-5_temp").exists()
            other = subprocess.run([sys.executable, "-c", probe, log_dir],
                                   capture_output=True, text=True)
            assert "LogDirBusyError" in other.stderr  # Held during the run.

    run(log_dir, FakeRun(claim_elsewhere), training.Schedule(2))
    other = subprocess.run([sys.executable, "-c", probe, log_dir],
                           capture_output=True, text=True)
    assert other.returncode == 0, other.stderr  # Released at the end.


@pytest.mark.parametrize("schedule, message", [
    (training.Schedule(-1), "iters"),
    (training.Schedule(5, log_every=0), "log_every"),
    (training.Schedule(5, valid_every=0), "valid_every"),
    (training.Schedule(5, save_every=0), "save_every"),
])
def test_bad_schedule(schedule, message):
    with pytest.raises(errors.InputError, match=message):
        schedule.check()
    training.Schedule(0, 1, 1, 1).check()


def test_preparing_checks_and_scopes():
    entered = []
    with pytest.raises(errors.InputError, match="iters"):
        with training.preparing(training.Schedule(-1)):
            entered.append(True)
    assert not entered  # The schedule is checked before the block runs.
    with pytest.raises(errors.InputError, match="bad size"):
        with training.preparing(training.Schedule(1)):
            raise ValueError("bad size")
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    with training.preparing(training.Schedule(1), strategy) as current:
        assert current is strategy
        assert tf.distribute.get_strategy() is strategy
    with training.preparing(training.Schedule(1)) as current:
        assert current is tf.distribute.get_strategy()


class RecordingOps:
    """Stands in for `TrainOps`: records each step's observed batch and mask.

    `steps` holds one `(observed, mask)` per step, each the list of the
    replicas' parts as nested lists (the mask None when none was given).
    """

    def __init__(self, strategy=None):
        self.global_step = tf.Variable(0, dtype=tf.int64)
        self.steps = []
        self._strategy = strategy or tf.distribute.get_strategy()

    def __call__(self, contexts, observed, mask=None):
        assert contexts is None  # The agent computes them inside the step.
        parts = self._strategy.experimental_local_results
        self.steps.append((
            [part.numpy().tolist() for part in parts(observed)],
            None if mask is None else [part.numpy().tolist() for part in parts(mask)]))
        self.global_step.assign_add(1)
        return {"loss": tf.constant(1.0)}


MASKED_STEPS = 3
CHILD_FLAG = "--mirrored-child"


def masked_batches(batch_size):
    """Batches `(observed [B, 3], mask [B, 3])`; see `masked_row`."""

    def pair(row):
        observed = tf.fill([MASKED_STEPS], tf.cast(row, tf.float32))
        mask = tf.sequence_mask(row % MASKED_STEPS + 1, MASKED_STEPS, dtype=tf.float32)
        return observed, mask

    return tf.data.Dataset.range(1000).map(pair).batch(batch_size)


def masked_row(row):
    """Row `row` of `masked_batches`' stream: (observed, mask) as lists."""
    real = row % MASKED_STEPS + 1
    return [float(row)] * MASKED_STEPS, [1.0] * real + [0.0] * (MASKED_STEPS - real)


def expected_parts(first_row, rows_per_part, num_parts):
    """The (observed, mask) parts of the batch that starts at `first_row`."""
    parts = [[masked_row(first_row + part * rows_per_part + row)
              for row in range(rows_per_part)] for part in range(num_parts)]
    return ([[observed for observed, _ in part] for part in parts],
            [[mask for _, mask in part] for part in parts])


def run_recording(log_dir, batches, iters, strategy=None):
    """Runs `run_on_dataset` on `batches` with a `RecordingOps`; its steps."""
    with (strategy or tf.distribute.get_strategy()).scope():
        ops = RecordingOps(strategy)
    result = training.run_on_dataset(
        log_dir, tf.train.Checkpoint(step=ops.global_step), ops, batches,
        training.Schedule(iters), Recorder(), open(os.devnull, "w"), strategy)
    assert result == training.TrainResult(iters, None)
    return ops.steps


def test_run_on_dataset_feeds_batches_in_order(tmp_path):
    steps = run_recording(str(tmp_path), tf.data.Dataset.range(10).skip(4), 3)
    assert steps == [([4], None), ([5], None), ([6], None)]


def test_dataset_options():
    options = training.dataset_options()
    assert options.autotune.enabled is False
    assert (options.experimental_distribute.auto_shard_policy
            == tf.data.experimental.AutoShardPolicy.DATA)


def test_run_on_dataset_passes_the_masks(tmp_path):
    steps = run_recording(str(tmp_path), masked_batches(2), 2)
    assert steps == [expected_parts(0, 2, 1), expected_parts(2, 2, 1)]


def test_run_on_dataset_passes_the_masks_to_the_replicas(tmp_path):
    """Under a mirrored strategy over 2 CPUs (in a child process, as logical
    devices must be set before TensorFlow starts), each replica gets its
    rows of the global batch with their own masks."""
    done = subprocess.run(
        [sys.executable, __file__, CHILD_FLAG, str(tmp_path)],
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    steps = json.loads(done.stdout.strip().splitlines()[-1])
    assert [tuple(step) for step in steps] == [
        expected_parts(0, 2, 2), expected_parts(4, 2, 2)]


def _mirrored_child(log_dir):
    """Prints, as JSON, the steps of a mirrored run on `masked_batches(4)`."""
    strategy = distribute.make_strategy("mirrored", cpu_devices=2)
    print(json.dumps(run_recording(log_dir, masked_batches(4), 2, strategy)))


if __name__ == "__main__":
    if sys.argv[1:2] == [CHILD_FLAG]:
        _mirrored_child(sys.argv[2])
    else:
        testing.main(__file__)
