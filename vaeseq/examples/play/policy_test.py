"""Tests for policy.py: the agent, and one imagined policy update."""

import numpy as np
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import agent as agent_mod
from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import model
from vaeseq.examples.play import policy

B, T = 2, 3
OBS = environment.OBS_SIZE


def make_agent():
    hparams = hparams_mod.make_hparams(policy_layers=[6])
    return policy.PolicyAgent(policy.Policy(hparams, name="policy"))


def test_actions_and_log_probs_match_a_bernoulli():
    logits = tf.constant([[-2.0, 0.0, 3.0]])
    inputs = tf.constant([[[0.05], [0.6], [0.9]]])
    actions = policy.actions_for(logits, inputs)
    # sigmoid: 0.12, 0.5, 0.95
    np.testing.assert_array_equal(actions.numpy(), [[1, 0, 1]])
    expected = tfp.distributions.Bernoulli(logits=logits).log_prob(actions)
    np.testing.assert_allclose(policy.action_log_probs(logits, actions).numpy(),
                               expected.numpy(), rtol=1e-6)


def test_greedy_inputs_pick_the_likelier_action():
    logits = tf.constant([[-0.1, 0.1]])
    actions = policy.actions_for(logits, policy.greedy_inputs(1, 2))
    np.testing.assert_array_equal(actions.numpy(), [[0, 1]])


def test_context_and_observe():
    agent = make_agent()
    state = tf.constant([[0.5, -1.0, 0.05, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0]])
    inputs = tf.constant([[0.0], [1.0]])  # Always action 1, always action 0.
    context = agent.context(inputs, state).numpy()
    assert context.shape == (B, policy.CONTEXT_SIZE)
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
    inputs = policy.uniform_inputs(B, T, seed=tf.constant([3, 4]))
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
    best = policy.BestPolicy(hparams)
    state = tf.constant([[0.1, 0.2, 0.03, -0.4, 0.0]])
    first, second = (policy.Policy(hparams) for _ in range(2))
    first(state), second(state)  # Creates their variables.
    assert best.offer(first, 20.0)
    assert not best.offer(second, 10.0)
    np.testing.assert_array_equal(best.policy(state).numpy(), first(state).numpy())
    assert best.offer(second, 20.0)  # Ties go to the newer policy.
    np.testing.assert_array_equal(best.policy(state).numpy(), second(state).numpy())
    assert float(best.real_return.numpy()) == 20.0


def test_alive_after_never_revives():
    flags = tf.constant([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    observations = tf.concat([tf.zeros([2, 4, 4]), flags[..., None]], axis=-1)
    np.testing.assert_array_equal(policy.alive_after(observations).numpy(),
                                  [[1, 0, 0, 0], [1, 1, 1, 0]])


def test_discounted_returns():
    rewards = np.array([[1.0, 2.0, 0.0, 3.0], [1.0, 1.0, 1.0, 1.0]], np.float32)
    expected = np.zeros_like(rewards)
    for t in reversed(range(4)):
        expected[:, t] = rewards[:, t] + (0.5 * expected[:, t + 1] if t < 3 else 0.0)
    np.testing.assert_allclose(policy.discounted_returns(tf.constant(rewards), 0.5).numpy(),
                               expected, rtol=1e-6)


def test_update_changes_only_the_policy():
    hparams = hparams_mod.make_hparams(
        latent_size=3, rnn_hidden_sizes=[6], obs_encoder_fc_layers=[7],
        obs_decoder_fc_hidden_layers=[8], latent_decoder_fc_layers=[9], policy_layers=[10],
        imagine_steps=4)
    vae = model.make_model(hparams)
    policy_vars = vae.agent.policy.trainable_variables
    policy_refs = {v.ref() for v in policy_vars}
    before = {v.ref(): v.numpy() for v in vae.trainable_variables}
    trainer = policy.PolicyTrainer(hparams, vae)
    start = tf.constant([[0.0, 0.1, 0.01, -0.1, 0.0]] * 5)
    result = trainer(start, tf.constant([1, 2]))
    steps = float(result["imagined_steps"])
    assert 1.0 <= steps <= 4.0  # The first step always acts.
    assert 0.0 < float(result["entropy"]) <= np.log(2) + 1e-6
    assert np.isfinite(float(result["loss"])) and float(result["baseline_loss"]) >= 0
    assert trainer.baseline.trainable_variables  # Created and trained by the update.
    for var in vae.trainable_variables:
        changed = not np.array_equal(before[var.ref()], var.numpy())
        assert changed == (var.ref() in policy_refs), var.name


if __name__ == "__main__":
    testing.main(__file__)
