"""The most recent real episodes, cut into training windows for the model.

Episodes are stored as the rollouts recorded them: contexts `[T, C]` and
observations `[T, OBS_SIZE]` of equal length T, absorbing after
termination (see `environment`). Windows start where the episode was still
running, so that the model sees every live transition and, near the end,
termination and the absorbing steps after it.
"""

import numpy as np

from vaeseq.examples.play import environment


def live_steps(observations: np.ndarray) -> np.ndarray:
    """`[N, T, OBS_SIZE]` -> `[N]`: steps up to and including termination (T if none)."""
    terminated = observations[..., environment.STATE_SIZE] > 0.5  # [N, T]
    first = np.argmax(terminated, axis=1)
    return np.where(terminated.any(axis=1), first + 1, observations.shape[1])


class Replay:
    """A ring buffer of the last `capacity` episodes.

    Args:
      capacity: how many episodes to keep.
      rng: draws the windows.
    """

    def __init__(self, capacity: int, rng: np.random.Generator):
        if capacity < 1:
            raise ValueError(f"replay capacity must be >= 1, got {capacity}")
        self._capacity = capacity
        self._rng = rng
        self._contexts = None
        self._observations = None
        self._live = None
        self._size = 0
        self._next = 0

    def __len__(self) -> int:
        return self._size

    def add(self, contexts: np.ndarray, observations: np.ndarray) -> None:
        """Stores episodes: contexts `[N, T, C]`, observations `[N, T, OBS_SIZE]`."""
        if self._contexts is None:
            self._contexts = np.zeros((self._capacity,) + contexts.shape[1:], np.float32)
            self._observations = np.zeros((self._capacity,) + observations.shape[1:],
                                          np.float32)
            self._live = np.zeros([self._capacity], np.int64)
        live = live_steps(observations)
        for i in range(contexts.shape[0]):
            self._contexts[self._next] = contexts[i]
            self._observations[self._next] = observations[i]
            self._live[self._next] = live[i]
            self._next = (self._next + 1) % self._capacity
            self._size = min(self._size + 1, self._capacity)

    def windows(self, batch_size: int, length: int) -> tuple[np.ndarray, np.ndarray]:
        """Random windows: (contexts `[B, L, C]`, observations `[B, L, OBS_SIZE]`).

        Each starts at a uniformly drawn live step of a uniformly drawn
        episode (no later than T - L, so that it fits).
        """
        if self._size == 0:
            raise ValueError("the replay is empty")
        steps = self._observations.shape[1]
        if length > steps:
            raise ValueError(f"windows of {length} steps do not fit episodes of {steps}")
        episodes = self._rng.integers(self._size, size=batch_size)
        last_start = np.minimum(self._live[episodes] - 1, steps - length)
        starts = (self._rng.random(batch_size) * (last_start + 1)).astype(np.int64)
        index = starts[:, None] + np.arange(length)  # [B, L]
        return (self._contexts[episodes[:, None], index],
                self._observations[episodes[:, None], index])

    def live_states(self, count: int) -> np.ndarray:
        """Agent states `[count, OBS_SIZE]` before uniformly drawn live steps.

        Step 0 (the reset) is left out: the states start in real CartPole
        states. The context of a step holds the state before it.
        """
        if self._size == 0:
            raise ValueError("the replay is empty")
        episodes = self._rng.integers(self._size, size=count)
        steps = 1 + (self._rng.random(count) * (self._live[episodes] - 1)).astype(np.int64)
        contexts = self._contexts[episodes, steps]  # [N, C]
        states = contexts[:, :environment.STATE_SIZE] * environment.STATE_SCALE
        return np.concatenate([states, np.zeros([count, 1], np.float32)], axis=1)
