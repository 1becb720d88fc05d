"""Tests for evaluate.py: the scores of a split and their schema; whole pieces of
different lengths, scored exactly."""

import json
import math

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.midi import evaluate
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import model

KEYS = {"elbo_per_step", "iw_log_prob_per_step", "bits_per_step", "kl_per_step",
        "active_units", "num_steps", "num_samples"}
TINY = dict(rnn_hidden_sizes=[6], latent_size=3, obs_encoder_fc_layers=[5],
            obs_decoder_fc_hidden_layers=[7], latent_decoder_fc_layers=[4])


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
    results = evaluate.evaluate(trained_dir, small_json, seed=1,
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
    ("tiny_mat", "log_prob_samples=0", "log_prob_samples must be >= 1"),
    ("tiny_mat", "latent_size=3", "architecture"),
])
def test_evaluate_bad_input(source, flags, message, trained_dir, tiny_mat,
                            tmp_path):
    source = tiny_mat if source == "tiny_mat" else source and str(tmp_path / source)
    with pytest.raises(errors.InputError, match=message):
        evaluate.evaluate(trained_dir, source, hparams=flags)


def pieces(lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.random([length, 88]) < 0.1).astype(np.float32)
            for length in lengths]


def test_equal_length_batches():
    sequences = pieces([3, 5, 3, 3, 5, 2])
    batches = [(rolls.numpy(), mask.numpy()) for rolls, mask in
               evaluate.equal_length_batches(sequences, batch_size=2)]
    assert [rolls.shape for rolls, _ in batches] == [
        (1, 2, 88), (2, 3, 88), (1, 3, 88), (2, 5, 88)]
    assert all(mask.shape == rolls.shape[:2] and mask.all()
               for rolls, mask in batches)
    np.testing.assert_array_equal(batches[1][0], np.stack(
        [sequences[0], sequences[2]]))


@pytest.fixture(name="rnn", scope="module")
def fixture_rnn():
    vae = model.make_model(hparams_mod.make_hparams(vae_type="RNN", **TINY))
    return vae


def test_scores_add_up_over_pieces(rnn):
    # The RNN model's bounds are exact log-likelihoods, free of sampling,
    # so scoring pieces together or one by one must agree.
    sequences = pieces([4, 7, 4, 2])
    scorer = evaluate.Scorer(rnn, batch_size=3, num_samples=2)
    together = scorer.score(sequences)
    alone = [scorer.score([piece]) for piece in sequences]
    assert together.num_steps == 17
    assert together.num_samples == 2
    assert together.elbo == pytest.approx(sum(s.elbo for s in alone), rel=1e-5)
    assert together.iw_log_prob == pytest.approx(together.elbo, rel=1e-5)
    assert together.elbo_per_step == pytest.approx(together.elbo / 17)
    assert together.elbo < 0


def test_scorer_checks_arguments(rnn):
    with pytest.raises(ValueError, match="batch_size"):
        evaluate.Scorer(rnn, batch_size=0)
    with pytest.raises(ValueError, match="log_prob_samples"):
        evaluate.Scorer(rnn, batch_size=1, num_samples=-1)


def test_long_pieces_come_in_smaller_batches(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PIECE_STEPS", 10)
    sequences = pieces([3, 3, 3, 3, 3, 6, 6, 12])
    shapes = [rolls.shape for rolls, _ in
              evaluate.equal_length_batches(sequences, batch_size=4)]
    # At most 10 steps a batch, but one piece at least.
    assert shapes == [(3, 3, 88), (2, 3, 88), (1, 6, 88), (1, 6, 88), (1, 12, 88)]


if __name__ == "__main__":
    testing.main(__file__)
