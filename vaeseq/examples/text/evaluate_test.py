"""Tests for evaluate.py: `Scorer` and `evaluate`."""

import json
import math

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import model


def test_evaluate_schema(trained_dir, corpora):
    names = [corpora["valid"], corpora["train"]]
    results = evaluate.evaluate(trained_dir, names, seed=0)
    assert list(results) == names
    with open(corpora["valid"], encoding="utf-8") as f:
        valid_length = len(f.read())
    for name, scores in results.items():
        assert set(scores) == {"elbo_per_step", "iw_log_prob_per_step",
                               "bits_per_step", "kl_per_step", "active_units",
                               "num_steps", "num_samples", "corpus_chars",
                               "oov_chars"}
        assert scores["num_samples"] == 2  # log_prob_samples of the run.
        assert scores["num_steps"] % 8 == 0
        assert scores["iw_log_prob_per_step"] < 0
        assert scores["elbo_per_step"] < 0
        assert scores["bits_per_step"] == pytest.approx(
            -scores["iw_log_prob_per_step"] / math.log(2))
        json.dumps(scores)  # Plain JSON types.
    assert results[corpora["valid"]]["num_steps"] == valid_length // 8 * 8
    assert results[corpora["valid"]]["corpus_chars"] == valid_length


def test_oov_chars_are_counted(trained_dir, corpora, tmp_path):
    with open(corpora["valid"], encoding="utf-8") as f:
        text = f.read()[:40]
    path = tmp_path / "snowmen.txt"
    # 41 characters: 5 windows of 8 hold three snowmen; the fourth is in
    # the dropped remainder.
    path.write_text("\u2603" + text[:20] + "\u2603\u2603" + text[20:37]
                    + "\u2603", encoding="utf-8")
    results = evaluate.evaluate(
        trained_dir, [str(path), corpora["valid"]], seed=0)
    assert results[str(path)]["num_steps"] == 40
    assert results[str(path)]["oov_chars"] == 3
    assert results[corpora["valid"]]["oov_chars"] == 0


def test_max_chars(trained_dir, corpora):
    whole = evaluate.evaluate(trained_dir, [corpora["valid"]], seed=0)
    capped = evaluate.evaluate(
        trained_dir, [corpora["valid"]], seed=0, max_chars=20)
    assert capped[corpora["valid"]]["num_steps"] == 16
    assert (capped[corpora["valid"]]["corpus_chars"]
            == whole[corpora["valid"]]["corpus_chars"] == 600)
    with pytest.raises(errors.InputError,
                       match=r"max_eval_chars \(7\) is less than sequence_size"):
        evaluate.evaluate(trained_dir, [corpora["valid"]], max_chars=7)


def test_evaluate_needs_a_corpus(trained_dir):
    with pytest.raises(errors.InputError, match="No corpus"):
        evaluate.evaluate(trained_dir, [])


def test_scorer_seeds(trained_dir):
    _, _, vae = model.load_trained(trained_dir, None)
    scorer = evaluate.Scorer(vae, sequence_size=8, batch_size=3, num_samples=2)
    windows = np.arange(5 * 8, dtype=np.int32).reshape(5, 8) % 20
    first = scorer.score(windows, seed=5)
    assert first == scorer.score(windows, seed=5)
    assert first != scorer.score(windows, seed=6)
    assert (first.num_steps, first.num_samples) == (40, 2)
    assert first.elbo < 0 and first.iw_log_prob < 0


if __name__ == "__main__":
    testing.main(__file__)
