"""Tests for vocab_digest.py: checkpoints bound to their vocabulary."""

import os

import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import prepare
from vaeseq.examples.text import rundir
from vaeseq.examples.text import sampling
from vaeseq.examples.text import train
from vaeseq.examples.text import vocab
from vaeseq.examples.text import vocab_digest


def saved_vocabulary(log_dir):
    return vocab.Vocabulary.load(os.path.join(log_dir, rundir.VOCAB_FILE))


def latest_digest(log_dir):
    return vocab_digest.saved_digest(common_rundir.latest_checkpoint(log_dir))


def reorder_vocabulary(log_dir):
    """Swaps the first two characters of the saved vocabulary."""
    saved = saved_vocabulary(log_dir)
    chars = (saved.chars[1], saved.chars[0]) + saved.chars[2:]
    vocab.Vocabulary(chars, saved.oov_buckets).save(
        os.path.join(log_dir, rundir.VOCAB_FILE))


def strip_digest(log_dir, train_corpus):
    """Rewrites the latest checkpoint as runs did before digests existed."""
    prepared = prepare.prepare(log_dir, train_corpus, None, None, None)
    step = int(prepared.ops.global_step.numpy())
    common_rundir.checkpoint_manager(
        tf.train.Checkpoint(model=prepared.vae, train_ops=prepared.ops),
        log_dir).save(checkpoint_number=step)


def test_checkpoints_hold_the_digest(trained_dir):
    assert latest_digest(trained_dir) == saved_vocabulary(trained_dir).digest()


def test_changed_vocabulary_is_an_error(copy_of_trained, corpora):
    reorder_vocabulary(copy_of_trained)
    vocab_path = os.path.join(copy_of_trained, rundir.VOCAB_FILE)
    with pytest.raises(common_rundir.LogDirError,
                       match=f"Vocabulary {vocab_path} is not the one"):
        rundir.load_trained(copy_of_trained, None)
    with pytest.raises(common_rundir.LogDirError, match="is not the one"):
        prepare.prepare(copy_of_trained, corpora["train"], None, None, None)


def test_checkpoint_without_digest_loads(copy_of_trained, corpora):
    strip_digest(copy_of_trained, corpora["train"])
    assert latest_digest(copy_of_trained) is None
    assert len(list(sampling.generate(copy_of_trained, samples=2))) == 2
    assert list(evaluate.evaluate(copy_of_trained, [corpora["valid"]])) == [
        corpora["valid"]]
    # Training on saves the digest, which binds the vocabulary from then on.
    result = train.train(
        copy_of_trained, corpora["train"], train.Schedule(4))
    assert result == train.TrainResult(4, None)
    assert latest_digest(copy_of_trained) == (
        saved_vocabulary(copy_of_trained).digest())
    reorder_vocabulary(copy_of_trained)
    with pytest.raises(common_rundir.LogDirError, match="is not the one"):
        rundir.load_trained(copy_of_trained, None)


if __name__ == "__main__":
    testing.main(__file__)
