"""Tests for scoring.py: bounds summed over batches of sequences."""

import math

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import progress
from vaeseq.examples.common import sampler
from vaeseq.examples.common import scoring

SPEC = tf.TensorSpec([None, None, testing.OBS], tf.float32)


def sequences(batch, steps, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=[batch, steps, testing.OBS]).astype(np.float32)


@pytest.fixture(name="rnn", scope="module")
def fixture_rnn():
    _, vae = testing.tiny_model("RNN")
    vae.build(tf.zeros([1, 1, testing.OBS]))
    return vae


def test_scores_properties():
    scores = scoring.Scores(elbo=-20.0, iw_log_prob=-10.0, num_steps=5,
                            num_samples=3, kl=2.5, active_units=4)
    assert scores.as_dict() == {
        "elbo_per_step": -4.0, "iw_log_prob_per_step": -2.0,
        "bits_per_step": pytest.approx(2.0 / math.log(2)), "kl_per_step": 0.5,
        "active_units": 4, "num_steps": 5, "num_samples": 3}
    without_iw = scores._replace(iw_log_prob=None, num_samples=0)
    assert without_iw.iw_log_prob_per_step is None
    assert without_iw.bits_per_step == pytest.approx(4.0 / math.log(2))


def test_batches_add_up(rnn):
    # The RNN model has no latents: both bounds are its exact
    # log-likelihood, so batching and K cannot change them.
    first, second = sequences(3, 4, seed=0), sequences(2, 6, seed=1)
    scorer = scoring.Scorer(rnn, SPEC, batch_size=3, num_samples=2)
    bar = progress.ProgressBar(5, stream=open("/dev/null", "w"))
    together = scorer.score([first, second], seed=1, bar=bar)
    alone = [scorer.score([batch[None]]) for batch in [*first, *second]]
    assert (together.num_steps, together.num_samples) == (3 * 4 + 2 * 6, 2)
    assert together.elbo == pytest.approx(sum(s.elbo for s in alone), rel=1e-5)
    assert together.iw_log_prob == pytest.approx(together.elbo, rel=1e-5)
    contexts = scoring.recorded_contexts(rnn, tf.constant(first))
    latents, divergences = rnn.infer_latents(contexts, first)
    expected = float(tf.reduce_sum(
        rnn.log_prob_observed(contexts, latents, first) - divergences))
    assert scorer.score([first]).elbo == pytest.approx(expected, rel=1e-5)
    assert scoring.Scorer(rnn, SPEC, 1).score([first]).iw_log_prob is None


def test_unit_variance_matches_numpy():
    rng = np.random.default_rng(3)
    # Unit 0 varies (variance 1), unit 1 barely (0.0025), unit 2 is constant.
    means = np.stack([rng.normal(5.0, 1.0, 600), rng.normal(-2.0, 0.05, 600),
                      np.full(600, 7.0)], axis=1)
    units = scoring.UnitVariance()
    for part in np.split(means, [1, 250]):  # Batches of any size add up.
        units.add(part)
    assert units.active_units() == int(np.sum(np.var(means, axis=0) > 0.01)) == 1
    assert scoring.UnitVariance().active_units() == 0
    one = scoring.UnitVariance()
    one.add(means[:1])
    assert one.active_units() == 0  # No variance from one step.


def test_kl_and_active_units_of_a_latent_model(rnn):
    observed = sequences(4, 5, seed=2)
    assert scoring.Scorer(rnn, SPEC, 4).score([observed]).kl == 0.0
    assert scoring.Scorer(rnn, SPEC, 4).score([observed]).active_units == 0
    _, iseq = testing.tiny_model("ISEQ")
    scores = scoring.Scorer(iseq, SPEC, 4).score([observed], seed=3)
    contexts = scoring.recorded_contexts(iseq, tf.constant(observed))
    terms = iseq.elbo_terms(contexts, observed, seed=next(sampler.seed_stream(3)))
    assert scores.kl == pytest.approx(float(tf.reduce_sum(terms.divergences)), rel=1e-5)
    assert scores.kl > 0
    means = terms.posterior_means.numpy().reshape([-1, testing.LATENT])
    assert scores.active_units == int(np.sum(np.var(means, axis=0) > 0.01))


def test_scorer_checks_arguments(rnn):
    with pytest.raises(ValueError, match="batch_size"):
        scoring.Scorer(rnn, SPEC, batch_size=0)
    with pytest.raises(ValueError, match="log_prob_samples"):
        scoring.Scorer(rnn, SPEC, batch_size=1, num_samples=-1)


def observations(batch=testing.BATCH, steps=testing.STEPS):
    rng = np.random.default_rng(0)
    return tf.constant(rng.normal(size=[batch, steps, testing.OBS]), tf.float32)


def test_contexts_shift_the_encoded_observations():
    _, vae = testing.tiny_model("RNN")
    observed = observations()
    contexts = scoring.recorded_contexts(vae, observed)
    encoded = vae.obs_encoder(observed[:, 0])
    assert contexts.shape == (testing.BATCH, testing.STEPS, encoded.shape[-1])
    np.testing.assert_array_equal(contexts[:, 0], np.zeros_like(encoded))
    np.testing.assert_allclose(contexts[:, 1], encoded, rtol=1e-5, atol=1e-6)


def test_contexts_keep_static_steps_in_graphs():
    _, vae = testing.tiny_model("ISEQ")
    vae.build(tf.zeros([1, 1, testing.OBS]))
    shapes = []

    @tf.function(input_signature=[
        tf.TensorSpec([None, 7, testing.OBS], tf.float32)])
    def trace(observed):
        shapes.append(scoring.recorded_contexts(vae, observed).shape.as_list())
        return observed

    trace.get_concrete_function()
    assert shapes[0][:2] == [None, 7]


if __name__ == "__main__":
    testing.main(__file__)
