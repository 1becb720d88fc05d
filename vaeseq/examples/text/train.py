"""Trains the text model: `train(...)`.

Everything is checked before anything is written into the log directory
(`prepare`): hyperparameters, corpora, the saved configuration and the
latest checkpoint. Training then resumes from that checkpoint and runs the
shared loop (`vaeseq.examples.common.training`) until the global step
reaches `iters`, saving every `save_every` steps, at the end, and when
interrupted by SIGINT or SIGTERM. Every `valid_every` steps it writes
sample text and, given a validation corpus, its bits per character to
TensorBoard.
"""

import dataclasses
import sys
from typing import Mapping, TextIO

import numpy as np
import tensorflow as tf

from vaeseq import distribute
from vaeseq import train as train_mod
from vaeseq import vae as vae_mod
from vaeseq.examples.common import elbo_hooks
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training
from vaeseq.examples.text import data
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab
from vaeseq.hparams import HParams

SUMMARY_SAMPLES = 3
SUMMARY_SAMPLE_LENGTH = 200

# The shared loop's types, here too so that callers need one import.
Schedule = training.Schedule
TrainResult = training.TrainResult


def train(
    log_dir: str,
    train_corpus: str,
    schedule: Schedule,
    *,
    valid_corpus: str | None = None,
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
    strategy: tf.distribute.Strategy | None = None,
) -> TrainResult:
    """Trains (or resumes training) until the global step reaches the end.

    Args:
        log_dir: the training directory (see `model`); created if missing.
        train_corpus: corpus name or path; on resume, its vocabulary must
            match the saved one.
        schedule: the number of steps and when to log, validate and save.
        valid_corpus: optional corpus name or path scored (one-sample ELBO)
            every `schedule.valid_every` steps and at the end.
        hparams: overrides in `HParams.parse` syntax; on resume they apply
            on top of the saved values and cannot change the architecture.
        seed: makes initialisation, data order and sampling repeatable.
        progress_stream: where the progress bar goes; stderr by default.
        strategy: the `tf.distribute` strategy to train under (see
            docs/distributed.md); one device if None.

    Returns:
        The step reached and what, if anything, stopped training early.

    Raises:
        InputError: bad arguments, or a corrupt or mismatched log
            directory (`LogDirError`); the log directory is left untouched.
        CorpusError: an unusable corpus; the log directory is left
            untouched.
        vaeseq.train.NonFiniteError: a step met a non-finite loss; the last
            good state is saved first.
    """
    with training.preparing(schedule, strategy) as strategy:
        prepared = prepare(log_dir, train_corpus, valid_corpus, hparams, seed)
    if distribute.is_chief(strategy):  # The other workers write nothing there.
        model.save_config(log_dir, prepared.hparams, prepared.vocabulary)
    return training.run_on_dataset(
        log_dir, prepared.checkpoint, prepared.ops, prepared.batches, schedule,
        _Hooks(prepared, seed), progress_stream, strategy)


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
    vae: vae_mod.VAEBase
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
    saved_vocabulary = model.load_vocabulary(
        log_dir, required=checkpoint_path is not None)
    text = data.read_corpus(data.resolve_corpus(train_corpus))
    if saved_vocabulary is None:
        vocabulary = vocab.Vocabulary.from_text(
            text, hparams.vocab_size, hparams.oov_buckets)
    else:
        vocabulary = saved_vocabulary
    train_ids = vocabulary.encode(text)
    data.eval_windows(train_ids, hparams.sequence_size, train_corpus)
    valid_windows = None
    if valid_corpus is not None:
        valid_text = data.read_corpus(data.resolve_corpus(valid_corpus))
        valid_windows = data.eval_windows(
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
        model.restore(log_dir, checkpoint_path, vocabulary, model=vae,
                      train_ops=ops)
    if saved_vocabulary is not None:
        model.check_vocabulary(saved_vocabulary, text, hparams, train_corpus)
    # A fresh order per resumed run; repeatable given the seed and step.
    step = int(ops.global_step.numpy())
    batches = data.make_dataset(
        train_ids, hparams.batch_size, hparams.sequence_size,
        seed=None if seed is None else seed + step)
    return Prepared(hparams, vocabulary, batches, valid_windows, vae, ops,
                    model.saved_checkpoint(vocabulary, model=vae,
                                           train_ops=ops))


class _Hooks(elbo_hooks.ElboHooks):
    """Bits per character, sample text and validation scores."""

    def __init__(self, prepared: Prepared, seed: int | None):
        super().__init__(prepared.hparams.sequence_size, unit="char",
                         in_bits=True)
        self._prepared = prepared
        self._seed = seed
        self._sampler = model.Sampler(prepared.vae, prepared.vocabulary)
        self._scorer = None
        if prepared.valid_windows is not None:
            self._scorer = evaluate.Scorer(
                prepared.vae, prepared.hparams.sequence_size,
                prepared.hparams.batch_size)

    def periodic(self, step: int) -> Mapping[str, float]:
        """Writes sample and validation summaries; shows valid bits/char."""
        seed = None if self._seed is None else self._seed + step
        samples = self._sampler.sample(
            SUMMARY_SAMPLES, SUMMARY_SAMPLE_LENGTH, SUMMARY_SAMPLES, seed)
        summaries.text("samples", [f"```\n{text}\n```" for text in samples])
        if self._scorer is None:
            return {}
        scores = self._scorer.score(self._prepared.valid_windows, seed)
        summaries.scalar("valid/nats_per_char", -scores.elbo_per_step)
        summaries.scalar("valid/bits_per_char", scores.bits_per_step)
        return {"valid_bits": scores.bits_per_step}
