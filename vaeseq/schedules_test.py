"""The KL-weight and learning-rate schedules, against their closed forms."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import schedules
from vaeseq import testing


def test_hyperbolic_is_the_original_annealing():
    hparams = testing.tiny_hparams(divergence_schedule="hyperbolic", divergence_strength_start=0.1,
                                   divergence_strength_half=10.0)
    got = [float(schedules.divergence_strength(hparams, s)) for s in (0, 10, 30, 10**9)]
    np.testing.assert_allclose(got, [0.1, 0.55, 1 - 0.9 * 10 / 40, 1.0], rtol=1e-6)


def test_linear_warmup_reaches_exactly_one():
    hparams = testing.tiny_hparams(divergence_schedule="linear", divergence_strength_start=0.2,
                                   divergence_warmup_steps=100)
    got = [float(schedules.divergence_strength(hparams, tf.constant(s, tf.int64)))
           for s in (0, 25, 99, 100, 5000)]
    np.testing.assert_allclose(got, [0.2, 0.4, 0.2 + 0.8 * 0.99, 1.0, 1.0], rtol=1e-6)
    assert float(schedules.divergence_strength(hparams, 100)) == 1.0


def test_linear_without_warmup_is_one():
    hparams = testing.tiny_hparams(divergence_schedule="linear", divergence_warmup_steps=0)
    assert float(schedules.divergence_strength(hparams, 0)) == 1.0


def test_constant_learning_rate():
    hparams = testing.tiny_hparams(learning_rate=3e-3)
    assert float(schedules.learning_rate(hparams, 10**6)) == pytest.approx(3e-3)


def test_step_decay_is_the_papers_schedule():
    """Divided by 1.2 after every epoch past the 20th (an epoch of 10 steps)."""
    hparams = testing.tiny_hparams(
        learning_rate=1e-3, learning_rate_schedule="step_decay",
        learning_rate_decay_start=200, learning_rate_decay_every=10,
        learning_rate_decay_factor=1 / 1.2)
    got = [float(schedules.learning_rate(hparams, s)) for s in (0, 199, 200, 209, 210, 235)]
    want = [1e-3, 1e-3, 1e-3, 1e-3, 1e-3 / 1.2, 1e-3 / 1.2 ** 3]
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("override, match", [
    (dict(divergence_schedule="cosine"), "divergence_schedule"),
    (dict(learning_rate_schedule="cosine"), "learning_rate_schedule"),
])
def test_unknown_schedule_names_the_choices(override, match):
    hparams = testing.tiny_hparams(**override)
    with pytest.raises(ValueError, match=match):
        schedules.divergence_strength(hparams, 0)
        schedules.learning_rate(hparams, 0)


def test_decay_every_must_be_positive():
    hparams = testing.tiny_hparams(learning_rate_schedule="step_decay",
                                   learning_rate_decay_every=0)
    with pytest.raises(ValueError, match="learning_rate_decay_every"):
        schedules.learning_rate(hparams, 0)


if __name__ == "__main__":
    testing.main(__file__)
