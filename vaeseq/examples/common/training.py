"""The training loop every example shares: `run(...)`.

`run` steps a training function until the global step reaches
`Schedule.iters`, saving a checkpoint every `save_every` steps, at the
end, before re-raising a non-finite loss, and when SIGINT or SIGTERM asks
it to stop (never a checkpoint with a non-finite value: see `saving`); it
holds the log directory alone for the run (`dirlock`), shows a progress
bar and writes TensorBoard summaries through `TrainHooks`; when it ends,
even by an error, the chief draws the ELBO and KL curves of every run of
the directory into `curves.png` (`curves`; a failure to draw is only
logged). Under a `tf.distribute` strategy (see docs/distributed.md), build
the model and its `TrainOps` in the strategy's scope and pass the
strategy: only the chief writes into the log directory. An example checks
its input and builds its model first, writing nothing (`preparing`), then
calls::

    result = training.run_on_dataset(log_dir, checkpoint, ops, batches,
                                     schedule, MyHooks(...))

or, for steps other than `TrainOps` on a dataset, `training.run` with a
step function (as the play example does).
"""

import contextlib
import dataclasses
import time
from typing import Any, Callable, Iterator, Mapping, NamedTuple, TextIO

import tensorflow as tf

from vaeseq import distribute
from vaeseq import train as train_mod
from vaeseq.examples.common import curves
from vaeseq.examples.common import dirlock
from vaeseq.examples.common import distributed
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
        hooks: TrainHooks, progress_stream: TextIO | None = None,
        strategy: tf.distribute.Strategy | None = None) -> TrainResult:
    """Trains until `schedule.iters`, a stop request or the time limit.

    Args:
        log_dir: where checkpoints (`rundir.checkpoint_manager`) and
            TensorBoard summaries go; `checkpoint` is already restored from
            it when resuming (under a multi-worker strategy, on every worker,
            so it must be the same directory for all).
        checkpoint: what to save: the model and the training step's state.
        global_step: the step counter `step_fn` advances (saved within
            `checkpoint`).
        step_fn: runs one training step.
        schedule: when to stop, log, call `hooks.periodic` and save.
        hooks: summaries and metrics of the example; the chief's only.
        progress_stream: where the progress bar goes; stderr by default.
        strategy: the strategy the steps run under; the current one (the
            default strategy, outside any scope) if None.

    Returns:
        The step reached (saved) and what, if anything, stopped training.

    Raises:
        vaeseq.train.NonFiniteError: a step met a non-finite loss (the last
            good state is saved first), or a variable to save is not finite
            (nothing is saved).
        dirlock.LogDirBusyError: another training run holds `log_dir`.
        distributed.WorkerLostError: under a multi-worker strategy, another
            worker died or became unreachable; nothing more is saved.
    """
    strategy = strategy or tf.distribute.get_strategy()
    chief = distribute.is_chief(strategy)
    if chief:
        dirlock.lock_for_writing(log_dir)
        rundir.remove_partial_saves(log_dir)
    resumed = rundir.latest_checkpoint(log_dir) is not None
    try:
        with distribute.writable_dir(strategy, log_dir) as save_dir:
            manager = rundir.checkpoint_manager(checkpoint, save_dir)
            if chief:
                writer = tf.summary.create_file_writer(log_dir)
            else:  # Summaries, samples and validation are the chief's.
                writer, hooks = tf.summary.create_noop_writer(), TrainHooks()
            try:
                with signals.StopRequests() as stop, writer.as_default(step=global_step):
                    step = _loop(manager, checkpoint, resumed, global_step, step_fn,
                                 schedule, hooks, stop, progress_stream)
            except _PEER_FAILURES as err:
                if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
                    raise
                raise _worker_lost(err, global_step, log_dir) from None
            finally:
                writer.close()
    finally:
        if chief:  # With the summary writer closed: every event is on disk.
            curves.write_or_warn(log_dir)
            dirlock.release(log_dir)
    if stop.requested:
        return TrainResult(step, stop.signal_name)
    if step < schedule.iters:
        return TrainResult(step, "time limit")
    return TrainResult(step, None)


def run_on_dataset(log_dir: str, checkpoint: tf.train.Checkpoint,
                   ops: train_mod.TrainOps, batches: tf.data.Dataset,
                   schedule: Schedule, hooks: TrainHooks,
                   progress_stream: TextIO | None = None,
                   strategy: tf.distribute.Strategy | None = None) -> TrainResult:
    """`run` with steps of `ops` on the batches of an endless dataset.

    Each element of `batches` is either the observed batch `[B, T, ...]`
    or a pair `(observed [B, T, ...], mask [B, T])`, whose prefix mask (1 on
    real steps, 0 on the padding at the end) goes to `ops` so that padded
    steps add nothing to the loss. The agent computes the contexts inside
    each step (`contexts=None`), so it trains too. Under a strategy,
    `batches` are global batches that the strategy splits among its
    replicas (and workers), masks alike. Other arguments and errors are
    `run`'s.
    """
    strategy = strategy or tf.distribute.get_strategy()
    masked = isinstance(batches.element_spec, tuple)
    batches = batches.with_options(dataset_options())
    if strategy.num_replicas_in_sync > 1:
        batches = strategy.experimental_distribute_dataset(batches)
    iterator = iter(batches)

    def step() -> Mapping[str, Any]:
        observed, mask = next(iterator) if masked else (next(iterator), None)
        return ops(None, observed, mask=mask)

    return run(log_dir, checkpoint, ops.global_step, step, schedule, hooks,
               progress_stream, strategy)


def dataset_options() -> tf.data.Options:
    """How `run_on_dataset` reads its batches.

    Without tf.data's autotuning: deleting an autotuned iterator waits for
    its optimisation thread to wake, up to a minute after a long run (a
    60 s `make demo` run took 7 to 42 s more, in 4 runs out of 9, before
    it could sample). Under a strategy, every worker builds the same
    pipeline (given the same seed) and keeps its part of each batch: there
    are no files to shard by.
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA)
    return options


@contextlib.contextmanager
def preparing(schedule: Schedule, strategy: tf.distribute.Strategy | None = None
              ) -> Iterator[tf.distribute.Strategy]:
    """Where an example's `train` checks its input and builds its model.

    Checks `schedule`, then runs the block in the scope of `strategy` (the
    current one if None), which it yields, with a `ValueError` raised there
    reported as an `InputError`. The block writes nothing; afterwards the
    chief (`vaeseq.distribute.is_chief`) saves the configuration and the
    example calls `run_on_dataset`::

        with training.preparing(schedule, strategy) as strategy:
            run = check_and_build(...)
        if distribute.is_chief(strategy):
            save_config(log_dir, run)
        return training.run_on_dataset(log_dir, run.checkpoint, run.ops,
                                       run.batches, schedule, hooks,
                                       strategy=strategy)

    Raises:
        InputError: an unusable schedule, or a `ValueError` in the block.
    """
    schedule.check()
    strategy = strategy or tf.distribute.get_strategy()
    with errors.bad_input(), strategy.scope():
        yield strategy


# What a collective op raises when a peer worker dies or cannot be reached.
_PEER_FAILURES = (tf.errors.UnavailableError, tf.errors.AbortedError,
                  tf.errors.CancelledError, tf.errors.DeadlineExceededError)


def _worker_lost(err: tf.errors.OpError, global_step: tf.Variable,
                 log_dir: str) -> distributed.WorkerLostError:
    """A one-line error for the loss of a worker, naming the last checkpoint."""
    last = rundir.latest_checkpoint(log_dir)
    saved = f"the last checkpoint is {last}" if last else "no checkpoint was saved"
    return distributed.WorkerLostError(
        f"lost contact with another worker at step {int(global_step.numpy())} "
        f"({type(err).__name__}); {saved}; restart every worker to resume.")


def _loop(manager: tf.train.CheckpointManager, checkpoint: tf.train.Checkpoint,
          resumed: bool, global_step: tf.Variable, step_fn: StepFn, schedule: Schedule,
          hooks: TrainHooks, stop: signals.StopRequests,
          progress_stream: TextIO | None) -> int:
    """Runs the steps; returns the global step reached, which is saved.

    `resumed` says whether the run started from a checkpoint: every worker
    must decide alike when to save, as saving may synchronise them.
    """
    deadline = None
    if schedule.max_seconds is not None:
        deadline = time.monotonic() + schedule.max_seconds
    step = int(global_step.numpy())
    saved_step = step if resumed else None
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
                    rundir.save(manager, checkpoint, step)
                raise
            step = int(global_step.numpy())
            end = step == schedule.iters
            shown.update(hooks.after_step(
                step, results, step % schedule.log_every == 0 or end))
            if step % schedule.valid_every == 0 or end:
                shown.update(hooks.periodic(step))
            if step % schedule.save_every == 0:
                rundir.save(manager, checkpoint, step)
                saved_step = step
            bar.update(step, shown, force=end)
    finally:
        bar.close()
    if saved_step != step:
        rundir.save(manager, checkpoint, step)
    return step
