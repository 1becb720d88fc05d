"""Trains the play example: `train(...)`.

Everything is checked before anything is written into the log directory:
the schedule, the hyperparameters, the saved configuration and the latest
checkpoint. Training then resumes from that checkpoint and runs iterations
of `loop.Loop` until the iteration count reaches `schedule.iters`, saving
every `save_every` iterations, at the end, and when interrupted by SIGINT
or SIGTERM. The text example's schedule, progress bar, signal handling and
summaries serve here too.
"""

import time
from typing import Callable, TextIO

import gymnasium as gym
import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq.examples.play import environment
from vaeseq.examples.play import loop as loop_mod
from vaeseq.examples.play import model
from vaeseq.examples.play import rundir
from vaeseq.examples.text import errors
from vaeseq.examples.text import progress
from vaeseq.examples.text import signals
from vaeseq.examples.text import summaries
from vaeseq.examples.text.training import Schedule, TrainResult

MAX_CHECKPOINTS = 3
_SHOWN = ("real_return", "imagined_steps", "elbo")

__all__ = ["Schedule", "TrainResult", "train"]


def train(log_dir: str, schedule: Schedule, *, hparams: str | None = None,
          seed: int | None = None, progress_stream: TextIO | None = None,
          make_env: Callable[[], gym.Env] = environment.make_cartpole) -> TrainResult:
    """Trains (or resumes training) until the iteration count reaches `schedule.iters`.

    Args:
        log_dir: the training directory (see `rundir`); created if missing.
        schedule: iterations to reach and how often to save (`save_every`,
            in iterations); `log_every` and `valid_every` are unused, every
            iteration is summarised.
        hparams: overrides in `HParams.parse` syntax; on resume they apply
            on top of the saved values and cannot change the architecture.
        seed: makes initialisation, the real episodes and imagination
            repeatable.
        progress_stream: where the progress bar goes; stderr by default.
        make_env: builds one real environment.

    Returns:
        The iteration reached and what, if anything, stopped training early.

    Raises:
        InputError: bad arguments, or a corrupt or mismatched log directory;
            the log directory is left untouched.
        vaeseq.train.NonFiniteError: a model step met a non-finite loss; the
            last good state is saved first.
    """
    schedule.check()
    with errors.bad_input():
        run_hparams, checkpoint_path = rundir.resume(log_dir, hparams)
        if seed is not None:
            tf.random.set_seed(seed)
        vae = model.make_model(run_hparams)
        model.build(vae)
    iteration = tf.Variable(0, dtype=tf.int64, trainable=False, name="iteration")
    if checkpoint_path is not None:  # First the count, so a resumed run plays new episodes.
        rundir.restore(tf.train.Checkpoint(iteration=iteration), checkpoint_path)
    loop_seed = None if seed is None else seed + int(iteration.numpy())
    loop = loop_mod.Loop(run_hparams, vae, loop_seed, make_env)
    checkpoint = tf.train.Checkpoint(model=vae, train_ops=loop.train_ops,
                                     policy_trainer=loop.policy_trainer, iteration=iteration)
    if checkpoint_path is not None:
        rundir.restore(checkpoint, checkpoint_path)
    rundir.save_hparams(log_dir, run_hparams)
    manager = tf.train.CheckpointManager(checkpoint, log_dir, max_to_keep=MAX_CHECKPOINTS,
                                         checkpoint_name=rundir.CHECKPOINT_PREFIX)
    writer = tf.summary.create_file_writer(log_dir)
    try:
        with signals.StopRequests() as stop, writer.as_default(step=iteration):
            reached = _run(loop, iteration, manager, schedule, stop, progress_stream)
    finally:
        writer.close()
    if stop.requested:
        return TrainResult(reached, stop.signal_name)
    if reached < schedule.iters:
        return TrainResult(reached, "time limit")
    return TrainResult(reached, None)


def _run(loop: loop_mod.Loop, iteration: tf.Variable, manager: tf.train.CheckpointManager,
         schedule: Schedule, stop: signals.StopRequests, progress_stream: TextIO | None) -> int:
    """Runs iterations until the end, a stop request or the time limit; saves; returns the count."""
    deadline = None if schedule.max_seconds is None else time.monotonic() + schedule.max_seconds
    done = int(iteration.numpy())
    saved = done if manager.latest_checkpoint else None
    bar = progress.ProgressBar(schedule.iters, done, progress_stream, unit="iters",
                               deadline=deadline)
    try:
        while (done < schedule.iters and not stop.requested
               and (deadline is None or time.monotonic() < deadline)):
            try:
                metrics = loop.iteration()
            except train_mod.NonFiniteError:
                if saved != done:
                    manager.save(checkpoint_number=done)
                raise
            iteration.assign_add(1)
            done += 1
            for name, value in metrics.items():
                summaries.scalar(name, value)
            if done % schedule.save_every == 0:
                manager.save(checkpoint_number=done)
                saved = done
            bar.update(done, {name: metrics[name] for name in _SHOWN},
                       force=done == schedule.iters)
    finally:
        bar.close()
    if saved != done:
        manager.save(checkpoint_number=done)
    return done
