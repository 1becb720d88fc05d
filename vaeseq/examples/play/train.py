"""Trains the play example: `train(...)`, iterations of `Loop`.

One iteration (`Loop.iteration`):
  1. plays `episodes_per_iter` real episodes with the current policy
     (`environment.play`) into the replay of recent real episodes
     (`Replay`);
  2. trains the model `model_steps_per_iter` steps (`TrainOps`) on windows of
     the replayed episodes, so it keeps fitting the states the current policy
     visits;
  3. updates the policy `policy_steps_per_iter` times in imagination
     (`policy.PolicyTrainer`), starting from replayed real states.

Everything is checked before anything is written into the log directory:
the schedule, the hyperparameters, the saved `hparams.json` and the latest
checkpoint. Training then resumes from that checkpoint and runs iterations
(the loop's global step) until `schedule.iters`, with the shared loop of
`vaeseq.examples.common.training`: checkpoints every `save_every`
iterations, at the end and on SIGINT or SIGTERM, a progress bar, and scalar
summaries of every iteration. Checkpoints hold the model with its policy,
the best policy so far (`policy.BestPolicy`), both optimizers, the baseline
and the iteration count; the replay of real episodes is not saved, so a
resumed run collects afresh.
"""

from typing import Callable, Mapping, TextIO

import gymnasium as gym
import numpy as np
import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq import vae as vae_mod
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training as common_training
from vaeseq.examples.common.training import Schedule, TrainResult
from vaeseq.examples.play import environment
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import model
from vaeseq.examples.play import policy
from vaeseq.hparams import HParams

__all__ = ["Loop", "Replay", "Schedule", "TrainResult", "live_steps", "train"]

_SHOWN = ("real_return", "imagined_steps", "elbo")


def live_steps(observations: np.ndarray) -> np.ndarray:
    """`[N, T, OBS_SIZE]` -> `[N]`: steps up to and including termination (T if none)."""
    terminated = observations[..., environment.STATE_SIZE] > 0.5  # [N, T]
    first = np.argmax(terminated, axis=1)
    return np.where(terminated.any(axis=1), first + 1, observations.shape[1])


class Replay:
    """A ring buffer of the last `capacity` episodes, cut into training windows.

    Episodes are stored as the rollouts recorded them: contexts `[T, C]` and
    observations `[T, OBS_SIZE]` of equal length T, absorbing after
    termination (see `environment`). Windows start where the episode was
    still running, so that the model sees every live transition and, near
    the end, termination and the absorbing steps after it.

    Args:
      capacity: how many episodes to keep.
      rng: draws the windows.
    """

    def __init__(self, capacity: int, rng: np.random.Generator):
        if capacity < 1:
            raise ValueError(f"replay capacity must be >= 1, got {capacity}")
        self._capacity = capacity
        self._rng = rng
        self._contexts = None
        self._observations = None
        self._live = None
        self._size = 0
        self._next = 0

    def __len__(self) -> int:
        return self._size

    def add(self, contexts: np.ndarray, observations: np.ndarray) -> None:
        """Stores episodes: contexts `[N, T, C]`, observations `[N, T, OBS_SIZE]`."""
        if self._contexts is None:
            self._contexts = np.zeros((self._capacity,) + contexts.shape[1:], np.float32)
            self._observations = np.zeros((self._capacity,) + observations.shape[1:],
                                          np.float32)
            self._live = np.zeros([self._capacity], np.int64)
        live = live_steps(observations)
        for i in range(contexts.shape[0]):
            self._contexts[self._next] = contexts[i]
            self._observations[self._next] = observations[i]
            self._live[self._next] = live[i]
            self._next = (self._next + 1) % self._capacity
            self._size = min(self._size + 1, self._capacity)

    def windows(self, batch_size: int, length: int) -> tuple[np.ndarray, np.ndarray]:
        """Random windows: (contexts `[B, L, C]`, observations `[B, L, OBS_SIZE]`).

        Each starts at a uniformly drawn live step of a uniformly drawn
        episode (no later than T - L, so that it fits).
        """
        if self._size == 0:
            raise ValueError("the replay is empty")
        steps = self._observations.shape[1]
        if length > steps:
            raise ValueError(f"windows of {length} steps do not fit episodes of {steps}")
        episodes = self._rng.integers(self._size, size=batch_size)
        last_start = np.minimum(self._live[episodes] - 1, steps - length)
        starts = (self._rng.random(batch_size) * (last_start + 1)).astype(np.int64)
        index = starts[:, None] + np.arange(length)  # [B, L]
        return (self._contexts[episodes[:, None], index],
                self._observations[episodes[:, None], index])

    def live_states(self, count: int) -> np.ndarray:
        """Agent states `[count, OBS_SIZE]` before uniformly drawn live steps.

        Step 0 (the reset) is left out: the states start in real CartPole
        states. The context of a step holds the state before it.
        """
        if self._size == 0:
            raise ValueError("the replay is empty")
        episodes = self._rng.integers(self._size, size=count)
        steps = 1 + (self._rng.random(count) * (self._live[episodes] - 1)).astype(np.int64)
        contexts = self._contexts[episodes, steps]  # [N, C]
        states = contexts[:, :environment.STATE_SIZE] * environment.STATE_SCALE
        return np.concatenate([states, np.zeros([count, 1], np.float32)], axis=1)


class Loop:
    """The state of a training run between iterations.

    Args:
      hparams: the play hyperparameters.
      vae: the model, whose agent is a `policy.PolicyAgent`.
      seed: seeds the environments, the replay's windows and the imagination;
        None for fresh randomness.
      make_env: builds one real environment; each real rollout plays whole
        episodes of it.
    """

    def __init__(self, hparams: HParams, vae: vae_mod.VAEBase, seed: int | None = None,
                 make_env: Callable[[], gym.Env] = environment.make_cartpole):
        self._hparams = hparams
        self._vae = vae
        self._agent = environment.CompiledAgent(vae.agent)
        self.env = environment.GymEnvironment(hparams.episodes_per_iter, make_env, seed=seed)
        self._rollout_steps = environment.max_rollout_steps(make_env)
        rng = np.random.default_rng(seed)
        self.replay = Replay(hparams.replay_episodes, rng)
        self.train_ops = train_mod.TrainOps(hparams, vae)
        self.policy_trainer = policy.PolicyTrainer(hparams, vae)
        self.best = policy.BestPolicy(hparams, name="best")
        self._seeds = (tf.random.Generator.from_non_deterministic_state() if seed is None
                       else tf.random.Generator.from_seed(seed))

    def iteration(self) -> dict[str, float]:
        """Runs one iteration; returns its metrics.

        Returns:
          real_return (mean over the iteration's episodes), best_return (of
          the policy kept in `best`), and the means
          over the iteration of the model's elbo, log_prob and divergence
          (per window) and of the policy's imagined_steps and entropy.
        """
        hparams = self._hparams
        # Uniform inputs: the real episodes sample their actions from the policy.
        inputs = policy.uniform_inputs(self.env.batch_size, self._rollout_steps)
        contexts, observations = environment.play(self.env, self._agent, inputs)
        self.replay.add(contexts, observations)
        real_return = float(np.mean(self.env.returns))
        # The episodes measured the policy as it is now, before this iteration's updates.
        self.best.offer(self._vae.agent.policy, real_return)
        metrics = {"real_return": real_return, "best_return": float(self.best.real_return)}
        model_sums = dict.fromkeys(("elbo", "log_prob", "divergence"), 0.0)
        for _ in range(hparams.model_steps_per_iter):
            result = self.train_ops(*self.replay.windows(hparams.batch_size,
                                                         hparams.sequence_size))
            for name in model_sums:
                model_sums[name] += float(result[name])
        policy_sums = dict.fromkeys(("imagined_steps", "entropy"), 0.0)
        for _ in range(hparams.policy_steps_per_iter):
            seed = tf.cast(self._seeds.make_seeds(1)[:, 0], tf.int32)
            result = self.policy_trainer(
                self.replay.live_states(hparams.imagine_batch_size), seed)
            for name in policy_sums:
                policy_sums[name] += float(result[name])
        for sums, count in ((model_sums, hparams.model_steps_per_iter),
                            (policy_sums, hparams.policy_steps_per_iter)):
            metrics.update({name: total / max(count, 1) for name, total in sums.items()})
        return metrics


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
        loop = Loop(run_hparams, vae, loop_seed, make_env)
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
