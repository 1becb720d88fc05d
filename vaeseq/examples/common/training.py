"""The training loop every example shares: `run(...)`.

`run` steps a training function until the global step reaches
`Schedule.iters`, saving a checkpoint every `save_every` steps, at the
end, before re-raising a non-finite loss, and when SIGINT or SIGTERM asks
it to stop; it shows a progress bar and writes TensorBoard summaries
through `TrainHooks`. An example checks its input and builds its model
first (writing nothing), then::

    result = training.run_on_dataset(log_dir, checkpoint, ops, batches,
                                     schedule, MyHooks(...))

or, for steps other than `TrainOps` on a dataset, `training.run` with a
step function.
"""

import dataclasses
import time
from typing import Any, Callable, Mapping, NamedTuple, TextIO

import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq.examples.common import errors
from vaeseq.examples.common import progress
from vaeseq.examples.common import rundir
from vaeseq.examples.common import signals

# One training step: runs it and returns its scalars by name (for TrainOps:
# log_prob, divergence, elbo, ...). It advances the global step.
StepFn = Callable[[], Mapping[str, Any]]


class TrainResult(NamedTuple):
    """How a call to `run` ended.

    Attributes:
        step: the global step reached (and saved).
        stopped_by: what stopped training before `iters`: a signal's name
            (`"SIGINT"`, `"SIGTERM"`) or `"time limit"`; None if it did not.
    """

    step: int
    stopped_by: str | None


@dataclasses.dataclass(frozen=True)
class Schedule:
    """When a run stops, logs, validates and saves.

    Attributes:
        iters: the global step to reach, counting earlier runs.
        log_every: steps between scalar summaries (means over the steps).
        valid_every: steps between validations and sample summaries
            (`TrainHooks.periodic`).
        save_every: steps between checkpoints.
        max_seconds: if set, stop (and save) after training this long.
    """

    iters: int
    log_every: int = 100
    valid_every: int = 1000
    save_every: int = 1000
    max_seconds: float | None = None

    def check(self) -> None:
        """Raises InputError unless every value is usable."""
        if self.iters < 0:
            raise errors.InputError(f"iters must be >= 0, got {self.iters}.")
        for name in ("log_every", "valid_every", "save_every"):
            if getattr(self, name) < 1:
                raise errors.InputError(
                    f"{name} must be >= 1, got {getattr(self, name)}.")


class TrainHooks:
    """What an example adds to the loop; the defaults do nothing.

    Both methods run inside the summary writer of the run's log directory
    (at the global step), so `summaries` functions write there. Each returns
    metrics to show on the progress bar, by name.
    """

    def after_step(self, step: int, results: Mapping[str, Any],
                   log_due: bool) -> Mapping[str, float]:
        """Called after every step with the step's scalars.

        Args:
            step: the global step reached.
            results: what the step function returned.
            log_due: whether scalar summaries are due (every `log_every`
                steps and at `iters`).
        """
        del step, results, log_due
        return {}

    def periodic(self, step: int) -> Mapping[str, float]:
        """Called every `valid_every` steps and at `iters`: validation,
        sample summaries."""
        del step
        return {}


def run(log_dir: str, checkpoint: tf.train.Checkpoint,
        global_step: tf.Variable, step_fn: StepFn, schedule: Schedule,
        hooks: TrainHooks, progress_stream: TextIO | None = None) -> TrainResult:
    """Trains until `schedule.iters`, a stop request or the time limit.

    Args:
        log_dir: where checkpoints (`rundir.checkpoint_manager`) and
            TensorBoard summaries go; `checkpoint` is already restored from
            it when resuming.
        checkpoint: what to save: the model and the training step's state.
        global_step: the step counter `step_fn` advances (saved within
            `checkpoint`).
        step_fn: runs one training step.
        schedule: when to stop, log, call `hooks.periodic` and save.
        hooks: summaries and metrics of the example.
        progress_stream: where the progress bar goes; stderr by default.

    Returns:
        The step reached (saved) and what, if anything, stopped training.

    Raises:
        vaeseq.train.NonFiniteError: a step met a non-finite loss; the last
            good state is saved first.
    """
    manager = rundir.checkpoint_manager(checkpoint, log_dir)
    writer = tf.summary.create_file_writer(log_dir)
    try:
        with signals.StopRequests() as stop, writer.as_default(step=global_step):
            step = _loop(manager, global_step, step_fn, schedule, hooks, stop,
                         progress_stream)
    finally:
        writer.close()
    if stop.requested:
        return TrainResult(step, stop.signal_name)
    if step < schedule.iters:
        return TrainResult(step, "time limit")
    return TrainResult(step, None)


def run_on_dataset(log_dir: str, checkpoint: tf.train.Checkpoint,
                   ops: train_mod.TrainOps, batches: tf.data.Dataset,
                   schedule: Schedule, hooks: TrainHooks,
                   progress_stream: TextIO | None = None) -> TrainResult:
    """`run` with steps of `ops` on the batches of an endless dataset.

    The agent computes the contexts inside each step (`contexts=None`), so
    it trains too. Arguments and errors are `run`'s.
    """
    iterator = iter(batches)
    return run(log_dir, checkpoint, ops.global_step,
               lambda: ops(None, next(iterator)), schedule, hooks,
               progress_stream)


def _loop(manager: tf.train.CheckpointManager, global_step: tf.Variable,
          step_fn: StepFn, schedule: Schedule, hooks: TrainHooks,
          stop: signals.StopRequests, progress_stream: TextIO | None) -> int:
    """Runs the steps; returns the global step reached, which is saved."""
    deadline = None
    if schedule.max_seconds is not None:
        deadline = time.monotonic() + schedule.max_seconds
    step = int(global_step.numpy())
    saved_step = step if manager.latest_checkpoint else None
    bar = progress.ProgressBar(schedule.iters, step, progress_stream,
                               deadline=deadline)
    shown = {}
    try:
        while (step < schedule.iters and not stop.requested
               and (deadline is None or time.monotonic() < deadline)):
            try:
                results = step_fn()
            except train_mod.NonFiniteError:
                if saved_step != step:
                    manager.save(checkpoint_number=step)
                raise
            step = int(global_step.numpy())
            end = step == schedule.iters
            shown.update(hooks.after_step(
                step, results, step % schedule.log_every == 0 or end))
            if step % schedule.valid_every == 0 or end:
                shown.update(hooks.periodic(step))
            if step % schedule.save_every == 0:
                manager.save(checkpoint_number=step)
                saved_step = step
            bar.update(step, shown, force=end)
    finally:
        bar.close()
    if saved_step != step:
        manager.save(checkpoint_number=step)
    return step
