"""The text example's data: corpora, and windows of their character ids.

A corpus argument is a named corpus or a path (`resolve_corpus`); its file
is read as UTF-8 text (`read_corpus`). Named corpora:

* `tinyshakespeare`: Karpathy's Tiny Shakespeare. Taken from
  `$VAESEQ_DATA_DIR/tinyshakespeare.txt` when that file exists, else from the
  cache directory (`$VAESEQ_CACHE_DIR`, default `~/.cache/vaeseq`), else
  downloaded once into the cache. Every copy is checked against a pinned
  sha256.
* `pydocs`: the text of CPython's built-in help topics
  (`pydoc_data.topics.topics`), written once to the cache directory. Works
  offline.

Any other argument is a path. A relative path missing from the working
directory is looked for in `$VAESEQ_DATA_DIR` too, so that
`pride_and_prejudice.txt` finds `$VAESEQ_DATA_DIR/pride_and_prejudice.txt`.
A file named like a corpus must be given with a directory part, e.g.
`./pydocs`.

A window is `sequence_size` consecutive character ids of a corpus (see
`vocab.Vocabulary.encode`): `eval_windows` cuts a corpus into consecutive
windows `[N, T]` to score, and `make_dataset` streams training batches
`[B, T]` through `tf.data`; within one epoch, windows never overlap.
`split_text` cuts a corpus into a training and a validation part.

Only `make_dataset` needs TensorFlow, and imports it when called: the
command line resolves corpora before TensorFlow loads.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from typing import TYPE_CHECKING, Callable

import numpy as np
from pydoc_data import topics as pydoc_topics

from vaeseq.examples.common import datadir
from vaeseq.examples.common import errors
from vaeseq.examples.common import files

if TYPE_CHECKING:
    import tensorflow as tf

TINYSHAKESPEARE_URL = (
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
    "tinyshakespeare/input.txt"
)
TINYSHAKESPEARE_SHA256 = (
    "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
)
CORPUS_NAMES = ("pydocs", "tinyshakespeare")


class CorpusError(errors.InputError):
    """A corpus that cannot be found, read, verified or used."""


class CorpusTooShortError(CorpusError):
    """A corpus with too few characters for the requested windows."""


def fetch_url(url: str) -> bytes:
    """Downloads `url` and returns the response body."""
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read()


def resolve_corpus(
    name_or_path: str,
    *,
    fetch: Callable[[str], bytes] | None = None,
) -> str:
    """Returns the filesystem path of a named corpus or of a corpus file.

    Args:
        name_or_path: one of `CORPUS_NAMES`, or a path: returned as given if
            it exists, else (when relative) its copy in `$VAESEQ_DATA_DIR`
            or a subfolder of it (`common.datadir`).
        fetch: downloads a URL to bytes; defaults to `fetch_url`. Only called
            when `tinyshakespeare` is neither in `$VAESEQ_DATA_DIR` nor in
            the cache.

    Returns:
        A path that exists (its content is checked by `read_corpus`).

    Raises:
        CorpusError: a path found nowhere (the message lists where it was
            looked for), a failed download, or a `tinyshakespeare` copy
            (local, cached or downloaded) with the wrong sha256.
    """
    if name_or_path == "tinyshakespeare":
        return _tinyshakespeare(fetch or fetch_url)
    if name_or_path == "pydocs":
        return _pydocs()
    if os.path.exists(name_or_path):
        return name_or_path
    in_data_dir = in_data_dir_or_none(name_or_path)
    if in_data_dir is not None:
        return in_data_dir
    raise CorpusError(
        f"Corpus file not found: {name_or_path}{datadir.places_looked(name_or_path)}")


def in_data_dir_or_none(path: str) -> str | None:
    """`path` found in `$VAESEQ_DATA_DIR` (see `common.datadir`), or None.

    Raises:
        CorpusError: `path` is in several of its folders.
    """
    try:
        return datadir.find(path)
    except datadir.AmbiguousError as err:
        raise CorpusError(str(err)) from None


def read_corpus(path: str) -> str:
    """Reads a non-empty UTF-8 text file.

    Raises:
        CorpusError: with a one-line message naming `path`, if the file is
            missing, a directory, unreadable, empty, or binary (contains NUL
            bytes or is not valid UTF-8).
    """
    data = _read_bytes(path)
    if not data:
        raise CorpusError(f"Corpus file is empty: {path}")
    binary_message = f"Corpus file is binary or not UTF-8: {path}"
    if b"\0" in data:
        raise CorpusError(binary_message)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(binary_message) from err


def _cache_dir() -> str:
    return os.environ.get("VAESEQ_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "vaeseq")


def _tinyshakespeare(fetch: Callable[[str], bytes]) -> str:
    filename = "tinyshakespeare.txt"
    path = in_data_dir_or_none(filename)
    if path is not None:
        _verify_sha256(path, _read_bytes(path), TINYSHAKESPEARE_SHA256)
        return path
    path = os.path.join(_cache_dir(), filename)
    if os.path.exists(path):
        _verify_sha256(path, _read_bytes(path), TINYSHAKESPEARE_SHA256)
        return path
    try:
        data = fetch(TINYSHAKESPEARE_URL)
    except OSError as err:
        raise CorpusError(
            f"Could not download {TINYSHAKESPEARE_URL}: {err}") from err
    _verify_sha256(TINYSHAKESPEARE_URL, data, TINYSHAKESPEARE_SHA256)
    files.write_atomically(path, data)
    return path


def _pydocs() -> str:
    path = os.path.join(_cache_dir(), "pydocs.txt")
    if not os.path.exists(path):
        topics = pydoc_topics.topics
        text = "\n\n".join(topics[key] for key in sorted(topics))
        files.write_atomically(path, text.encode("utf-8"))
    return path


def _verify_sha256(source: str, data: bytes, expected: str) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise CorpusError(
            f"sha256 mismatch for {source}: got {actual}, expected {expected}")


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError as err:
        raise CorpusError(f"Corpus file not found: {path}") from err
    except IsADirectoryError as err:
        raise CorpusError(f"Corpus path is a directory: {path}") from err
    except PermissionError as err:
        raise CorpusError(
            f"Corpus file is not readable (permission denied): {path}"
        ) from err
    except OSError as err:
        raise CorpusError(
            f"Cannot read corpus file {path}: {err.strerror}") from err


def split_text(text: str, valid_fraction: float = 0.1) -> tuple[str, str]:
    """Splits `text` into a training prefix and a validation suffix.

    Args:
        text: the corpus.
        valid_fraction: in `[0, 1]`; the validation suffix gets
            `round(len(text) * valid_fraction)` characters.

    Returns:
        `(train_text, valid_text)`, with `train_text + valid_text == text`.
    """
    if not 0 <= valid_fraction <= 1:
        raise ValueError(
            f"valid_fraction must be in [0, 1], got {valid_fraction}.")
    split = len(text) - round(len(text) * valid_fraction)
    return text[:split], text[split:]


def make_dataset(
    ids: np.ndarray,
    batch_size: int,
    sequence_size: int,
    shuffle: bool = True,
    repeat: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Batches of windows of consecutive ids.

    With `shuffle`, each epoch draws a random alignment (offset of the first
    window) and yields `max(1, (N - sequence_size + 1) // sequence_size)`
    non-overlapping windows at that alignment in random order, so that every
    epoch covers nearly the whole corpus and window boundaries move between
    epochs. Without `shuffle`, each epoch yields the `eval_windows` in order.
    With `repeat`, epochs follow each other endlessly and a batch may span two
    epochs; without it, there is one epoch and its last partial batch is
    dropped.

    Args:
        ids: the corpus, int32 ids of shape `[N]`.
        batch_size: windows per batch.
        sequence_size: ids per window.
        shuffle: randomize alignment and order per epoch, as above.
        repeat: yield epochs endlessly.
        seed: makes the shuffled order reproducible; `None` for a fresh one.

    Returns:
        A dataset of int32 tensors of static shape
        `[batch_size, sequence_size]`, prefetched.

    Raises:
        CorpusTooShortError: `N < sequence_size`, or, without `repeat`, one
            epoch has fewer than `batch_size` windows (the dataset would be
            empty).
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    ids = _as_ids(ids)
    _check_length(len(ids), sequence_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    if shuffle:
        windows = max(1, (len(ids) - sequence_size + 1) // sequence_size)
        starts = _shuffled_starts(
            windows, len(ids) - windows * sequence_size, sequence_size,
            repeat, seed)
    else:
        windows = len(ids) // sequence_size
        starts = tf.data.Dataset.range(
            0, windows * sequence_size, sequence_size)
        if repeat:
            starts = starts.repeat()
    if not repeat and windows < batch_size:
        raise CorpusTooShortError(
            f"Corpus has {len(ids)} characters: {windows} windows of "
            f"{sequence_size} per epoch, fewer than one batch of "
            f"{batch_size}.")
    corpus = tf.constant(ids)
    window_offsets = tf.range(sequence_size, dtype=tf.int64)

    def gather_windows(batch_starts: tf.Tensor) -> tf.Tensor:
        return tf.gather(corpus, batch_starts[:, None] + window_offsets)

    return (starts.batch(batch_size, drop_remainder=True)
            .map(gather_windows, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(tf.data.AUTOTUNE))


def eval_windows(ids: np.ndarray, sequence_size: int,
                 name: str | None = None) -> np.ndarray:
    """Splits the corpus into consecutive non-overlapping windows.

    The last `N % sequence_size` ids, too few for a window, are dropped.

    Args:
        ids: the corpus, int32 ids of shape `[N]`.
        sequence_size: ids per window.
        name: the corpus's name or path, for error messages.

    Returns:
        int32 array of shape `[N // sequence_size, sequence_size]`; row `i`
        is `ids[i * sequence_size:(i + 1) * sequence_size]`.

    Raises:
        CorpusTooShortError: `N < sequence_size`.
    """
    ids = _as_ids(ids)
    _check_length(len(ids), sequence_size, name)
    count = len(ids) // sequence_size
    return ids[:count * sequence_size].reshape(count, sequence_size)


def _shuffled_starts(
    windows: int,
    max_offset: int,
    sequence_size: int,
    repeat: bool,
    seed: int | None,
) -> tf.data.Dataset:
    """Window starts: per epoch, an offset in `[0, max_offset]`, shuffled."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    epoch_seeds = tf.data.Dataset.random(
        seed=seed, rerandomize_each_iteration=True)
    if not repeat:
        epoch_seeds = epoch_seeds.take(1)

    def epoch_starts(epoch_seed: tf.Tensor) -> tf.data.Dataset:
        offset_seed, order_seed = tf.unstack(
            tf.random.experimental.stateless_split(
                tf.stack([epoch_seed, tf.constant(0, tf.int64)]), num=2))
        offset = tf.random.stateless_uniform(
            [], offset_seed, minval=0, maxval=max_offset + 1, dtype=tf.int64)
        order = tf.random.experimental.stateless_shuffle(
            tf.range(windows, dtype=tf.int64), order_seed)
        return tf.data.Dataset.from_tensor_slices(
            offset + order * sequence_size)

    return epoch_seeds.flat_map(epoch_starts)


def _as_ids(ids: np.ndarray) -> np.ndarray:
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            f"ids must be a 1-D integer array, got {ids.dtype} {ids.shape}.")
    return ids.astype(np.int32, copy=False)


def _check_length(length: int, sequence_size: int,
                  name: str | None = None) -> None:
    if sequence_size < 1:
        raise ValueError(f"sequence_size must be >= 1, got {sequence_size}.")
    if length < sequence_size:
        corpus_name = "Corpus" if name is None else f"Corpus {name}"
        raise CorpusTooShortError(
            f"{corpus_name} has {length} characters but one sequence needs "
            f"{sequence_size}.")
