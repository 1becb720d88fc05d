"""Trains the play example: `train(...)`.

Everything is checked before anything is written into the log directory:
the schedule, the hyperparameters, the saved `hparams.json` and the latest
checkpoint. Training then resumes from that checkpoint and runs iterations
of `loop.Loop` (the loop's global step) until `schedule.iters`, with the
shared loop of `vaeseq.examples.common.training`: checkpoints every
`save_every` iterations, at the end and on SIGINT or SIGTERM, a progress
bar, and scalar summaries of every iteration. Checkpoints hold the model
with its policy, the best policy so far (`BestPolicy`), both optimizers,
the baseline and the iteration count; the
replay of real episodes is not saved, so a resumed run collects afresh.
"""

from typing import Callable, Mapping, TextIO

import gymnasium as gym
import tensorflow as tf

from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training as common_training
from vaeseq.examples.common.training import Schedule, TrainResult
from vaeseq.examples.play import environment
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import loop as loop_mod
from vaeseq.examples.play import model

_SHOWN = ("real_return", "imagined_steps", "elbo")

__all__ = ["Schedule", "TrainResult", "train"]


class _Hooks(common_training.TrainHooks):
    """Summarises every iteration's metrics; shows a few on the progress bar."""

    def after_step(self, step: int, results: Mapping[str, float],
                   log_due: bool) -> Mapping[str, float]:
        del step, log_due  # Iterations are slow: every one is summarised.
        for name, value in results.items():
            summaries.scalar(name, value)
        return {name: results[name] for name in _SHOWN}


def train(log_dir: str, schedule: Schedule, *, hparams: str | None = None,
          seed: int | None = None, progress_stream: TextIO | None = None,
          make_env: Callable[[], gym.Env] = environment.make_cartpole) -> TrainResult:
    """Trains (or resumes training) until the iteration count reaches `schedule.iters`.

    Args:
        log_dir: the training directory; created if missing.
        schedule: iterations to reach, and how often to save (`save_every`,
            in iterations); `log_every` and `valid_every` are unused.
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
        run_hparams, checkpoint_path = rundir.resume(log_dir, hparams_mod.SPEC, hparams)
        if seed is not None:
            tf.random.set_seed(seed)
        vae = model.make_model(run_hparams)
        iteration = tf.Variable(0, dtype=tf.int64, trainable=False, name="iteration")
        if checkpoint_path is not None:  # First the count, so a resumed run plays new episodes.
            rundir.restore(tf.train.Checkpoint(iteration=iteration), checkpoint_path)
        loop_seed = None if seed is None else seed + int(iteration.numpy())
        # Builds TrainOps, which checks the optimizer's hyperparameters.
        loop = loop_mod.Loop(run_hparams, vae, loop_seed, make_env)
        checkpoint = tf.train.Checkpoint(model=vae, train_ops=loop.train_ops,
                                         policy_trainer=loop.policy_trainer, best=loop.best,
                                         iteration=iteration)
        if checkpoint_path is not None:
            rundir.restore(checkpoint, checkpoint_path)
    rundir.save_hparams(log_dir, hparams_mod.SPEC, run_hparams)

    def step() -> dict[str, float]:
        metrics = loop.iteration()
        iteration.assign_add(1)
        return metrics

    return common_training.run(log_dir, checkpoint, iteration, step, schedule, _Hooks(),
                               progress_stream)
