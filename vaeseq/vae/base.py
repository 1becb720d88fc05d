"""VAEBase, the interface shared by the sequence models, and its RNN cores.

A model factorises p(x_{1:T}, z_{1:T} | c_{1:T}) into a latent prior
(`latent_prior_distcore`, a `DistCore` over the per-step latent given the
context) and an emission (`observed_distcore`, a `DistCore` over x_t given
the context and the latent). Training uses a whole-sequence posterior
q(z_{1:T} | x_{1:T}, c_{1:T}) that each model defines in `_sample_posterior`.

Randomness: every sampling method takes an optional stateless `seed`
(`[2]` int32, as in `tf.random.stateless_*`); `None` draws a fresh one from
the global generator, so `tf.random.set_seed` still gives repeatable runs.

Variable lengths: the scoring methods take an optional prefix `mask` `[B, T]`
(1 on real steps, 0 on the padding at the end, see `vaeseq.masks`); padded
steps contribute exactly 0 and every real step scores exactly as it would in
the unpadded sequence (backward RNNs start at each sequence's own end).

Carried state (truncated backpropagation through time): the scoring methods
take an optional `initial_state`, a `CarriedState` from `initial_state(B)` or
from the `final_state` of `elbo_terms` on the previous chunk of the same
streams, so that a long stream is trained chunk by chunk: the forward chains
(the agent, the deterministic RNN states and SRNN's z_{t-1}) continue where
the previous chunk ended, while posteriors over z read the current chunk
only. Gradients do not cross the chunk boundary (the state is an input).
"""

import abc
import collections
import math
from typing import NamedTuple

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import agent as agent_mod
from vaeseq import dist_module
from vaeseq import hparams as hparams_mod
from vaeseq import masks
from vaeseq import util

tfd = tfp.distributions


class PosteriorSample(NamedTuple):
    """One draw z ~ q(z_{1:T} | x, c) with the per-step terms of the bound.

    Attributes:
      latents: `[B, T, Z]`.
      log_q: `[B, T]`, log q(z_t | z_{<t}, x, c) at the draw.
      log_prior: `[B, T]`, log p(z_t | z_{<t}, c) at the draw.
      kl: `[B, T]`, analytic KL(q(z_t | ...) || p(z_t | ...)) given z_{<t}.
      final_state: the latent prior's state (`latent_prior_distcore`'s) after
        each sequence's last step, from which the next chunk continues.
      posterior_means: `[B, T, S]`, the mean of q over the stochastic part of
        the latent (S = `latent_size`; SRNN's given the drawn z_{t-1}; S = 0
        for RNN), to measure which units the model uses.
    """
    latents: tf.Tensor
    log_q: tf.Tensor
    log_prior: tf.Tensor
    kl: tf.Tensor
    final_state: object = ()
    posterior_means: tf.Tensor | None = None


class CarriedState(NamedTuple):
    """Where a chunk of a stream ends and the next chunk of it starts.

    Attributes:
      agent: the agent's state (a nest of `[B, ...]`).
      latent: the latent prior `DistCore`'s state (e.g. SRNN's d-chain RNN
        state and z_{t-1}).
      observed: the emission `DistCore`'s state (e.g. ISEQ's d-chain).
    The same three parts, with a seed, make the sampling cores' `ModelState`,
    so generation can continue a scored chunk:
    `gen_core.generate(inputs, ModelState(*state, seed=seed))`.
    """
    agent: object
    latent: object
    observed: object


class ElboTerms(NamedTuple):
    """One posterior draw's terms of the ELBO, per step.

    Attributes:
      latents: `[B, T, Z]`, the draw z ~ q.
      divergences: `[B, T]`, KL(q || p) per step (or log q - log p with
        `use_monte_carlo_kl`), 0 on padded steps.
      log_probs: `[B, T]`, log p(x_t | z, c), 0 on padded steps.
      final_state: the `CarriedState` after each sequence's last real step
        (its agent part is the given one: the caller supplied the contexts).
      posterior_means: `[B, T, S]`, see `PosteriorSample`.
    """
    latents: tf.Tensor
    divergences: tf.Tensor
    log_probs: tf.Tensor
    final_state: CarriedState
    posterior_means: tf.Tensor


class VAEBase(snt.Module, abc.ABC):
    """A latent-variable sequence model with an agent, an encoder and a decoder.

    Args:
      hparams: an `HParams` (see `vaeseq.hparams`).
      agent: the `Agent` supplying contexts.
      obs_encoder: a Sonnet module, observation `[N, ...]` -> `[N, D]`.
      obs_decoder: a `DistModule`, features `[N, F]` -> p(x_t).
      name: the module name.

    Subclasses build their sub-modules in the constructor, including the two
    `DistCore`s generation runs: `self._latent_prior` and `self._emission`.
    """

    def __init__(self, hparams, agent: agent_mod.Agent, obs_encoder: snt.Module,
                 obs_decoder: dist_module.DistModule, name: str | None = None):
        super().__init__(name=name)
        hparams_mod.check_model_sizes(hparams)
        self._hparams = hparams
        self._agent = agent
        self._obs_encoder = obs_encoder
        self._obs_decoder = obs_decoder

    @property
    def agent(self) -> agent_mod.Agent:
        return self._agent

    @property
    def obs_encoder(self) -> snt.Module:
        return self._obs_encoder

    @property
    def obs_decoder(self) -> dist_module.DistModule:
        return self._obs_decoder

    @property
    @abc.abstractmethod
    def latent_size(self) -> int:
        """Z, the size of one step's latent vector."""

    @property
    def latent_prior_distcore(self) -> dist_module.DistCore:
        """p(latent_t | history): input the context `[B, C]`, event `[B, Z]`."""
        return self._latent_prior

    @property
    def observed_distcore(self) -> dist_module.DistCore:
        """p(x_t | history, latent_t): input (context, latent), event one observation."""
        return self._emission

    @property
    def gen_core(self) -> "GenCore":
        return GenCore(self)

    @property
    def eval_core(self) -> "EvalCore":
        return EvalCore(self)

    def build(self, observed: tf.Tensor, agent_inputs=None, contexts=None) -> None:
        """Creates every variable of the model; the one way to do so.

        Call it once before restoring a checkpoint into the model, before
        counting or saving its variables, and inside a `tf.distribute`
        strategy's scope before training under it (`TrainOps` calls it on
        its first step otherwise). Only the first time step of each
        argument is used: one step is scored (agent, encoder, posterior,
        prior, emission) and one generated (the generative core), and the
        results are dropped. Given `contexts`, which need not be the
        agent's, the agent is not run and nothing is generated. Calling it
        again creates nothing.

        Args:
          observed: observations `[B, T, *event]` of the model's dtype, e.g.
            zeros `[1, 1, *event]`.
          agent_inputs: the agent's inputs `[B, T, ...]`; null inputs
            `[B, 1, 0]` if None.
          contexts: contexts `[B, T, C]` to score with instead of the
            agent's for `observed`.
        """
        observed = _first_step(tf.convert_to_tensor(observed))
        agents_contexts = contexts is None
        if agents_contexts:
            if agent_inputs is None:
                agent_inputs = agent_mod.null_inputs(tf.shape(observed)[0], 1)
            agent_inputs = tf.nest.map_structure(_first_step, agent_inputs)
            contexts = self._agent.contexts_for_observations(agent_inputs, observed)
        contexts = _first_step(contexts)
        latents, _ = self.infer_latents(contexts, observed)
        self.log_prob_observed(contexts, latents, observed)
        if agents_contexts:  # Generation runs the agent, which given contexts may not fit.
            self.gen_core.generate(agent_inputs)

    def initial_state(self, batch_size) -> CarriedState:
        """The state before the first step of a stream: zeros, `[B, ...]` each."""
        return CarriedState(
            agent=self._agent.initial_state(batch_size),
            latent=self.latent_prior_distcore.initial_state(batch_size),
            observed=self.observed_distcore.initial_state(batch_size))

    @abc.abstractmethod
    def _sample_posterior(self, contexts: tf.Tensor, observed: tf.Tensor, seed: tf.Tensor,
                          seq_lengths=None, initial_state=None) -> PosteriorSample:
        """Draws latents from q(z_{1:T} | x_{1:T}, c_{1:T}) with a stateless seed.

        Args:
          contexts: `[B, T, C]`.
          observed: `[B, T, *event]`.
          seed: a stateless seed `[2]`.
          seq_lengths: optional `[B]` int32 lengths of right-padded sequences.
          initial_state: the latent prior's state to start from; its initial
            state if None.
        """

    @abc.abstractmethod
    def _emission_features(self, contexts: tf.Tensor, latents: tf.Tensor, seq_lengths=None,
                           initial_state=None):
        """The decoder's input for every step, `[B, T, F]`, and the emission's final state.

        Args:
          contexts: `[B, T, C]`.
          latents: `[B, T, Z]`.
          seq_lengths: optional `[B]` int32 lengths of right-padded sequences.
          initial_state: the emission's state to start from; its initial
            state if None.
        """

    def _check_contexts(self, contexts, observed) -> None:
        """Raises ValueError unless contexts `[B, T, ...]` fit observations `[B, T, ...]`."""
        contexts = tf.convert_to_tensor(contexts)
        expected = self._agent.context_dtype
        if contexts.dtype != expected:
            raise ValueError(f"contexts must be {expected.name}, got {contexts.dtype.name}")
        if (contexts.shape.rank is not None and contexts.shape.rank < 3) or not (
                contexts.shape[:2].is_compatible_with(observed.shape[:2])):
            raise ValueError(f"contexts must have shape {observed.shape[:2].as_list() + ['...']} "
                             f"(batch and time as the observations'), got "
                             f"{contexts.shape.as_list()}")
        if observed.shape[0] == 0 or observed.shape[1] == 0:
            raise ValueError("sequences must have a batch and at least one step, got "
                             f"observations of shape {observed.shape.as_list()}")

    def _prepare(self, contexts, observed, mask, initial_state):
        """Checks the inputs; returns (seq_lengths or None, CarriedState)."""
        self._obs_decoder.check_events(observed)
        observed = tf.convert_to_tensor(observed)
        self._check_contexts(contexts, observed)
        seq_lengths = None if mask is None else masks.lengths(mask, observed.shape[1])
        if initial_state is None:
            initial_state = self.initial_state(tf.shape(observed)[0])
        elif not isinstance(initial_state, CarriedState):
            raise ValueError("initial_state must be a CarriedState (see VAEBase.initial_state), "
                             f"got {type(initial_state).__name__}")
        return seq_lengths, initial_state

    def _draw_posterior(self, contexts, observed, seed, seq_lengths, state: CarriedState):
        """A posterior draw and its divergences `[B, T]` (0 on padded steps)."""
        post = self._sample_posterior(contexts, observed, tfp.random.sanitize_seed(seed),
                                      seq_lengths, state.latent)
        divergences = post.log_q - post.log_prior if self._hparams.use_monte_carlo_kl else post.kl
        return post, masks.apply(divergences, seq_lengths)

    def elbo_terms(self, contexts: tf.Tensor, observed: tf.Tensor, seed=None, mask=None,
                   initial_state: CarriedState | None = None) -> ElboTerms:
        """One posterior draw and the per-step terms of the ELBO, with the final state.

        Args:
          contexts: `[B, T, C]`.
          observed: `[B, T, *event]`.
          seed: optional stateless seed `[2]`.
          mask: optional prefix mask `[B, T]` of the real steps.
          initial_state: optional `CarriedState` to continue from.
        Returns:
          An `ElboTerms`; the ELBO of each sequence is
          `sum_t log_probs - divergences`.
        """
        seq_lengths, state = self._prepare(contexts, observed, mask, initial_state)
        post, divergences = self._draw_posterior(contexts, observed, seed, seq_lengths, state)
        features, observed_state = self._emission_features(
            contexts, post.latents, seq_lengths, state.observed)
        return ElboTerms(
            latents=post.latents,
            divergences=divergences,
            log_probs=masks.apply(self._decode_log_probs(features, observed), seq_lengths),
            final_state=CarriedState(state.agent, post.final_state, observed_state),
            posterior_means=post.posterior_means)

    def infer_latents(self, contexts: tf.Tensor, observed: tf.Tensor, seed=None, mask=None,
                      initial_state: CarriedState | None = None):
        """Samples the posterior over latents; the arguments are `elbo_terms`'.

        Returns:
          (latents `[B, T, Z]`, divergences `[B, T]`): the per-step KL from
          the prior, analytic or (with `use_monte_carlo_kl`) log q - log p at
          the sample; 0 on padded steps. Z is the model's `latent_size`
          (SRNN: `[d_t, z_t]`, H + latent_size).
        """
        seq_lengths, state = self._prepare(contexts, observed, mask, initial_state)
        post, divergences = self._draw_posterior(contexts, observed, seed, seq_lengths, state)
        return post.latents, divergences

    def log_prob_observed(self, contexts: tf.Tensor, latents: tf.Tensor,
                          observed: tf.Tensor, mask=None,
                          initial_state: CarriedState | None = None) -> tf.Tensor:
        """log p(x_t | latents, contexts) for every step: `[B, T]`, 0 on padded steps."""
        seq_lengths, state = self._prepare(contexts, observed, mask, initial_state)
        features, _ = self._emission_features(contexts, latents, seq_lengths, state.observed)
        return masks.apply(self._decode_log_probs(features, observed), seq_lengths)

    def _decode_log_probs(self, features, observed) -> tf.Tensor:
        """Decoder features `[B, T, F]`, observed `[B, T, *event]` -> log p `[B, T]`."""
        params = self._obs_decoder(util.merge_batch_time(features))
        log_probs = self._obs_decoder.dist(params).log_prob(util.merge_batch_time(observed))
        return tf.reshape(log_probs, tf.shape(features)[:2])

    def iw_log_prob(self, contexts: tf.Tensor, observed: tf.Tensor,
                    num_samples: int | None = None, seed=None, mask=None,
                    initial_state: CarriedState | None = None,
                    samples_per_pass: int | None = None) -> tf.Tensor:
        """Importance-weighted lower bound on log p(x_{1:T} | c_{1:T}), `[B]`.

        log (1/K) sum_k p(x, z^k) / q(z^k | x) with K posterior draws; K = 1
        is a one-sample ELBO and the bound tightens as K grows. Padded steps
        (`mask`) contribute nothing. The arguments are `iw_log_weights'`.
        """
        log_weights = self.iw_log_weights(contexts, observed, num_samples, seed, mask,
                                          initial_state, samples_per_pass)  # [K, B]
        return tf.reduce_logsumexp(log_weights, axis=0) - math.log(log_weights.shape[0])

    def iw_log_weights(self, contexts: tf.Tensor, observed: tf.Tensor,
                       num_samples: int | None = None, seed=None, mask=None,
                       initial_state: CarriedState | None = None,
                       samples_per_pass: int | None = None) -> tf.Tensor:
        """log p(x, z^k) - log q(z^k | x) of K posterior draws z^k: `[K, B]`.

        Args:
          contexts: `[B, T, C]`.
          observed: `[B, T, *event]`.
          num_samples: K; `hparams.log_prob_samples` by default.
          seed: optional stateless seed `[2]`.
          mask: optional prefix mask `[B, T]` of the real steps.
          initial_state: optional `CarriedState` to continue from.
          samples_per_pass: the most draws made at once (memory grows with
            B times this); all K at once if None. With P > 1 passes, pass p
            draws with `stateless_fold_in(seed, p)` and the draws past the
            K-th are dropped, so that K draws in passes of size S are the
            first K of those passes.
        """
        k = self._hparams.log_prob_samples if num_samples is None else num_samples
        if k < 1:
            raise ValueError(f"num_samples must be >= 1, got {k}")
        per_pass = k if samples_per_pass is None else min(samples_per_pass, k)
        if per_pass < 1:
            raise ValueError(f"samples_per_pass must be >= 1, got {samples_per_pass}")
        seq_lengths, state = self._prepare(contexts, observed, mask, initial_state)
        seed = tfp.random.sanitize_seed(seed)

        def draws(pass_seed):
            return self._log_weights(contexts, observed, per_pass, pass_seed, seq_lengths,
                                     state)

        if per_pass == k:
            return draws(seed)
        num_passes = -(-k // per_pass)
        seeds = tf.stack([tf.random.experimental.stateless_fold_in(seed, p)
                          for p in range(num_passes)])
        # One pass at a time, to bound the memory: [P, S, B].
        passes = tf.map_fn(draws, seeds, fn_output_signature=tf.float32,
                           parallel_iterations=1)
        return tf.reshape(passes, [num_passes * per_pass, -1])[:k]

    def _log_weights(self, contexts, observed, k, seed, seq_lengths, state) -> tf.Tensor:
        """`iw_log_weights` in one pass of k draws, the inputs checked: `[k, B]`."""
        batch_size = tf.shape(observed)[0]
        contexts_k, observed_k, state_k = util.tile_batch((contexts, observed, state), k)
        lengths_k = None if seq_lengths is None else util.tile_batch(seq_lengths, k)
        post = self._sample_posterior(contexts_k, observed_k, seed, lengths_k, state_k.latent)
        features, _ = self._emission_features(contexts_k, post.latents, lengths_k,
                                              state_k.observed)
        log_p = self._decode_log_probs(features, observed_k)
        log_weights = tf.reduce_sum(
            masks.apply(log_p + post.log_prior - post.log_q, lengths_k), axis=1)  # [K * B]
        return tf.reshape(log_weights, [k, batch_size])


def _first_step(x: tf.Tensor) -> tf.Tensor:
    """`[B, T, ...]` -> `[B, 1, ...]`."""
    return x[:, :1]


class EmissionCore(dist_module.StatelessDistCore):
    """p(x_t | latent_t) through the observation decoder; input (context, latent).

    This core is stateless and decodes the latent alone; subclasses add
    recurrent state between the latent and the decoder.
    """

    def __init__(self, obs_decoder: dist_module.DistModule, name: str | None = None):
        super().__init__(name=name)
        self._obs_decoder = obs_decoder

    @property
    def event_size(self):
        return self._obs_decoder.event_size

    @property
    def event_dtype(self):
        return self._obs_decoder.event_dtype

    def __call__(self, inputs, state):
        """Returns (decoder params for x_t, state)."""
        _, latent = inputs
        return self._obs_decoder(latent), state

    def dist(self, params, name=None):
        return self._obs_decoder.dist(params, name=name)


ModelState = collections.namedtuple("ModelState", ["agent", "latent", "observed", "seed"])


class _ModelCore(snt.RNNCore):
    """Shared state of the sampling and scoring cores: agent, prior, emission, seed."""

    def __init__(self, vae: VAEBase, name: str | None = None):
        super().__init__(name=name or vae.name + "_" + type(self).__name__.lower())
        self._vae = vae

    @property
    @abc.abstractmethod
    def _output_dtypes(self):
        """Nest of the dtypes of one step's outputs."""

    def initial_state(self, batch_size, seed=None) -> ModelState:
        """The state before step 1; `seed` is an optional stateless seed `[2]`."""
        return ModelState(*self._vae.initial_state(batch_size),
                          seed=tfp.random.sanitize_seed(seed))

    def _unroll(self, inputs, initial_state):
        """Runs the core over batch-major `inputs`; returns batch-major outputs.

        A plain `tf.while_loop` rather than `snt.dynamic_unroll`, which runs
        AutoGraph over the whole core and makes tracing several times slower.
        """
        steps = tf.nest.map_structure(util.swap_batch_time, inputs)  # [T, B, ...]
        num_steps = tf.shape(tf.nest.flatten(steps)[0])[0]
        arrays = tf.nest.map_structure(lambda dtype: tf.TensorArray(dtype, size=num_steps),
                                       self._output_dtypes)

        def body(t, state, arrays):
            output, state = self(tf.nest.map_structure(lambda x: x[t], steps), state)
            arrays = tf.nest.map_structure(lambda a, o: a.write(t, o), arrays, output)
            return t + 1, state, arrays

        _, final_state, arrays = tf.while_loop(
            lambda t, *_: t < num_steps, body, (0, initial_state, arrays))
        outputs = tf.nest.map_structure(lambda a: util.swap_batch_time(a.stack()), arrays)
        return outputs, final_state


class GenCore(_ModelCore):
    """Ancestral sampling: context -> latent ~ prior -> x ~ emission -> agent.observe."""

    @property
    def _output_dtypes(self):
        return (self._vae.obs_decoder.event_dtype, tf.float32)

    def __call__(self, agent_input, state: ModelState):
        """One step: `[B, ...]` agent input -> ((x_t, latent_t), next state)."""
        latent_seed, obs_seed, next_seed = tfp.random.split_seed(state.seed, 3)
        context = self._vae.agent.context(agent_input, state.agent)
        latent, latent_state = self._vae.latent_prior_distcore.samples(
            context, state.latent, seed=latent_seed)
        obs, obs_state = self._vae.observed_distcore.samples(
            (context, latent), state.observed, seed=obs_seed)
        agent_state = self._vae.agent.observe(agent_input, obs, state.agent)
        return (obs, latent), ModelState(agent_state, latent_state, obs_state, next_seed)

    def generate(self, agent_inputs, initial_state: ModelState | None = None, seed=None):
        """Samples a batch of sequences.

        Args:
          agent_inputs: `[B, T, ...]` (see `agent.null_inputs`).
          initial_state: where to start; `initial_state(B, seed)` by default.
          seed: optional stateless seed `[2]`, used when no state is given.
        Returns:
          (observations `[B, T, *event]`, latents `[B, T, Z]`, final state); the
          final state holds the agent's state and continues generation.
        """
        if initial_state is None:
            batch_size = tf.shape(tf.nest.flatten(agent_inputs)[0])[0]
            initial_state = self.initial_state(batch_size, seed)
        (observations, latents), final_state = self._unroll(agent_inputs, initial_state)
        return observations, latents, final_state


class EvalCore(_ModelCore):
    """Scores observations step by step, with latents drawn from the prior.

    The agent observes the real x_t; the latent is sampled from the prior,
    so for the RNN model (no stochastic latents) this is the exact
    log-likelihood, and for the latent models a one-sample estimate of
    p(x_t | x_{<t}) under prior sampling.
    """

    @property
    def _output_dtypes(self):
        return tf.float32

    def __call__(self, inputs, state: ModelState):
        """((agent input, x_t), state) -> (log p(x_t | ...) `[B]`, next state)."""
        agent_input, observed = inputs
        latent_seed, next_seed = tfp.random.split_seed(state.seed, 2)
        context = self._vae.agent.context(agent_input, state.agent)
        latent, latent_state = self._vae.latent_prior_distcore.samples(
            context, state.latent, seed=latent_seed)
        log_prob, obs_state = self._vae.observed_distcore.log_probs(
            ((context, latent), observed), state.observed)
        agent_state = self._vae.agent.observe(agent_input, observed, state.agent)
        return log_prob, ModelState(agent_state, latent_state, obs_state, next_seed)

    def log_probs(self, agent_inputs, observed, initial_state: ModelState | None = None,
                  seed=None, mask=None) -> tf.Tensor:
        """log p(x_t | x_{<t}) for every step of `observed` `[B, T, ...]`: `[B, T]`.

        With a prefix `mask` `[B, T]`, padded steps give 0 (the real steps
        come first, so they are scored as without padding).
        """
        self._vae.obs_decoder.check_events(observed)
        observed = tf.convert_to_tensor(observed)
        seq_lengths = None if mask is None else masks.lengths(mask, observed.shape[1])
        if initial_state is None:
            initial_state = self.initial_state(tf.shape(observed)[0], seed)
        log_probs, _ = self._unroll((agent_inputs, observed), initial_state)
        return masks.apply(log_probs, seq_lengths)
