"""Scores a policy on real episodes, next to a random policy, and shows one.

`evaluate_policy` plays whole CartPole-v1 episodes in parallel and reports
the mean and standard deviation of their returns (steps the pole stayed up,
at most 500). The random policy picks each action with probability 1/2.

`show` draws an episode's states (`episode_states`) as text: one frame per
step, redrawn on a terminal. A frame is a few lines (`frame`): the step and
state, the pole (leaning as the angle says, exaggerated so small angles
show), the cart on its track, and the track whose ends are CartPole's
limits (x = +-2.4).
"""

import math
import sys
import time
from typing import Sequence, TextIO

import numpy as np
import sonnet as snt
import tensorflow as tf

from vaeseq.examples.play import environment
from vaeseq.examples.play import policy as policy_mod

X_LIMIT = 2.4
WIDTH = 61
POLE_ROWS = 4
# Columns the pole's top moves per row per radian of angle.
_LEAN = 6.0


class RandomPolicy(snt.Module):
    """pi(a = 1 | state) = 1/2 for every state: logit 0, `[N]`."""

    def __call__(self, state: tf.Tensor) -> tf.Tensor:
        return tf.zeros(tf.shape(state)[:1])


def _play(policy: snt.Module, episodes: int, seed: int | None, greedy: bool, make_env):
    """Plays whole episodes; returns (the environments, contexts `[N, T, C]`)."""
    if episodes < 1:
        raise ValueError(f"episodes must be >= 1, got {episodes}")
    env = environment.GymEnvironment(episodes, make_env, seed=seed)
    steps = environment.max_rollout_steps(make_env)
    if greedy:
        inputs = policy_mod.greedy_inputs(episodes, steps)
    else:
        seed_pair = None if seed is None else tf.constant([seed, 0], tf.int32)
        inputs = policy_mod.uniform_inputs(episodes, steps, seed_pair)
    agent = environment.CompiledAgent(policy_mod.PolicyAgent(policy, name="evaluated"))
    contexts, _ = environment.play(env, agent, inputs)
    return env, contexts


def episode_returns(policy: snt.Module, episodes: int, seed: int | None = None,
                    greedy: bool = True, make_env=environment.make_cartpole) -> np.ndarray:
    """Plays `episodes` real episodes at once; returns their returns `[episodes]`.

    Args:
      policy: agent state `[N, OBS_SIZE]` -> logit of action 1 `[N]`.
      episodes: how many episodes.
      seed: seeds the environments' initial states (and sampled actions).
      greedy: take the likelier action, rather than sampling one.
      make_env: builds one environment.
    """
    return _play(policy, episodes, seed, greedy, make_env)[0].returns


def episode_states(policy: snt.Module, seed: int | None = None, greedy: bool = True,
                   make_env=environment.make_cartpole) -> tuple[np.ndarray, float]:
    """Plays one real episode; returns (its states `[L, 4]`, its return).

    The states run from the reset to the last one, L = return + 1 steps.
    """
    env, contexts = _play(policy, 1, seed, greedy, make_env)
    episode_return = float(env.returns[0])
    # The context of step t + 1 holds the state after step t.
    normalised = contexts[0, 1:int(episode_return) + 2, :environment.STATE_SIZE]
    states = normalised * environment.STATE_SCALE
    if len(states) < episode_return + 1:  # No context follows the rollout's last step.
        states = np.concatenate([states, env.states[:1]], axis=0)
    return states, episode_return


def summary(returns: np.ndarray) -> dict:
    """`{"mean", "std", "min", "max", "episodes"}` of returns `[N]`, as Python numbers."""
    return {"mean": float(np.mean(returns)), "std": float(np.std(returns)),
            "min": float(np.min(returns)), "max": float(np.max(returns)),
            "episodes": int(returns.size)}


def evaluate_policy(policy: snt.Module, episodes: int, seed: int | None = None,
                    greedy: bool = True, make_env=environment.make_cartpole) -> dict:
    """Returns `{"policy": summary, "random": summary}` over `episodes` each.

    Both policies start from the same initial states (the same `seed`).
    """
    return {
        "policy": summary(episode_returns(policy, episodes, seed, greedy, make_env)),
        "random": summary(episode_returns(RandomPolicy(), episodes, seed, False, make_env)),
    }


def frame(state: Sequence[float], step: int, width: int = WIDTH) -> str:
    """The text of one frame for a CartPole state `[4]` (x, x_dot, theta, theta_dot)."""
    x, _, theta, _ = (float(v) for v in state)
    center = int(round((min(max(x, -X_LIMIT), X_LIMIT) + X_LIMIT) / (2 * X_LIMIT) * (width - 1)))
    lines = [f"step {step:4d}  x={x:+.2f}  theta={math.degrees(theta):+6.1f} deg"]
    symbol = "|" if abs(theta) < 0.02 else ("/" if theta > 0 else "\\")
    for row in range(POLE_ROWS, 0, -1):
        column = center + int(round(row * _LEAN * math.tan(theta)))
        column = min(max(column, 0), width - 1)
        lines.append(" " * column + symbol)
    left = max(center - 2, 0)
    lines.append(" " * left + "[===]")
    lines.append("|" + "-" * (width - 2) + "|")
    return "\n".join(lines)


def show(states: np.ndarray, stream: TextIO | None = None, fps: float = 50.0,
         every: int = 50) -> None:
    """Shows the states `[T, 4]` of an episode.

    On a terminal the frames are animated in place at `fps`; elsewhere (a
    file, a pipe) every `every`-th frame and the last are printed, one after
    the other.
    """
    stream = stream if stream is not None else sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    height = POLE_ROWS + 3
    for step, state in enumerate(states):
        last = step == len(states) - 1
        if not tty and step % every and not last:
            continue
        if tty and step:
            stream.write(f"\x1b[{height}F")  # Back to the first line of the frame.
        stream.write(frame(state, step) + "\n")
        if not tty and not last:
            stream.write("\n")
        stream.flush()
        if tty and not last:
            time.sleep(1.0 / fps)
