"""Tests for loop.py: a rollout and one iteration of the whole loop."""

import functools

import numpy as np

from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import fake_env
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import loop
from vaeseq.examples.play import model
from vaeseq.examples.play import policy_agent

EPISODES, LENGTH = 2, 3
STEPS = fake_env.TIME_LIMIT + 1


def tiny_hparams():
    return hparams_mod.make_hparams(
        latent_size=3, rnn_hidden_sizes=[6], obs_encoder_fc_layers=[7],
        obs_decoder_fc_hidden_layers=[8], latent_decoder_fc_layers=[9], policy_layers=[10],
        episodes_per_iter=EPISODES, replay_episodes=5, model_steps_per_iter=2,
        policy_steps_per_iter=3, imagine_batch_size=4, imagine_steps=5, batch_size=2,
        sequence_size=4)


def test_play_shapes_and_contexts():
    vae = model.make_model(tiny_hparams())
    env = environment.GymEnvironment(EPISODES, functools.partial(fake_env.make, LENGTH), seed=0)
    agent = loop.CompiledAgent(vae.agent)
    contexts, observations = loop.play(env, agent, STEPS)
    assert contexts.shape == (EPISODES, STEPS, policy_agent.CONTEXT_SIZE)
    assert observations.shape == (EPISODES, STEPS, environment.OBS_SIZE)
    np.testing.assert_array_equal(env.returns, [LENGTH] * EPISODES)
    # The context of step t + 1 holds the state after step t and the action
    # the fake environment then records.
    actions = np.argmax(contexts[:, 1:LENGTH + 1, 5:], axis=-1)
    counters = contexts[:, 1:LENGTH + 2, 0] * environment.STATE_SCALE[0]
    np.testing.assert_allclose(counters, np.tile(np.arange(LENGTH + 1), [EPISODES, 1]),
                               atol=1e-5)
    recorded = contexts[:, 2:LENGTH + 2, 1] * environment.STATE_SCALE[1]
    np.testing.assert_array_equal(recorded, actions)
    np.testing.assert_array_equal(observations[:, LENGTH:, 4], 1.0)


def test_one_iteration():
    hparams = tiny_hparams()
    vae = model.make_model(hparams)
    run = loop.Loop(hparams, vae, seed=3, make_env=functools.partial(fake_env.make, LENGTH))
    policy_before = [v.numpy() for v in vae.agent.policy.trainable_variables]
    metrics = run.iteration()
    assert set(metrics) == {"real_return", "best_return", "elbo", "log_prob", "divergence",
                            "imagined_steps", "entropy"}
    assert metrics["real_return"] == metrics["best_return"] == LENGTH
    # The best policy is the one that played, before this iteration's updates.
    for kept, old in zip(run.best.policy.trainable_variables, policy_before):
        np.testing.assert_array_equal(kept.numpy(), old)
    assert all(np.isfinite(value) for value in metrics.values())
    assert len(run.replay) == EPISODES
    assert int(run.train_ops.global_step.numpy()) == hparams.model_steps_per_iter
    assert any(not np.array_equal(old, var.numpy())
               for old, var in zip(policy_before, vae.agent.policy.trainable_variables))


if __name__ == "__main__":
    testing.main(__file__)
