"""A padded batch with a mask scores exactly as its unpadded sequences do."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import agent
from vaeseq import testing
from vaeseq import train
from vaeseq import vae
from vaeseq.testing import OBS

VAE_TYPES = sorted(vae.VAE_TYPES)
STEPS, SHORT = 5, 2  # Row 0 is full length, row 1 has SHORT real steps.
SEED = (5, 6)


def _padded():
    """(observed [2, STEPS, OBS] with garbage padding, mask, null agent inputs)."""
    observed = tf.random.stateless_normal([2, STEPS, OBS], seed=[1, 1])
    mask = tf.sequence_mask([STEPS, SHORT], STEPS, dtype=tf.float32)
    garbage = 50.0 * tf.random.stateless_normal(observed.shape, seed=[1, 2])
    observed = tf.where(mask[:, :, tf.newaxis] > 0, observed, garbage)
    return observed, mask, agent.null_inputs(2, STEPS)


def _contexts(model, observed, inputs):
    return agent.contexts_for_static_observations(observed, model.agent, inputs)


def _assert_rows(masked, full, short):
    """Row 0 as in the full run; row 1's real steps as in the short run, 0 after."""
    np.testing.assert_allclose(masked[0], full[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(masked[1, :SHORT], short[1], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(masked[1, SHORT:], 0.0)


@pytest.mark.parametrize("rnn_cell", ["lstm", "gru"])
@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_elbo_terms_and_final_state(vae_type, rnn_cell):
    _, model = testing.tiny_model(vae_type, rnn_cell=rnn_cell)
    observed, mask, inputs = _padded()
    contexts = _contexts(model, observed, inputs)
    masked = model.elbo_terms(contexts, observed, seed=SEED, mask=mask)
    full = model.elbo_terms(contexts, observed, seed=SEED)
    short = model.elbo_terms(contexts[:, :SHORT], observed[:, :SHORT], seed=SEED)
    _assert_rows(masked.log_probs, full.log_probs, short.log_probs)
    _assert_rows(masked.divergences, full.divergences, short.divergences)
    np.testing.assert_allclose(masked.latents[1, :SHORT], short.latents[1], rtol=1e-5, atol=1e-5)
    for got, row0, row1 in zip(tf.nest.flatten(masked.final_state),
                               tf.nest.flatten(full.final_state),
                               tf.nest.flatten(short.final_state)):
        np.testing.assert_allclose(got[0], row0[0], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(got[1], row1[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_infer_latents_log_prob_observed_and_iw_bound(vae_type):
    _, model = testing.tiny_model(vae_type)
    observed, mask, inputs = _padded()
    contexts = _contexts(model, observed, inputs)
    latents, divergences = model.infer_latents(contexts, observed, seed=SEED, mask=mask)
    terms = model.elbo_terms(contexts, observed, seed=SEED, mask=mask)
    np.testing.assert_allclose(divergences, terms.divergences, rtol=1e-6)
    np.testing.assert_allclose(model.log_prob_observed(contexts, latents, observed, mask=mask),
                               terms.log_probs, rtol=1e-5, atol=1e-5)
    iw = model.iw_log_prob(contexts, observed, num_samples=3, seed=SEED, mask=mask)
    iw_full = model.iw_log_prob(contexts, observed, num_samples=3, seed=SEED)
    iw_short = model.iw_log_prob(contexts[:, :SHORT], observed[:, :SHORT], num_samples=3,
                                 seed=SEED)
    np.testing.assert_allclose([iw[0], iw[1]], [iw_full[0], iw_short[1]], rtol=1e-5)


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_eval_core(vae_type):
    _, model = testing.tiny_model(vae_type)
    observed, mask, inputs = _padded()
    masked = model.eval_core.log_probs(inputs, observed, seed=SEED, mask=mask)
    full = model.eval_core.log_probs(inputs, observed, seed=SEED)
    short = model.eval_core.log_probs(inputs[:, :SHORT], observed[:, :SHORT], seed=SEED)
    _assert_rows(masked, full, short)


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_training_ignores_the_padding(vae_type):
    """Two steps on batches that differ only in their padding: the same results."""
    hparams, model = testing.tiny_model(vae_type)
    observed, mask, _ = _padded()
    other = tf.where(mask[:, :, tf.newaxis] > 0, observed, -observed)
    runs = []
    for batch in (observed, other):
        if runs:
            for variable, value in zip(model.trainable_variables, initial):
                variable.assign(value)
        ops = train.TrainOps(hparams, model, seed=(1, 2))
        if not runs:
            ops._create_variables(None, batch, None)  # pylint: disable=protected-access
            initial = [v.numpy() for v in model.trainable_variables]
        result = ops(None, batch, mask=mask)
        runs.append((result, [v.numpy() for v in model.trainable_variables]))
    (first, first_vars), (second, second_vars) = runs
    for name in ("loss", "elbo", "grad_norm"):
        np.testing.assert_allclose(first[name], second[name], rtol=1e-6, err_msg=name)
    for a, b in zip(first_vars, second_vars):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


if __name__ == "__main__":
    testing.main(__file__)
