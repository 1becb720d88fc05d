"""The character vocabulary, and its digest in checkpoints.

`Vocabulary` maps characters to ids, with hashed out-of-vocabulary buckets;
a run saves it as `vocab.json` (see `model`).

Checkpoints hold `vocabulary_sha256` (`DIGEST_ATTRIBUTE`), the
`Vocabulary.digest()` of the vocabulary the model was trained with, so that
a `vocab.json` changed since (characters reordered, another run's vocabulary
of the same size) is an error when the checkpoint is loaded
(`check_digest`) instead of mapping characters to the wrong ids.
Checkpoints written before the digest was saved lack it; they load
unchecked, and training on from one saves the digest.
"""

import collections
import hashlib
import json
from typing import Sequence

import numpy as np
import tensorflow as tf

from vaeseq.examples.common import files
from vaeseq.examples.common import rundir as common_rundir

REPLACEMENT_CHAR = "\ufffd"
# The attribute of a run's `tf.train.Checkpoint` that holds the digest.
DIGEST_ATTRIBUTE = "vocabulary_sha256"


def oov_warning(corpus_name: str, oov_chars: int, scored_chars: int) -> str:
    """The one-line warning for a corpus scored with unknown characters."""
    return (f"warning: {corpus_name}: {oov_chars} of the {scored_chars} "
            "characters scored are outside the model's vocabulary and were "
            "scored as unknown characters")


class Vocabulary:
    """Maps characters to integer ids and back.

    Known characters get ids `0 .. len(chars) - 1` in the order given. Any
    other character `c` gets the out-of-vocabulary (OOV) id
    `len(chars) + ord(c) % oov_buckets`, so ids lie in `[0, size)`.
    """

    def __init__(self, chars: Sequence[str], oov_buckets: int = 1):
        """Creates a vocabulary.

        Args:
            chars: distinct single characters; `chars[i]` gets id `i`.
            oov_buckets: number of OOV ids, at least 1.
        """
        chars = tuple(chars)
        if not chars:
            raise ValueError("A vocabulary needs at least one character.")
        if any(len(c) != 1 for c in chars):
            raise ValueError(f"Not all single characters: {chars!r}")
        if len(set(chars)) != len(chars):
            raise ValueError(f"Repeated characters: {''.join(chars)!r}")
        if oov_buckets < 1:
            raise ValueError(f"oov_buckets must be >= 1, got {oov_buckets}.")
        self._chars = chars
        self._oov_buckets = oov_buckets
        codepoints = np.array([ord(c) for c in chars], dtype=np.int64)
        self._id_by_rank = np.argsort(codepoints).astype(np.int32)
        self._sorted_codepoints = codepoints[self._id_by_rank]

    @classmethod
    def from_text(
        cls, text: str, vocab_size: int, oov_buckets: int = 1,
    ) -> "Vocabulary":
        """Builds a vocabulary of the `vocab_size` most common characters.

        Characters are ordered by descending count, ties by ascending code
        point, so the result depends only on `text`. A text with fewer than
        `vocab_size` distinct characters gives a smaller vocabulary.
        """
        if vocab_size < 1:
            raise ValueError(f"vocab_size must be >= 1, got {vocab_size}.")
        counts = collections.Counter(text)
        ranked = sorted(counts, key=lambda c: (-counts[c], c))
        return cls(ranked[:vocab_size], oov_buckets)

    @property
    def chars(self) -> tuple[str, ...]:
        """The known characters, indexed by id."""
        return self._chars

    @property
    def oov_buckets(self) -> int:
        """The number of out-of-vocabulary ids."""
        return self._oov_buckets

    @property
    def size(self) -> int:
        """The number of ids: known characters plus OOV buckets."""
        return len(self._chars) + self._oov_buckets

    def encode(self, text: str) -> np.ndarray:
        """Maps `text` to an int32 array of ids, shape `[len(text)]`."""
        codepoints = np.frombuffer(
            text.encode("utf-32-le"), dtype="<u4").astype(np.int64)
        rank = np.searchsorted(self._sorted_codepoints, codepoints)
        rank = np.minimum(rank, len(self._chars) - 1)
        known = self._sorted_codepoints[rank] == codepoints
        oov = len(self._chars) + codepoints % self._oov_buckets
        return np.where(known, self._id_by_rank[rank], oov).astype(np.int32)

    def count_oov(self, ids: np.ndarray) -> int:
        """How many of `ids` (any shape) are out-of-vocabulary ids."""
        return int(np.count_nonzero(np.asarray(ids) >= len(self._chars)))

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """Maps ids, shape `[N]`, to text; OOV ids become `REPLACEMENT_CHAR`.

        Raises:
            ValueError: an id is outside `[0, size)`.
        """
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim != 1:
            raise ValueError(f"ids must be 1-D, got shape {ids.shape}.")
        if ids.size and (ids.min() < 0 or ids.max() >= self.size):
            raise ValueError(
                f"ids must lie in [0, {self.size}), got "
                f"[{ids.min()}, {ids.max()}].")
        table = self._chars + (REPLACEMENT_CHAR,)
        known_count = len(self._chars)
        return "".join(table[min(i, known_count)] for i in ids.tolist())

    def digest(self) -> str:
        """The sha256, in hex, of the vocabulary's canonical JSON.

        Two vocabularies have the same digest exactly when they are equal:
        the same characters in the same id order, and as many OOV buckets.
        """
        canonical = json.dumps(self._config(), sort_keys=True,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def save(self, path: str) -> None:
        """Writes the vocabulary to `path` as JSON, atomically."""
        files.write_atomically(
            path, json.dumps(self._config(), indent=2).encode("utf-8"))

    def _config(self) -> dict[str, str | int]:
        """What `save` writes and `load` reads."""
        return {"chars": "".join(self._chars),
                "oov_buckets": self._oov_buckets}

    @classmethod
    def load(cls, path: str) -> "Vocabulary":
        """Reads a vocabulary written by `save`."""
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
        return cls(config["chars"], config["oov_buckets"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (self._chars == other._chars
                and self._oov_buckets == other._oov_buckets)

    def __hash__(self) -> int:
        return hash((self._chars, self._oov_buckets))

    def __repr__(self) -> str:
        return (f"Vocabulary(chars={''.join(self._chars)!r}, "
                f"oov_buckets={self._oov_buckets})")


class VocabularyDigest(tf.train.experimental.PythonState):
    """A digest saved as a string in a checkpoint (see `DIGEST_ATTRIBUTE`).

    Attributes:
        value: the hex sha256 of `Vocabulary.digest()`, or None before
            anything was restored into a digest made empty.
    """

    def __init__(self, value: str | None):
        self.value = value

    def serialize(self) -> str:
        """The string saved in the checkpoint."""
        return self.value

    def deserialize(self, string_value: bytes) -> None:
        """Takes the value restored from a checkpoint."""
        self.value = string_value.decode("ascii")


def saved_digest(checkpoint_path: str) -> str | None:
    """The vocabulary digest saved in a checkpoint, or None if it has none.

    The checkpoint must be readable (`model.restore` checks that).
    """
    digest = VocabularyDigest(None)
    tf.train.Checkpoint(**{DIGEST_ATTRIBUTE: digest}).restore(
        checkpoint_path).expect_partial()
    return digest.value


def check_digest(vocabulary: Vocabulary, vocab_path: str,
                 checkpoint_path: str) -> None:
    """Raises LogDirError if the checkpoint was trained with another vocabulary.

    Args:
        vocabulary: the vocabulary read from `vocab_path`.
        vocab_path: its file, for the message.
        checkpoint_path: the checkpoint's prefix; one without a digest
            (written before digests were saved) passes.
    """
    saved = saved_digest(checkpoint_path)
    if saved is not None and saved != vocabulary.digest():
        raise common_rundir.LogDirError(
            f"Vocabulary {vocab_path} is not the one checkpoint "
            f"{checkpoint_path} was trained with (its sha256 is "
            f"{vocabulary.digest()[:12]}..., the checkpoint's {saved[:12]}...): "
            "the file was changed or replaced; restore the run's own copy.")
