"""The training loop: real rollouts, model training, imagined policy updates.

One iteration (`Loop.iteration`):
  1. plays `episodes_per_iter` real episodes with the current policy
     (`contexts_and_observations_from_environment`) into the replay;
  2. trains the model `model_steps_per_iter` steps (`TrainOps`) on windows of
     the replayed episodes, so it keeps fitting the states the current policy
     visits;
  3. updates the policy `policy_steps_per_iter` times in imagination
     (`PolicyTrainer`), starting from replayed real states.
"""

from typing import Callable

import gymnasium as gym
import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import train as train_mod
from vaeseq import vae as vae_mod
from vaeseq.examples.play import environment
from vaeseq.examples.play import imagination
from vaeseq.examples.play import policy_agent
from vaeseq.examples.play import replay as replay_mod
from vaeseq.hparams import HParams


class CompiledAgent(agent_mod.Agent):
    """Runs another agent's step methods as graphs, for loops that run eagerly.

    Eager Sonnet calls cost milliseconds each; a real rollout makes three
    per step, so compiling them makes rollouts several times faster.
    """

    def __init__(self, agent: agent_mod.Agent, name: str | None = None):
        super().__init__(name=name)
        self._agent = agent
        self._context = tf.function(agent.context, reduce_retracing=True)
        self._env_input = tf.function(agent.env_input, reduce_retracing=True)
        self._observe = tf.function(agent.observe, reduce_retracing=True)

    @property
    def context_size(self):
        return self._agent.context_size

    @property
    def state_size(self):
        return self._agent.state_size

    def initial_state(self, batch_size):
        return self._agent.initial_state(batch_size)

    def observe(self, agent_input, observation, state):
        return self._observe(agent_input, observation, state)

    def context(self, agent_input, state):
        return self._context(agent_input, state)

    def env_input(self, agent_input, state):
        return self._env_input(agent_input, state)


def play(env: environment.GymEnvironment, agent: agent_mod.Agent, num_steps: int,
         agent_inputs: tf.Tensor | None = None):
    """Plays one episode in each of `env`'s environments.

    Args:
      env: B environments.
      agent: acts on them; a `PolicyAgent`, best wrapped in a `CompiledAgent`.
      num_steps: T, steps of the rollout (the reset included).
      agent_inputs: `[B, T, 1]`; uniform noise (a sampled policy) by default.
    Returns:
      (contexts `[B, T, CONTEXT_SIZE]`, observations `[B, T, OBS_SIZE]`) as
      numpy arrays; `env.returns` holds the episodes' returns.
    """
    if agent_inputs is None:
        agent_inputs = policy_agent.uniform_inputs(env.batch_size, num_steps)
    contexts, observations = agent_mod.contexts_and_observations_from_environment(
        env, agent, agent_inputs)
    return contexts.numpy(), observations.numpy()


class Loop:
    """The state of a training run between iterations.

    Args:
      hparams: the play hyperparameters.
      vae: the model, whose agent is a `PolicyAgent`.
      seed: seeds the environments, the replay's windows and the imagination;
        None for fresh randomness.
      make_env: builds one real environment.
      rollout_steps: steps of each real rollout; whole episodes by default.
    """

    def __init__(self, hparams: HParams, vae: vae_mod.VAEBase, seed: int | None = None,
                 make_env: Callable[[], gym.Env] = environment.make_cartpole,
                 rollout_steps: int | None = None):
        self._hparams = hparams
        self._vae = vae
        self._agent = CompiledAgent(vae.agent)
        self.env = environment.GymEnvironment(hparams.episodes_per_iter, make_env, seed=seed)
        self._rollout_steps = rollout_steps or environment.max_rollout_steps(make_env)
        rng = np.random.default_rng(seed)
        self.replay = replay_mod.Replay(hparams.replay_episodes, rng)
        self.train_ops = train_mod.TrainOps(hparams, vae)
        self.policy_trainer = imagination.PolicyTrainer(hparams, vae)
        self.best = policy_agent.BestPolicy(hparams, name="best")
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
        contexts, observations = play(self.env, self._agent, self._rollout_steps)
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
