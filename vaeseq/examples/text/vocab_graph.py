"""A `Vocabulary` inside a TensorFlow graph, for models saved without Python.

`GraphVocabulary` maps UTF-8 strings to character ids and ids back to
strings with TensorFlow ops only, exactly as `vocab.Vocabulary.encode` and
`decode` do, so a SavedModel that holds one needs no Python vocabulary.
"""

import tensorflow as tf

from vaeseq.examples.text import vocab


class GraphVocabulary(tf.Module):
    """The ids of `vocabulary` as a lookup table and a character table.

    Args:
        vocabulary: the vocabulary to hold.
    """

    def __init__(self, vocabulary: vocab.Vocabulary):
        super().__init__(name="vocabulary")
        codepoints = [ord(c) for c in vocabulary.chars]
        self._known = len(vocabulary.chars)
        self._oov_buckets = vocabulary.oov_buckets
        self._ids = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(
                tf.constant(codepoints, tf.int32),
                tf.range(self._known, dtype=tf.int32)),
            default_value=-1)
        self._chars = tf.constant(vocabulary.chars + (vocab.REPLACEMENT_CHAR,))

    def encode(self, text: tf.Tensor) -> tf.RaggedTensor:
        """Maps UTF-8 strings `[B]` to int32 ids `[B, (characters)]`.

        Characters outside the vocabulary get their OOV bucket's id; bytes
        that are not UTF-8 are read as `REPLACEMENT_CHAR`.
        """
        codepoints = tf.strings.unicode_decode(text, "UTF-8")
        return tf.ragged.map_flat_values(self._encode_codepoints, codepoints)

    def _encode_codepoints(self, codepoints: tf.Tensor) -> tf.Tensor:
        """int32 code points `[N]` -> ids `[N]`."""
        ids = self._ids.lookup(codepoints)
        oov = self._known + tf.math.floormod(codepoints, self._oov_buckets)
        return tf.where(ids >= 0, ids, oov)

    def decode(self, ids: tf.Tensor) -> tf.Tensor:
        """Maps int ids `[B, L]` in `[0, size)` to UTF-8 strings `[B]`.

        OOV ids become `REPLACEMENT_CHAR`.
        """
        chars = tf.gather(self._chars, tf.minimum(ids, self._known))
        return tf.strings.reduce_join(chars, axis=-1)
