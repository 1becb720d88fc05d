"""The agent that plays: a policy over CartPole's actions, and its contexts.

The agent's state is what it knows of the world, `[B, OBS_SIZE]`: the
absolute state (the sum of the observed deltas, see `environment`) and the
terminated flag. Its input each step is a uniform number u `[B, 1]` that
decides the action, a_t = 1 if u < pi(a = 1 | state) else 0, so that the
agent is a deterministic function of its inputs and the same inputs replay
the same actions (u = 0.5 gives the greedy policy). The context it gives the
model for step t holds the last observation and the action:

    [state / STATE_SCALE (4), terminated (1), one_hot(a_t) (2)]
"""

import sonnet as snt
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import util
from vaeseq.examples.play import environment

NUM_ACTIONS = 2
CONTEXT_SIZE = environment.OBS_SIZE + NUM_ACTIONS
GREEDY = 0.5


class Policy(snt.Module):
    """pi(a = 1 | state): an MLP over the normalised state -> logit `[N]`."""

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._mlp = util.make_mlp(hparams, hparams.policy_layers, name="mlp")
        self._logit = snt.Linear(1, name="logit")

    def __call__(self, state: tf.Tensor) -> tf.Tensor:
        """Agent state `[N, OBS_SIZE]` -> logit of action 1 `[N]`."""
        return self._logit(self._mlp(normalised_state(state)))[:, 0]


def normalised_state(state: tf.Tensor) -> tf.Tensor:
    """Agent state `[..., OBS_SIZE]` -> the 4 state numbers over `STATE_SCALE`."""
    return state[..., :environment.STATE_SIZE] / environment.STATE_SCALE


def actions_for(logits: tf.Tensor, agent_inputs: tf.Tensor) -> tf.Tensor:
    """Actions `[...]` int32 that uniform inputs `[..., 1]` pick under `logits` `[...]`."""
    return tf.cast(agent_inputs[..., 0] < tf.sigmoid(logits), tf.int32)


def action_log_probs(logits: tf.Tensor, actions: tf.Tensor) -> tf.Tensor:
    """log pi(a | state) `[...]` for logits and int actions of the same shape."""
    signs = 2.0 * tf.cast(actions, tf.float32) - 1.0  # -1 for action 0, +1 for 1.
    return -tf.nn.softplus(-signs * logits)


def uniform_inputs(batch_size: int, num_steps: int, seed=None) -> tf.Tensor:
    """Random agent inputs `[B, T, 1]`; `seed` is an optional stateless seed `[2]`."""
    shape = [batch_size, num_steps, 1]
    if seed is None:
        return tf.random.uniform(shape)
    return tf.random.stateless_uniform(shape, seed)


def greedy_inputs(batch_size: int, num_steps: int) -> tf.Tensor:
    """Agent inputs `[B, T, 1]` that make the agent pick its likelier action."""
    return tf.fill([batch_size, num_steps, 1], GREEDY)


class PolicyAgent(agent_mod.Agent):
    """Acts with `policy` and tells the model the last observation and action.

    Args:
      policy: a Sonnet module, agent state `[N, OBS_SIZE]` -> logit `[N]` of
        action 1 (see `Policy`).
    """

    def __init__(self, policy: snt.Module, name: str | None = None):
        super().__init__(name=name)
        self.policy = policy

    @property
    def context_size(self):
        return tf.TensorShape([CONTEXT_SIZE])

    @property
    def state_size(self):
        return tf.TensorShape([environment.OBS_SIZE])

    def initial_state(self, batch_size):
        return tf.zeros([batch_size, environment.OBS_SIZE])

    def observe(self, agent_input, observation, state):
        """Adds the observed delta `[B, 4]` to the state; keeps the new flag."""
        del agent_input
        delta = observation[:, :environment.STATE_SIZE] * environment.DELTA_SCALE
        return tf.concat([state[:, :environment.STATE_SIZE] + delta,
                          observation[:, environment.STATE_SIZE:]], axis=1)

    def env_input(self, agent_input, state):
        """The action a_t `[B]` int32."""
        return actions_for(self.policy(state), agent_input)

    def context(self, agent_input, state):
        """`[B, CONTEXT_SIZE]`: normalised state, terminated flag, one-hot action."""
        action = tf.one_hot(self.env_input(agent_input, state), NUM_ACTIONS)
        return tf.concat([normalised_state(state), state[:, environment.STATE_SIZE:],
                          action], axis=1)

    def states_along(self, initial_state: tf.Tensor, observations: tf.Tensor) -> tf.Tensor:
        """The state before each step, `[B, T, OBS_SIZE]`, all steps at once.

        Args:
          initial_state: `[B, OBS_SIZE]`, the state before step 0.
          observations: `[B, T, OBS_SIZE]`.
        """
        deltas = observations[..., :environment.STATE_SIZE] * environment.DELTA_SCALE
        states = initial_state[:, None, :environment.STATE_SIZE] + tf.cumsum(
            deltas, axis=1, exclusive=True)  # [B, T, 4]
        flags = tf.concat([initial_state[:, None, environment.STATE_SIZE:],
                           observations[:, :-1, environment.STATE_SIZE:]], axis=1)
        return tf.concat([states, flags], axis=-1)

    def contexts_for_observations(self, agent_inputs, observations):
        """Contexts `[B, T, CONTEXT_SIZE]` from the zero state, without a step loop."""
        states = self.states_along(self.initial_state(tf.shape(observations)[0]), observations)
        return util.apply_over_time(self.context, agent_inputs, states)


class BestPolicy(snt.Module):
    """A copy of the policy whose real episodes returned the most so far.

    Policies learnt in imagination can get worse in the real world when
    they reach states the model has not learnt yet; the training loop
    offers this keeper its policy after every round of real episodes, and
    evaluation uses the best one by default.

    Args:
      hparams: sizes the policy (`policy_layers`).
    """

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self.policy = Policy(hparams, name="policy")
        self.real_return = tf.Variable(-1.0, trainable=False, name="real_return")
        self.policy(tf.zeros([1, environment.OBS_SIZE]))  # Creates the variables.

    def offer(self, policy: Policy, real_return: float) -> bool:
        """Keeps a copy of `policy` if its mean real return is at least the best's."""
        if real_return < float(self.real_return.numpy()):
            return False
        for target, source in zip(self.policy.variables, policy.variables):
            target.assign(source)
        self.real_return.assign(real_return)
        return True
