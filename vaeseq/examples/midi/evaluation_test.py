"""Tests for evaluation.py: the scores of a split and their schema."""

import json
import math

import pytest

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.midi import evaluation

KEYS = {"elbo_per_step", "iw_log_prob_per_step", "bits_per_step", "num_steps",
        "num_samples"}


@pytest.fixture(name="small_json")
def fixture_small_json(tmp_path):
    """A benchmark file whose test split has pieces of 6, 9 and 6 steps."""
    chords = [[60, 64, 67], [62, 65, 69], [], [59, 62, 67, 74]]
    pieces = [[chords[(i + j) % 4] for i in range(length)]
              for j, length in enumerate([6, 9, 6])]
    path = tmp_path / "small.json"
    path.write_text(json.dumps({"test": pieces}), encoding="utf-8")
    return str(path)


def test_evaluate_test_split(trained_dir, small_json, dir_state):
    before = dir_state(trained_dir)
    results = evaluation.evaluate(trained_dir, small_json, seed=1,
                                  hparams="log_prob_samples=3")
    assert list(results) == [f"{small_json}:test"]
    scores = results[f"{small_json}:test"]
    assert set(scores) == KEYS
    assert scores["num_steps"] == 21  # Every step of every test piece.
    assert scores["num_samples"] == 3
    # Barely trained: near 88 coin flips, log(1/2) nats per key.
    assert -100 < scores["elbo_per_step"] < -20
    # Jensen: the K-sample bound is at least the ELBO on average; allow
    # for the noise of the one-sample ELBO.
    assert scores["iw_log_prob_per_step"] >= scores["elbo_per_step"] - 0.5
    assert scores["bits_per_step"] == pytest.approx(
        -scores["iw_log_prob_per_step"] / math.log(2))
    assert dir_state(trained_dir) == before


@pytest.mark.parametrize("source, flags, message", [
    ("missing.mat", "", "not found"),
    (None, "", "pass --dataset"),
    ("jsb", "log_prob_samples=0", "log_prob_samples must be >= 1"),
    ("jsb", "latent_size=3", "architecture"),
])
def test_evaluate_bad_input(source, flags, message, trained_dir, jsb,
                            tmp_path):
    source = jsb if source == "jsb" else source and str(tmp_path / source)
    with pytest.raises(errors.InputError, match=message):
        evaluation.evaluate(trained_dir, source, hparams=flags)


if __name__ == "__main__":
    testing.main(__file__)
