"""Tests for cli.py: bad input, and training stopped by a signal in a real process."""

import json
import os
import pathlib
import signal
import subprocess
import sys

import pytest

from vaeseq import testing
from vaeseq.examples.midi import cli
from vaeseq.examples.midi import data
from vaeseq.examples.midi import testdata

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

REPO_ROOT = pathlib.Path(os.path.abspath(__file__)).parents[3]


def run_cli(argv, capsys):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, err, command):
    assert status == 2, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith(f"vaeseq-midi {command}: error: "), err


def test_splits_match_the_dataset():
    assert cli.SPLITS == data.SPLITS


def corrupt_midi_dir(tmp_path):
    directory = tmp_path / "midi"
    directory.mkdir()
    (directory / "a.mid").write_bytes(b"MThd garbage")
    (directory / "b.midi").write_bytes(b"")
    return str(directory)


@pytest.mark.parametrize("source, flags, message", [
    ("missing.mat", "", "not found"),
    ("missing_dir", "", "not found"),
    (None, "", "pass --dataset"),
    ("corrupt_midi", "", "no readable MIDI files"),
    ("corrupt.mat", "", "cannot parse"),
    ("tiny_mat", ",no_such_hparam=1", "no_such_hparam"),
    ("tiny_mat", ",rnn_hidden_sizes=[16", "Malformed"),
    ("tiny_mat", ",sequence_size=abc", "sequence_size"),
    ("tiny_mat", ",vae_type=XYZ", "vae_type"),
    ("tiny_mat", ",rate=0", "rate must be positive"),
])
def test_train_bad_input(source, flags, message, tmp_path, tiny_mat, tiny_hparams,
                         capsys):
    (tmp_path / "corrupt.mat").write_bytes(b"not a MATLAB file")
    paths = {None: None, "tiny_mat": tiny_mat, "corrupt_midi": corrupt_midi_dir(tmp_path)}
    source = paths.get(source, str(tmp_path / (source or "")))
    log_dir = tmp_path / "log"
    argv = ["train", "--log_dir", str(log_dir), "--iters", "2",
            "--hparams", tiny_hparams + flags]
    status, out, err = run_cli(
        argv + (["--dataset", source] if source else []), capsys)
    assert_one_line_error(status, err, "train")
    assert message in err
    assert not out
    assert not log_dir.exists()


def untrusted_source(kind, tmp_path):
    """A small file that is bad input for every command."""
    if kind == "billion_step_pickle":
        return testdata.repeated_piece_pickle(tmp_path / "bomb.pkl", 50_000, 20_000)
    if kind == "hour_long_midi":
        return testdata.long_midi(tmp_path / "hour.mid", 3600.0)
    path = tmp_path / f"{kind}.json"
    train = {"empty_piece": [[]], "float_pitch": [[[60.5]]]}[kind]
    path.write_text(json.dumps({"train": train, "test": train}))
    return str(path)


UNTRUSTED = [
    ("billion_step_pickle", "over the limit of 2000000 steps per split"),
    ("hour_long_midi", "has 115200 steps, over the limit of 50000 steps per piece"),
    ("empty_piece", "piece 0: is empty"),
    ("float_pitch", "piece 0: pitch 60.5 at step 0 is not an integer"),
]


@pytest.mark.parametrize("kind, message", UNTRUSTED)
def test_train_refuses_untrusted_input(kind, message, tmp_path, tiny_hparams, capsys):
    log_dir = tmp_path / "log"
    status, out, err = run_cli(
        ["train", "--log_dir", str(log_dir), "--iters", "1", "--hparams", tiny_hparams,
         "--dataset", untrusted_source(kind, tmp_path)], capsys)
    assert_one_line_error(status, err, "train")
    assert message in err
    assert not out
    assert not log_dir.exists()


@pytest.fixture(name="trained_on_json", scope="module")
def fixture_trained_on_json(tmp_path_factory, tiny_hparams):
    """A tiny RNN trained for one step on a tiny benchmark file (no shared data)."""
    directory = tmp_path_factory.mktemp("json_run")
    data = directory / "tiny.json"
    data.write_text(json.dumps({"train": [[[60, 64], [62]] * 5], "test": [[[60]] * 3]}))
    log_dir = str(directory / "log")
    assert cli.main(["train", "--dataset", str(data), "--log_dir", log_dir, "--iters", "1",
                     "--hparams", "vae_type=RNN," + tiny_hparams]) == 0
    return log_dir, str(data)


@pytest.mark.parametrize("kind, message", UNTRUSTED)
def test_evaluate_refuses_untrusted_input(kind, message, trained_on_json, tmp_path, dir_state,
                                          capsys):
    log_dir, _ = trained_on_json
    before = dir_state(log_dir)
    output = tmp_path / "scores.json"
    status, out, err = run_cli(
        ["evaluate", "--log_dir", log_dir, "--dataset", untrusted_source(kind, tmp_path),
         "--output_json", str(output)], capsys)
    assert_one_line_error(status, err, "evaluate")
    assert message in err
    assert not out
    assert not output.exists()
    assert dir_state(log_dir) == before


def test_evaluate_keys_scores_by_path_and_split(trained_on_json, tmp_path, capsys):
    log_dir, data = trained_on_json
    output = tmp_path / "scores.json"
    status, out, err = run_cli(["evaluate", "--log_dir", log_dir, "--dataset", data,
                                "--output_json", str(output)], capsys)
    assert status == 0, err
    assert out.startswith(f"{data}:test: ELBO ")
    scores = json.loads(output.read_text())
    assert list(scores) == [f"{data}:test"]
    assert scores[f"{data}:test"]["num_steps"] == 3


def test_usage_errors_are_one_line(tmp_path, capsys):
    for argv in (["train", "--log_dir", str(tmp_path), "--bogus"],
                 ["evaluate", "--log_dir", str(tmp_path), "--split", "dev"]):
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("vaeseq-midi"), err
        assert ": error: " in err


@pytest.mark.parametrize("command", ["train", "generate", "evaluate"])
def test_runs_as_a_script_given_the_command(command, tmp_path):
    """As the Bazel binaries run it: cli.py, its command first, then the flags."""
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "vaeseq" / "examples" / "midi" / "cli.py"),
         command, "--log_dir", str(tmp_path / "log"), "--hparams", "rate=0"],
        capture_output=True, text=True, timeout=120, check=False,
        env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"vaeseq-midi {command}: error: rate must be positive, got 0.0.\n"
    assert not result.stdout
    assert not (tmp_path / "log").exists()


def corrupt_state(log_dir):
    pathlib.Path(log_dir, "checkpoint").write_bytes(b"\x00garbage{{")


def corrupt_index(log_dir):
    pathlib.Path(log_dir, "ckpt-3.index").write_bytes(b"not an index")


def command_flags(command, dataset, out_dir):
    """The flags of `command` that the tests below need besides --log_dir."""
    return {"train": ["--iters", "5", "--dataset", dataset],
            "generate": ["--out_dir", str(out_dir)],
            "evaluate": ["--dataset", dataset]}[command]


@pytest.mark.parametrize("command", ["train", "generate", "evaluate"])
@pytest.mark.parametrize("damage, flags, message", [
    (corrupt_state, [], "Corrupt checkpoint state"),
    (corrupt_index, [], "Cannot restore checkpoint"),
    (None, ["--hparams", "rnn_hidden_sizes=[32]"], "architecture"),
    (None, ["--hparams", "sequence_size=[1,"], "Malformed"),
])
def test_bad_log_dir_or_flags(command, damage, flags, message,
                              copy_of_trained, tiny_mat, tmp_path, dir_state,
                              capsys):
    if damage is not None:
        damage(copy_of_trained)
    before = dir_state(copy_of_trained)
    out_dir = tmp_path / "samples"
    status, out, err = run_cli(
        [command, "--log_dir", copy_of_trained]
        + command_flags(command, tiny_mat, out_dir) + flags, capsys)
    assert_one_line_error(status, err, command)
    assert message in err
    assert not out
    assert dir_state(copy_of_trained) == before
    assert not out_dir.exists()


@pytest.mark.parametrize("command", ["generate", "evaluate"])
def test_needs_a_checkpoint(command, tiny_mat, tmp_path, dir_state, capsys):
    (tmp_path / "empty").mkdir()
    for log_dir in (str(tmp_path / "empty"), str(tmp_path / "missing")):
        before = dir_state(log_dir)
        status, _, err = run_cli(
            [command, "--log_dir", log_dir]
            + command_flags(command, tiny_mat, tmp_path / "samples"), capsys)
        assert_one_line_error(status, err, command)
        assert "No checkpoint" in err
        assert dir_state(log_dir) == before
    assert not (tmp_path / "samples").exists()


def test_signal_stops_training_then_generate_and_evaluate(
        tmp_path, tiny_mat, tiny_benchmarks, tiny_hparams, capsys):
    """Train in a real process until SIGTERM; use what it saved."""
    log_dir = str(tmp_path / "log")
    with subprocess.Popen(
            [sys.executable, "-m", "vaeseq.examples.midi.cli", "train",
             "--dataset", tiny_mat, "--log_dir", log_dir, "--hparams",
             "vae_type=RNN," + tiny_hparams, "--iters", "1000000",
             "--save_every", "1000000"],
            stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PYTHONPATH=str(REPO_ROOT))) as train:
        for line in train.stderr:
            if line.startswith("1/1000000 "):
                break
        train.send_signal(signal.SIGTERM)
        rest = train.stderr.read()
    assert train.returncode == 0, rest
    assert "Stopped by SIGTERM at step" in rest
    step = int(rest.split("Stopped by SIGTERM at step ")[1].split(";")[0])
    assert os.path.exists(os.path.join(log_dir, f"ckpt-{step}.index"))

    out_dir = tmp_path / "samples"
    status, out, err = run_cli(
        ["generate", "--log_dir", log_dir, "--out_dir", str(out_dir),
         "--samples", "2", "--hparams", "sequence_size=5"], capsys)
    assert status == 0, err
    assert out.split() == [str(out_dir / f"sample_00{i}{suffix}")
                           for i in range(2) for suffix in (".mid", ".wav", ".png")]

    output = tmp_path / "scores.json"
    status, out, err = run_cli(
        ["evaluate", "--log_dir", log_dir, "--dataset", tiny_mat, "--split",
         "valid", "--output_json", str(output)], capsys)
    assert status == 0, err
    assert out.startswith(f"{tiny_mat}:valid: ELBO ") and out.count("\n") == 1
    scores = json.loads(output.read_text())
    assert list(scores) == [f"{tiny_mat}:valid"]
    valid = scores[f"{tiny_mat}:valid"]
    assert valid["num_steps"] == tiny_benchmarks.split_sizes[testdata.JSB_MAT, "valid"][1]
    assert valid["iw_log_prob_per_step"] == pytest.approx(
        valid["elbo_per_step"])  # The RNN model has no latents.


if __name__ == "__main__":
    testing.main(__file__)
