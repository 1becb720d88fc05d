"""Agents supply the per-step context that the models condition on.

An `Agent` is a small recurrent thing: before step t it emits a context c_t
from its state, and after x_t is observed it updates its state. For static
data the contexts can be computed up front; for an environment the agent's
input to the environment (an action) is interleaved with observations.
"""

import abc

import sonnet as snt
import tensorflow as tf

from vaeseq import abstract
from vaeseq import masks
from vaeseq import util


class Agent(snt.Module, abc.ABC):
    """Receives observations and supplies contexts.

    A subclass defines `context_size`, `state_size`, `initial_state`,
    `observe` and `context`; constructing one that lacks any raises a
    TypeError naming them.
    """

    ABSTRACT = ("context_size", "state_size", "initial_state", "observe", "context")

    def __init__(self, name: str | None = None):
        super().__init__(name=name)
        abstract.check_defined(self, Agent, Agent.ABSTRACT)

    @property
    @abc.abstractmethod
    def context_size(self):
        """Shape of one context, without the batch dimension."""

    @property
    def context_dtype(self) -> tf.DType:
        return tf.float32

    @property
    @abc.abstractmethod
    def state_size(self):
        """Nest of shapes of the agent's state, without the batch dimension."""

    @property
    def state_dtype(self):
        return tf.nest.map_structure(lambda _: tf.float32, self.state_size)

    @abc.abstractmethod
    def initial_state(self, batch_size):
        """The state before any observation: a nest of `[B, ...]`."""

    @abc.abstractmethod
    def observe(self, agent_input, observation, state):
        """Updates the state with x_t (`[B, ...]`); returns the new state."""

    @abc.abstractmethod
    def context(self, agent_input, state):
        """The context c_t `[B, ...]` for the next step."""

    def env_input(self, agent_input, state):
        """What the agent feeds an `Environment` (an action); the context by default."""
        return self.context(agent_input, state)

    def contexts_for_observations(self, agent_inputs, observations):
        """Contexts `[B, T, ...]` for known observations `[B, T, ...]`.

        Agents whose contexts are a function of earlier observations may
        override it (or `observe_sequence`) to compute all steps at once.
        """
        return self.observe_sequence(agent_inputs, observations)[0]

    def observe_sequence(self, agent_inputs, observations, initial_state=None,
                         seq_lengths=None):
        """Contexts for known observations, and the state where each sequence ends.

        The generic implementation unrolls `context` and `observe` step by
        step.

        Args:
          agent_inputs: `[B, T, ...]`.
          observations: `[B, T, ...]`.
          initial_state: the state before step 0; `initial_state(B)` if None.
          seq_lengths: optional `[B]` int32 lengths of right-padded sequences.
        Returns:
          (contexts `[B, T, ...]`, the state after each sequence's last real
          observation), so that the next chunk of a stream continues from it.
        """
        if initial_state is None:
            initial_state = self.initial_state(tf.shape(observations)[0])
        inputs = tf.nest.map_structure(util.swap_batch_time, agent_inputs)
        steps = util.swap_batch_time(observations)
        state, contexts, states = initial_state, [], []
        for t in range(observations.shape[1]):
            agent_input = tf.nest.map_structure(lambda x, t=t: x[t], inputs)
            contexts.append(self.context(agent_input, state))
            state = self.observe(agent_input, steps[t], state)
            states.append(state)
        per_step = tf.nest.map_structure(lambda *s: tf.stack(s), *states)  # [T, B, ...]
        return tf.stack(contexts, axis=1), masks.state_after(per_step, seq_lengths,
                                                             initial_state)


class Environment(snt.RNNCore, abc.ABC):
    """`(env_input, state) -> (observation, state)`: a world the agent acts in.

    A subclass defines `output_size`, `initial_state` and `__call__`.
    """

    ABSTRACT = ("output_size", "initial_state", "__call__")

    def __init__(self, name: str | None = None):
        super().__init__(name=name)
        abstract.check_defined(self, Environment, Environment.ABSTRACT)

    @property
    @abc.abstractmethod
    def output_size(self):
        """Shape of one observation, without the batch dimension."""

    @property
    def output_dtype(self) -> tf.DType:
        return tf.float32


class EncodeObsAgent(Agent):
    """The context at step t is the encoding of x_{t-1} (zeros at t = 0).

    Args:
      obs_encoder: a Sonnet module mapping observations `[N, ...]` to `[N, D]`
        with an integer `output_size` property (D).
    """

    def __init__(self, obs_encoder: snt.Module, name: str | None = None):
        super().__init__(name=name)
        self._obs_encoder = obs_encoder

    @property
    def context_size(self):
        return tf.TensorShape([self._obs_encoder.output_size])

    @property
    def state_size(self):
        return tf.TensorShape([self._obs_encoder.output_size])

    def initial_state(self, batch_size):
        return tf.zeros([batch_size, self._obs_encoder.output_size])

    def observe(self, agent_input, observation, state):
        del agent_input, state  # The state is just the latest observation.
        return self._obs_encoder(observation)

    def context(self, agent_input, state):
        del agent_input
        return state

    def observe_sequence(self, agent_inputs, observations, initial_state=None,
                         seq_lengths=None):
        """Encodes every x_t at once and shifts right by one step (see `Agent`)."""
        del agent_inputs
        encoded = util.apply_over_time(self._obs_encoder, observations)  # [B, T, D]
        if initial_state is None:
            initial_state = self.initial_state(tf.shape(observations)[0])
        contexts = tf.concat([initial_state[:, tf.newaxis], encoded[:, :-1]], axis=1)
        return contexts, masks.state_after(util.swap_batch_time(encoded), seq_lengths,
                                           initial_state)


def null_inputs(batch_size: int, sequence_size: int, dtype=tf.float32) -> tf.Tensor:
    """Agent inputs for agents that need none: `[B, T, 0]`."""
    return tf.zeros([batch_size, sequence_size, 0], dtype=dtype)


def contexts_for_static_observations(observations, agent: Agent, agent_inputs):
    """Contexts `[B, T, ...]` the agent would give while observing `[B, T, ...]`."""
    return agent.contexts_for_observations(agent_inputs, observations)


def contexts_and_observations_from_environment(env: Environment, agent: Agent, agent_inputs,
                                               initial_env_state=None):
    """Lets `agent` act in `env` for T steps.

    Args:
      env: the environment.
      agent: the agent; its `env_input` is fed to the environment.
      agent_inputs: `[B, T, ...]`.
      initial_env_state: the environment's state; `env.initial_state(B)` by default.
    Returns:
      (contexts `[B, T, ...]`, observations `[B, T, ...]`).
    """
    batch_size = tf.shape(tf.nest.flatten(agent_inputs)[0])[0]
    env_state = env.initial_state(batch_size) if initial_env_state is None else initial_env_state
    agent_state = agent.initial_state(batch_size)
    inputs = tf.nest.map_structure(util.swap_batch_time, agent_inputs)
    contexts, observations = [], []
    for t in range(tf.nest.flatten(agent_inputs)[0].shape[1]):
        agent_input = tf.nest.map_structure(lambda x, t=t: x[t], inputs)
        contexts.append(agent.context(agent_input, agent_state))
        observation, env_state = env(agent.env_input(agent_input, agent_state), env_state)
        observations.append(observation)
        agent_state = agent.observe(agent_input, observation, agent_state)
    return tf.stack(contexts, axis=1), tf.stack(observations, axis=1)
