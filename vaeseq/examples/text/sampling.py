"""Samples text from a trained model: `Sampler` and `generate(...)`."""

import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq.examples.text import errors
from vaeseq.examples.text import model
from vaeseq.examples.text import rundir
from vaeseq.examples.text import vocab
from vaeseq.vae import VAEBase


class Sampler:
    """Draws character sequences from a model in a `tf.function`.

    The function is traced once, for any number and length of sequences.

    Args:
        vae: the text model.
        vocabulary: maps the sampled ids to characters.
    """

    def __init__(self, vae: VAEBase, vocabulary: vocab.Vocabulary):
        self._vae = vae
        self._vocabulary = vocabulary
        self._generate = tf.function(
            self._generate_ids, autograph=False, input_signature=[
                tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.int32),
                tf.TensorSpec([2], tf.int32)])

    def sample(self, count: int, length: int, batch_size: int,
               seed: int | None = None) -> list[str]:
        """Returns `count` samples of `length` characters.

        Sequences are drawn `batch_size` at a time (the last batch may be
        smaller); `seed` makes them repeatable.
        """
        if count < 0 or length < 1 or batch_size < 1:
            raise errors.InputError(
                "Need samples >= 0, sequence_size >= 1 and batch_size >= 1; "
                f"got {count}, {length} and {batch_size}.")
        seeds = model.seed_stream(seed)
        texts = []
        while len(texts) < count:
            size = min(batch_size, count - len(texts))
            ids = self._generate(size, length, next(seeds))
            texts.extend(self._vocabulary.decode(row) for row in np.asarray(ids))
        return texts

    def _generate_ids(self, batch_size: tf.Tensor, length: tf.Tensor,
                      seed: tf.Tensor) -> tf.Tensor:
        """Samples ids `[batch_size, length]`."""
        observations, _, _ = self._vae.gen_core.generate(
            agent_mod.null_inputs(batch_size, length), seed=seed)
        return observations


def generate(
    log_dir: str,
    *,
    samples: int,
    hparams: str | None = None,
    train_corpus: str | None = None,
    seed: int | None = None,
) -> list[str]:
    """Samples text from the latest checkpoint in `log_dir`.

    Args:
        log_dir: a training directory (see `rundir`).
        samples: how many sequences to draw.
        hparams: overrides in `HParams.parse` syntax; `sequence_size` sets
            the length of each sample and `batch_size` how many are drawn
            at once. The architecture cannot change.
        train_corpus: optional; its vocabulary must match the saved one.
        seed: makes the samples repeatable.

    Returns:
        `samples` strings of `sequence_size` characters each.

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`rundir.LogDirError`).
        CorpusError: an unusable `train_corpus`.
    """
    with errors.bad_input():
        model_hparams, vocabulary, vae = rundir.load_trained(
            log_dir, hparams, train_corpus)
    return Sampler(vae, vocabulary).sample(
        samples, model_hparams.sequence_size, model_hparams.batch_size, seed)

