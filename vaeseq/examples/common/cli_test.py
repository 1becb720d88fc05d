"""Tests for cli.py: parsers, shared flags, exit statuses, one-line errors, paths."""

import argparse
import json
import os

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.common import cli
from vaeseq.examples.common import errors
from vaeseq.examples.common import hparams as hparams_mod


def add_flags(parser, command):
    parser.add_argument("--log_dir", required=True)
    parser.add_argument("--other")
    parser.add_argument("--raise", dest="to_raise", default="")
    parser.set_defaults(flags_for=command)


RAISED = {
    "input": errors.InputError("bad\n   input"),
    "os": OSError("disk full"),
    "nan": FloatingPointError(""),
    "interrupt": KeyboardInterrupt(),
    "pipe": BrokenPipeError(32, "Broken pipe"),
}


def run_command(args):
    if args.to_raise:
        raise RAISED[args.to_raise]
    print(f"{args.flags_for} {args.log_dir} {args.other}")
    return 0


COMMAND_LINE = cli.CommandLine(
    prog="vaeseq-toy", description="Toy commands.", subject="toy",
    commands={"train": run_command, "evaluate": run_command},
    add_flags=add_flags, path_flags=("log_dir",))


def test_commands(capsys):
    assert COMMAND_LINE.main(["evaluate", "--log_dir", "d"]) == 0
    assert capsys.readouterr().out == "evaluate d None\n"
    assert COMMAND_LINE.main(["train", "--log_dir", "e"]) == 0
    assert capsys.readouterr().out == "train e None\n"


@pytest.mark.parametrize("raised, status, message", [
    ("input", 2, "vaeseq-toy train: error: bad input\n"),
    ("os", 1, "vaeseq-toy train: error: disk full\n"),
    ("nan", 1, "vaeseq-toy train: error: FloatingPointError\n"),
    ("interrupt", 130, ""),
    ("pipe", 141, ""),
])
def test_exit_statuses(raised, status, message, capsys):
    assert COMMAND_LINE.main(
        ["train", "--log_dir", "d", "--raise", raised]) == status
    assert capsys.readouterr().err == message


def test_ctrl_c_while_tensorflow_loads(monkeypatch, capsys):
    def interrupted(module):
        assert module == "tensorflow"
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "import_quietly", interrupted)
    assert COMMAND_LINE.main(["train", "--log_dir", "d"]) == 130
    assert capsys.readouterr() == ("", "")


def test_bugs_keep_their_traceback():
    def buggy(args):
        raise KeyError(args.log_dir)

    command_line = cli.CommandLine("p", "", "toy", {"train": buggy}, add_flags)
    with pytest.raises(KeyError):
        command_line.main(["train", "--log_dir", "d"])


def test_usage_errors_are_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        COMMAND_LINE.main(["train", "--bogus"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("vaeseq-toy train: error:")
    with pytest.raises(SystemExit):
        COMMAND_LINE.main(["train"])
    assert capsys.readouterr().err.startswith("vaeseq-toy train: error: the following")
    with pytest.raises(SystemExit):
        COMMAND_LINE.main([])
    assert capsys.readouterr().err.startswith("vaeseq-toy: error:")


def test_paths_under_bazel_run(monkeypatch, capsys):
    def resolve_other(args, base):
        args.other = f"{base}:{args.other}"

    command_line = cli.CommandLine(
        "p", "", "toy", {"train": run_command}, add_flags,
        path_flags=("log_dir",), resolve_paths=resolve_other)
    command_line.main(["train", "--log_dir", "rel", "--other", "x"])
    assert capsys.readouterr().out == "train rel x\n"
    monkeypatch.setenv("BUILD_WORKING_DIRECTORY", "/work")
    command_line.main(["train", "--log_dir", "rel", "--other", "x"])
    assert capsys.readouterr().out == "train /work/rel /work:x\n"
    command_line.main(["train", "--log_dir", "/abs"])
    assert capsys.readouterr().out.startswith("train /abs ")
    assert cli.resolve_path("/work", "") == ""
    assert cli.resolve_path("/work", None) is None


def test_shared_flags_help_and_defaults():
    parser = argparse.ArgumentParser()
    cli.add_shared_flags(parser, "train", hparams_example="vae_type=RNN,x=2",
                         log_dir_holds="vocabulary", iters=50, iteration="iteration",
                         save_every=5)
    help_text = " ".join(parser.format_help().split())
    assert "checkpoints, hparams.json, vocabulary and TensorBoard logs" in help_text
    assert 'e.g. "vae_type=RNN,x=2"' in help_text
    assert "iterations between checkpoints" in help_text
    args = parser.parse_args(["--log_dir", "d"])
    assert (args.iters, args.save_every, args.hparams, args.seed) == (50, 5, "", None)
    assert not hasattr(args, "output_json")  # Only evaluate writes scores.
    plain = argparse.ArgumentParser()
    cli.add_shared_flags(plain, "evaluate", hparams_example="vae_type=SRNN")
    assert "checkpoints, hparams.json and TensorBoard logs" in " ".join(
        plain.format_help().split())
    args = plain.parse_args(["--log_dir", "d", "--output_json", "s.json"])
    assert args.output_json == "s.json" and not hasattr(args, "iters")


def test_presets_apply_under_hparams(capsys):
    def shared_flags(parser, command):
        cli.add_shared_flags(parser, command, hparams_example="x=1",
                             example_presets={"mine": "the example's own"})

    def show(args):
        print(f"{args.preset} {args.hparams}")
        return 0

    command_line = cli.CommandLine("p", "", "toy", {"train": show}, shared_flags)
    assert command_line.main(["train", "--log_dir", "d", "--preset", "vaeseq2017",
                              "--hparams", "learning_rate=1e-3"]) == 0
    assert capsys.readouterr().out == (
        "vaeseq2017 divergence_schedule=hyperbolic,divergence_strength_start=1e-5,"
        "divergence_strength_half=1e5,learning_rate=1e-3\n")
    assert command_line.main(["train", "--log_dir", "d", "--preset", "mine"]) == 0
    assert capsys.readouterr().out == "mine \n"  # The example applies its own.
    assert command_line.main(["train", "--log_dir", "d", "--preset", "vaeseq2017",
                              "--hparams", "a=[1"]) == 2
    assert capsys.readouterr().err.startswith("p train: error: Malformed")
    with pytest.raises(SystemExit):
        command_line.main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "mine: the example's own; vaeseq2017: the original VAE-Seq optimisation" in help_text


def test_checks_before_tensorflow_and_the_hparams_command(tmp_path, monkeypatch, capsys):
    def shared_flags(parser, command):
        cli.add_shared_flags(parser, command, hparams_example="x=1")

    def never(module):
        raise AssertionError(f"{module} imported for bad input")

    def check(args):
        if args.seed == 13:
            raise errors.InputError("unlucky")

    spec = hparams_mod.ExampleHParams({"width": (3, "How wide.")}, {}, ("width",))
    command_line = cli.CommandLine(
        "p", "", "toy", {"train": lambda args: 0}, shared_flags, spec=spec, check=check)
    monkeypatch.setattr(cli, "import_quietly", never)
    log_dir = tmp_path / "run"
    for argv, message in (
            (["--hparams", "width=abc"], "Hyperparameter 'width'"),
            (["--hparams", "latent_size=0"], "latent_size must hold positive sizes"),
            (["--iters", "-1"], "--iters must be >= 0"),
            (["--save_every", "0"], "--save_every must be >= 1"),
            (["--seed", "13"], "unlucky")):
        assert command_line.main(["train", "--log_dir", str(log_dir), *argv]) == 2
        assert capsys.readouterr().err.startswith(f"p train: error: {message}")
    (tmp_path / "file").write_text("x")
    assert command_line.main(["train", "--log_dir", str(tmp_path / "file")]) == 2
    assert "is not a directory" in capsys.readouterr().err
    log_dir.mkdir()  # A trained run's hparams.json fixes the architecture.
    (log_dir / "hparams.json").write_text(spec.make("width=5").to_json())
    assert command_line.main(["train", "--log_dir", str(log_dir), "--hparams", "width=6"]) == 2
    assert "cannot change the architecture" in capsys.readouterr().err
    assert command_line.main(["hparams"]) == 0
    assert capsys.readouterr().out == spec.describe()


def test_report_training(capsys):
    cli.report_training(7, "SIGTERM", "/logs")
    cli.report_training(9, None, "/logs")
    assert capsys.readouterr().err == (
        "Stopped by SIGTERM at step 7; checkpoint saved in /logs.\n"
        "Reached step 9; checkpoint saved in /logs.\n")


def test_write_json(tmp_path):
    path = str(tmp_path / "out" / "scores.json")
    cli.write_json(path, {"b": 1, "a": [0.5, float(np.float32(15.1))]})
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.endswith("}\n") and text.index('"a"') < text.index('"b"')
    assert json.loads(text) == {"a": [0.5, 15.1], "b": 1}  # No float32 noise.
    assert os.listdir(tmp_path / "out") == ["scores.json"]


if __name__ == "__main__":
    testing.main(__file__)
