"""TrainOps: one optimisation step of the annealed ELBO per call.

    loss = -(sum_t log p(x_t | ...) - strength(step) * sum_t KL_t) / B + L2

The divergence strength anneals from `divergence_strength_start` towards 1,
reaching halfway after `divergence_strength_half` steps. The caller runs the
step repeatedly; `TrainOps` owns the optimizer and the `global_step`, and is
checkpointable with `tf.train.Checkpoint`.
"""

import sonnet as snt
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq.vae import base


class NonFiniteError(FloatingPointError):
    """A training step met a non-finite loss or gradient; nothing was updated."""


def divergence_strength(hparams, step: tf.Tensor) -> tf.Tensor:
    """Weight of the KL term at `step`: start at step 0, 1/2 way at `half`, -> 1."""
    start = hparams.divergence_strength_start
    half = hparams.divergence_strength_half
    step = tf.cast(step, tf.float32)
    return 1.0 - (1.0 - start) * half / (half + step)


class TrainOps(snt.Module):
    """Runs one step of Adam on the annealed ELBO of `vae` per call.

    Args:
      hparams: supplies learning_rate, clip_gradient_norm, l2_regularization,
        check_numerics and the divergence-strength schedule.
      vae: the model (a `VAEBase`); its agent is trained too when contexts
        are computed inside the step (pass `contexts=None`).
    """

    def __init__(self, hparams, vae: base.VAEBase, name: str | None = None):
        super().__init__(name=name)
        self._hparams = hparams
        self._vae = vae
        self.global_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
        self.optimizer = snt.optimizers.Adam(hparams.learning_rate)
        # The step has no data-dependent Python control flow (it uses tf.cond),
        # so skip AutoGraph: converting Sonnet and TFP code costs seconds.
        self._step = tf.function(self._train_step, autograph=False,
                                 jit_compile=hparams.jit_compile)

    def __call__(self, contexts, observed, agent_inputs=None) -> dict:
        """Runs one step.

        Args:
          contexts: `[B, T, C]`, or None to compute them from `observed` with
            the model's agent inside the step (so the agent's encoder is
            trained through the contexts as well).
          observed: `[B, T, *event]`.
          agent_inputs: the agent's inputs when `contexts` is None; `[B, T, 0]`
            null inputs by default.
        Returns:
          A dict of scalar tensors: log_prob, divergence and elbo (per
          sequence, averaged over the batch), elbo_opt (the annealed
          objective), divergence_strength, grad_norm (before clipping), loss.
        Raises:
          NonFiniteError: with check_numerics, when the loss or a gradient is
            not finite; no variable is updated by that step.
        """
        observed = tf.convert_to_tensor(observed)
        self._vae.obs_decoder.check_events(observed)
        if contexts is None and agent_inputs is None:
            agent_inputs = agent_mod.null_inputs(observed.shape[0], observed.shape[1])
        self._create_variables(contexts, observed, agent_inputs)
        result = self._step(contexts, observed, agent_inputs)
        finite = result.pop("finite")
        if not bool(finite):
            raise NonFiniteError(
                f"non-finite loss or gradient at step {int(self.global_step.numpy())} "
                f"(loss={float(result['loss'])}, grad_norm={float(result['grad_norm'])}); "
                "no variable was updated")
        return result

    def _create_variables(self, contexts, observed, agent_inputs) -> None:
        """Creates the model's and Adam's variables eagerly, on one time step.

        A `tf.function` that creates variables traces twice on its first
        call; creating them beforehand halves the first step's cost (the
        trace of the whole step takes far longer than this eager step).
        """
        if self.optimizer.m:  # Adam's first moments: created with everything else.
            return
        contexts, observed, agent_inputs = tf.nest.map_structure(
            lambda x: None if x is None else x[:, :1], (contexts, observed, agent_inputs))
        if contexts is None:
            contexts = agent_mod.contexts_for_static_observations(
                observed, self._vae.agent, agent_inputs)
        latents, _ = self._vae.infer_latents(contexts, observed)
        self._vae.log_prob_observed(contexts, latents, observed)
        # Sonnet's Adam has no public way to create its slots without a step.
        self.optimizer._initialize(self._vae.trainable_variables)  # pylint: disable=protected-access

    def _train_step(self, contexts, observed, agent_inputs):
        hparams = self._hparams
        strength = divergence_strength(hparams, self.global_step)
        batch_size = tf.cast(tf.shape(observed)[0], tf.float32)
        with tf.GradientTape() as tape:
            if contexts is None:
                contexts = agent_mod.contexts_for_static_observations(
                    observed, self._vae.agent, agent_inputs)
            latents, divergences = self._vae.infer_latents(contexts, observed)
            log_probs = self._vae.log_prob_observed(contexts, latents, observed)
            log_prob = tf.reduce_sum(log_probs) / batch_size
            divergence = tf.reduce_sum(divergences) / batch_size
            elbo_opt = log_prob - strength * divergence
            variables = self._vae.trainable_variables
            loss = -elbo_opt
            if hparams.l2_regularization > 0:
                weights = [v for v in variables if v.shape.rank >= 2]
                loss += hparams.l2_regularization * tf.add_n([tf.nn.l2_loss(w) for w in weights])
        grads = tape.gradient(loss, variables)
        grad_norm = tf.linalg.global_norm(grads)
        if hparams.clip_gradient_norm > 0:
            grads, _ = tf.clip_by_global_norm(grads, hparams.clip_gradient_norm,
                                              use_norm=grad_norm)
        finite = tf.constant(True)
        if hparams.check_numerics:
            finite = tf.logical_and(tf.math.is_finite(loss), tf.math.is_finite(grad_norm))

        def apply():
            self.optimizer.apply(grads, variables)
            self.global_step.assign_add(1)
            return tf.constant(True)

        tf.cond(finite, apply, lambda: tf.constant(False))
        return dict(log_prob=log_prob, divergence=divergence, elbo=log_prob - divergence,
                    elbo_opt=elbo_opt, divergence_strength=strength, grad_norm=grad_norm,
                    loss=loss, finite=finite)
