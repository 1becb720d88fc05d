"""Tests for environment.py on the fake deterministic environment: steps and a rollout."""

import functools

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import fake_env
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import policy

SCALE = environment.DELTA_SCALE


def run(env, actions):
    """Steps `env` from its initial state; returns observations [T, B, 5]."""
    state = env.initial_state(env.batch_size)
    outputs = []
    for action in actions:
        obs, state = env(tf.constant(action), state)
        outputs.append(obs.numpy())
    return np.stack(outputs), state


def test_reset_then_deltas_then_absorbing():
    env = environment.GymEnvironment(2, fake_env.make, seed=7)
    obs, state = run(env, [[0, 0], [1, 0], [0, 1], [1, 1], [0, 0]])
    assert obs.shape == (5, 2, environment.OBS_SIZE)
    assert list(state.numpy()) == [5, 5]
    # Step 0 resets: the "delta" is the initial state (offset = seed / 100).
    np.testing.assert_allclose(obs[0, :, :4] * SCALE, [[0, 0, 0.07, 0], [0, 0, 0.08, 0]],
                               atol=1e-6)
    # Steps 1-3 move the counter by one and set the last action.
    np.testing.assert_allclose(obs[1, 0, :4] * SCALE, [1, 1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(obs[2, 1, :4] * SCALE, [1, 1, 0, 0], atol=1e-6)
    np.testing.assert_allclose(obs[3, 0, :4] * SCALE, [1, 1, 0, 0], atol=1e-6)
    np.testing.assert_array_equal(obs[:, 0, 4], [0, 0, 0, 1, 1])
    # After terminating (step 3), nothing changes.
    np.testing.assert_array_equal(obs[4, :, :4], 0)
    np.testing.assert_array_equal(env.returns, [3, 3])


def test_resets_use_fresh_seeds():
    env = environment.GymEnvironment(2, fake_env.make, seed=10)
    first, _ = run(env, [[0, 0]])
    second, _ = run(env, [[0, 0]])
    np.testing.assert_allclose(first[0, :, 2] * SCALE[2], [0.10, 0.11], atol=1e-6)
    np.testing.assert_allclose(second[0, :, 2] * SCALE[2], [0.12, 0.13], atol=1e-6)


def test_rollout_past_the_time_limit_fails():
    env = environment.GymEnvironment(1, functools.partial(fake_env.make, length=100))
    steps = environment.max_rollout_steps(functools.partial(fake_env.make, length=100))
    assert steps == fake_env.TIME_LIMIT + 1
    run(env, [[0]] * steps)  # Exactly the reset and the whole episode.
    with pytest.raises(ValueError, match="time limit"):
        run(env, [[0]] * (steps + 1))


def test_batch_size_must_match():
    env = environment.GymEnvironment(3, fake_env.make)
    with pytest.raises(ValueError, match="runs 3 episodes"):
        env.initial_state(4)


def test_cartpole_rollout_limit():
    assert environment.max_rollout_steps() == 501


def test_play_shapes_and_contexts():
    episodes, length, steps = 2, 3, fake_env.TIME_LIMIT + 1
    hparams = hparams_mod.make_hparams(policy_layers=[10])
    agent = environment.CompiledAgent(policy.PolicyAgent(policy.Policy(hparams)))
    env = environment.GymEnvironment(episodes, functools.partial(fake_env.make, length), seed=0)
    contexts, observations = environment.play(env, agent,
                                              policy.uniform_inputs(episodes, steps))
    assert contexts.shape == (episodes, steps, policy.CONTEXT_SIZE)
    assert observations.shape == (episodes, steps, environment.OBS_SIZE)
    np.testing.assert_array_equal(env.returns, [length] * episodes)
    # The context of step t + 1 holds the state after step t and the action
    # the fake environment then records.
    actions = np.argmax(contexts[:, 1:length + 1, 5:], axis=-1)
    counters = contexts[:, 1:length + 2, 0] * environment.STATE_SCALE[0]
    np.testing.assert_allclose(counters, np.tile(np.arange(length + 1), [episodes, 1]),
                               atol=1e-5)
    recorded = contexts[:, 2:length + 2, 1] * environment.STATE_SCALE[1]
    np.testing.assert_array_equal(recorded, actions)
    np.testing.assert_array_equal(observations[:, length:, 4], 1.0)


if __name__ == "__main__":
    testing.main(__file__)
