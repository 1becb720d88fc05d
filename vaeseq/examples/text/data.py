"""Resolves a corpus argument (a named corpus or a path) to text on disk.

Named corpora:

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
"""

import hashlib
import os
import urllib.request
from typing import Callable

from pydoc_data import topics as pydoc_topics

from vaeseq.examples.common import datadir
from vaeseq.examples.common import errors
from vaeseq.examples.common import files

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
