"""Tests for dataset.py."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.text import data
from vaeseq.examples.text import dataset
from vaeseq.examples.text import vocab

# Corpus of ids 0..52, so that each id is also its position.
LENGTH = 53
BATCH = 3
SEQUENCE = 5


def positions():
    return np.arange(LENGTH, dtype=np.int32)


def batches(ds, count=None):
    return [batch.numpy() for batch in itertools.islice(ds, count)]


def assert_contiguous(windows):
    starts = windows[:, :1]
    np.testing.assert_array_equal(windows, starts + np.arange(SEQUENCE))
    assert (starts >= 0).all() and (starts + SEQUENCE <= LENGTH).all()


def test_split_text():
    assert dataset.split_text("abcdefghij", 0.2) == ("abcdefgh", "ij")
    assert dataset.split_text("abcdefghij", 0.0) == ("abcdefghij", "")
    assert dataset.split_text("abcdefghij") == ("abcdefghi", "j")
    with pytest.raises(ValueError, match="valid_fraction"):
        dataset.split_text("abc", 1.5)


def test_shuffled_dataset_shapes_and_windows():
    ds = dataset.make_dataset(positions(), BATCH, SEQUENCE, seed=7)
    assert ds.element_spec == tf.TensorSpec([BATCH, SEQUENCE], tf.int32)
    got = batches(ds, 40)
    for batch in got:
        assert batch.shape == (BATCH, SEQUENCE)
        assert batch.dtype == np.int32
        assert_contiguous(batch)
    alignments = {start % SEQUENCE for batch in got for start in batch[:, 0]}
    assert len(alignments) > 1


def test_shuffled_epoch_has_non_overlapping_windows():
    ds = dataset.make_dataset(positions(), BATCH, SEQUENCE, repeat=False,
                              seed=7)
    for _ in range(3):
        starts = np.concatenate([batch[:, 0] for batch in batches(ds)])
        # max(1, (53 - 5 + 1) // 5) = 9 windows: 3 batches.
        assert len(starts) == 9
        assert len({start % SEQUENCE for start in starts}) == 1
        assert len(set(starts)) == 9


def test_seed_makes_order_reproducible():
    first = batches(dataset.make_dataset(positions(), BATCH, SEQUENCE,
                                         seed=3), 10)
    second = batches(dataset.make_dataset(positions(), BATCH, SEQUENCE,
                                          seed=3), 10)
    other = batches(dataset.make_dataset(positions(), BATCH, SEQUENCE,
                                         seed=4), 10)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_unshuffled_dataset_follows_eval_windows():
    ds = dataset.make_dataset(positions(), BATCH, SEQUENCE, shuffle=False,
                              repeat=False)
    got = np.concatenate(batches(ds))
    # 10 windows, of which the last partial batch (1 window) is dropped.
    np.testing.assert_array_equal(
        got, dataset.eval_windows(positions(), SEQUENCE)[:9])


def test_unshuffled_repeated_dataset_spans_epochs():
    ds = dataset.make_dataset(positions(), BATCH, SEQUENCE, shuffle=False)
    starts = np.concatenate([batch[:, 0] for batch in batches(ds, 4)])
    np.testing.assert_array_equal(
        starts, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 0, 5])


def test_windows_are_slices_of_text():
    text = "Friends, Romans, countrymen, lend me your ears;\n"
    vocabulary = vocab.Vocabulary.from_text(text, vocab_size=100)
    ds = dataset.make_dataset(vocabulary.encode(text), 2, 7, seed=1)
    for batch in batches(ds, 5):
        for window in batch:
            assert vocabulary.decode(window) in text


def test_eval_windows_drop_remainder():
    windows = dataset.eval_windows(positions(), SEQUENCE)
    assert windows.shape == (10, SEQUENCE)
    assert windows.dtype == np.int32
    np.testing.assert_array_equal(windows.ravel(), np.arange(50))


def test_too_short():
    with pytest.raises(data.CorpusTooShortError,
                       match="has 4 characters .* needs 5"):
        dataset.make_dataset(np.arange(4), BATCH, 5)
    with pytest.raises(data.CorpusTooShortError,
                       match="has 4 characters .* needs 5"):
        dataset.eval_windows(np.arange(4), 5)
    with pytest.raises(data.CorpusTooShortError,
                       match="Corpus short.txt has 4 characters"):
        dataset.eval_windows(np.arange(4), 5, name="short.txt")
    assert isinstance(data.CorpusTooShortError("x"), ValueError)


def test_one_window_is_enough_when_repeated():
    got = batches(dataset.make_dataset(np.arange(5), BATCH, 5), 2)
    np.testing.assert_array_equal(got, np.tile(np.arange(5), (2, BATCH, 1)))


def test_too_short_for_one_batch_without_repeat():
    with pytest.raises(data.CorpusTooShortError,
                       match="2 windows of 5 .* batch of 3"):
        dataset.make_dataset(np.arange(14), 3, 5, repeat=False)


if __name__ == "__main__":
    testing.main(__file__)
