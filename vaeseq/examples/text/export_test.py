"""Tests for export.py: a SavedModel used without vaeseq; the vocabulary as ops."""

import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import sampler
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import export
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab

# Four windows of the tiny run's 8 characters (one batch of evaluate's, so
# its draws are the export's), with an out-of-vocabulary character, then a
# remainder too short for a window.
TEXT = "The \u20ac quick brown fox jumps over; xyz"
OTHER = "a shorter text"  # One window.

# Loads the export in a process that never imports vaeseq, generates and
# scores, and prints the results as JSON.
FRESH_PROCESS = """
import json, sys
import tensorflow as tf
export_dir, text, other, seeds = json.loads(sys.argv[1])
model = tf.saved_model.load(export_dir)
samples = model.generate(tf.constant(5), tf.constant(13), tf.constant(seeds[0]))
alone = [model.score(tf.constant([text]), tf.constant(seed)) for seed in seeds]
both = model.score(tf.constant([text, other]), tf.constant(seeds[0]))
try:
    model.score(tf.constant(["short"]), tf.constant(seeds[0]))
    short_error = None
except tf.errors.InvalidArgumentError as err:
    short_error = err.message
assets = {}
for name in ("vocab_file", "hparams_file"):
    with open(getattr(model, name).asset_path.numpy().decode(), encoding="utf-8") as f:
        assets[name] = json.load(f)
print(json.dumps({
    "samples": [s.decode("utf-8") for s in samples.numpy().tolist()],
    "elbo": float(alone[0]["elbo_per_char"][0]),
    "iw_log_prob": float(alone[1]["iw_log_prob_per_char"][0]),
    "both": {key: value.numpy().tolist() for key, value in both.items()},
    "short_error": short_error,
    "signatures": sorted(model.signatures),
    "assets": assets,
    "vaeseq_imported": "vaeseq" in sys.modules,
}))
"""


@pytest.fixture(name="export_dir", scope="module")
def fixture_export_dir(trained_dir, tmp_path_factory) -> str:
    export_dir = str(tmp_path_factory.mktemp("export") / "model")
    export.export(trained_dir, export_dir)
    return export_dir


def run_fresh(export_dir, seeds, tmp_path):
    """Runs `FRESH_PROCESS` outside the repository; returns its results."""
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS,
         json.dumps([export_dir, TEXT, OTHER, seeds])],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_saved_model_generates_and_scores_without_vaeseq(
        export_dir, trained_dir, tmp_path):
    seed_stream = sampler.seed_stream(5)
    seeds = [next(seed_stream).numpy().tolist() for _ in range(2)]
    got = run_fresh(export_dir, seeds, tmp_path)
    assert not got["vaeseq_imported"]
    assert got["signatures"] == ["generate", "score"]

    hparams, vocabulary, vae = model.load_trained(trained_dir, None)
    with open(os.path.join(trained_dir, model.VOCAB_FILE),
              encoding="utf-8") as f:
        assert got["assets"]["vocab_file"] == json.load(f)
    assert got["assets"]["hparams_file"] == json.loads(hparams.to_json())

    # The samples are the model's own draws, decoded by the vocabulary.
    assert len(got["samples"]) == 5
    assert all(len(sample) == 13 for sample in got["samples"])
    assert set("".join(got["samples"])) <= (
        set(vocabulary.chars) | {vocab.REPLACEMENT_CHAR})
    ids = sampler.Sampler(vae).draw(5, 13, tf.constant(seeds[0]))
    assert got["samples"] == [vocabulary.decode(row) for row in ids.numpy()]

    # Scores are evaluate's, which draws with the same two seeds.
    text_path = tmp_path / "text.txt"
    text_path.write_text(TEXT, encoding="utf-8")
    want = evaluate.evaluate(trained_dir, [str(text_path)], seed=5,
                             progress_stream=io.StringIO())
    assert want[str(text_path)]["num_steps"] == 32
    assert want[str(text_path)]["oov_chars"] == 1
    np.testing.assert_allclose(
        got["elbo"], want[str(text_path)]["elbo_per_step"], rtol=1e-5)
    np.testing.assert_allclose(
        got["iw_log_prob"], want[str(text_path)]["iw_log_prob_per_step"],
        rtol=1e-5)

    both = got["both"]
    assert both["num_chars"] == [32, 8]
    # TEXT's windows come first in the batch, and take the same draws.
    assert both["elbo_per_char"][0] == pytest.approx(got["elbo"], rel=1e-5)
    assert np.all(np.isfinite(both["elbo_per_char"] +
                              both["iw_log_prob_per_char"]))
    assert "sequence_size=8 characters" in got["short_error"]


def test_export_keeps_hparams_overrides(trained_dir, tmp_path):
    export_dir = str(tmp_path / "model")
    export.export(trained_dir, export_dir,
                  hparams="sequence_size=4,log_prob_samples=3")
    loaded = tf.saved_model.load(export_dir)
    scores = loaded.score(tf.constant(["abcdefghij"]), tf.constant([1, 2]))
    assert scores["num_chars"].numpy().tolist() == [8]
    with open(loaded.hparams_file.asset_path.numpy(), encoding="utf-8") as f:
        saved = json.load(f)
    assert (saved["sequence_size"], saved["log_prob_samples"]) == (4, 3)


def test_failed_export_leaves_nothing(trained_dir, tmp_path, monkeypatch):
    def failing_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tf.saved_model, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        export.export(trained_dir, str(tmp_path / "model"))
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("oov_buckets", [1, 3])
def test_encode_matches_vocabulary(oov_buckets):
    vocabulary = vocab.Vocabulary("eta ô", oov_buckets)
    texts = ["a tea", "", "zô€\U0001f600e", "teeeta"]
    ids = export.GraphVocabulary(vocabulary).encode(tf.constant(texts))
    assert ids.dtype == tf.int32
    for row, text in zip(ids.to_list(), texts):
        np.testing.assert_array_equal(row, vocabulary.encode(text))


def test_encode_reads_bad_utf8_as_replacement():
    vocabulary = vocab.Vocabulary("ab", 2)
    ids = export.GraphVocabulary(vocabulary).encode(
        tf.constant([b"a\xffb"]))
    np.testing.assert_array_equal(
        ids.to_list()[0], vocabulary.encode("a" + vocab.REPLACEMENT_CHAR + "b"))


def test_decode_matches_vocabulary():
    vocabulary = vocab.Vocabulary("xyé", 2)
    ids = np.array([[0, 1, 2, 3], [4, 2, 2, 0]], np.int32)
    texts = export.GraphVocabulary(vocabulary).decode(tf.constant(ids))
    assert [t.decode("utf-8") for t in texts.numpy()] == [
        vocabulary.decode(row) for row in ids]


if __name__ == "__main__":
    testing.main(__file__)
