"""TrainOps: one step per call, annealing, clipping, L2, numerics, checkpoints."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq import train
from vaeseq.testing import BATCH, OBS, STEPS


def _observed(seed=0):
    return tf.random.stateless_normal([BATCH, STEPS, OBS], seed=[seed, 7])


def _values(variables):
    return [v.numpy().copy() for v in variables]


@pytest.mark.parametrize("vae_type", ["RNN", "ISEQ", "SRNN"])
def test_one_step_per_call_updates_every_variable(vae_type):
    hparams, model = testing.tiny_model(vae_type)
    ops = train.TrainOps(hparams, model)
    first = ops(None, _observed())
    assert int(ops.global_step.numpy()) == 1
    before = _values(model.trainable_variables)
    result = ops(None, _observed())
    assert int(ops.global_step.numpy()) == 2
    after = _values(model.trainable_variables)
    assert all(np.any(a != b) for a, b in zip(after, before))
    assert set(result) == {"log_prob", "divergence", "elbo", "elbo_opt",
                           "divergence_strength", "learning_rate", "grad_norm", "loss"}
    np.testing.assert_allclose(first["elbo"], first["log_prob"] - first["divergence"], rtol=1e-5)
    assert float(result["divergence_strength"]) > float(first["divergence_strength"])


def test_precomputed_contexts():
    hparams, model = testing.tiny_model("SRNN")
    ops = train.TrainOps(hparams, model)
    contexts = tf.zeros([BATCH, STEPS, 3])
    assert np.isfinite(float(ops(contexts, _observed())["loss"]))


def test_training_improves_the_objective_on_fixed_data():
    hparams, model = testing.tiny_model("SRNN", learning_rate=1e-2)
    ops = train.TrainOps(hparams, model)
    observed = _observed() + 3.0
    losses = [float(ops(None, observed)["loss"]) for _ in range(30)]
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 5.0


def test_gradient_clipping_bounds_the_update():
    hparams, model = testing.tiny_model("RNN", clip_gradient_norm=1e-3, learning_rate=1.0)
    ops = train.TrainOps(hparams, model)
    result = ops(None, _observed())
    assert float(result["grad_norm"]) > 1e-3  # The reported norm is before clipping.


def test_l2_regularization_adds_to_the_loss():
    losses = []
    for l2 in (0.0, 1.0):
        tf.random.set_seed(0)
        hparams, model = testing.tiny_model("RNN", l2_regularization=l2)
        losses.append(float(train.TrainOps(hparams, model)(None, _observed())["loss"]))
    assert losses[1] > losses[0] + 1.0


def test_non_finite_loss_stops_training_without_updating():
    hparams, model = testing.tiny_model("SRNN")
    ops = train.TrainOps(hparams, model)
    ops(None, _observed())
    before = _values(model.trainable_variables) + _values(ops.optimizer.variables)
    bad = _observed().numpy()
    bad[0, 1, 2] = np.nan
    with pytest.raises(train.NonFiniteError, match="non-finite loss or gradient at step 1"):
        ops(None, bad)
    assert int(ops.global_step.numpy()) == 1
    after = _values(model.trainable_variables) + _values(ops.optimizer.variables)
    for a, b in zip(after, before):
        np.testing.assert_array_equal(a, b)


def test_checkpoint_resumes_optimizer_and_step(tmp_path):
    hparams, model = testing.tiny_model("ISEQ")
    ops = train.TrainOps(hparams, model)
    for _ in range(2):
        ops(None, _observed())
    path = tf.train.Checkpoint(model=model, train_ops=ops).save(str(tmp_path / "ckpt"))
    _, fresh_model = testing.tiny_model("ISEQ")
    fresh_ops = train.TrainOps(hparams, fresh_model)
    status = tf.train.Checkpoint(model=fresh_model, train_ops=fresh_ops).restore(path)
    assert int(fresh_ops.global_step.numpy()) == 2
    fresh_ops(None, _observed())  # Builds the optimizer slots, which restore on creation.
    status.assert_consumed()
    assert int(fresh_ops.global_step.numpy()) == 3


def test_bad_observations():
    hparams, model = testing.tiny_model("RNN")
    with pytest.raises(ValueError, match="do not match NormalDecoder"):
        train.TrainOps(hparams, model)(None, tf.zeros([BATCH, STEPS, OBS + 1]))


@pytest.mark.parametrize("override, match", [
    (dict(learning_rate=float("nan")), "learning_rate must be a positive finite number"),
    (dict(learning_rate=0.0), "learning_rate must be a positive finite number"),
    (dict(adam_epsilon=float("inf")), "adam_epsilon"),
    (dict(learning_rate_decay_factor=-0.5), "learning_rate_decay_factor"),
    (dict(clip_gradient_norm=float("nan")), "clip_gradient_norm must be a finite number >= 0"),
    (dict(l2_regularization=-1.0), "l2_regularization"),
])
def test_optimizer_hparams_that_would_corrupt_the_variables_are_refused(override, match):
    hparams, model = testing.tiny_model("RNN", **override)
    with pytest.raises(ValueError, match=match):
        train.TrainOps(hparams, model)


if __name__ == "__main__":
    testing.main(__file__)
