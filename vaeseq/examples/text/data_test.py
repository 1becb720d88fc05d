"""Tests for data.py: corpora (downloads are faked) and windows of ids."""

import errno
import itertools
import os
import pathlib

import numpy as np
import pytest
import tensorflow as tf
from pydoc_data import topics as pydoc_topics

from vaeseq import testing
from vaeseq.examples.text import data
from vaeseq.examples.text import vocab


@pytest.fixture(name="cache_dir")
def fixture_cache_dir(tmp_path, monkeypatch):
    """An empty cache directory and no data directory."""
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("VAESEQ_CACHE_DIR", str(cache_dir))
    monkeypatch.delenv("VAESEQ_DATA_DIR", raising=False)
    return cache_dir


def no_fetch(url):
    raise AssertionError(f"unexpected download of {url}")


def test_tinyshakespeare_from_data_dir(cache_dir, shakespeare, monkeypatch):
    # Provenance check: the shared copy, if $VAESEQ_DATA_DIR holds it, has
    # the pinned sha256.
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(shakespeare.parent))
    path = data.resolve_corpus("tinyshakespeare", fetch=no_fetch)
    assert path == str(shakespeare)
    text = data.read_corpus(path)
    assert len(text) == shakespeare.stat().st_size  # ASCII.
    assert text.startswith("First Citizen:\n")
    assert not cache_dir.exists()


def test_tinyshakespeare_data_dir_copy_is_verified(
        cache_dir, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "tinyshakespeare.txt").write_text("To be or not to be\n")
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(data_dir))
    with pytest.raises(data.CorpusError, match="sha256 mismatch .*data"):
        data.resolve_corpus("tinyshakespeare", fetch=no_fetch)


def test_tinyshakespeare_downloads_once_into_cache(cache_dir, tiny_shakespeare):
    urls = []
    shakespeare_bytes = tiny_shakespeare.read_bytes()

    def fetch(url):
        urls.append(url)
        return shakespeare_bytes

    first = data.resolve_corpus("tinyshakespeare", fetch=fetch)
    second = data.resolve_corpus("tinyshakespeare", fetch=fetch)
    assert first == second == str(cache_dir / "tinyshakespeare.txt")
    assert urls == [data.TINYSHAKESPEARE_URL]
    assert sorted(os.listdir(cache_dir)) == ["tinyshakespeare.txt"]
    assert pathlib.Path(first).read_bytes() == shakespeare_bytes


def test_tinyshakespeare_download_checksum_mismatch_writes_nothing(cache_dir):
    with pytest.raises(data.CorpusError, match="sha256 mismatch .*https"):
        data.resolve_corpus(
            "tinyshakespeare", fetch=lambda url: b"Tampered text\n")
    assert not cache_dir.exists() or not os.listdir(cache_dir)


def test_tinyshakespeare_download_failure(cache_dir):
    def fetch(url):
        raise OSError("network is unreachable")

    with pytest.raises(data.CorpusError, match="Could not download .*"
                       "network is unreachable"):
        data.resolve_corpus("tinyshakespeare", fetch=fetch)


def test_tinyshakespeare_cached_copy_is_verified(cache_dir):
    cache_dir.mkdir()
    (cache_dir / "tinyshakespeare.txt").write_text("Truncated")
    with pytest.raises(data.CorpusError, match="sha256 mismatch .*cache"):
        data.resolve_corpus("tinyshakespeare", fetch=no_fetch)


def test_pydocs_is_offline_and_written_once(cache_dir):
    path = data.resolve_corpus("pydocs")
    assert path == str(cache_dir / "pydocs.txt")
    text = data.read_corpus(path)
    assert len(text) > 100_000
    topics = pydoc_topics.topics
    assert text.startswith(topics[min(topics)])
    assert text.endswith(topics[max(topics)])
    pathlib.Path(path).write_text("edited")
    assert data.resolve_corpus("pydocs") == path
    assert data.read_corpus(path) == "edited"


def test_other_names_are_paths(cache_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "poems").mkdir()
    (tmp_path / "poems" / "shakespeare").write_text("Sonnet")
    (tmp_path / "pydocs").write_text("Not the named corpus")
    assert data.resolve_corpus("poems/shakespeare") == "poems/shakespeare"
    assert data.resolve_corpus("./pydocs") == "./pydocs"
    assert not cache_dir.exists()


@pytest.fixture(name="data_dir")
def fixture_data_dir(tmp_path, monkeypatch):
    """A `$VAESEQ_DATA_DIR` holding `austen.txt`; the working directory
    is another, empty, directory."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "austen.txt").write_text("It is a truth\n")
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(data_dir))
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    monkeypatch.chdir(work_dir)
    return data_dir


def test_relative_paths_fall_back_to_the_data_dir(data_dir):
    assert data.resolve_corpus("austen.txt") == str(data_dir / "austen.txt")
    assert data.in_data_dir_or_none("austen.txt") == str(data_dir / "austen.txt")
    pathlib.Path("austen.txt").write_text("A local copy")
    assert data.resolve_corpus("austen.txt") == "austen.txt"


def test_absolute_paths_do_not_fall_back(data_dir, tmp_path):
    missing = str(tmp_path / "work" / "austen.txt")
    with pytest.raises(data.CorpusError) as info:
        data.resolve_corpus(missing)
    assert str(info.value) == f"Corpus file not found: {missing}"
    assert data.in_data_dir_or_none(str(data_dir / "austen.txt")) is None


def test_missing_file_lists_where_it_looked(data_dir, monkeypatch):
    with pytest.raises(data.CorpusError) as info:
        data.resolve_corpus("bronte.txt")
    assert str(info.value) == (
        f"Corpus file not found: bronte.txt (looked in the working "
        f"directory {os.getcwd()} and in $VAESEQ_DATA_DIR={data_dir} and its subfolders)")
    monkeypatch.delenv("VAESEQ_DATA_DIR")
    with pytest.raises(data.CorpusError, match="VAESEQ_DATA_DIR is not set"):
        data.resolve_corpus("austen.txt")


def test_read_corpus_utf8(tmp_path):
    path = tmp_path / "quote.txt"
    path.write_bytes("\u201cIt is a truth\u201d\n".encode("utf-8"))
    assert data.read_corpus(str(path)) == "\u201cIt is a truth\u201d\n"


@pytest.mark.parametrize("content, message", [
    (None, "not found"),
    (b"", "empty"),
    (b"text\0with a NUL", "binary or not UTF-8"),
    (b"Latin-1 caf\xe9", "binary or not UTF-8"),
])
def test_read_corpus_bad_file(tmp_path, content, message):
    path = tmp_path / "data.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(data.CorpusError, match=message) as info:
        data.read_corpus(str(path))
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_read_corpus_directory(tmp_path):
    with pytest.raises(data.CorpusError, match="is a directory") as info:
        data.read_corpus(str(tmp_path))
    assert str(tmp_path) in str(info.value)


def test_read_corpus_permission_denied(tmp_path, monkeypatch):
    # Faked, so that the test also holds when run as root.
    path = tmp_path / "secret.txt"
    path.write_text("Hidden text")

    def denying_open(file, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", file)

    monkeypatch.setattr(data, "open", denying_open, raising=False)
    with pytest.raises(data.CorpusError, match="permission denied") as info:
        data.read_corpus(str(path))
    assert str(path) in str(info.value)


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
    assert data.split_text("abcdefghij", 0.2) == ("abcdefgh", "ij")
    assert data.split_text("abcdefghij", 0.0) == ("abcdefghij", "")
    assert data.split_text("abcdefghij") == ("abcdefghi", "j")
    with pytest.raises(ValueError, match="valid_fraction"):
        data.split_text("abc", 1.5)


def test_shuffled_dataset_shapes_and_windows():
    ds = data.make_dataset(positions(), BATCH, SEQUENCE, seed=7)
    assert ds.element_spec == tf.TensorSpec([BATCH, SEQUENCE], tf.int32)
    got = batches(ds, 40)
    for batch in got:
        assert batch.shape == (BATCH, SEQUENCE)
        assert batch.dtype == np.int32
        assert_contiguous(batch)
    alignments = {start % SEQUENCE for batch in got for start in batch[:, 0]}
    assert len(alignments) > 1


def test_shuffled_epoch_has_non_overlapping_windows():
    ds = data.make_dataset(positions(), BATCH, SEQUENCE, repeat=False,
                           seed=7)
    for _ in range(3):
        starts = np.concatenate([batch[:, 0] for batch in batches(ds)])
        # max(1, (53 - 5 + 1) // 5) = 9 windows: 3 batches.
        assert len(starts) == 9
        assert len({start % SEQUENCE for start in starts}) == 1
        assert len(set(starts)) == 9


def test_seed_makes_order_reproducible():
    first = batches(data.make_dataset(positions(), BATCH, SEQUENCE,
                                      seed=3), 10)
    second = batches(data.make_dataset(positions(), BATCH, SEQUENCE,
                                       seed=3), 10)
    other = batches(data.make_dataset(positions(), BATCH, SEQUENCE,
                                      seed=4), 10)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_unshuffled_dataset_follows_eval_windows():
    ds = data.make_dataset(positions(), BATCH, SEQUENCE, shuffle=False,
                           repeat=False)
    got = np.concatenate(batches(ds))
    # 10 windows, of which the last partial batch (1 window) is dropped.
    np.testing.assert_array_equal(
        got, data.eval_windows(positions(), SEQUENCE)[:9])


def test_unshuffled_repeated_dataset_spans_epochs():
    ds = data.make_dataset(positions(), BATCH, SEQUENCE, shuffle=False)
    starts = np.concatenate([batch[:, 0] for batch in batches(ds, 4)])
    np.testing.assert_array_equal(
        starts, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 0, 5])


def test_windows_are_slices_of_text():
    text = "Friends, Romans, countrymen, lend me your ears;\n"
    vocabulary = vocab.Vocabulary.from_text(text, vocab_size=100)
    ds = data.make_dataset(vocabulary.encode(text), 2, 7, seed=1)
    for batch in batches(ds, 5):
        for window in batch:
            assert vocabulary.decode(window) in text


def test_eval_windows_drop_remainder():
    windows = data.eval_windows(positions(), SEQUENCE)
    assert windows.shape == (10, SEQUENCE)
    assert windows.dtype == np.int32
    np.testing.assert_array_equal(windows.ravel(), np.arange(50))


def test_too_short():
    with pytest.raises(data.CorpusTooShortError,
                       match="has 4 characters .* needs 5"):
        data.make_dataset(np.arange(4), BATCH, 5)
    with pytest.raises(data.CorpusTooShortError,
                       match="has 4 characters .* needs 5"):
        data.eval_windows(np.arange(4), 5)
    with pytest.raises(data.CorpusTooShortError,
                       match="Corpus short.txt has 4 characters"):
        data.eval_windows(np.arange(4), 5, name="short.txt")
    assert isinstance(data.CorpusTooShortError("x"), ValueError)


def test_one_window_is_enough_when_repeated():
    got = batches(data.make_dataset(np.arange(5), BATCH, 5), 2)
    np.testing.assert_array_equal(got, np.tile(np.arange(5), (2, BATCH, 1)))


def test_too_short_for_one_batch_without_repeat():
    with pytest.raises(data.CorpusTooShortError,
                       match="2 windows of 5 .* batch of 3"):
        data.make_dataset(np.arange(14), 3, 5, repeat=False)


if __name__ == "__main__":
    testing.main(__file__)
