"""Exports a trained text model as a TensorFlow SavedModel: `export(...)`.

Run as `vaeseq-text export` (Bazel binary `//vaeseq/examples/text:export`).

The SavedModel (see `exported.ExportedModel`) generates and scores text
without vaeseq or the example's Python source::

    model = tf.saved_model.load(export_dir)
    texts = model.generate(num_samples=3, length=100, seed=[1, 2])
    scores = model.score(["Some text to score."], seed=[1, 2])

It is also served through its signatures `generate` (output `output_0`) and
`score`, and carries the run's `vocab.json` and `hparams.json` (with any
overrides applied) in its `assets/` folder.
"""

import os
import secrets
import shutil
import tempfile

import tensorflow as tf

from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir as common_rundir
from vaeseq.examples.text import exported
from vaeseq.examples.text import rundir


def export(log_dir: str, export_dir: str, *, hparams: str | None = None,
           train_corpus: str | None = None) -> None:
    """Writes the latest checkpoint of `log_dir` as a SavedModel.

    The SavedModel appears at `export_dir` whole or not at all: it is
    written to a temporary folder beside it, then renamed.

    Args:
        log_dir: a training directory (see `rundir`).
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
        model_hparams, vocabulary, vae = rundir.load_trained(
            log_dir, hparams, train_corpus)
        if model_hparams.log_prob_samples < 1:
            raise errors.InputError(
                "log_prob_samples must be >= 1, got "
                f"{model_hparams.log_prob_samples}.")
    with tempfile.TemporaryDirectory() as sources:
        assets = {
            "vocab_file": os.path.join(sources, rundir.VOCAB_FILE),
            "hparams_file": os.path.join(sources, common_rundir.HPARAMS_FILE),
        }
        vocabulary.save(assets["vocab_file"])
        with open(assets["hparams_file"], "w", encoding="utf-8") as f:
            f.write(model_hparams.to_json())
        model = exported.ExportedModel(
            vae, vocabulary, model_hparams.sequence_size,
            model_hparams.log_prob_samples, assets)
        _save_atomically(model, export_dir)


def _save_atomically(model: exported.ExportedModel, export_dir: str) -> None:
    """Saves `model` to a folder beside `export_dir`, then renames it."""
    parent = os.path.dirname(os.path.abspath(export_dir))
    os.makedirs(parent, exist_ok=True)
    staging = f"{os.path.abspath(export_dir)}.{secrets.token_hex(8)}.tmp"
    os.mkdir(staging)
    try:
        tf.saved_model.save(model, staging, signatures={
            "generate": model.generate, "score": model.score})
        os.rename(staging, export_dir)  # Replaces an empty folder only.
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
