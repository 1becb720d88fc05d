"""Tests for train.py: the replay of real episodes and one iteration of the loop."""

import functools

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.play import environment
from vaeseq.examples.play import fake_env
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import model
from vaeseq.examples.play import train

T, C = 6, 7
EPISODES, LENGTH = 2, 3


def episode(live, marker):
    """An episode of T steps terminating at step live - 1 (never if live == T)."""
    contexts = np.full([T, C], marker, np.float32)
    contexts[:, 0] = np.arange(T)  # The step index, to find where windows start.
    observations = np.zeros([T, environment.OBS_SIZE], np.float32)
    if live < T:
        observations[live - 1:, 4] = 1.0
    return contexts, observations


def make_replay(capacity, episodes):
    replay = train.Replay(capacity, np.random.default_rng(0))
    contexts, observations = zip(*episodes)
    replay.add(np.stack(contexts), np.stack(observations))
    return replay


def test_live_steps():
    observations = np.stack([episode(live, 0)[1] for live in (2, 4, T)])
    np.testing.assert_array_equal(train.live_steps(observations), [2, 4, T])


def test_windows_start_at_live_steps_and_fit():
    replay = make_replay(4, [episode(2, 1.0), episode(T, 2.0)])
    contexts, observations = replay.windows(200, 3)
    assert contexts.shape == (200, 3, C) and observations.shape == (200, 3, 5)
    starts = contexts[:, 0, 0]
    short = contexts[:, 0, 1] == 1.0
    assert set(starts[short]) == {0, 1}  # Live steps 0 and 1.
    assert set(starts[~short]) == {0, 1, 2, 3}  # Up to T - 3.
    np.testing.assert_array_equal(contexts[:, :, 0], starts[:, None] + np.arange(3))


def test_ring_buffer_keeps_the_latest():
    replay = make_replay(2, [episode(T, 1.0), episode(T, 2.0), episode(T, 3.0)])
    assert len(replay) == 2
    markers = replay.windows(100, 2)[0][:, 0, 1]
    assert set(markers) == {2.0, 3.0}


def test_live_states_come_from_contexts():
    contexts, observations = episode(3, 0.0)
    contexts[:, :4] = np.arange(T)[:, None] * 0.1  # Normalised states.
    replay = make_replay(1, [(contexts, observations)])
    states = replay.live_states(100)
    assert states.shape == (100, environment.OBS_SIZE)
    np.testing.assert_array_equal(states[:, 4], 0.0)
    steps = np.round(states[:, 0] / environment.STATE_SCALE[0] / 0.1)
    assert set(steps) == {1, 2}  # After the reset, up to the terminating step.
    np.testing.assert_allclose(states[:, :4],
                               steps[:, None] * 0.1 * environment.STATE_SCALE, rtol=1e-6)


def test_bad_requests():
    with pytest.raises(ValueError, match="capacity"):
        train.Replay(0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="empty"):
        train.Replay(1, np.random.default_rng(0)).windows(1, 1)
    with pytest.raises(ValueError, match="do not fit"):
        make_replay(1, [episode(T, 0.0)]).windows(1, T + 1)


def tiny_hparams():
    return hparams_mod.make_hparams(
        latent_size=3, rnn_hidden_sizes=[6], obs_encoder_fc_layers=[7],
        obs_decoder_fc_hidden_layers=[8], latent_decoder_fc_layers=[9], policy_layers=[10],
        episodes_per_iter=EPISODES, replay_episodes=5, model_steps_per_iter=2,
        policy_steps_per_iter=3, imagine_batch_size=4, imagine_steps=5, batch_size=2,
        sequence_size=4)


def test_one_iteration():
    hparams = tiny_hparams()
    vae = model.make_model(hparams)
    run = train.Loop(hparams, vae, seed=3, make_env=functools.partial(fake_env.make, LENGTH))
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
