"""Exports a trained text model as a TensorFlow SavedModel: `export(...)`.

Run as `vaeseq-text export` (Bazel binary `//vaeseq/examples/text:export`).

The SavedModel holds an `ExportedModel`, a `tf.Module` whose
`tf.function`s generate and score text with TensorFlow ops only (the
vocabulary is baked in as a `GraphVocabulary`), so that
`tf.saved_model.load` serves it without vaeseq or the example's Python
source::

    model = tf.saved_model.load(export_dir)
    texts = model.generate(num_samples=3, length=100, seed=[1, 2])
    scores = model.score(["Some text to score."], seed=[1, 2])

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

The same `seed` and arguments give the same results. The functions are
also served through the signatures `generate` (output `output_0`) and
`score`, and the SavedModel carries the run's `vocab.json` and
`hparams.json` (with any overrides applied) in its `assets/` folder.
"""

import os
import secrets
import shutil
import tempfile

import tensorflow as tf

from vaeseq import vae as vae_mod
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.common import sampler
from vaeseq.examples.common import scoring
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab

SEED_SPEC = tf.TensorSpec([2], tf.int32, name="seed")


def export(log_dir: str, export_dir: str, *, hparams: str | None = None,
           train_corpus: str | None = None) -> None:
    """Writes the latest checkpoint of `log_dir` as a SavedModel.

    The SavedModel appears at `export_dir` whole or not at all: it is
    written to a temporary folder beside it, then renamed.

    Args:
        log_dir: a training directory (see `model`).
        export_dir: where to write; must not exist, or be an empty folder.
        hparams: overrides in `HParams.parse` syntax: `sequence_size` sets
            the length of the windows `score` scores and `log_prob_samples`
            its K; the architecture cannot change.
        train_corpus: optional; its vocabulary must match the saved one.

    Raises:
        InputError: `export_dir` holds something, bad `hparams`, or a
            missing, corrupt or mismatched training directory.
        CorpusError: an unusable `train_corpus`.
    """
    if os.path.lexists(export_dir) and not (
            os.path.isdir(export_dir) and not os.listdir(export_dir)):
        raise errors.InputError(
            f"Export directory {export_dir} exists and is not an empty "
            "folder; choose another.")
    with errors.bad_input():
        model_hparams, vocabulary, vae = model.load_trained(
            log_dir, hparams, train_corpus)
        if model_hparams.log_prob_samples < 1:
            raise errors.InputError(
                "log_prob_samples must be >= 1, got "
                f"{model_hparams.log_prob_samples}.")
    with tempfile.TemporaryDirectory() as sources:
        assets = {
            "vocab_file": os.path.join(sources, model.VOCAB_FILE),
            "hparams_file": os.path.join(sources, common_rundir.HPARAMS_FILE),
        }
        vocabulary.save(assets["vocab_file"])
        with open(assets["hparams_file"], "w", encoding="utf-8") as f:
            f.write(model_hparams.to_json())
        exported = ExportedModel(
            vae, vocabulary, model_hparams.sequence_size,
            model_hparams.log_prob_samples, assets)
        _save_atomically(exported, export_dir)


def _save_atomically(exported: "ExportedModel", export_dir: str) -> None:
    """Saves `exported` to a folder beside `export_dir`, then renames it."""
    parent = os.path.dirname(os.path.abspath(export_dir))
    os.makedirs(parent, exist_ok=True)
    staging = f"{os.path.abspath(export_dir)}.{secrets.token_hex(8)}.tmp"
    os.mkdir(staging)
    try:
        tf.saved_model.save(exported, staging, signatures={
            "generate": exported.generate, "score": exported.score})
        os.rename(staging, export_dir)  # Replaces an empty folder only.
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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

    def __init__(self, vae: vae_mod.VAEBase, vocabulary: vocab.Vocabulary,
                 sequence_size: int, num_samples: int, assets: dict[str, str]):
        super().__init__(name="text_model")
        self.vae = vae
        self.vocabulary = GraphVocabulary(vocabulary)
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


class GraphVocabulary(tf.Module):
    """The ids of `vocabulary` as a lookup table and a character table.

    It maps UTF-8 strings to character ids and ids back to strings with
    TensorFlow ops only, exactly as `vocab.Vocabulary.encode` and `decode`
    do.

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
