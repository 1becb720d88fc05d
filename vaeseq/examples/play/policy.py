"""The agent that plays, and how it learns to play in the model's imagination.

The agent (`PolicyAgent`) acts with a policy over CartPole's actions. Its
state is what it knows of the world, `[B, OBS_SIZE]`: the absolute state
(the sum of the observed deltas, see `environment`) and the terminated flag.
Its input each step is a uniform number u `[B, 1]` that decides the action,
a_t = 1 if u < pi(a = 1 | state) else 0, so that the agent is a
deterministic function of its inputs and the same inputs replay the same
actions (u = 0.5 gives the greedy policy). The context it gives the model
for step t holds the last observation and the action:

    [state / STATE_SCALE (4), terminated (1), one_hot(a_t) (2)]

Each policy update (`PolicyTrainer`) starts `imagine_batch_size` rollouts
from real states, lets the model's `GenCore` play `imagine_steps` steps (the
agent acting with its policy, the model sampling the deltas and
termination), and takes one Adam step of REINFORCE on the imagined rewards:
1 for every step after which the pole is still up. The advantage of step t
is its discounted return to go minus a learned baseline V(state, steps
left), normalised over the live steps; steps after an imagined termination
do not count. The baseline matters: rollouts start from states of very
different promise (a cart about to leave the track, a pole at rest), and
without it their differences drown the effect of each action. Only the
policy's and the baseline's variables change; the model is held fixed.
"""

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import agent as agent_mod
from vaeseq import util
from vaeseq import vae as vae_mod
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


def alive_after(observations: tf.Tensor) -> tf.Tensor:
    """`[B, T, OBS_SIZE]` -> `[B, T]`: 1 while no step so far has terminated.

    A cumulative product, so that a model that samples "terminated" and then
    "running" again does not revive the episode.
    """
    return tf.math.cumprod(1.0 - observations[..., environment.STATE_SIZE], axis=1)


def discounted_returns(rewards: tf.Tensor, discount: float) -> tf.Tensor:
    """`[B, T]` -> `[B, T]`: sum_{k >= t} discount^(k - t) r_k."""
    steps = tf.shape(rewards)[1]
    offsets = tf.range(steps)[:, None] - tf.range(steps)[None, :]  # [k, t]: k - t
    weights = tf.where(offsets >= 0, discount ** tf.cast(offsets, tf.float32), 0.0)
    return tf.matmul(rewards, weights)


class ValueBaseline(snt.Module):
    """V(state, steps left): expected discounted return / its largest value, `[N]`.

    Input: agent states `[N, OBS_SIZE]` and the fraction of the imagined
    rollout still to come `[N]` (returns near its end are cut short).
    """

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._mlp = util.make_mlp(hparams, hparams.policy_layers, name="mlp")
        self._value = snt.Linear(1, name="value")

    def __call__(self, state: tf.Tensor, steps_left: tf.Tensor) -> tf.Tensor:
        features = tf.concat([normalised_state(state), steps_left[:, None]], axis=1)
        return self._value(self._mlp(features))[:, 0]


class PolicyTrainer(snt.Module):
    """Runs one imagined policy-gradient update of `vae.agent.policy` per call.

    Args:
      hparams: supplies imagine_steps, discount, policy_learning_rate and
        entropy_bonus.
      vae: the model; its agent must be a `PolicyAgent`.
    """

    def __init__(self, hparams, vae: vae_mod.VAEBase, name: str | None = None):
        super().__init__(name=name)
        self._hparams = hparams
        self._vae = vae
        self.optimizer = snt.optimizers.Adam(hparams.policy_learning_rate)
        self.baseline = ValueBaseline(hparams, name="baseline")
        self.baseline_optimizer = snt.optimizers.Adam(hparams.policy_learning_rate)
        self._step = tf.function(self._update, autograph=False)

    def __call__(self, start_states, seed) -> dict:
        """One update from agent states `[B, OBS_SIZE]`; `seed` is stateless `[2]`.

        Returns:
          A dict of scalar tensors: imagined_steps (mean steps survived,
          at most imagine_steps), entropy (of the policy, nats per step),
          loss (the policy's), baseline_loss (squared error of the baseline).
        """
        return self._step(tf.convert_to_tensor(start_states, tf.float32),
                          tf.convert_to_tensor(seed, tf.int32))

    def _update(self, start_states, seed):
        hparams = self._hparams
        agent = self._vae.agent
        batch_size = tf.shape(start_states)[0]
        input_seed, gen_seed = tfp.random.split_seed(seed, 2)
        inputs = uniform_inputs(batch_size, hparams.imagine_steps, input_seed)
        gen_core = self._vae.gen_core
        initial = gen_core.initial_state(batch_size, gen_seed)._replace(agent=start_states)
        observations, _, _ = gen_core.generate(inputs, initial_state=initial)
        observations = tf.stop_gradient(observations)  # [B, T, OBS_SIZE]

        alive = alive_after(observations)  # [B, T]
        # The agent acts at step t only if the episode ran until then.
        acting = tf.concat([tf.ones_like(alive[:, :1]), alive[:, :-1]], axis=1)
        count = tf.maximum(tf.reduce_sum(acting), 1.0)
        # Targets in [0, 1]: the return over its largest possible value.
        returns = discounted_returns(alive, hparams.discount) * (1.0 - hparams.discount)
        states = agent.states_along(start_states, observations)  # [B, T, OBS_SIZE]
        num_steps = tf.shape(observations)[1]
        steps_left = 1.0 - tf.cast(tf.range(num_steps), tf.float32) / tf.cast(num_steps, tf.float32)
        steps_left = tf.tile(steps_left[None], [batch_size, 1])  # [B, T]
        with tf.GradientTape() as baseline_tape:
            values = util.apply_over_time(self.baseline, states, steps_left)  # [B, T]
            baseline_loss = tf.reduce_sum(acting * tf.square(values - returns)) / count
        baseline_vars = self.baseline.trainable_variables
        self.baseline_optimizer.apply(baseline_tape.gradient(baseline_loss, baseline_vars),
                                      baseline_vars)

        advantages = returns - tf.stop_gradient(values)
        mean = tf.reduce_sum(acting * advantages) / count
        std = tf.sqrt(tf.reduce_sum(acting * tf.square(advantages - mean)) / count)
        advantages = (advantages - mean) / (std + 1e-6)

        variables = agent.policy.trainable_variables
        with tf.GradientTape() as tape:
            logits = util.apply_over_time(agent.policy, states)  # [B, T]
            actions = actions_for(tf.stop_gradient(logits), inputs)
            log_probs = action_log_probs(logits, actions)
            probs = tf.sigmoid(logits)
            entropy = (tf.nn.softplus(logits) - probs * logits)  # Bernoulli entropy, nats.
            mean_entropy = tf.reduce_sum(acting * entropy) / count
            loss = (-tf.reduce_sum(acting * log_probs * advantages) / count
                    - hparams.entropy_bonus * mean_entropy)
        grads = tape.gradient(loss, variables)
        self.optimizer.apply(grads, variables)
        return dict(imagined_steps=tf.reduce_mean(tf.reduce_sum(acting, axis=1)),
                    entropy=mean_entropy, loss=loss, baseline_loss=baseline_loss)
