"""RNN: a recurrent model with no stochastic latents.

The "latent" of step t is the deterministic state d_t = RNN(c_{1:t}); its
prior is a point mass, so the KL term is zero and the ELBO is the exact
log-likelihood.
"""

import tensorflow as tf

from vaeseq import dist_module
from vaeseq import stacked_rnn
from vaeseq import util
from vaeseq.vae import base


class DeterministicChain(dist_module.DistCore):
    """A point mass on d_t, where d_t = RNN(c_t, d_{t-1} state); event `[H]`."""

    def __init__(self, rnn: stacked_rnn.StackedRNN, name: str | None = None):
        super().__init__(name=name)
        self._rnn = rnn

    @property
    def event_size(self):
        return tf.TensorShape([self._rnn.output_size])

    @property
    def event_dtype(self):
        return tf.float32

    @property
    def state_size(self):
        return self._rnn.state_size

    def initial_state(self, batch_size):
        return self._rnn.initial_state(batch_size)

    def __call__(self, context, state):
        """Returns (d_t `[B, H]`, next RNN state)."""
        return self._rnn(context, state)

    def dist(self, params, name=None):
        return dist_module.point_mass(params, name=name or "deterministic_state")


class RNN(base.VAEBase):
    """p(x_t | d_t) with d_t = RNN(c_{1:t}); see `VAEBase` for the arguments."""

    def __init__(self, hparams, agent, obs_encoder, obs_decoder, name=None):
        super().__init__(hparams, agent, obs_encoder, obs_decoder, name=name)
        self._d_core = util.make_rnn(hparams, name="d_core")
        self._latent_prior = DeterministicChain(self._d_core, name="latent_prior")
        self._emission = base.EmissionCore(obs_decoder, name="emission")

    @property
    def latent_size(self) -> int:
        return self._d_core.output_size

    def _sample_posterior(self, contexts, observed, seed, seq_lengths=None, initial_state=None):
        del observed, seed  # d_t depends on the contexts alone.
        states, final = self._d_core.unroll(contexts, initial_state,
                                            seq_lengths=seq_lengths)  # [B, T, H]
        zeros = tf.zeros(tf.shape(states)[:2])
        return base.PosteriorSample(states, log_q=zeros, log_prior=zeros, kl=zeros,
                                    final_state=final,
                                    posterior_means=tf.zeros_like(states[..., :0]))

    def _emission_features(self, contexts, latents, seq_lengths=None, initial_state=None):
        del contexts, seq_lengths
        return latents, initial_state
