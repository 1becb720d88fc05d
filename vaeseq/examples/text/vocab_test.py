"""Tests for vocab.py: the vocabulary, and checkpoints bound to it."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import model
from vaeseq.examples.text import train
from vaeseq.examples.text import vocab

def test_most_common_first_ties_by_code_point():
    # Counts: c=3, a=2, b=2, d=1, e=1.
    vocabulary = vocab.Vocabulary.from_text("bacdcacbe", vocab_size=4,
                                            oov_buckets=2)
    assert vocabulary.chars == ("c", "a", "b", "d")
    assert vocabulary.size == 6
    # ord("e") = 101 goes to OOV bucket 101 % 2 = 1.
    np.testing.assert_array_equal(vocabulary.encode("abcde"),
                                  [1, 2, 0, 3, 4 + 1])


def test_fewer_distinct_chars_than_vocab_size():
    vocabulary = vocab.Vocabulary.from_text("xyzzy", vocab_size=50,
                                            oov_buckets=3)
    assert vocabulary.chars == ("y", "z", "x")
    assert vocabulary.size == 6


def test_oov_buckets():
    vocabulary = vocab.Vocabulary(["a", "b"], oov_buckets=3)
    ids = vocabulary.encode("a\u00e9b\u201c")
    # ord("\u00e9") = 233 = 3 * 77 + 2; ord("\u201c") = 8220 = 3 * 2740.
    np.testing.assert_array_equal(ids, [0, 2 + 2, 1, 2 + 0])
    assert ids.dtype == np.int32
    assert vocabulary.decode(ids) == "a\ufffdb\ufffd"


def test_count_oov():
    vocabulary = vocab.Vocabulary("ab", oov_buckets=3)
    ids = vocabulary.encode("abcab\u201cd")
    assert vocabulary.count_oov(ids) == 3
    assert vocabulary.count_oov(ids[:5].reshape(1, 5)) == 1
    assert vocabulary.count_oov(vocabulary.encode("ba")) == 0


def test_austen_quotes_are_oov_in_shakespeare_vocab(tiny_shakespeare_and_austen):
    shakespeare, austen = tiny_shakespeare_and_austen
    vocabulary = vocab.Vocabulary.from_text(shakespeare, vocab_size=100)
    assert len(vocabulary.chars) == 44
    assert vocabulary.size == 45
    assert vocabulary.chars[:3] == (" ", "e", "t")
    for quote in "\u201c\u201d\u2018\u2019":
        assert quote in austen
        assert vocabulary.encode(quote).tolist() == [44]
    ids = vocabulary.encode(austen)
    assert ids.shape == (len(austen),) == (173,)
    known = np.array([c in vocabulary.chars for c in austen])
    assert (~known).sum() == 7
    assert {c for c in austen if c not in vocabulary.chars} == set("\u201c\u201d\u2018\u2019\u00e9")
    assert (ids[known] < 44).all()
    assert (ids[~known] == 44).all()


def test_encode_decode_round_trip():
    text = "Now is the winter of our discontent\n"
    vocabulary = vocab.Vocabulary.from_text(text, vocab_size=100)
    ids = vocabulary.encode(text)
    assert ids.shape == (len(text),)
    assert vocabulary.decode(ids) == text
    assert vocabulary.decode(ids.tolist()) == text
    assert vocabulary.encode("").shape == (0,)
    assert vocabulary.decode([]) == ""


def test_decode_rejects_ids_out_of_range():
    vocabulary = vocab.Vocabulary(["a"], oov_buckets=1)
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        vocabulary.decode([0, 2])
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        vocabulary.decode([-1])


def test_save_load(tmp_path):
    vocabulary = vocab.Vocabulary.from_text("\u201cHa!\u201d \"ha\"\n",
                                            vocab_size=5, oov_buckets=4)
    path = str(tmp_path / "vocab.json")
    vocabulary.save(path)
    loaded = vocab.Vocabulary.load(path)
    assert loaded == vocabulary
    assert loaded.chars == vocabulary.chars
    with open(path, encoding="utf-8") as f:
        assert json.load(f)["oov_buckets"] == 4
    assert os.listdir(tmp_path) == ["vocab.json"]


def test_equality():
    vocabulary = vocab.Vocabulary(["a", "b"], oov_buckets=2)
    assert vocabulary == vocab.Vocabulary("ab", oov_buckets=2)
    assert vocabulary != vocab.Vocabulary("ba", oov_buckets=2)
    assert vocabulary != vocab.Vocabulary("ab", oov_buckets=3)
    assert vocabulary != "ab"


def test_digest():
    digest = vocab.Vocabulary("ab\u201c", oov_buckets=2).digest()
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest == vocab.Vocabulary(["a", "b", "\u201c"], 2).digest()
    others = [vocab.Vocabulary("ba\u201c", 2), vocab.Vocabulary("ab\u201d", 2),
              vocab.Vocabulary("ab\u201c", 3)]
    assert len({digest} | {other.digest() for other in others}) == 4


@pytest.mark.parametrize("chars, oov_buckets", [
    ("", 1), ("aa", 1), (["ab"], 1), ("ab", 0),
])
def test_invalid_vocabulary(chars, oov_buckets):
    with pytest.raises(ValueError):
        vocab.Vocabulary(chars, oov_buckets)


def saved_vocabulary(log_dir):
    return vocab.Vocabulary.load(os.path.join(log_dir, model.VOCAB_FILE))


def latest_digest(log_dir):
    return vocab.saved_digest(common_rundir.latest_checkpoint(log_dir))


def reorder_vocabulary(log_dir):
    """Swaps the first two characters of the saved vocabulary."""
    saved = saved_vocabulary(log_dir)
    chars = (saved.chars[1], saved.chars[0]) + saved.chars[2:]
    vocab.Vocabulary(chars, saved.oov_buckets).save(
        os.path.join(log_dir, model.VOCAB_FILE))


def strip_digest(log_dir, train_corpus):
    """Rewrites the latest checkpoint as runs did before digests existed."""
    prepared = train.prepare(log_dir, train_corpus, None, None, None)
    step = int(prepared.ops.global_step.numpy())
    common_rundir.checkpoint_manager(
        tf.train.Checkpoint(model=prepared.vae, train_ops=prepared.ops),
        log_dir).save(checkpoint_number=step)


def test_checkpoints_hold_the_digest(trained_dir):
    assert latest_digest(trained_dir) == saved_vocabulary(trained_dir).digest()


def test_changed_vocabulary_is_an_error(copy_of_trained, corpora):
    reorder_vocabulary(copy_of_trained)
    vocab_path = os.path.join(copy_of_trained, model.VOCAB_FILE)
    with pytest.raises(common_rundir.LogDirError,
                       match=f"Vocabulary {vocab_path} is not the one"):
        model.load_trained(copy_of_trained, None)
    with pytest.raises(common_rundir.LogDirError, match="is not the one"):
        train.prepare(copy_of_trained, corpora["train"], None, None, None)


@pytest.mark.slow
def test_checkpoint_without_digest_loads(copy_of_trained, corpora):
    strip_digest(copy_of_trained, corpora["train"])
    assert latest_digest(copy_of_trained) is None
    assert len(list(model.generate(copy_of_trained, samples=2))) == 2
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
        model.load_trained(copy_of_trained, None)


if __name__ == "__main__":
    testing.main(__file__)
