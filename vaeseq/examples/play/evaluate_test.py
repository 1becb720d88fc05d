"""Tests for evaluate.py: real CartPole-v1 episodes, and frames of one as text."""

import io

import numpy as np
import pytest
import sonnet as snt
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import evaluate

EPISODES = 20


class LeanPolicy(snt.Module):
    """Pushes the cart the way the pole falls: a known fair CartPole heuristic."""

    def __call__(self, state):
        return 10.0 * (state[:, 2] + 0.5 * state[:, 3])


def test_random_and_heuristic_policies_on_real_episodes():
    scores = evaluate.evaluate_policy(LeanPolicy(), EPISODES, seed=0)
    random, lean = scores["random"], scores["policy"]
    assert random["episodes"] == lean["episodes"] == EPISODES
    # CartPole-v1's random policy lasts about 22 steps on average.
    assert 12 <= random["mean"] <= 35 and random["std"] > 0
    assert lean["mean"] > 3 * random["mean"]
    assert 1 <= lean["min"] <= lean["mean"] <= lean["max"] <= 500


@pytest.mark.slow
def test_greedy_episodes_repeat_given_the_seed():
    first = evaluate.episode_returns(LeanPolicy(), 3, seed=5)
    np.testing.assert_array_equal(first, evaluate.episode_returns(LeanPolicy(), 3, seed=5))
    sampled = evaluate.episode_returns(evaluate.RandomPolicy(), 3, seed=5, greedy=False)
    np.testing.assert_array_equal(
        sampled, evaluate.episode_returns(evaluate.RandomPolicy(), 3, seed=5, greedy=False))


def test_episode_states_follow_the_episode():
    states, episode_return = evaluate.episode_states(evaluate.RandomPolicy(), seed=2)
    assert states.shape == (episode_return + 1, environment.STATE_SIZE)
    np.testing.assert_array_less(np.abs(states[0]), 0.05 + 1e-6)  # CartPole's resets.
    last = states[-1]
    assert abs(last[0]) > 2.4 or abs(last[2]) > 0.2095  # It ended by failing.
    tf.debugging.assert_all_finite(tf.constant(states), "states")


def test_no_episodes():
    with pytest.raises(ValueError, match="episodes"):
        evaluate.evaluate_policy(LeanPolicy(), 0)


def test_upright_pole_in_the_middle():
    lines = evaluate.frame([0.0, 0.0, 0.0, 0.0], step=7).split("\n")
    assert lines[0].startswith("step    7")
    assert len(lines) == evaluate.POLE_ROWS + 3
    middle = (evaluate.WIDTH - 1) // 2
    for line in lines[1:1 + evaluate.POLE_ROWS]:
        assert line == " " * middle + "|"
    assert lines[-2].index("[===]") == middle - 2
    assert len(lines[-1]) == evaluate.WIDTH


def test_leaning_pole_and_cart_at_the_edge():
    lines = evaluate.frame([2.4, 0.0, 0.1, 0.0], step=0).split("\n")
    pole = lines[1:1 + evaluate.POLE_ROWS]
    assert all(line.strip() == "/" for line in pole)
    # The top of the pole is further right than its foot, but stays on screen.
    assert len(pole[0]) >= len(pole[-1]) and len(pole[0]) <= evaluate.WIDTH
    assert lines[-2].rstrip().endswith("[===]")
    left = evaluate.frame([0.0, 0.0, -0.1, 0.0], step=0).split("\n")[1]
    assert left.strip() == "\\" and len(left) < evaluate.WIDTH // 2


def test_show_prints_some_frames_off_a_terminal():
    stream = io.StringIO()
    evaluate.show(np.zeros([7, 4]), stream, every=3)
    text = stream.getvalue()
    assert [line.split()[1] for line in text.split("\n") if line.startswith("step")] == \
        ["0", "3", "6"]


if __name__ == "__main__":
    testing.main(__file__)
