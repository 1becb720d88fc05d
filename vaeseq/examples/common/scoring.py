"""Scores recorded sequences: ELBO and importance-weighted bound per step.

Both scores are lower bounds on log p(sequence) in nats, summed over the
sequences scored, so dividing by the number of steps gives nats per step
(per character, per piano-roll frame). Beside them: the KL term per step
and the number of active latent units (`UnitVariance`), which tell whether
the latents carry anything (a collapsed posterior has KL near 0 and no
active unit). Each sequence is scored on its own,
from the model's initial state, with every step real: batches hold
sequences of one length, unpadded. Models of recorded sequences give the
agent no inputs, so its contexts follow from the observations alone
(`recorded_contexts`).
"""

import math
from typing import Any, Iterable, NamedTuple

import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq.examples.common import progress
from vaeseq.examples.common import sampler
from vaeseq.vae import VAEBase


# A unit of z is active when its posterior mean varies over the data with
# more than this variance (Burda et al. 2016).
ACTIVE_UNIT_VARIANCE = 0.01


class UnitVariance:
    """The variance of each latent unit's posterior mean over scored steps.

    Accumulates sums in float64, so that any number of steps takes `[S]`
    memory.
    """

    def __init__(self):
        self._count = 0
        self._sum = self._sum_of_squares = 0.0

    def add(self, means: np.ndarray) -> None:
        """Adds the posterior means `[N, S]` of N scored steps."""
        means = np.asarray(means, np.float64)
        self._count += means.shape[0]
        self._sum = self._sum + means.sum(axis=0)
        self._sum_of_squares = self._sum_of_squares + np.square(means).sum(axis=0)

    def active_units(self) -> int:
        """The units whose mean varies with variance > `ACTIVE_UNIT_VARIANCE`."""
        if self._count < 2:
            return 0
        mean = self._sum / self._count
        variance = self._sum_of_squares / self._count - np.square(mean)
        return int(np.sum(variance > ACTIVE_UNIT_VARIANCE))


class Scores(NamedTuple):
    """Bounds summed over `num_steps` steps.

    Attributes:
        elbo: one-sample ELBO, in nats.
        iw_log_prob: importance-weighted bound with `num_samples` draws, in
            nats; None when not computed (`num_samples` is 0).
        num_steps: steps scored.
        num_samples: K of the importance-weighted bound.
        kl: the KL term of the ELBO, summed, in nats.
        active_units: the latent units that are active over the steps
            scored (`UnitVariance`); 0 for a model without latents.
    """

    elbo: float
    iw_log_prob: float | None
    num_steps: int
    num_samples: int
    kl: float = 0.0
    active_units: int = 0

    @property
    def elbo_per_step(self) -> float:
        """The ELBO in nats per step."""
        return self.elbo / self.num_steps

    @property
    def iw_log_prob_per_step(self) -> float | None:
        """The importance-weighted bound in nats per step."""
        if self.iw_log_prob is None:
            return None
        return self.iw_log_prob / self.num_steps

    @property
    def bits_per_step(self) -> float:
        """Bits per step from the tightest bound computed."""
        best = self.iw_log_prob_per_step
        if best is None:
            best = self.elbo_per_step
        return -best / math.log(2)

    def as_dict(self) -> dict[str, Any]:
        """The evaluation schema every example reports (and writes as JSON).

        `elbo_per_step`, `iw_log_prob_per_step` (nats), `bits_per_step`
        (from the tightest bound), `kl_per_step` (nats), `active_units`,
        `num_steps` and `num_samples` (K).
        """
        return {
            "elbo_per_step": self.elbo_per_step,
            "iw_log_prob_per_step": self.iw_log_prob_per_step,
            "bits_per_step": self.bits_per_step,
            "kl_per_step": self.kl / self.num_steps,
            "active_units": self.active_units,
            "num_steps": self.num_steps,
            "num_samples": self.num_samples,
        }


class Scorer:
    """Runs the scores in `tf.function`s, one batch of sequences at a time.

    Args:
        vae: the model.
        batch_spec: the spec of one batch of observations, `[B, T, ...]`
            (B and T may be None); each function is traced once for it.
        batch_size: sequences per batch at most, for callers that batch.
        num_samples: K of the importance-weighted bound; 0 to skip it.

    Attributes:
        elbo: the `tf.function` `(observed [B, T, ...], seed [2] int32)` ->
            the one-sample ELBO of each sequence `[B]`, in nats.
        iw_log_prob: the same for the importance-weighted bound with K =
            `num_samples` draws.

    Raises:
        ValueError: `batch_size` < 1 or `num_samples` < 0.
    """

    def __init__(self, vae: VAEBase, batch_spec: tf.TensorSpec,
                 batch_size: int, num_samples: int = 0):
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        if num_samples < 0:
            raise ValueError(
                f"log_prob_samples must be >= 0, got {num_samples}.")
        self._vae = vae
        self.batch_size = batch_size
        self._num_samples = num_samples
        signature = [batch_spec, tf.TensorSpec([2], tf.int32)]
        self.elbo = tf.function(
            self._elbo_fn, input_signature=signature, autograph=False)
        self._terms = tf.function(
            self._terms_fn, input_signature=signature, autograph=False)
        self.iw_log_prob = tf.function(
            self._iw_log_prob_fn, input_signature=signature, autograph=False)

    def score(self, batches: Iterable[np.ndarray | tf.Tensor],
              seed: int | None = None,
              bar: progress.ProgressBar | None = None) -> Scores:
        """Scores batches of equal-length sequences `[B, T, ...]`.

        Args:
            batches: the batches, every step of which is real.
            seed: makes the posterior draws repeatable.
            bar: if given, updated with the number of sequences scored.
        """
        seeds = sampler.seed_stream(seed)
        elbo = kl = 0.0
        iw_log_prob = 0.0 if self._num_samples else None
        units = UnitVariance()
        num_steps = done = 0
        for batch in batches:
            batch = tf.convert_to_tensor(batch)
            batch_elbo, batch_kl, means = self._terms(batch, next(seeds))
            elbo += float(tf.reduce_sum(batch_elbo))
            kl += float(tf.reduce_sum(batch_kl))
            batch_size, steps, size = means.shape
            units.add(np.reshape(means.numpy(), [batch_size * steps, size]))
            if self._num_samples:
                iw_log_prob += float(tf.reduce_sum(
                    self.iw_log_prob(batch, next(seeds))))
            num_steps += int(batch.shape[0]) * int(batch.shape[1])
            done += int(batch.shape[0])
            if bar is not None:
                bar.update(done)
        return Scores(elbo, iw_log_prob, num_steps, self._num_samples, kl,
                      units.active_units())

    def _elbo_fn(self, observed: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """The ELBO of each sequence: `[B, T, ...]` -> `[B]`."""
        return self._terms_fn(observed, seed)[0]

    def _terms_fn(self, observed: tf.Tensor, seed: tf.Tensor):
        """One posterior draw: `[B, T, ...]` -> (ELBO `[B]`, KL `[B]`, posterior
        means `[B, T, S]`; S is 0 for a model without latents)."""
        contexts = recorded_contexts(self._vae, observed)
        terms = self._vae.elbo_terms(contexts, observed, seed)
        means = terms.posterior_means
        if means is None:
            means = tf.zeros(tf.concat([tf.shape(observed)[:2], [0]], 0))
        return (tf.reduce_sum(terms.log_probs - terms.divergences, axis=1),
                tf.reduce_sum(terms.divergences, axis=1), means)

    def _iw_log_prob_fn(self, observed: tf.Tensor, seed: tf.Tensor) -> tf.Tensor:
        """The K-sample bound of each sequence: `[B, T, ...]` -> `[B]`."""
        contexts = recorded_contexts(self._vae, observed)
        return self._vae.iw_log_prob(
            contexts, observed, self._num_samples, seed)


def recorded_contexts(vae: VAEBase, observed: tf.Tensor) -> tf.Tensor:
    """The agent's contexts `[B, T, C]` for observations `[B, T, ...]`.

    The agent gets null inputs `[B, T, 0]`.
    """
    shape = tf.shape(observed)
    return agent_mod.contexts_for_static_observations(
        observed, vae.agent, agent_mod.null_inputs(shape[0], shape[1]))
