"""What a text model's SavedModel holds: `ExportedModel`.

An `ExportedModel` is a `tf.Module` whose `tf.function`s generate and score
text with TensorFlow ops only (the vocabulary is baked in, see
`vocab_graph`), so `tf.saved_model.load` serves it without vaeseq:

* `generate(num_samples, length, seed)`: int32 scalars and a stateless
  seed `[2]` int32 -> `num_samples` strings of `length` characters `[N]`.
* `score(text, seed)`: UTF-8 strings `[B]` and a seed `[2]` int32 -> a dict
  of `elbo_per_char` and `iw_log_prob_per_char` (float32 `[B]`, nats per
  character) and `num_chars` (int32 `[B]`, characters scored). As in
  `evaluate.evaluate`, each text is cut into windows of the run's
  `sequence_size` T (a remainder shorter than T is not scored) and each
  window is scored from the model's initial state; a text shorter than T
  is an error (`InvalidArgumentError`). Both bounds draw with `seed`; the
  importance-weighted one uses K = `log_prob_samples` draws. All windows
  of the batch are scored at once, and the draws depend on the whole
  batch: a text's bounds may differ slightly when scored beside others.

The same `seed` and arguments give the same results.
"""

import tensorflow as tf

from vaeseq.examples.common import sampler
from vaeseq.examples.common import scoring
from vaeseq.examples.text import vocab
from vaeseq.examples.text import vocab_graph
from vaeseq.vae import VAEBase

SEED_SPEC = tf.TensorSpec([2], tf.int32, name="seed")


class ExportedModel(tf.Module):
    """A trained text model and its vocabulary, for `tf.saved_model.save`.

    Args:
        vae: the restored text model.
        vocabulary: its vocabulary.
        sequence_size: T, the length of the windows `score` scores.
        num_samples: K of the importance-weighted bound, at least 1.
        assets: files to save beside the model (`vocab.json`,
            `hparams.json`), by attribute name.
    """

    def __init__(self, vae: VAEBase, vocabulary: vocab.Vocabulary,
                 sequence_size: int, num_samples: int, assets: dict[str, str]):
        super().__init__(name="text_model")
        self.vae = vae
        self.vocabulary = vocab_graph.GraphVocabulary(vocabulary)
        for name, path in assets.items():
            setattr(self, name, tf.saved_model.Asset(path))
        self._sequence_size = sequence_size
        self._sampler = sampler.Sampler(vae)
        # `score` uses the scorer's functions on one batch of all windows,
        # so its batch_size (for callers that batch) does not matter.
        self._scorer = scoring.Scorer(
            vae, tf.TensorSpec([None, sequence_size], tf.int32), batch_size=1,
            num_samples=num_samples)
        self.generate = tf.function(self._generate, autograph=False, input_signature=[
            tf.TensorSpec([], tf.int32, "num_samples"),
            tf.TensorSpec([], tf.int32, "length"), SEED_SPEC])
        self.score = tf.function(self._score, autograph=False, input_signature=[
            tf.TensorSpec([None], tf.string, "text"), SEED_SPEC])

    def _generate(self, num_samples: tf.Tensor, length: tf.Tensor,
                  seed: tf.Tensor) -> tf.Tensor:
        """Samples `num_samples` texts of `length` characters: string `[N]`."""
        checks = [
            tf.debugging.assert_non_negative(
                num_samples, message="num_samples must be >= 0"),
            tf.debugging.assert_positive(length, message="length must be >= 1")]
        with tf.control_dependencies(checks):
            ids = self._sampler.draw(num_samples, length, seed)
        return self.vocabulary.decode(ids)

    def _score(self, text: tf.Tensor, seed: tf.Tensor) -> dict[str, tf.Tensor]:
        """Bounds on log p per character of each text `[B]`; see the module."""
        windows, text_of_window, num_windows = _windows(
            self.vocabulary.encode(text), self._sequence_size)
        check = tf.debugging.assert_positive(
            num_windows, message="every text must have at least "
            f"sequence_size={self._sequence_size} characters")
        with tf.control_dependencies([check]):
            num_chars = num_windows * self._sequence_size
        per_char = {}
        for name, bound in (("elbo_per_char", self._scorer.elbo),
                            ("iw_log_prob_per_char", self._scorer.iw_log_prob)):
            total = tf.math.unsorted_segment_sum(
                bound(windows, seed), text_of_window, tf.size(text))
            per_char[name] = total / tf.cast(num_chars, total.dtype)
        return dict(per_char, num_chars=num_chars)


def _windows(ids: tf.RaggedTensor,
             size: int) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor]:
    """Cuts each row of ids `[B, (L)]` into consecutive windows of `size`.

    Returns:
        The windows `[N, size]`, row by row (a remainder shorter than `size`
        is dropped); the row of each window `[N]`; windows per row `[B]`.
    """
    num_windows = tf.cast(ids.row_lengths() // size, tf.int32)
    row_of_window = tf.repeat(tf.range(tf.size(num_windows)), num_windows)
    index_in_row = tf.ragged.range(num_windows).flat_values
    starts = (tf.gather(tf.cast(ids.row_starts(), tf.int32), row_of_window)
              + index_in_row * size)
    positions = starts[:, tf.newaxis] + tf.range(size)[tf.newaxis, :]
    return tf.gather(ids.flat_values, positions), row_of_window, num_windows
