"""The text training directory (`--log_dir`): the common layout plus a vocabulary.

A training directory holds what `vaeseq.examples.common.rundir` describes
(`hparams.json`, checkpoints, TensorBoard event files) and the vocabulary,
`vocab.json`. Checkpoints also hold the vocabulary's digest (see
`vocab_digest`), checked whenever one is restored. Everything here only
reads, except `save_config`, which writes atomically.
"""

import os

import tensorflow as tf

from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.text import data
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab
from vaeseq.examples.text import vocab_digest
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase

VOCAB_FILE = "vocab.json"


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
    digest = vocab_digest.VocabularyDigest(vocabulary.digest())
    return tf.train.Checkpoint(**objects, **{vocab_digest.ATTRIBUTE: digest})


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
    vocab_digest.check(vocabulary, os.path.join(log_dir, VOCAB_FILE), restored)


def load_trained(
    log_dir: str,
    flag_value: str | None,
    train_corpus: str | None = None,
) -> tuple[HParams, vocab.Vocabulary, VAEBase]:
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
    vae = model.make_model(hparams, vocabulary.size)
    restore(log_dir, path, vocabulary, model=vae)
    if train_corpus is not None:
        text = data.read_corpus(data.resolve_corpus(train_corpus))
        check_vocabulary(vocabulary, text, hparams, train_corpus)
    return hparams, vocabulary, vae
