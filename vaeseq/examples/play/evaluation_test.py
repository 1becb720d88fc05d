"""Tests for evaluation.py: real CartPole-v1 episodes."""

import numpy as np
import pytest
import sonnet as snt
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import evaluation

EPISODES = 20


class LeanPolicy(snt.Module):
    """Pushes the cart the way the pole falls: a known fair CartPole heuristic."""

    def __call__(self, state):
        return 10.0 * (state[:, 2] + 0.5 * state[:, 3])


def test_random_and_heuristic_policies_on_real_episodes():
    scores = evaluation.evaluate_policy(LeanPolicy(), EPISODES, seed=0)
    random, lean = scores["random"], scores["policy"]
    assert random["episodes"] == lean["episodes"] == EPISODES
    # CartPole-v1's random policy lasts about 22 steps on average.
    assert 12 <= random["mean"] <= 35 and random["std"] > 0
    assert lean["mean"] > 3 * random["mean"]
    assert 1 <= lean["min"] <= lean["mean"] <= lean["max"] <= 500


def test_greedy_episodes_repeat_given_the_seed():
    first = evaluation.episode_returns(LeanPolicy(), 3, seed=5)
    np.testing.assert_array_equal(first, evaluation.episode_returns(LeanPolicy(), 3, seed=5))
    sampled = evaluation.episode_returns(evaluation.RandomPolicy(), 3, seed=5, greedy=False)
    np.testing.assert_array_equal(
        sampled, evaluation.episode_returns(evaluation.RandomPolicy(), 3, seed=5, greedy=False))


def test_episode_states_follow_the_episode():
    states, episode_return = evaluation.episode_states(evaluation.RandomPolicy(), seed=2)
    assert states.shape == (episode_return + 1, environment.STATE_SIZE)
    np.testing.assert_array_less(np.abs(states[0]), 0.05 + 1e-6)  # CartPole's resets.
    last = states[-1]
    assert abs(last[0]) > 2.4 or abs(last[2]) > 0.2095  # It ended by failing.
    tf.debugging.assert_all_finite(tf.constant(states), "states")


def test_no_episodes():
    with pytest.raises(ValueError, match="episodes"):
        evaluation.evaluate_policy(LeanPolicy(), 0)


if __name__ == "__main__":
    testing.main(__file__)
