"""Evaluation throughput: the text example's `Scorer` on an untrained model.

Two measurements: the ELBO alone (`num_samples=0`), and the ELBO together
with the importance-weighted bound with K = `log_prob_samples` draws, which
is what the text example's evaluate command computes.
"""

import numpy as np
import tensorflow as tf

from bench import devices
from bench import timing
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import hparams as text_hparams
from vaeseq.examples.text import model


def measure(params: dict) -> dict:
    """Times `Scorer.score` over `eval_windows` random windows.

    Args:
        params: vae_type, hparams (overrides of the text defaults),
            vocab_size, eval_windows, warmup, reps, and iw (whether to add
            the importance-weighted bound).
    Returns:
        `timing.time_steps`'s figures (one step scores every window once),
        characters (per step), num_samples (K, 0 without the bound) and
        device (`bench.devices`).
    """
    tf.random.set_seed(0)
    hparams = text_hparams.make_hparams(params["hparams"], vae_type=params["vae_type"])
    vae = model.make_model(hparams, params["vocab_size"])
    num_samples = hparams.log_prob_samples if params["iw"] else 0
    scorer = evaluate.Scorer(vae, hparams.sequence_size, hparams.batch_size, num_samples)
    rng = np.random.default_rng(0)
    windows = rng.integers(0, params["vocab_size"], dtype=np.int32,
                           size=(params["eval_windows"], hparams.sequence_size))
    result = timing.time_steps(lambda: scorer.score(windows, seed=0), params["warmup"],
                               params["reps"], 1, 0.0)
    result["characters"] = int(windows.size)
    result["num_samples"] = num_samples
    result["device"] = devices.tensorflow(tf)
    return result
