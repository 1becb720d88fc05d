"""The paper's recipe end to end on a tiny `.npz` made here, with tiny sizes."""

import json
import os

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.midi import paper_data
from vaeseq.examples.midi import paper_recipe

TINY = ("rnn_hidden_sizes=[6],latent_size=3,obs_encoder_fc_layers=[5,5],"
        "latent_decoder_fc_layers=[4],obs_decoder_fc_hidden_layers=[7]")


def _npz(tmp_path, streams=paper_data.NUM_STREAMS):
    rng = np.random.default_rng(1)
    rolls = lambda *shape: (rng.random((*shape, 88)) < 0.1).astype(np.float32)
    mask = (np.arange(6)[None] < np.array([6, 3, 5])[:, None]).astype(np.float32)
    x_train, x_valid, x_test = rolls(2 * streams, 4), rolls(streams, 4), rolls(3, 6)
    path = str(tmp_path / "tiny.npz")
    np.savez(path, x_train=x_train, u_train=x_train, x_valid=x_valid, u_valid=x_valid,
             x_test=x_test, u_test=x_test, mask_test=mask)
    return path


def test_preset_schedules_follow_the_epochs():
    hparams = paper_recipe.make_hparams("SRNN", steps_per_epoch=17)
    assert hparams.divergence_warmup_steps == 340 == hparams.learning_rate_decay_start
    assert hparams.learning_rate_decay_every == 17
    assert (hparams.rnn_cell, hparams.srnn_backward_input) == ("gru", "state")
    assert hparams.rnn_hidden_sizes == [300] and hparams.latent_size == 100


@pytest.mark.parametrize("vae_type", ["RNN", "SRNN"])
def test_run_trains_selects_and_scores(tmp_path, vae_type):
    log_dir = str(tmp_path / "run")
    lines = []
    report = paper_recipe.run(_npz(tmp_path), vae_type, log_dir, epochs=2, flag_value=TINY,
                              num_samples=2, log=lines.append)
    assert len(lines) == 2 and report["epochs"] == 2 and report["best_epoch"] in (1, 2)
    test = report["test"]
    assert test["pieces"] == 3 and test["steps"] == 14
    for name in ("elbo_per_step", "piece_mean_elbo_per_step", "iw_log_prob_per_step"):
        assert np.isfinite(test[name]) and test[name] < 0, name
    assert np.isfinite(test["kl_per_step"]) and test["kl_per_step"] >= 0
    if vae_type == "RNN":  # No latents: the bound is the exact likelihood, no KL.
        assert test["kl_per_step"] == 0 and test["active_units"] == 0
        np.testing.assert_allclose(test["iw_log_prob_per_step"], test["elbo_per_step"],
                                   rtol=1e-5)
    else:
        assert test["kl_per_step"] > 0
    with open(os.path.join(log_dir, "report.json"), encoding="utf-8") as f:
        assert json.load(f)["test"] == test
    assert any(name.startswith("ckpt-") for name in os.listdir(os.path.join(log_dir, "best")))
    assert any(name.startswith("events.") for name in os.listdir(log_dir))


def test_bad_file_is_a_one_line_error(tmp_path, capsys):
    bad = tmp_path / "bad.npz"
    bad.write_text("no")
    assert paper_recipe.main(["--dataset", str(bad), "--log_dir", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: {bad}: not an .npz file"


if __name__ == "__main__":
    testing.main(__file__)
