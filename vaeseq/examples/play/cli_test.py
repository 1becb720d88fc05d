"""Tests for cli.py: a tiny real run of every command, and bad input."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from vaeseq import testing
from vaeseq.examples.common import test_support
from vaeseq.examples.play import cli

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

TINY_HPARAMS = (
    "latent_size=3,rnn_hidden_sizes=[6],obs_encoder_fc_layers=[7],"
    "obs_decoder_fc_hidden_layers=[8],latent_decoder_fc_layers=[9],policy_layers=[10],"
    "episodes_per_iter=2,model_steps_per_iter=2,policy_steps_per_iter=2,"
    "imagine_batch_size=4,imagine_steps=5,batch_size=2,sequence_size=4")


def run_cli(argv, capsys):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(name="trained_dir", scope="module")
def fixture_trained_dir(tmp_path_factory):
    log_dir = str(tmp_path_factory.mktemp("play") / "log")
    status = cli.main(["train", "--log_dir", log_dir, "--hparams", TINY_HPARAMS,
                       "--iters", "2", "--seed", "1"])
    assert status == 0
    return log_dir


def test_train_resumes(trained_dir, tmp_path, capsys):
    log_dir = str(tmp_path / "log")
    shutil.copytree(trained_dir, log_dir)
    status, _, err = run_cli(["train", "--log_dir", log_dir, "--iters", "3",
                              "--hparams", "imagine_steps=4"], capsys)
    assert status == 0, err
    assert "Reached step 3" in err
    saved = json.loads(pathlib.Path(log_dir, "hparams.json").read_text())
    assert saved["imagine_steps"] == 4 and saved["policy_layers"] == [10]


def test_evaluate_writes_json(trained_dir, tmp_path, capsys):
    output = tmp_path / "scores.json"
    status, out, err = run_cli(["evaluate", "--log_dir", trained_dir, "--episodes", "3",
                                "--seed", "0", "--output_json", str(output)], capsys)
    assert status == 0, err
    scores = json.loads(output.read_text())
    assert set(scores) == {"policy", "random"}
    for name, score in scores.items():
        assert score["episodes"] == 3 and score["min"] >= 1 and score["std"] >= 0
        assert f"{name}: mean return {score['mean']:.1f}" in out


@pytest.mark.parametrize("flags", [[], ["--latest", "--sampled"]])
def test_run_shows_an_episode_as_text(flags, trained_dir, capsys):
    status, out, err = run_cli(["run", "--log_dir", trained_dir, "--seed", "4"] + flags, capsys)
    assert status == 0, err
    assert "step    0" in out and "[===]" in out
    last = out.strip().split("\n")[-1]
    assert last.startswith("episode 1: return ")


@pytest.mark.parametrize("command, flags, message", [
    ("train", ["--hparams", "no_such_hparam=1"], "no_such_hparam"),
    ("train", ["--hparams", "policy_layers=[3"], "Malformed"),
    ("train", ["--hparams", "vae_type=RNN"], "architecture"),
    ("train", ["--iters", "-1"], "iters"),
    ("train", ["--max_seconds", "0"], "max_seconds"),
    ("train", ["--hparams", "learning_rate=nan"], "learning_rate must be a positive"),
    ("evaluate", ["--episodes", "0"], "episodes"),
    ("evaluate", ["--hparams", "policy_layers=[4]"], "architecture"),
    ("run", ["--hparams", "discount=high"], "discount"),
])
def test_bad_input_leaves_the_log_dir_alone(command, flags, message, trained_dir, capsys):
    before = test_support.directory_state(trained_dir)
    status, _, err = run_cli([command, "--log_dir", trained_dir] + flags, capsys)
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith(f"vaeseq-play {command}: error: "), err
    assert message in err
    assert test_support.directory_state(trained_dir) == before


def test_train_offers_no_strategy(tmp_path, capsys):
    """The play loop runs on one device: there is no --strategy to ignore."""
    with pytest.raises(SystemExit) as exited:  # argparse's usage error.
        cli.main(["train", "--log_dir", str(tmp_path / "log"), "--strategy", "mirrored"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err == "vaeseq-play: error: unrecognized arguments: --strategy mirrored\n"
    assert not (tmp_path / "log").exists()


def test_missing_or_corrupt_log_dirs(trained_dir, tmp_path, capsys):
    for command in ("evaluate", "run"):
        status, _, err = run_cli([command, "--log_dir", str(tmp_path / "none")], capsys)
        assert status == 2 and "No checkpoint" in err
    assert not (tmp_path / "none").exists()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    status, _, err = run_cli(["train", "--log_dir", str(a_file)], capsys)
    assert status == 2 and "not a directory" in err
    broken = tmp_path / "broken"
    shutil.copytree(trained_dir, broken)
    (broken / "checkpoint").write_bytes(b"\x00garbage{{")
    before = test_support.directory_state(broken)
    for command in ("train", "evaluate"):
        status, _, err = run_cli([command, "--log_dir", str(broken)], capsys)
        assert status == 2 and "checkpoint" in err.lower(), err
    assert test_support.directory_state(broken) == before


def test_script_takes_the_command_first_as_bazel_runs_it(tmp_path):
    """The Bazel binaries run this file with their command as the first argument."""
    log_dir = tmp_path / "log"
    result = subprocess.run(
        [sys.executable, cli.__file__, "train", "--log_dir", str(log_dir), "--iters", "-1"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("vaeseq-play train: error: ") and "iters" in result.stderr
    assert not log_dir.exists()


def test_installed_command_usage_error(tmp_path):
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "vaeseq-play"), "fly",
         "--log_dir", str(tmp_path)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "invalid choice" in result.stderr


if __name__ == "__main__":
    testing.main(__file__)
