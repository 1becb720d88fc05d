"""The vocabulary's digest in a checkpoint, binding the two together.

Checkpoints hold `vocabulary_sha256`, the `Vocabulary.digest()` of the
vocabulary the model was trained with, so that a `vocab.json` changed since
(characters reordered, another run's vocabulary of the same size) is an
error when the checkpoint is loaded instead of mapping characters to the
wrong ids. Checkpoints written before the digest was saved lack it; they
load unchecked, and training on from one saves the digest.
"""

import tensorflow as tf

from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.text import vocab

# The attribute of the `tf.train.Checkpoint` that holds the digest.
ATTRIBUTE = "vocabulary_sha256"


class VocabularyDigest(tf.train.experimental.PythonState):
    """A digest saved as a string in a checkpoint (see `ATTRIBUTE`).

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

    The checkpoint must be readable (`rundir.restore` checks that).
    """
    digest = VocabularyDigest(None)
    tf.train.Checkpoint(**{ATTRIBUTE: digest}).restore(
        checkpoint_path).expect_partial()
    return digest.value


def check(vocabulary: vocab.Vocabulary, vocab_path: str,
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
