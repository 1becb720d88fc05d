"""Agents: the fast context path matches the step-wise one; environment rollouts."""

import numpy as np
import pytest
import sonnet as snt
import tensorflow as tf

from vaeseq import agent
from vaeseq import codec
from vaeseq import testing


class CountingAgent(agent.Agent):
    """Context = [running sum of observations, step count]; uses the generic unroll."""

    @property
    def context_size(self):
        return tf.TensorShape([2])

    @property
    def state_size(self):
        return tf.TensorShape([2])

    def initial_state(self, batch_size):
        return tf.zeros([batch_size, 2])

    def observe(self, agent_input, observation, state):
        return state + tf.stack([tf.reduce_sum(observation, -1), tf.ones_like(state[:, 0])], -1)

    def context(self, agent_input, state):
        return state


class EchoEnvironment(agent.Environment):
    """Observation = env_input + 1; the state counts steps."""

    @property
    def output_size(self):
        return tf.TensorShape([2])

    def initial_state(self, batch_size):
        return tf.zeros([batch_size])

    def __call__(self, env_input, state):
        return env_input + 1.0, state + 1.0


def test_encode_obs_agent_fast_path_matches_generic_unroll():
    hparams = testing.tiny_hparams()
    encoder = codec.MLPObsEncoder(hparams)
    obs_agent = agent.EncodeObsAgent(encoder)
    observations = tf.random.normal([2, 3, 4])
    inputs = agent.null_inputs(2, 3)
    fast = agent.contexts_for_static_observations(observations, obs_agent, inputs)
    generic = agent.Agent.contexts_for_observations(obs_agent, inputs, observations)
    assert fast.shape == (2, 3, 8)
    np.testing.assert_allclose(fast, generic, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(fast[:, 0], np.zeros([2, 8]))  # Nothing seen before t=0.
    np.testing.assert_allclose(fast[:, 2], encoder(observations[:, 1]), rtol=1e-5, atol=1e-6)


def test_generic_agent_contexts():
    observations = tf.constant([[[1.0], [2.0], [3.0]]])  # [B=1, T=3, 1]
    contexts = agent.contexts_for_static_observations(
        observations, CountingAgent(), agent.null_inputs(1, 3))
    np.testing.assert_array_equal(contexts, [[[0, 0], [1, 1], [3, 2]]])


def test_contexts_and_observations_from_environment():
    contexts, observations = agent.contexts_and_observations_from_environment(
        EchoEnvironment(), CountingAgent(), agent.null_inputs(2, 3))
    assert contexts.shape == (2, 3, 2) and observations.shape == (2, 3, 2)
    # Step 0: context 0 -> obs [1, 1]; step 1: context [2, 1] -> obs [3, 2].
    np.testing.assert_array_equal(observations[0], [[1, 1], [3, 2], [8, 3]])
    np.testing.assert_array_equal(contexts[0], [[0, 0], [2, 1], [7, 2]])


def test_null_inputs_shape():
    assert agent.null_inputs(2, 3).shape == (2, 3, 0)
    assert isinstance(CountingAgent(), snt.Module)


def test_a_missing_abstract_member_fails_at_construction_with_its_name():
    class Partial(agent.Agent):
        def observe(self, agent_input, observation, state):
            return observation

        def context(self, agent_input, state):
            return state

    with pytest.raises(TypeError, match="Partial must define context_size, state_size, "
                                        "initial_state \\(abstract in Agent\\)"):
        Partial()


if __name__ == "__main__":
    testing.main(__file__)
