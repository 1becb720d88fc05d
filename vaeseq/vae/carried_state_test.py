"""Carried state: a stream trained chunk by chunk continues where each chunk ended."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import agent
from vaeseq import testing
from vaeseq import train
from vaeseq import vae
from vaeseq.testing import BATCH, OBS

CHUNK = 3
TOP = 7  # The top RNN layer of testing.tiny_hparams: H.


def _stream(seed=0):
    """(observed [B, 2 * CHUNK, OBS], null agent inputs for one chunk)."""
    return (tf.random.stateless_normal([BATCH, 2 * CHUNK, OBS], seed=[seed, 3]),
            agent.null_inputs(BATCH, CHUNK))


def _chunk_terms(model, observed, inputs, state, seed=(1, 2)):
    """ELBO terms of one chunk from `state`, with the agent's final state filled in."""
    contexts, agent_state = model.agent.observe_sequence(inputs, observed, state.agent)
    terms = model.elbo_terms(contexts, observed, seed=seed, initial_state=state)
    return terms._replace(final_state=terms.final_state._replace(agent=agent_state))


@pytest.mark.parametrize("rnn_cell", ["lstm", "gru"])
def test_rnn_chunks_score_as_the_whole_stream(rnn_cell):
    """The RNN model is deterministic: two carried chunks equal one long sequence."""
    _, model = testing.tiny_model("RNN", rnn_cell=rnn_cell)
    observed, inputs = _stream()
    whole = _chunk_terms(model, observed, agent.null_inputs(BATCH, 2 * CHUNK),
                         model.initial_state(BATCH))
    first = _chunk_terms(model, observed[:, :CHUNK], inputs, model.initial_state(BATCH))
    second = _chunk_terms(model, observed[:, CHUNK:], inputs, first.final_state)
    np.testing.assert_allclose(tf.concat([first.log_probs, second.log_probs], 1),
                               whole.log_probs, rtol=1e-5, atol=1e-5)
    for got, want in zip(tf.nest.flatten(second.final_state),
                         tf.nest.flatten(whole.final_state)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_srnn_carries_the_d_chain_and_the_last_z():
    _, model = testing.tiny_model("SRNN")
    observed, inputs = _stream()
    whole = _chunk_terms(model, observed, agent.null_inputs(BATCH, 2 * CHUNK),
                         model.initial_state(BATCH))
    first = _chunk_terms(model, observed[:, :CHUNK], inputs, model.initial_state(BATCH))
    _, z_last = first.final_state.latent
    np.testing.assert_allclose(z_last, first.latents[:, -1, TOP:])
    second = _chunk_terms(model, observed[:, CHUNK:], inputs, first.final_state)
    # d_t, the deterministic half of the latent, continues the whole stream's.
    np.testing.assert_allclose(second.latents[:, :, :TOP], whole.latents[:, CHUNK:, :TOP],
                               rtol=1e-5, atol=1e-5)
    # The prior of the second chunk's first step reads z_{t-1} from the carried state.
    restarted = first.final_state._replace(latent=(first.final_state.latent[0],
                                                   tf.zeros_like(z_last)))
    other = _chunk_terms(model, observed[:, CHUNK:], inputs, restarted)
    assert not np.allclose(other.divergences[:, 0], second.divergences[:, 0])
    np.testing.assert_allclose(other.latents[:, :, :TOP], second.latents[:, :, :TOP])


def test_iseq_carries_the_emission_chain():
    _, model = testing.tiny_model("ISEQ")
    observed, inputs = _stream()
    first = _chunk_terms(model, observed[:, :CHUNK], inputs, model.initial_state(BATCH))
    contexts = model.agent.contexts_for_observations(agent.null_inputs(BATCH, 2 * CHUNK),
                                                     observed)
    z_second = tf.random.stateless_normal([BATCH, CHUNK, model.latent_size], seed=[2, 2])
    whole = model.log_prob_observed(contexts, tf.concat([first.latents, z_second], 1), observed)
    second = model.log_prob_observed(contexts[:, CHUNK:], z_second, observed[:, CHUNK:],
                                     initial_state=first.final_state)
    np.testing.assert_allclose(second, whole[:, CHUNK:], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("vae_type", sorted(vae.VAE_TYPES))
def test_train_ops_returns_the_state_it_ended_in(vae_type):
    hparams, model = testing.tiny_model(vae_type)
    ops = train.TrainOps(hparams, model, seed=(1, 2))
    observed, inputs = _stream()
    state = model.initial_state(BATCH)
    ops._create_variables(None, observed[:, :CHUNK], None)  # pylint: disable=protected-access
    expected = _chunk_terms(model, observed[:, :CHUNK], inputs, state).final_state
    result = ops(None, observed[:, :CHUNK], initial_state=state)
    assert isinstance(result["final_state"], vae.CarriedState)
    # The parts that do not depend on the step's draw of the latents: the
    # agent's state, and the deterministic chain of RNN and SRNN.
    deterministic = {"RNN": lambda s: (s.agent, s.latent), "ISEQ": lambda s: s.agent,
                     "SRNN": lambda s: (s.agent, s.latent[0])}[vae_type]
    for got, want in zip(tf.nest.flatten(deterministic(result["final_state"])),
                         tf.nest.flatten(deterministic(expected))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    second = ops(None, observed[:, CHUNK:], initial_state=result["final_state"])
    assert int(ops.global_step.numpy()) == 2 and np.isfinite(float(second["loss"]))
    assert "final_state" not in ops(None, observed[:, CHUNK:])


def test_initial_state_must_be_a_carried_state():
    _, model = testing.tiny_model("RNN")
    observed, inputs = _stream()
    contexts = model.agent.contexts_for_observations(inputs, observed[:, :CHUNK])
    with pytest.raises(ValueError, match="CarriedState"):
        model.elbo_terms(contexts, observed[:, :CHUNK], initial_state=(1, 2, 3))


if __name__ == "__main__":
    testing.main(__file__)
