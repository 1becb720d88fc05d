"""A tiny deterministic gymnasium environment for the play example's tests.

The state after t steps is `[t, last action, reset offset, 0]`; an episode
terminates after `length` steps; `FakeLine-v0` truncates after
`TIME_LIMIT` steps. The reset offset is `seed / 100` (0 without a seed), so
tests can tell which seed reset an environment.
"""

import gymnasium as gym
import numpy as np

ENV_ID = "FakeLine-v0"
TIME_LIMIT = 6


class FakeLine(gym.Env):
    """Counts steps and remembers the last action; terminates after `length`."""

    observation_space = gym.spaces.Box(-np.inf, np.inf, (4,), np.float32)
    action_space = gym.spaces.Discrete(2)

    def __init__(self, length: int = 3):
        self._length = length
        self._state = np.zeros(4, np.float32)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self._state = np.array([0.0, 0.0, 0.0 if seed is None else seed / 100, 0.0],
                               np.float32)
        return self._state.copy(), {}

    def step(self, action):
        self._state[0] += 1
        self._state[1] = action
        return self._state.copy(), 1.0, bool(self._state[0] >= self._length), False, {}


if ENV_ID not in gym.registry:
    gym.register(ENV_ID, entry_point=FakeLine, max_episode_steps=TIME_LIMIT)


def make(length: int = 3) -> gym.Env:
    """A `FakeLine` terminating after `length` steps (truncated at `TIME_LIMIT`)."""
    return gym.make(ENV_ID, length=length, disable_env_checker=True)
