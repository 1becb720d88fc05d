"""TrainOps under MirroredStrategy over 2 logical CPUs equals single-device training.

Logical devices must be configured before TensorFlow initialises, so the
comparison runs in a child process (this file run with `--child`), which
trains each model type both ways from the same initial values and prints the
results as JSON.

Sampling. Each replica draws its latents for its own shard with a seed folded
from the step's seed and its replica index, so that replicas draw different
noise. With a batch-level stateless seed, the noise for an example depends on
where it sits in the batch the sampler sees: replica 1's first example gets the
noise the single device gives its first example, not the one it gives example
B/2. So stochastic latents cannot match a single device draw for draw. The
child therefore makes sampling deterministic: the latent distributions sample
their means (log-probabilities and KLs stay Gaussian). RNN has no stochastic
latents and is compared as it is. What is then compared is everything the
strategy changes: sharding of the global batch, loss scaling by the global
batch, the all-reduce of the gradients (exactly once: twice would double
`grad_norm`, which is reported after the reduction and drives clipping) and
each replica's copy of the variables and of Adam's state.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from vaeseq import testing

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

CHILD_FLAG = "--child"
VAE_TYPES = ("RNN", "ISEQ", "SRNN")
GLOBAL_BATCH, NUM_STEPS = 6, 3
LEARNING_RATE = 0.05
# Adam steps each variable by about the learning rate, scaled by m / sqrt(v):
# where a gradient is near zero, float rounding (the mirrored sum runs in
# two halves) moves that ratio, and the step, by up to ~1e-3 of it. A wrong
# reduction moves every step by about the whole learning rate.
VARIABLE_ATOL = 2e-3 * LEARNING_RATE


def _child() -> None:
    """Trains every model type single-device and mirrored; prints JSON."""
    from vaeseq import distribute  # pylint: disable=import-outside-toplevel
    strategy = distribute.make_strategy("mirrored", cpu_devices=2)
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    _sample_latent_means()
    data = tf.random.stateless_normal(
        [NUM_STEPS * GLOBAL_BATCH, testing.STEPS, testing.OBS], seed=[4, 2])
    results = {}
    for vae_type in VAE_TYPES:
        single_model, single, initial = _train(vae_type, data, tf.distribute.get_strategy())
        mirrored_model, mirrored, _ = _train(vae_type, data, strategy, initial)
        single["replicas"] = 1
        mirrored["replicas"] = strategy.num_replicas_in_sync
        single["variables"] = [[v.numpy().tolist() for v in single_model.trainable_variables]]
        mirrored["variables"] = [
            [copy.numpy().tolist() for copy in strategy.experimental_local_results(v)]
            for v in mirrored_model.trainable_variables]
        results[vae_type] = dict(single=single, mirrored=mirrored)
    print(json.dumps(results))


def _sample_latent_means() -> None:
    """Makes every latent distribution sample its mean (see the docstring)."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    import tensorflow_probability as tfp  # pylint: disable=import-outside-toplevel
    from vaeseq import latent  # pylint: disable=import-outside-toplevel

    class MeanSampledNormal(tfp.distributions.MultivariateNormalDiag):
        def sample(self, sample_shape=(), seed=None, name="sample", **kwargs):
            del seed, name, kwargs
            mean = self.mean()
            shape = tf.reshape(tf.cast(sample_shape, tf.int32), [-1])
            return tf.broadcast_to(mean, tf.concat([shape, tf.shape(mean)], axis=0))

    def dist(self, params, name=None):
        del self
        loc, scale = params
        return MeanSampledNormal(loc, scale, name=name or "latent")

    def sample(self, params, seed):
        del self, seed
        return params[0]

    latent.LatentDecoder.dist = dist
    latent.LatentDecoder.sample = sample


def _train(vae_type, data, strategy, initial=None):
    """NUM_STEPS steps of `TrainOps` on `data` `[N, T, D]` in global batches.

    Returns:
        The model, the history of the step's results, and the initial values
        of the variables (`initial` if given).
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    from vaeseq import train  # pylint: disable=import-outside-toplevel
    with strategy.scope():
        hparams, model = testing.tiny_model(
            vae_type, batch_size=GLOBAL_BATCH, learning_rate=LEARNING_RATE,
            clip_gradient_norm=5.0, l2_regularization=0.01)
        model.build(data[:2])
        for variable, value in zip(model.trainable_variables, initial or []):
            variable.assign(value)
        ops = train.TrainOps(hparams, model, seed=(1, 2))
    batches = strategy.experimental_distribute_dataset(
        tf.data.Dataset.from_tensor_slices(data).batch(GLOBAL_BATCH))
    before = [v.numpy() for v in model.trainable_variables]
    history = dict(loss=[], grad_norm=[], elbo=[])
    for batch in batches:
        result = ops(None, batch)
        for name, values in history.items():
            values.append(float(result[name]))
    history["global_step"] = int(ops.global_step.numpy())
    history["adam_step"] = int(ops.optimizer.step.numpy())
    history["all_changed"] = all(
        bool((v.numpy() != b).any()) for v, b in zip(model.trainable_variables, before))
    return model, history, before


@pytest.fixture(scope="module")
def child_results():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, __file__, CHILD_FLAG], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_mirrored_matches_single_device(child_results, vae_type):
    single, mirrored = child_results[vae_type]["single"], child_results[vae_type]["mirrored"]
    assert mirrored["replicas"] == 2
    assert single["global_step"] == mirrored["global_step"] == NUM_STEPS
    assert single["adam_step"] == mirrored["adam_step"] == NUM_STEPS
    for name in ("loss", "grad_norm", "elbo"):
        assert len(single[name]) == NUM_STEPS
        np.testing.assert_allclose(mirrored[name], single[name], rtol=1e-5, err_msg=name)
    # Training changed every variable, identically on both replicas and as on one device.
    assert single["all_changed"] and mirrored["all_changed"]
    assert len(single["variables"][0]) == len(mirrored["variables"])
    for single_value, copies in zip(single["variables"][0], mirrored["variables"]):
        assert len(copies) == 2
        np.testing.assert_array_equal(copies[0], copies[1])
        np.testing.assert_allclose(copies[0], single_value, rtol=0, atol=VARIABLE_ATOL)


if __name__ == "__main__":
    if sys.argv[1:] == [CHILD_FLAG]:
        _child()
    else:
        testing.main(__file__)
