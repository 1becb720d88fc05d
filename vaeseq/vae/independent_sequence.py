"""IndependentSequence ("ISEQ"): a VAE with independent latents per step.

Generative model: z_t ~ N(0, I) independently; d_t = RNN([c_t, z_t], d_{t-1});
x_t ~ p(x_t | d_t). Inference: a forward RNN over [c_t, enc(x_t)] and a
backward RNN over its outputs give q(z_t | x_{1:T}, c_{1:T}), a diagonal
Normal per step. With carried state (`VAEBase.elbo_terms`), the d-chain
continues from the previous chunk; the posterior reads the current chunk.
"""

import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import dist_module
from vaeseq import latent as latent_mod
from vaeseq import stacked_rnn
from vaeseq import util
from vaeseq.vae import base

tfd = tfp.distributions


class StandardNormalPrior(dist_module.StatelessDistCore):
    """p(z_t) = N(0, I), the same at every step; event `[Z]`."""

    def __init__(self, latent_size: int, name: str | None = None):
        super().__init__(name=name)
        self._latent_size = latent_size

    @property
    def event_size(self):
        return tf.TensorShape([self._latent_size])

    @property
    def event_dtype(self):
        return tf.float32

    def __call__(self, context, state):
        """Returns ((loc, scale) each `[B, Z]`, state)."""
        zeros = tf.zeros([tf.shape(context)[0], self._latent_size])
        return (zeros, tf.ones_like(zeros)), state

    def dist(self, params, name=None):
        return tfd.MultivariateNormalDiag(*params, name=name or "latent_prior")


class EmissionChain(base.EmissionCore):
    """p(x_t | d_t) with d_t = RNN([c_t, z_t], d_{t-1}): input (context, z_t)."""

    def __init__(self, rnn: stacked_rnn.StackedRNN, obs_decoder: dist_module.DistModule,
                 name: str | None = None):
        super().__init__(obs_decoder, name=name)
        self._rnn = rnn

    @property
    def state_size(self):
        return self._rnn.state_size

    def initial_state(self, batch_size):
        return self._rnn.initial_state(batch_size)

    def __call__(self, inputs, state):
        context, latent = inputs
        d, state = self._rnn(util.concat_features([context, latent]), state)
        return self._obs_decoder(d), state


class IndependentSequence(base.VAEBase):
    """The ISEQ model; see `VAEBase` for the arguments."""

    def __init__(self, hparams, agent, obs_encoder, obs_decoder, name=None):
        super().__init__(hparams, agent, obs_encoder, obs_decoder, name=name)
        self._posterior_fwd = util.make_rnn(hparams, name="posterior_fwd")
        self._posterior_bwd = util.make_rnn(hparams, name="posterior_bwd")
        self._posterior = latent_mod.LatentDecoder(hparams, name="posterior")
        self._d_core = util.make_rnn(hparams, name="d_core")
        self._latent_prior = StandardNormalPrior(hparams.latent_size, name="latent_prior")
        self._emission = EmissionChain(self._d_core, obs_decoder, name="emission")

    @property
    def latent_size(self) -> int:
        return self._hparams.latent_size

    def _sample_posterior(self, contexts, observed, seed, seq_lengths=None, initial_state=None):
        del initial_state  # The prior is the same at every step: it has no state.
        encoded = util.apply_over_time(self._obs_encoder, observed)  # [B, T, E]
        fwd, _ = self._posterior_fwd.unroll(
            util.concat_features([contexts, encoded], batch_dims=2))
        bwd, _ = self._posterior_bwd.unroll(fwd, reverse=True,
                                            seq_lengths=seq_lengths)  # [B, T, H]
        loc, scale = util.apply_over_time(self._posterior, bwd)  # Each [B, T, Z].
        posterior = self._posterior.dist((loc, scale))
        # Drawn time-major, so that step t's draw does not depend on how many
        # steps follow it (a padded batch draws what an unpadded one does).
        latents = util.swap_batch_time(self._posterior.sample(
            (util.swap_batch_time(loc), util.swap_batch_time(scale)), seed))  # [B, T, Z]
        prior = self._latent_prior.dist((tf.zeros_like(latents), tf.ones_like(latents)))
        return base.PosteriorSample(
            latents,
            log_q=posterior.log_prob(latents),
            log_prior=prior.log_prob(latents),
            kl=tfd.kl_divergence(posterior, prior),
            posterior_means=loc)

    def _emission_features(self, contexts, latents, seq_lengths=None, initial_state=None):
        return self._d_core.unroll(util.concat_features([contexts, latents], batch_dims=2),
                                   initial_state, seq_lengths=seq_lengths)


IndependentVAE = IndependentSequence
