"""Gymnasium environments (CartPole-v1) as a vaeseq `Environment`.

The model sees one observation per step, `[B, OBS_SIZE]` float32:

    [delta of the 4 state numbers / DELTA_SCALE, terminated]

At step 0 the environments are reset and the "delta" is the initial state
itself (the agent starts from zeros); each later step applies the agent's
action and reports how the state changed. Deltas rather than states because
the SRNN's emission reads only its latent [d_t, z_t], not the context: the
change of the state is a small, nearly linear function of the state and the
action that the model learns accurately, whereas passing the whole state
through the LSTM loses precision that compounds over long imagined
rollouts. After termination the episode is absorbing: zero deltas and
`terminated = 1` until the rollout ends, so every rollout has the same
length and the model learns that termination lasts.

`play` records an agent's rollout in these environments. They run eagerly
(the simulators live in Python), so `CompiledAgent` runs the agent's step
methods as graphs.
"""

from typing import Callable

import gymnasium as gym
import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod

ENV_ID = "CartPole-v1"
STATE_SIZE = 4
OBS_SIZE = STATE_SIZE + 1
# Typical size of one step's change of (x, x_dot, theta, theta_dot) under
# CartPole's 0.02 s time step, so the model's targets are about unit-sized.
DELTA_SCALE = np.array([0.02, 0.2, 0.02, 0.3], np.float32)
# Typical size of the state itself, for the policy's and the model's inputs.
STATE_SCALE = np.array([1.0, 1.0, 0.1, 1.0], np.float32)


def make_cartpole() -> gym.Env:
    """A fresh CartPole-v1 (500-step episodes, reward 1 per step)."""
    return gym.make(ENV_ID)


class GymEnvironment(agent_mod.Environment):
    """B gymnasium environments stepped together.

    `(action [B] int32, step [B] int32) -> (observation [B, OBS_SIZE], step + 1)`.
    The state tensor only counts steps; the simulators themselves live in
    Python, so a state cannot be replayed and the environment runs eagerly.

    Args:
      batch_size: B, the number of environments.
      make_env: builds one environment with a 4-number Box observation and
        a discrete action space.
      seed: seeds the first reset; each later reset of environment b uses
        `seed + b + B * (episodes played before)`, so runs are repeatable.
    """

    def __init__(self, batch_size: int, make_env: Callable[[], gym.Env] = make_cartpole,
                 seed: int | None = None, name: str | None = None):
        super().__init__(name=name)
        self._envs = [make_env() for _ in range(batch_size)]
        self._seed = seed
        self._resets = 0
        self._state = np.zeros([batch_size, STATE_SIZE], np.float32)
        self._terminated = np.zeros([batch_size], bool)
        self._truncated = np.zeros([batch_size], bool)
        self._returns = np.zeros([batch_size], np.float32)

    @property
    def batch_size(self) -> int:
        return len(self._envs)

    @property
    def num_actions(self) -> int:
        return int(self._envs[0].action_space.n)

    @property
    def output_size(self):
        return tf.TensorShape([OBS_SIZE])

    @property
    def state_size(self):
        return tf.TensorShape([])

    @property
    def states(self) -> np.ndarray:
        """`[B, STATE_SIZE]`: each environment's latest state."""
        return self._state.copy()

    @property
    def returns(self) -> np.ndarray:
        """`[B]`: the reward each environment earned since its last reset."""
        return self._returns.copy()

    def initial_state(self, batch_size, **unused_kwargs):
        if batch_size != self.batch_size:
            raise ValueError(f"this environment runs {self.batch_size} episodes, "
                             f"not {batch_size}")
        return tf.zeros([batch_size], tf.int32)

    def __call__(self, env_input, state):
        """One step of every environment; resets them all at step 0.

        Args:
          env_input: actions `[B]` (integers; ignored at step 0).
          state: the step count `[B]` int32.
        Returns:
          (observation `[B, OBS_SIZE]` float32, step count + 1).
        """
        if int(state[0]) == 0:
            deltas = self._reset()
        else:
            deltas = self._step(np.asarray(env_input).astype(np.int64).reshape([-1]))
        obs = np.concatenate([deltas / DELTA_SCALE, self._terminated[:, None]], axis=1)
        return tf.constant(obs, tf.float32), state + 1

    def _reset(self) -> np.ndarray:
        states = []
        for b, env in enumerate(self._envs):
            seed = None
            if self._seed is not None:
                seed = self._seed + b + self.batch_size * self._resets
            states.append(env.reset(seed=seed)[0])
        self._resets += 1
        self._state = np.asarray(states, np.float32)
        self._terminated[:] = False
        self._truncated[:] = False
        self._returns[:] = 0.0
        return self._state.copy()

    def _step(self, actions: np.ndarray) -> np.ndarray:
        deltas = np.zeros_like(self._state)
        for b, env in enumerate(self._envs):
            if self._terminated[b]:
                continue  # Absorbing: no change, still terminated.
            if self._truncated[b]:
                raise ValueError("the rollout outlasted the episode's time limit; "
                                 "use at most max_rollout_steps() steps")
            state, reward, terminated, truncated, _ = env.step(int(actions[b]))
            self._truncated[b] = truncated
            state = np.asarray(state, np.float32)
            deltas[b] = state - self._state[b]
            self._state[b] = state
            self._terminated[b] = terminated
            self._returns[b] += reward
        return deltas


def max_rollout_steps(make_env: Callable[[], gym.Env] = make_cartpole) -> int:
    """Steps of a rollout that plays whole episodes: the reset plus the episode limit."""
    return make_env().spec.max_episode_steps + 1


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


def play(env: GymEnvironment, agent: agent_mod.Agent,
         agent_inputs: tf.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Plays one episode in each of `env`'s environments.

    Args:
      env: B environments.
      agent: acts on them; a `policy.PolicyAgent`, best wrapped in a
        `CompiledAgent`.
      agent_inputs: `[B, T, 1]`, one per step of the rollout (the reset
        included); at most `max_rollout_steps()` steps.
    Returns:
      (contexts `[B, T, C]`, C the agent's context size, observations
      `[B, T, OBS_SIZE]`) as numpy arrays; `env.returns` holds the
      episodes' returns.
    """
    contexts, observations = agent_mod.contexts_and_observations_from_environment(
        env, agent, agent_inputs)
    return contexts.numpy(), observations.numpy()
