"""Generation throughput: the text example's `Sampler` on an untrained model.

Sampling cost does not depend on the weights, so the model is freshly
initialised; the vocabulary is Python's 100 printable characters plus one
out-of-vocabulary id, the size of the text example's default vocabulary.
"""

import string

import tensorflow as tf

from bench import devices
from bench import timing
from vaeseq.examples.text import hparams as text_hparams
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab


def vocabulary() -> vocab.Vocabulary:
    """A 101-id vocabulary (`string.printable` and one OOV bucket)."""
    return vocab.Vocabulary(string.printable, oov_buckets=1)


def measure(params: dict) -> dict:
    """Times `Sampler.sample` of `gen_sequences` x `gen_length` characters.

    Args:
        params: vae_type, hparams (overrides of the text defaults),
            gen_sequences, gen_length, reps.
    Returns:
        first_s (the first, tracing call, on a short length), step_s (median
        seconds per call), rep_step_s, steps, characters (per call) and
        device (`bench.devices`).
    """
    tf.random.set_seed(0)
    hparams = text_hparams.make_hparams(params["hparams"], vae_type=params["vae_type"])
    chars = vocabulary()
    sampler = model.Sampler(model.make_model(hparams, chars.size), chars)
    count, length = params["gen_sequences"], params["gen_length"]
    # The sampler is traced once for any length: trace (and warm up) on a short one.
    first_s = timing.time_call(lambda: sampler.sample(count, 2, count, seed=0))
    result = timing.time_steps(lambda: sampler.sample(count, length, count, seed=1),
                               0, params["reps"], 1, 0.0)
    result["first_s"] = first_s
    result["characters"] = count * length
    result["device"] = devices.tensorflow(tf)
    return result
