"""The text model, how a training directory keeps it, and text sampled from it.

The model (`make_model`) is a sequence VAE over character ids. Each
observation is one character id (int32, event shape `[]`). The agent's
context at step t is the encoding of character t - 1 (an embedding followed
by the `obs_encoder_fc_layers` MLP), and the decoder is a categorical over
the vocabulary.

A training directory (`--log_dir`) holds what
`vaeseq.examples.common.rundir` describes (`hparams.json`, checkpoints,
TensorBoard event files) and the vocabulary, `vocab.json`
(`save_config`). Checkpoints also hold the vocabulary's digest
(`saved_checkpoint`, see `vocab`), checked whenever one is restored
(`restore`, `load_trained`). Everything here only reads the directory,
except `save_config`, which writes atomically.

`Sampler` draws text from a model; `generate(...)` from a trained run.
"""

import os
from typing import Iterator

import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import codec
from vaeseq import vae as vae_mod
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.common import sampler
from vaeseq.examples.text import data
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import vocab
from vaeseq.hparams import HParams

VOCAB_FILE = "vocab.json"


def make_model(hparams: HParams, vocab_size: int) -> vae_mod.VAEBase:
    """The model named by `hparams.vae_type` over `vocab_size` ids, built.

    Its variables exist (`VAEBase.build` on one dummy character), so a
    checkpoint can be restored into it; under a `tf.distribute` strategy,
    call it in the strategy's scope.

    Raises:
        ValueError: an unknown `vae_type`, activation or projection.
    """
    obs_encoder = codec.EmbedObsEncoder(
        hparams, vocab_size, hparams.embed_size, name="obs_encoder")
    agent = agent_mod.EncodeObsAgent(obs_encoder, name="agent")
    obs_decoder = codec.CategoricalDecoder(
        hparams, vocab_size, name="obs_decoder")
    vae = vae_mod.make(hparams, agent, obs_encoder, obs_decoder, name="vae")
    vae.build(tf.zeros([1, 1], tf.int32))
    return vae


def load_vocabulary(log_dir: str,
                    required: bool = False) -> vocab.Vocabulary | None:
    """The saved vocabulary, or None if there is none.

    Args:
        log_dir: the training directory.
        required: whether the run has a checkpoint, so that a missing
            vocabulary is an error rather than a new run.

    Raises:
        LogDirError: `vocab.json` is unreadable or invalid, or missing
            when `required`.
    """
    path = os.path.join(log_dir, VOCAB_FILE)
    if not os.path.exists(path):
        if required:
            raise common_rundir.LogDirError(
                f"Log directory {log_dir} has a checkpoint but lacks "
                f"{VOCAB_FILE}.")
        return None
    try:
        return vocab.Vocabulary.load(path)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise common_rundir.LogDirError(
            f"Invalid vocabulary {path}: {err!r}") from None


def check_vocabulary(saved: vocab.Vocabulary, text: str, hparams: HParams,
                     corpus_name: str) -> None:
    """Raises LogDirError unless `text` yields the `saved` vocabulary."""
    built = vocab.Vocabulary.from_text(
        text, hparams.vocab_size, hparams.oov_buckets)
    if built != saved:
        raise common_rundir.LogDirError(
            f"The vocabulary of {corpus_name} ({len(built.chars)} characters) "
            f"does not match the one saved in the log directory "
            f"({len(saved.chars)} characters).")


def save_config(log_dir: str, hparams: HParams,
                vocabulary: vocab.Vocabulary) -> None:
    """Writes `hparams.json` and `vocab.json` atomically where they differ."""
    common_rundir.save_hparams(log_dir, hparams_mod.SPEC, hparams)
    if load_vocabulary(log_dir) != vocabulary:
        vocabulary.save(os.path.join(log_dir, VOCAB_FILE))


def saved_checkpoint(vocabulary: vocab.Vocabulary,
                     **objects: tf.Module) -> tf.train.Checkpoint:
    """The checkpoint a run saves: `objects` and the vocabulary's digest."""
    digest = vocab.VocabularyDigest(vocabulary.digest())
    return tf.train.Checkpoint(**objects, **{vocab.DIGEST_ATTRIBUTE: digest})


def restore(log_dir: str, path: str, vocabulary: vocab.Vocabulary,
            **objects: tf.Module) -> None:
    """Restores `objects` (`model=vae`, ...) from the checkpoint at `path`.

    Args:
        log_dir: the training directory.
        path: the checkpoint's prefix (an older one of `log_dir` is
            restored if it cannot be read; see `common.rundir.restore`).
        vocabulary: the one in `log_dir`, which must be the checkpoint's
            own (checkpoints without a digest take any).
        **objects: what to restore, by attribute name.

    Raises:
        LogDirError: the checkpoint is missing, corrupt or does not fit
            `objects`, or was trained with another vocabulary.
    """
    restored = common_rundir.restore(tf.train.Checkpoint(**objects), path)
    vocab.check_digest(vocabulary, os.path.join(log_dir, VOCAB_FILE), restored)


def load_trained(
    log_dir: str,
    flag_value: str | None,
    train_corpus: str | None = None,
) -> tuple[HParams, vocab.Vocabulary, vae_mod.VAEBase]:
    """The hyperparameters, vocabulary and restored model of a training run.

    Args:
        log_dir: the training directory.
        flag_value: hyperparameter overrides; see `hparams.override`.
        train_corpus: optional corpus name or path whose vocabulary must
            match the saved one.

    Raises:
        LogDirError: no checkpoint, a missing or corrupt file, or a
            vocabulary the checkpoint was not trained with.
        ValueError: bad `flag_value` or (as `CorpusError`) `train_corpus`.
    """
    hparams, path = common_rundir.trained(log_dir, hparams_mod.SPEC, flag_value)
    vocabulary = load_vocabulary(log_dir, required=True)
    vae = make_model(hparams, vocabulary.size)
    restore(log_dir, path, vocabulary, model=vae)
    if train_corpus is not None:
        text = data.read_corpus(data.resolve_corpus(train_corpus))
        check_vocabulary(vocabulary, text, hparams, train_corpus)
    return hparams, vocabulary, vae


class Sampler:
    """Draws character sequences from a model in a `tf.function`.

    The function is traced once, for any number and length of sequences.

    Args:
        vae: the text model.
        vocabulary: maps the sampled ids to characters.
    """

    def __init__(self, vae: vae_mod.VAEBase, vocabulary: vocab.Vocabulary):
        self._sampler = sampler.Sampler(vae)
        self._vocabulary = vocabulary

    def sample(self, count: int, length: int, batch_size: int,
               seed: int | None = None) -> list[str]:
        """Returns `count` samples of `length` characters.

        Sequences are drawn `batch_size` at a time (the last batch may be
        smaller); `seed` makes them repeatable.

        Raises:
            InputError: `count` < 0, `length` < 1 or `batch_size` < 1.
        """
        return list(self.iter_samples(count, length, batch_size, seed))

    def iter_samples(self, count: int, length: int, batch_size: int,
                     seed: int | None = None) -> Iterator[str]:
        """Yields `count` samples of `length` characters, as they are drawn.

        Each batch of `batch_size` sequences (the last may be smaller) is
        drawn when the first of its samples is asked for, so at most one
        batch is held at a time; `seed` makes the samples repeatable.

        Raises:
            InputError: when the first batch is drawn: `count` < 0,
                `length` < 1 or `batch_size` < 1.
        """
        for batch in self._sampler.batches(count, length, batch_size, seed):
            for ids in batch:
                yield self._vocabulary.decode(ids)


def generate(
    log_dir: str,
    *,
    samples: int,
    hparams: str | None = None,
    train_corpus: str | None = None,
    seed: int | None = None,
) -> Iterator[str]:
    """Samples text from the latest checkpoint in `log_dir`, lazily.

    Args:
        log_dir: a training directory.
        samples: how many sequences to draw, at least 1.
        hparams: overrides in `HParams.parse` syntax; `sequence_size` sets
            the length of each sample and `batch_size` how many are drawn
            at once. The architecture cannot change.
        train_corpus: optional; its vocabulary must match the saved one.
        seed: makes the samples repeatable.

    Returns:
        An iterator over `samples` strings of `sequence_size` characters
        each, drawing a batch when needed (see `Sampler.iter_samples`).

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`LogDirError`); a bad `sequence_size`
            or `batch_size` only when the first sample is drawn.
        CorpusError: an unusable `train_corpus`.
    """
    if samples < 1:
        raise errors.InputError(f"samples must be >= 1, got {samples}.")
    with errors.bad_input():
        model_hparams, vocabulary, vae = load_trained(
            log_dir, hparams, train_corpus)
    return Sampler(vae, vocabulary).iter_samples(
        samples, model_hparams.sequence_size, model_hparams.batch_size, seed)
