"""Tests for vocab_graph.py: the same ids and text as `Vocabulary`."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.text import vocab
from vaeseq.examples.text import vocab_graph


@pytest.mark.parametrize("oov_buckets", [1, 3])
def test_encode_matches_vocabulary(oov_buckets):
    vocabulary = vocab.Vocabulary("eta ô", oov_buckets)
    texts = ["a tea", "", "zô€\U0001f600e", "teeeta"]
    ids = vocab_graph.GraphVocabulary(vocabulary).encode(tf.constant(texts))
    assert ids.dtype == tf.int32
    for row, text in zip(ids.to_list(), texts):
        np.testing.assert_array_equal(row, vocabulary.encode(text))


def test_encode_reads_bad_utf8_as_replacement():
    vocabulary = vocab.Vocabulary("ab", 2)
    ids = vocab_graph.GraphVocabulary(vocabulary).encode(
        tf.constant([b"a\xffb"]))
    np.testing.assert_array_equal(
        ids.to_list()[0], vocabulary.encode("a" + vocab.REPLACEMENT_CHAR + "b"))


def test_decode_matches_vocabulary():
    vocabulary = vocab.Vocabulary("xyé", 2)
    ids = np.array([[0, 1, 2, 3], [4, 2, 2, 0]], np.int32)
    texts = vocab_graph.GraphVocabulary(vocabulary).decode(tf.constant(ids))
    assert [t.decode("utf-8") for t in texts.numpy()] == [
        vocabulary.decode(row) for row in ids]


if __name__ == "__main__":
    testing.main(__file__)
