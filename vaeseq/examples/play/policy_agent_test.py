"""Tests for policy_agent.py."""

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import agent as agent_mod
from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import policy_agent

B, T = 2, 3
OBS = environment.OBS_SIZE


def make_agent():
    hparams = hparams_mod.make_hparams(policy_layers=[6])
    return policy_agent.PolicyAgent(policy_agent.Policy(hparams, name="policy"))


def test_actions_and_log_probs_match_a_bernoulli():
    logits = tf.constant([[-2.0, 0.0, 3.0]])
    inputs = tf.constant([[[0.05], [0.6], [0.9]]])
    actions = policy_agent.actions_for(logits, inputs)
    # sigmoid: 0.12, 0.5, 0.95
    np.testing.assert_array_equal(actions.numpy(), [[1, 0, 1]])
    expected = tfp.distributions.Bernoulli(logits=logits).log_prob(actions)
    np.testing.assert_allclose(policy_agent.action_log_probs(logits, actions).numpy(),
                               expected.numpy(), rtol=1e-6)


def test_greedy_inputs_pick_the_likelier_action():
    logits = tf.constant([[-0.1, 0.1]])
    actions = policy_agent.actions_for(logits, policy_agent.greedy_inputs(1, 2))
    np.testing.assert_array_equal(actions.numpy(), [[0, 1]])


def test_context_and_observe():
    agent = make_agent()
    state = tf.constant([[0.5, -1.0, 0.05, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]])
    inputs = tf.constant([[0.0], [1.0]])  # Always action 1, always action 0.
    context = agent.context(inputs, state).numpy()
    assert context.shape == (B, policy_agent.CONTEXT_SIZE)
    np.testing.assert_allclose(context[0], [0.5, -1.0, 0.5, 2.0, 0.0, 0.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(context[1], [0, 0, 0, 0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(agent.env_input(inputs, state).numpy(), [1, 0])
    obs = tf.constant([[1.0, 1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]])
    new_state = agent.observe(inputs, obs, state).numpy()
    np.testing.assert_allclose(new_state[0, :4], [0.5, -1.0, 0.05, 2.0] + environment.DELTA_SCALE,
                               rtol=1e-6)
    np.testing.assert_allclose(new_state[:, 4], [0.0, 1.0])


def test_states_along_and_contexts_match_the_step_by_step_unroll():
    agent = make_agent()
    observations = tf.random.stateless_normal([B, T, OBS], seed=[1, 2])
    observations = tf.concat([observations[..., :4], tf.constant([[[0.0], [0.0], [1.0]]] * B)],
                             axis=-1)
    inputs = policy_agent.uniform_inputs(B, T, seed=tf.constant([3, 4]))
    unrolled = agent_mod.Agent.contexts_for_observations(agent, inputs, observations)
    np.testing.assert_allclose(agent.contexts_for_observations(inputs, observations).numpy(),
                               unrolled.numpy(), rtol=1e-5, atol=1e-6)
    start = tf.constant([[1.0, 2.0, 0.1, -1.0, 0.0]] * B)
    states = agent.states_along(start, observations).numpy()
    state = start
    for t in range(T):
        np.testing.assert_allclose(states[:, t], state.numpy(), rtol=1e-5, atol=1e-6)
        state = agent.observe(inputs[:, t], observations[:, t], state)


def test_best_policy_keeps_the_best_offer():
    hparams = hparams_mod.make_hparams(policy_layers=[6])
    best = policy_agent.BestPolicy(hparams)
    state = tf.constant([[0.1, 0.2, 0.03, -0.4, 0.0]])
    first, second = (policy_agent.Policy(hparams) for _ in range(2))
    first(state), second(state)  # Creates their variables.
    assert best.offer(first, 20.0)
    assert not best.offer(second, 10.0)
    np.testing.assert_array_equal(best.policy(state).numpy(), first(state).numpy())
    assert best.offer(second, 20.0)  # Ties go to the newer policy.
    np.testing.assert_array_equal(best.policy(state).numpy(), second(state).numpy())
    assert float(best.real_return.numpy()) == 20.0


if __name__ == "__main__":
    testing.main(__file__)
