"""Checks and loads everything a training run needs, writing nothing.

`train` calls `prepare` first, so that bad input (hyperparameters, corpora,
a corrupt or mismatched log directory) is reported before the log directory
is touched.
"""

import dataclasses
import sys

import numpy as np
import tensorflow as tf

from vaeseq import train as train_mod
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.text import data
from vaeseq.examples.text import dataset
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import model
from vaeseq.examples.text import rundir
from vaeseq.examples.text import vocab
from vaeseq.hparams import HParams
from vaeseq.vae import VAEBase


@dataclasses.dataclass
class Prepared:
    """A checked training run, restored from its latest checkpoint if any.

    Attributes:
        hparams: the run's hyperparameters.
        vocabulary: the saved one, or one built from the training corpus.
        batches: training batches `[B, T]` of character ids, endless.
        valid_windows: validation windows `[N, T]`, or None.
        vae: the model.
        ops: its training step.
        checkpoint: what a checkpoint saves: the model, the training
            step's state and the vocabulary's digest.
    """

    hparams: HParams
    vocabulary: vocab.Vocabulary
    batches: tf.data.Dataset
    valid_windows: np.ndarray | None
    vae: VAEBase
    ops: train_mod.TrainOps
    checkpoint: tf.train.Checkpoint


def prepare(log_dir: str, train_corpus: str, valid_corpus: str | None,
            flag_value: str | None, seed: int | None) -> Prepared:
    """Checks and loads everything a run needs; writes nothing.

    A validation corpus with characters outside the vocabulary gets a
    one-line warning on stderr.

    Args:
        log_dir: the training directory, which may not exist yet.
        train_corpus: corpus name or path.
        valid_corpus: corpus name or path, or None.
        flag_value: hyperparameter overrides in `HParams.parse` syntax.
        seed: seeds initialisation and the order of the batches.

    Raises:
        ValueError: bad hyperparameters; as `LogDirError`, a
            corrupt or mismatched log directory; as `CorpusError`, an
            unusable corpus.
    """
    hparams, checkpoint_path = common_rundir.resume(
        log_dir, hparams_mod.SPEC, flag_value)
    saved_vocabulary = rundir.load_vocabulary(
        log_dir, required=checkpoint_path is not None)
    text = data.read_corpus(data.resolve_corpus(train_corpus))
    if saved_vocabulary is None:
        vocabulary = vocab.Vocabulary.from_text(
            text, hparams.vocab_size, hparams.oov_buckets)
    else:
        vocabulary = saved_vocabulary
    train_ids = vocabulary.encode(text)
    dataset.eval_windows(train_ids, hparams.sequence_size, train_corpus)
    valid_windows = None
    if valid_corpus is not None:
        valid_text = data.read_corpus(data.resolve_corpus(valid_corpus))
        valid_windows = dataset.eval_windows(
            vocabulary.encode(valid_text), hparams.sequence_size, valid_corpus)
        oov_chars = vocabulary.count_oov(valid_windows)
        if oov_chars:
            print(vocab.oov_warning(valid_corpus, oov_chars,
                                    valid_windows.size), file=sys.stderr)
    if seed is not None:
        tf.random.set_seed(seed)
    vae = model.make_model(hparams, vocabulary.size)
    ops = train_mod.TrainOps(hparams, vae)
    if checkpoint_path is not None:
        rundir.restore(log_dir, checkpoint_path, vocabulary, model=vae,
                       train_ops=ops)
    if saved_vocabulary is not None:
        rundir.check_vocabulary(saved_vocabulary, text, hparams, train_corpus)
    # A fresh order per resumed run; repeatable given the seed and step.
    step = int(ops.global_step.numpy())
    batches = dataset.make_dataset(
        train_ids, hparams.batch_size, hparams.sequence_size,
        seed=None if seed is None else seed + step)
    return Prepared(hparams, vocabulary, batches, valid_windows, vae, ops,
                    rundir.saved_checkpoint(vocabulary, model=vae,
                                            train_ops=ops))

