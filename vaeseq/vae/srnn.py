"""SRNN, the stochastic recurrent network of Fraccaro et al. (2016).

Generative model, given contexts c_{1:T}:
  d_t = RNN(c_t, d_{t-1})                       deterministic chain
  z_t ~ p(z_t | z_{t-1}, d_t)                   prior transition
  x_t ~ p(x_t | d_t, z_t)                       emission
Inference runs a backward RNN a_t = RNN(input_t, a_{t+1}) and the smoothing
posterior q(z_t | z_{t-1}, a_t); with `srnn_use_res_q` its mean is a residual
on the prior transition's mean. `srnn_backward_input` chooses input_t:
"context" (the default) reads [enc(x_t), c_t], as the original VAE-Seq
does; "state" reads [d_t, enc(x_t)], as Fraccaro et al. (2016) do, so that
the posterior sees the deterministic state the prior and emission see.

The per-step latent exposed by this model is [d_t, z_t] (`[H + Z]`, H the
top RNN layer's size and Z `latent_size`): the emission reads both, and d_t
is a point mass given the contexts, so it adds nothing to the KL. A carried
state (`VAEBase.elbo_terms`) holds the d-chain's RNN state and z_{t-1}; the
backward chain a reads the current chunk only.
"""

import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import dist_module
from vaeseq import latent as latent_mod
from vaeseq import masks
from vaeseq import stacked_rnn
from vaeseq import util
from vaeseq.vae import base

tfd = tfp.distributions


class PriorTransitionCore(dist_module.DistCore):
    """p(d_t, z_t | d_{t-1}, z_{t-1}, c_t): input c_t, event [d_t, z_t] `[H + Z]`.

    The state is (RNN state of d, z_{t-1} `[B, Z]`).
    """

    def __init__(self, d_core: stacked_rnn.StackedRNN, transition: latent_mod.LatentDecoder,
                 name: str | None = None):
        super().__init__(name=name)
        self._d_core = d_core
        self._transition = transition

    @property
    def event_size(self):
        return tf.TensorShape([self._d_core.output_size + self._transition.event_size[0]])

    @property
    def event_dtype(self):
        return tf.float32

    @property
    def state_size(self):
        return (self._d_core.state_size, self._transition.event_size)

    def initial_state(self, batch_size):
        return (self._d_core.initial_state(batch_size),
                tf.zeros([batch_size, self._transition.event_size[0]]))

    def __call__(self, context, state):
        """Returns ((d_t, loc, scale), next d state)."""
        d_state, z_prev = state
        d, d_state = self._d_core(context, d_state)
        loc, scale = self._transition(d, z_prev)
        return (d, loc, scale), d_state

    def dist(self, params, name=None):
        d, loc, scale = params
        return tfd.Blockwise(
            [dist_module.point_mass(d), self._transition.dist((loc, scale))],
            name=name or "prior_transition")

    def _next_state(self, state_arg, event):
        return state_arg, event[:, self._d_core.output_size:]


BACKWARD_INPUTS = ("context", "state")


class SRNN(base.VAEBase):
    """The SRNN model; see `VAEBase` for the arguments."""

    def __init__(self, hparams, agent, obs_encoder, obs_decoder, name=None):
        super().__init__(hparams, agent, obs_encoder, obs_decoder, name=name)
        if hparams.srnn_backward_input not in BACKWARD_INPUTS:
            raise ValueError(f"unknown srnn_backward_input {hparams.srnn_backward_input!r}; "
                             f"valid: {', '.join(BACKWARD_INPUTS)}")
        self._d_core = util.make_rnn(hparams, name="d_core")
        self._a_core = util.make_rnn(hparams, name="a_core")
        self._transition = latent_mod.LatentDecoder(hparams, name="prior_transition")
        self._posterior = latent_mod.LatentDecoder(hparams, name="posterior")
        self._latent_prior = PriorTransitionCore(self._d_core, self._transition,
                                                 name="latent_prior")
        self._emission = base.EmissionCore(obs_decoder, name="emission")

    @property
    def latent_size(self) -> int:
        return self._d_core.output_size + self._hparams.latent_size

    def _sample_posterior(self, contexts, observed, seed, seq_lengths=None, initial_state=None):
        if initial_state is None:
            initial_state = self._latent_prior.initial_state(tf.shape(contexts)[0])
        d_state, z_initial = initial_state
        d, d_final = self._d_core.unroll(contexts, d_state, seq_lengths=seq_lengths)  # [B, T, H]
        encoded = util.apply_over_time(self._obs_encoder, observed)  # [B, T, E]
        if self._hparams.srnn_backward_input == "state":
            backward_inputs = [d, encoded]
        else:
            backward_inputs = [encoded, contexts]
        a, _ = self._a_core.unroll(util.concat_features(backward_inputs, batch_dims=2),
                                   reverse=True, seq_lengths=seq_lengths)  # [B, T, H]
        num_steps = d.shape[1] or tf.shape(d)[1]
        seeds = tf.convert_to_tensor(tfp.random.split_seed(seed, num_steps))  # [T, 2]
        use_res_q = self._hparams.srnn_use_res_q
        z_size = self._hparams.latent_size
        # The first layers' work on d_t and a_t, for all steps at once: [T, B, U].
        prior_partial, prior_params = self._transition.split_inputs(
            util.swap_batch_time(d), z_size)
        posterior_partial, posterior_params = self._posterior.split_inputs(
            util.swap_batch_time(a), z_size)

        def step(carry, inputs):
            z_prev = carry[0]
            prior_t, posterior_t, seed_t = inputs
            prior_loc, prior_scale = prior_params(prior_t, z_prev)
            loc, scale = posterior_params(posterior_t, z_prev)
            if use_res_q:
                loc += prior_loc
            z = self._posterior.sample((loc, scale), seed_t)
            return z, prior_loc, prior_scale, loc, scale

        z, prior_loc, prior_scale, loc, scale = util.scan(
            step, (prior_partial, posterior_partial, seeds), (z_initial,) * 5)  # Each [T, B, Z].
        # The densities of every step at once, outside the loop: [T, B].
        prior = self._transition.dist((prior_loc, prior_scale))
        posterior = self._posterior.dist((loc, scale))
        return base.PosteriorSample(
            latents=tf.concat([d, util.swap_batch_time(z)], axis=-1),
            log_q=util.swap_batch_time(posterior.log_prob(z)),
            log_prior=util.swap_batch_time(prior.log_prob(z)),
            kl=util.swap_batch_time(tfd.kl_divergence(posterior, prior)),
            final_state=(d_final, masks.state_after(z, seq_lengths, z_initial)),
            posterior_means=util.swap_batch_time(loc))

    def _emission_features(self, contexts, latents, seq_lengths=None, initial_state=None):
        del contexts, seq_lengths  # The latent [d_t, z_t] is all the emission reads.
        return latents, initial_state
