"""Policy-gradient updates of the agent on rollouts the model imagines.

Each update starts `imagine_batch_size` rollouts from real states, lets the
model's `GenCore` play `imagine_steps` steps (the agent acting with its
policy, the model sampling the deltas and termination), and takes one Adam
step of REINFORCE on the imagined rewards: 1 for every step after which the
pole is still up. The advantage of step t is its discounted return to go
minus a learned baseline V(state, steps left), normalised over the live
steps; steps after an imagined termination do not count. The baseline
matters: rollouts start from states of very different promise (a cart about
to leave the track, a pole at rest), and without it their differences drown
the effect of each action. Only the policy's and the baseline's variables
change; the model is held fixed.
"""

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import util
from vaeseq import vae as vae_mod
from vaeseq.examples.play import environment
from vaeseq.examples.play import policy_agent


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
        features = tf.concat([policy_agent.normalised_state(state), steps_left[:, None]], axis=1)
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
        inputs = policy_agent.uniform_inputs(batch_size, hparams.imagine_steps, input_seed)
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
            actions = policy_agent.actions_for(tf.stop_gradient(logits), inputs)
            log_probs = policy_agent.action_log_probs(logits, actions)
            probs = tf.sigmoid(logits)
            entropy = (tf.nn.softplus(logits) - probs * logits)  # Bernoulli entropy, nats.
            mean_entropy = tf.reduce_sum(acting * entropy) / count
            loss = (-tf.reduce_sum(acting * log_probs * advantages) / count
                    - hparams.entropy_bonus * mean_entropy)
        grads = tape.gradient(loss, variables)
        self.optimizer.apply(grads, variables)
        return dict(imagined_steps=tf.reduce_mean(tf.reduce_sum(acting, axis=1)),
                    entropy=mean_entropy, loss=loss, baseline_loss=baseline_loss)
