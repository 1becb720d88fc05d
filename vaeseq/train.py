"""TrainOps: one optimisation step of the annealed ELBO per call.

    loss = -(sum_t log p(x_t | ...) - strength(step) * sum_t KL_t) / B + L2

The divergence strength and Adam's learning rate follow the schedules of
`vaeseq.schedules`. Padded steps (an optional prefix `mask`) add nothing, and
a batch may continue the streams of the previous one (`initial_state`, for
truncated backpropagation through time; the step then returns where they
end). The caller runs the step repeatedly; `TrainOps` owns the optimizer and
the `global_step`, and is checkpointable with `tf.train.Checkpoint`.

Under a `tf.distribute` strategy (see `vaeseq.distribute`), B is the global
batch: each replica sums its shard's terms divided by the global B, and the
gradients are summed over the replicas exactly once, here, since the
optimizer (`vaeseq.adam.Adam`) does not aggregate. Every replica then applies the same update to its
own copy of the variables.
"""


import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import adam
from vaeseq import agent as agent_mod
from vaeseq import hparams as hparams_mod
from vaeseq import masks
from vaeseq import schedules
from vaeseq.vae import base


class NonFiniteError(FloatingPointError):
    """A training step met a non-finite loss or gradient; nothing was updated."""


class TrainOps(snt.Module):
    """Runs one step of Adam on the annealed ELBO of `vae` per call.

    Create it inside `strategy.scope()` to train under a `tf.distribute`
    strategy: the step then runs on every replica of the strategy that is
    current at construction. Under a strategy, call `vae.build(...)` in the
    same scope before the first step.

    Args:
      hparams: supplies the learning rate and its schedule, adam_epsilon,
        clip_gradient_norm, l2_regularization, check_numerics and the
        divergence-strength schedule.
      vae: the model (a `VAEBase`); its agent is trained too when contexts
        are computed inside the step (pass `contexts=None`).
      name: the module name.
      seed: optional stateless seed `[2]` from which each step's sampling
        seed is derived (with the global step and the replica's index);
        None draws one from the global generator.
    """

    def __init__(self, hparams, vae: base.VAEBase, name: str | None = None, seed=None):
        super().__init__(name=name)
        self._hparams = hparams
        self._vae = vae
        self._strategy = tf.distribute.get_strategy()
        self._distributed = tf.distribute.has_strategy()
        self._seed = tfp.random.sanitize_seed(seed)
        self.global_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
        hparams_mod.check_optimizer(hparams)
        # Checks the schedules' names now rather than at the first step.
        schedules.divergence_strength(hparams, 0)
        schedules.learning_rate(hparams, 0)
        self.optimizer = adam.Adam(hparams.learning_rate, epsilon=hparams.adam_epsilon)
        # The step has no data-dependent Python control flow (it uses tf.cond),
        # so skip AutoGraph: converting Sonnet and TFP code costs seconds.
        self._step = tf.function(self._distributed_step, autograph=False,
                                 jit_compile=hparams.jit_compile)

    def __call__(self, contexts, observed, agent_inputs=None, mask=None,
                 initial_state: base.CarriedState | None = None) -> dict:
        """Runs one step.

        Args:
          contexts: `[B, T, C]`, or None to compute them from `observed` with
            the model's agent inside the step (so the agent's encoder is
            trained through the contexts as well).
          observed: `[B, T, *event]`; under a strategy, a batch of the
            strategy's distributed dataset (each replica gets its shard of
            the global batch).
          agent_inputs: the agent's inputs when `contexts` is None; `[B, T, 0]`
            null inputs by default.
          mask: optional prefix mask `[B, T]` (1 on real steps, 0 on the
            padding at the end); padded steps add nothing to the loss.
          initial_state: optional `base.CarriedState` where the previous
            batch of the same streams ended (`vae.initial_state(B)` for their
            start). Not supported under a multi-replica strategy.
        Returns:
          A dict of scalar tensors: log_prob, divergence and elbo (per
          sequence, averaged over the global batch), elbo_opt (the annealed
          objective), divergence_strength, learning_rate, grad_norm (before
          clipping), loss; with `initial_state`, also final_state, the
          `CarriedState` to pass with the next batch of the same streams.
        Raises:
          NonFiniteError: with check_numerics, when the loss or a gradient is
            not finite; no variable is updated by that step.
          ValueError: `initial_state` under a multi-replica strategy.
        """
        if not isinstance(observed, tf.distribute.DistributedValues):
            observed = tf.convert_to_tensor(observed)
        if initial_state is not None and self._strategy.num_replicas_in_sync > 1:
            raise ValueError("initial_state (carried state) is not supported under a "
                             "multi-replica strategy")
        for shard in self._strategy.experimental_local_results(observed):
            self._vae.obs_decoder.check_events(shard)
        if not self.optimizer.m:  # Adam's first moments: created with everything else.
            self._create_variables(contexts, observed, agent_inputs)
        result = self._step(contexts, observed, agent_inputs, mask, initial_state)
        finite = result.pop("finite")
        if not bool(finite):
            raise NonFiniteError(
                f"non-finite loss or gradient at step {int(self.global_step.numpy())} "
                f"(loss={float(result['loss'])}, grad_norm={float(result['grad_norm'])}); "
                "no variable was updated")
        if initial_state is None:
            del result["final_state"]
        return result

    def _create_variables(self, contexts, observed, agent_inputs) -> None:
        """Creates the model's and Adam's variables before the first step.

        A `tf.function` that creates variables traces twice on its first
        call; creating them beforehand halves the first step's cost (the
        trace of the whole step takes far longer than an eager step on one
        time step). Under a strategy the model's variables already exist
        (built in its scope), and Adam's moments must be made here: inside
        the step they would be created in a `tf.cond` branch, where a
        mirrored variable cannot initialise its replicas' copies.
        """
        if not self._distributed:
            self._vae.build(observed, agent_inputs, contexts)
        variables = self._vae.trainable_variables
        if not variables:
            raise ValueError("Under a tf.distribute strategy, call model.build(...) "
                             "inside strategy.scope() before training.")
        with self._strategy.scope():
            self.optimizer.create_slots(variables)

    def _distributed_step(self, contexts, observed, agent_inputs, mask, initial_state):
        results = self._strategy.run(
            self._train_step, args=(contexts, observed, agent_inputs, mask, initial_state))
        # Every replica returns the same all-reduced values: keep the first.
        return tf.nest.map_structure(
            lambda value: self._strategy.experimental_local_results(value)[0], results)

    def _sum_over_replicas(self, values):
        """Sums a nest of tensors over the replicas (one all-reduce)."""
        if self._strategy.num_replicas_in_sync == 1:
            return values
        return tf.distribute.get_replica_context().all_reduce(
            tf.distribute.ReduceOp.SUM, values)

    def _train_step(self, contexts, observed, agent_inputs, mask, initial_state):
        hparams = self._hparams
        strength = schedules.divergence_strength(hparams, self.global_step)
        learning_rate = schedules.learning_rate(hparams, self.global_step)
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        # Stateless and per replica: replicas draw different latents, and a
        # resumed run draws what an uninterrupted one would have (given seed).
        seed = tf.random.experimental.stateless_fold_in(
            tf.random.experimental.stateless_fold_in(self._seed, self.global_step), replica)
        local_batch, steps = observed.shape[0] or tf.shape(observed)[0], observed.shape[1]
        global_batch = self._sum_over_replicas(tf.cast(local_batch, tf.float32))
        if contexts is None and agent_inputs is None:
            agent_inputs = agent_mod.null_inputs(local_batch, steps or tf.shape(observed)[1])
        if initial_state is None:
            initial_state = self._vae.initial_state(local_batch)
        # The previous batch's end is an input: no gradient flows back into it.
        initial_state = tf.nest.map_structure(tf.stop_gradient, initial_state)
        seq_lengths = None if mask is None else masks.lengths(mask, observed.shape[1])
        with tf.GradientTape() as tape:
            agent_state = initial_state.agent
            if contexts is None:
                contexts, agent_state = self._vae.agent.observe_sequence(
                    agent_inputs, observed, initial_state.agent, seq_lengths)
            terms = self._vae.elbo_terms(contexts, observed, seed=seed, mask=mask,
                                         initial_state=initial_state)
            # This replica's share of the means over the global batch.
            log_prob = tf.reduce_sum(terms.log_probs) / global_batch
            divergence = tf.reduce_sum(terms.divergences) / global_batch
            loss = strength * divergence - log_prob
            variables = self._vae.trainable_variables
            if hparams.l2_regularization > 0:
                weights = [v for v in variables if v.shape.rank >= 2]
                # Every replica adds 1/R of it, so that the sum has it once.
                loss += tf.nn.scale_regularization_loss(
                    hparams.l2_regularization * tf.add_n([tf.nn.l2_loss(w) for w in weights]))
        grads = tape.gradient(loss, variables)
        # Adam applies every gradient densely; a dense embedding gradient
        # also all-reduces in one piece.
        grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
                 for g in grads]
        grads, log_prob, divergence, loss = self._sum_over_replicas(
            (grads, log_prob, divergence, loss))
        grad_norm = tf.linalg.global_norm(grads)
        if hparams.clip_gradient_norm > 0:
            grads, _ = tf.clip_by_global_norm(grads, hparams.clip_gradient_norm,
                                              use_norm=grad_norm)
        # Computed from all-reduced values, so every replica takes the same branch.
        finite = tf.constant(True)
        if hparams.check_numerics:
            finite = tf.logical_and(tf.math.is_finite(loss), tf.math.is_finite(grad_norm))

        def apply():
            self.optimizer.apply(grads, variables, learning_rate=learning_rate)
            self.global_step.assign_add(1)
            return tf.constant(True)

        tf.cond(finite, apply, lambda: tf.constant(False))
        elbo_opt = log_prob - strength * divergence
        return dict(log_prob=log_prob, divergence=divergence, elbo=log_prob - divergence,
                    elbo_opt=elbo_opt, divergence_strength=strength,
                    learning_rate=learning_rate, grad_norm=grad_norm, loss=loss, finite=finite,
                    final_state=terms.final_state._replace(agent=agent_state))
