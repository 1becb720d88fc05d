"""The training directory (`--log_dir`): configuration and checkpoints.

A training directory holds `hparams.json`, the vocabulary (`vocab.json`),
the checkpoints written by `tf.train.CheckpointManager` (`ckpt-<step>.*`
and the `checkpoint` state file) and TensorBoard event files. Everything
here only reads, except `save_config`, which writes atomically.
"""

import logging
import os

import tensorflow as tf

from vaeseq.examples.text import corpus
from vaeseq.examples.text import errors
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase

HPARAMS_FILE = "hparams.json"
VOCAB_FILE = "vocab.json"
CHECKPOINT_PREFIX = "ckpt"
_CHECKPOINT_STATE_FILE = "checkpoint"


class LogDirError(errors.InputError):
    """A training directory that is missing, incomplete or corrupt."""


def load_hparams(log_dir: str, flag_value: str | None) -> HParams | None:
    """The saved hyperparameters overridden by `flag_value`, or None if none.

    Raises:
        LogDirError: `hparams.json` is unreadable or invalid.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    path = os.path.join(log_dir, HPARAMS_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            saved = f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise LogDirError(f"Cannot read {path}: {err}") from None
    try:
        saved_hparams = hparams_mod.from_json(saved)
    except ValueError as err:
        raise LogDirError(f"Invalid {path}: {err}") from None
    return hparams_mod.override(saved_hparams, flag_value)


def load_vocabulary(log_dir: str) -> vocab.Vocabulary | None:
    """The saved vocabulary, or None if there is none.

    Raises:
        LogDirError: `vocab.json` is unreadable or invalid.
    """
    path = os.path.join(log_dir, VOCAB_FILE)
    if not os.path.exists(path):
        return None
    try:
        return vocab.Vocabulary.load(path)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise LogDirError(f"Invalid vocabulary {path}: {err!r}") from None


def check_vocabulary(saved: vocab.Vocabulary, text: str, hparams: HParams,
                     corpus_name: str) -> None:
    """Raises LogDirError unless `text` yields the `saved` vocabulary."""
    built = vocab.Vocabulary.from_text(
        text, hparams.vocab_size, hparams.oov_buckets)
    if built != saved:
        raise LogDirError(
            f"The vocabulary of {corpus_name} ({len(built.chars)} characters) "
            f"does not match the one saved in the log directory "
            f"({len(saved.chars)} characters).")


def save_config(log_dir: str, hparams: HParams,
                vocabulary: vocab.Vocabulary) -> None:
    """Writes `hparams.json` and `vocab.json` atomically where they differ."""
    os.makedirs(log_dir, exist_ok=True)
    hparams_path = os.path.join(log_dir, HPARAMS_FILE)
    if load_hparams(log_dir, None) != hparams:
        corpus.write_atomically(hparams_path, hparams.to_json().encode("utf-8"))
    if load_vocabulary(log_dir) != vocabulary:
        vocabulary.save(os.path.join(log_dir, VOCAB_FILE))


def latest_checkpoint(log_dir: str) -> str | None:
    """The prefix of the newest checkpoint in `log_dir`, or None if none.

    Raises:
        LogDirError: the checkpoint state file is corrupt.
    """
    state_path = os.path.join(log_dir, _CHECKPOINT_STATE_FILE)
    if not os.path.exists(state_path):
        return None
    tf_logger = tf.get_logger()
    level = tf_logger.level
    tf_logger.setLevel(logging.ERROR)  # It logs, then ignores, parse errors.
    try:
        state = tf.train.get_checkpoint_state(log_dir)
    except (ValueError, tf.errors.OpError) as err:
        raise LogDirError(f"Corrupt checkpoint state {state_path}: {err}") from None
    finally:
        tf_logger.setLevel(level)
    if state is None or not state.model_checkpoint_path:
        raise LogDirError(f"Corrupt checkpoint state file {state_path}.")
    return state.model_checkpoint_path


def restore(checkpoint: tf.train.Checkpoint, path: str) -> None:
    """Restores `checkpoint` (whose model variables exist) from `path`.

    Every stored tensor is read and checksummed first, so that a corrupt
    checkpoint fails here rather than later when deferred variables (the
    optimizer's) are created. What `checkpoint` lacks (the optimizer, when
    only the model is restored) is ignored.

    Raises:
        LogDirError: the checkpoint is missing, corrupt, or does not fit the
            objects of `checkpoint`.
    """
    try:
        reader = tf.train.load_checkpoint(path)
        for name in reader.get_variable_to_shape_map():
            reader.get_tensor(name)
        status = checkpoint.restore(path)
        status.assert_existing_objects_matched()
        status.expect_partial()
    # A truncated file surfaces as an IndexError from the reader.
    except (tf.errors.OpError, AssertionError, ValueError, IndexError) as err:
        message = " ".join(str(err).split())
        raise LogDirError(f"Cannot restore checkpoint {path}: {message}") from None


def load_trained(
    log_dir: str,
    flag_value: str | None,
    train_corpus: str | None = None,
) -> tuple[HParams, vocab.Vocabulary, VAEBase]:
    """The hyperparameters, vocabulary and restored model of a training run.

    Args:
        log_dir: the training directory.
        flag_value: hyperparameter overrides; see `hparams.from_saved`.
        train_corpus: optional corpus name or path whose vocabulary must
            match the saved one.

    Raises:
        LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: bad `flag_value` or (as `CorpusError`) `train_corpus`.
    """
    path = latest_checkpoint(log_dir)
    if path is None:
        raise LogDirError(f"No checkpoint in log directory {log_dir}.")
    hparams = load_hparams(log_dir, flag_value)
    vocabulary = load_vocabulary(log_dir)
    if hparams is None or vocabulary is None:
        raise LogDirError(
            f"Log directory {log_dir} lacks {HPARAMS_FILE} or {VOCAB_FILE}.")
    if train_corpus is not None:
        text = corpus.read_corpus(corpus.resolve_corpus(train_corpus))
        check_vocabulary(vocabulary, text, hparams, train_corpus)
    vae = model.make_model(hparams, vocabulary.size)
    model.build(vae)
    restore(tf.train.Checkpoint(model=vae), path)
    return hparams, vocabulary, vae

