"""Training throughput of `vaeseq.train.TrainOps` on the text example's model."""

import numpy as np
import tensorflow as tf

from bench import devices
from bench import flops
from bench import timing
from vaeseq import unroll
from vaeseq import train
from vaeseq.examples.text import hparams as text_hparams
from vaeseq.examples.text import model

# How the step is built: as the library ships it, compiled with XLA (the
# `jit_compile` hyperparameter), or with every LSTM unrolled by a while loop
# (`tf.scan`, differentiated by TensorFlow) instead of the fused static unroll.
VARIANTS = ("library", "xla", "scan")


def random_batch(hparams, vocab_size: int, seed: int = 0) -> np.ndarray:
    """Uniformly random character ids `[batch_size, sequence_size]` (int32)."""
    rng = np.random.default_rng(seed)
    shape = (hparams.batch_size, hparams.sequence_size)
    return rng.integers(0, vocab_size, size=shape, dtype=np.int32)


def measure(params: dict) -> dict:
    """Times training steps.

    Args:
        params: vae_type, hparams (overrides of the text defaults),
            vocab_size, variant (one of `VARIANTS`) and the `Counts` fields
            warmup, reps, min_steps, min_seconds.
    Returns:
        `timing.time_steps`'s figures plus observations (per step), flops
        (per step, analytic) and device (`bench.devices`).
    """
    variant = params["variant"]
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; valid: {VARIANTS}")
    with unroll.max_static_steps(0 if variant == "scan" else
                                 unroll.DEFAULT_MAX_STATIC_STEPS):
        return _measure(params, variant)


def _measure(params: dict, variant: str) -> dict:
    """`measure` with the variant's static-unroll limit in force."""
    tf.random.set_seed(0)
    hparams = text_hparams.make_hparams(params["hparams"], vae_type=params["vae_type"],
                                        jit_compile=variant == "xla")
    vae = model.make_model(hparams, params["vocab_size"])
    ops = train.TrainOps(hparams, vae)
    batch = tf.constant(random_batch(hparams, params["vocab_size"]))
    result = timing.time_steps(lambda: ops(None, batch), params["warmup"], params["reps"],
                               params["min_steps"], params["min_seconds"])
    result["observations"] = hparams.batch_size * hparams.sequence_size
    result["flops"] = flops.train_step(hparams, params["vae_type"], params["vocab_size"])
    result["device"] = devices.tensorflow(tf)
    return result
