"""Schedules of the training step: the KL weight and the learning rate.

Both are functions of the global step (an integer tensor) and the
hyperparameters, evaluated inside the training step, so a resumed run
follows the same schedule as an uninterrupted one.

KL weight (`divergence_schedule`):
  "hyperbolic" (the original VAE-Seq annealing)
      w(s) = 1 - (1 - start) * half / (half + s):
      `divergence_strength_start` at step 0, halfway to 1 after
      `divergence_strength_half` steps, 1 only in the limit.
  "linear" (a warm-up, as Fraccaro et al. 2016 and most VAE papers use)
      w(s) = start + (1 - start) * min(s / warmup, 1):
      exactly 1 from step `divergence_warmup_steps` on.

Learning rate (`learning_rate_schedule`):
  "constant"    `learning_rate`.
  "step_decay"  `learning_rate * factor ** n`, where n counts the whole
      periods of `learning_rate_decay_every` steps completed since step
      `learning_rate_decay_start` (0 before it). With steps per epoch E,
      start 20 E, every E and factor 1 / 1.2, the rate is divided by 1.2
      after each epoch past the 20th, the SRNN paper's schedule.
"""

import tensorflow as tf

DIVERGENCE_SCHEDULES = ("hyperbolic", "linear")
LEARNING_RATE_SCHEDULES = ("constant", "step_decay")


def _check(name: str, value: str, valid) -> None:
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; valid: {', '.join(valid)}")


def divergence_strength(hparams, step) -> tf.Tensor:
    """The KL term's weight at `step` (scalar float32); see the module docstring."""
    _check("divergence_schedule", hparams.divergence_schedule, DIVERGENCE_SCHEDULES)
    start = hparams.divergence_strength_start
    step = tf.cast(step, tf.float32)
    if hparams.divergence_schedule == "linear":
        warmup = hparams.divergence_warmup_steps
        if warmup <= 0:
            return tf.ones_like(step)
        return start + (1.0 - start) * tf.minimum(step / warmup, 1.0)
    half = hparams.divergence_strength_half
    return 1.0 - (1.0 - start) * half / (half + step)


def learning_rate(hparams, step) -> tf.Tensor:
    """Adam's learning rate at `step` (scalar float32); see the module docstring."""
    _check("learning_rate_schedule", hparams.learning_rate_schedule, LEARNING_RATE_SCHEDULES)
    base = tf.constant(hparams.learning_rate, tf.float32)
    if hparams.learning_rate_schedule == "constant":
        return base
    every = hparams.learning_rate_decay_every
    if every <= 0:
        raise ValueError(f"learning_rate_decay_every must be positive, got {every}")
    since = tf.maximum(tf.cast(step, tf.int64) - hparams.learning_rate_decay_start, 0)
    periods = tf.cast(since // every, tf.float32)
    return base * tf.pow(tf.constant(hparams.learning_rate_decay_factor, tf.float32), periods)
