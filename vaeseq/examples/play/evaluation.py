"""Scores a policy on real episodes, next to a random policy.

`evaluate_policy` plays whole CartPole-v1 episodes in parallel and reports
the mean and standard deviation of their returns (steps the pole stayed up,
at most 500). The random policy picks each action with probability 1/2.
"""

import numpy as np
import sonnet as snt
import tensorflow as tf

from vaeseq.examples.play import environment
from vaeseq.examples.play import loop
from vaeseq.examples.play import policy_agent


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
        inputs = policy_agent.greedy_inputs(episodes, steps)
    else:
        seed_pair = None if seed is None else tf.constant([seed, 0], tf.int32)
        inputs = policy_agent.uniform_inputs(episodes, steps, seed_pair)
    agent = loop.CompiledAgent(policy_agent.PolicyAgent(policy, name="evaluated"))
    contexts, _ = loop.play(env, agent, steps, inputs)
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
