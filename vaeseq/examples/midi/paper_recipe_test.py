"""The paper's recipe end to end on tiny data made here, with tiny sizes."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.midi import cli
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model as model_mod
from vaeseq.examples.midi import paper_data
from vaeseq.examples.midi import paper_recipe
from vaeseq.examples.midi import testdata

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

TINY = testdata.PAPER_TINY_HPARAMS


def _npz(tmp_path):
    return testdata.paper_npz(tmp_path)


def test_preset_schedules_follow_the_epochs():
    values = paper_recipe.preset_values(steps_per_epoch=17)
    assert values["divergence_warmup_steps"] == 340 == values["learning_rate_decay_start"]
    assert values["learning_rate_decay_every"] == 17
    assert (values["rnn_cell"], values["srnn_backward_input"]) == ("gru", "state")
    assert values["rnn_hidden_sizes"] == [300] and values["latent_size"] == 100
    assert values["latent_decoder_separate_heads"] and values["activation"] == "clipped_leaky_relu"
    assert cli.PRESETS == paper_recipe.PRESETS and cli.EPOCHS == paper_recipe.EPOCHS


@pytest.mark.parametrize("vae_type", ["RNN", "SRNN"])
def test_train_keeps_the_best_and_evaluate_scores_with_it(tmp_path, vae_type):
    log_dir, data = str(tmp_path / "run"), _npz(tmp_path)
    result = paper_recipe.train(log_dir, data, preset="srnn_paper",
                                hparams=f"{TINY},vae_type={vae_type}", epochs=3)
    assert result.step == 6 and result.stopped_by is None  # 2 batches of streams an epoch.
    with open(os.path.join(log_dir, "hparams.json"), encoding="utf-8") as f:
        saved = json.load(f)
    assert saved["divergence_warmup_steps"] == 40 and saved["rnn_cell"] == "gru"
    with open(os.path.join(log_dir, "best", "score.json"), encoding="utf-8") as f:
        best = json.load(f)
    assert best["step"] in (2, 4, 6) and np.isfinite(best["valid_elbo_per_step"])
    scores = paper_recipe.evaluate(log_dir, data)[f"{data}:test"]
    assert scores["split"] == "test" and scores["checkpoint"] == f"ckpt-{best['step']}"
    assert scores["pieces"] == 3 and scores["steps"] == 14 and scores["first_frame_given"]
    for name in ("elbo_per_step", "piece_mean_elbo_per_step", "iw_log_prob_per_step"):
        assert np.isfinite(scores[name]) and scores[name] < 0, name
    if vae_type == "RNN":  # No latents: the bound is the exact likelihood, no KL.
        assert scores["kl_per_step"] == 0 and scores["active_units"] == 0
        np.testing.assert_allclose(scores["iw_log_prob_per_step"], scores["elbo_per_step"],
                                   atol=2e-4)
    else:
        assert scores["kl_per_step"] > 0
    # With the seed validation used (its step), evaluate scores the best checkpoint alike.
    valid = paper_recipe.evaluate(log_dir, data, split="valid", seed=best["step"])[
        f"{data}:valid"]
    np.testing.assert_allclose(valid["elbo_per_step"], best["valid_elbo_per_step"], atol=1e-3)
    # Resuming to more epochs continues from the last step.
    assert paper_recipe.train(log_dir, data, epochs=4).step == 8


def test_pieces_from_a_benchmark_file_are_laid_out_as_streams(tmp_path):
    """A `.json` benchmark (pitch lists) trains as masked streams, scored from an empty start."""
    rng = np.random.default_rng(2)
    def pieces(lengths):
        return [[sorted(set(rng.integers(40, 80, 3).tolist())) for _ in range(n)]
                for n in lengths]
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps({"train": pieces([30, 12, 50]), "valid": pieces([20, 9]),
                                "test": pieces([7, 4])}))
    log_dir = str(tmp_path / "run")
    assert paper_recipe.train(log_dir, str(path), preset="srnn_paper", hparams=TINY,
                              epochs=1).step == 1
    scores = paper_recipe.evaluate(log_dir, str(path))[f"{path}:test"]
    assert scores["steps"] == 11 and scores["first_frame_given"] is False
    assert np.isfinite(scores["elbo_per_step"])


def test_cli_runs_the_recipe(tmp_path, capsys):
    log_dir, data = str(tmp_path / "run"), _npz(tmp_path)
    assert cli.main(["train", "--dataset", data, "--log_dir", log_dir, "--preset",
                     "srnn_paper", "--hparams", TINY, "--epochs", "1"]) == 0
    out_json = str(tmp_path / "scores.json")
    assert cli.main(["evaluate", "--dataset", data, "--log_dir", log_dir,
                     "--output_json", out_json]) == 0
    assert "piece_mean_elbo_per_step" in capsys.readouterr().out
    with open(out_json, encoding="utf-8") as f:
        assert json.load(f)[f"{data}:test"]["split"] == "test"


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_cli_bad_npz_is_one_line_and_status_2(tmp_path, capsys, command):
    arrays = dict(np.load(_npz(tmp_path)))
    arrays["mask_test"] = arrays["mask_test"][:, :4]
    bad = str(tmp_path / "bad.npz")
    np.savez(bad, **arrays)
    log_dir = str(tmp_path / "run")
    if command == "evaluate":  # A trained run to evaluate with.
        assert cli.main(["train", "--dataset", _npz(tmp_path), "--log_dir", log_dir,
                         "--hparams", TINY, "--epochs", "1"]) == 0
        capsys.readouterr()
    assert cli.main([command, "--dataset", bad, "--log_dir", log_dir]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"vaeseq-midi {command}: error: {bad}: mask_test has shape [3, 4], "
                   "x_test's pieces [3, 6]"]


def test_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_text("no")
    log_dir = str(tmp_path / "run")
    with pytest.raises(errors.InputError, match="not an .npz file"):
        paper_recipe.train(log_dir, str(bad), preset="srnn_paper")
    with pytest.raises(errors.InputError, match="unknown preset 'x'"):
        paper_recipe.train(log_dir, _npz(tmp_path), preset="x")
    assert not os.path.exists(log_dir)


if __name__ == "__main__":
    testing.main(__file__)


def test_test_pieces_draw_the_bound_in_passes(monkeypatch):
    """Over `MAX_DRAWN_STEPS`, a batch's K draws come in passes; the ELBO is unchanged."""
    hparams = hparams_mod.SPEC.make(f"{TINY},vae_type=SRNN")
    model = model_mod.make_model(hparams)
    rng = np.random.default_rng(0)
    mask = (np.arange(4)[np.newaxis] < np.array([[4], [2], [3]])).astype(np.float32)
    pieces = paper_data.Pieces((rng.random([3, 4, 88]) < 0.1).astype(np.float32), mask)
    whole = paper_recipe.Scorer(model, 5).pieces(pieces, True, batch_size=3)
    monkeypatch.setattr(paper_recipe, "MAX_DRAWN_STEPS", 2 * 3 * 4)  # Passes of 2 draws.
    passes = paper_recipe.Scorer(model, 5).pieces(pieces, True, batch_size=3)
    assert passes["elbo_per_step"] == whole["elbo_per_step"]
    assert passes["iw_samples"] == 5 and passes["iw_log_prob_per_step"] != whole[
        "iw_log_prob_per_step"]
    # What the library gives for the same draws (the scorer's seed for its first batch).
    rolls = tf.constant(pieces.rolls)
    state = paper_recipe._first_frame_state(model, rolls)
    contexts, _ = model.agent.observe_sequence(agent_mod.null_inputs(3, 4), rolls, state.agent)
    iw = model.iw_log_prob(contexts, rolls, 5, seed=tf.constant([0, 0]), mask=tf.constant(mask),
                           initial_state=state, samples_per_pass=2)
    np.testing.assert_allclose(passes["iw_log_prob_per_step"], float(tf.reduce_sum(iw)) / 9,
                               rtol=1e-5)
