"""The train commands' `--strategy` and `--cpu_devices` flags."""

import argparse

import pytest
import tensorflow as tf

from vaeseq import distribute
from vaeseq import testing
from vaeseq.examples.common import cli
from vaeseq.examples.common import distributed


def _command_line(strategies):
    """A CommandLine whose `train` records the strategy its flags ask for."""

    def run_train(args: argparse.Namespace) -> int:
        strategies.append(distributed.strategy_from_flags(args))
        return 0

    return cli.CommandLine(
        prog="vaeseq-toy", description="toy", subject="toy model",
        commands={"train": run_train, "generate": lambda args: 0},
        add_flags=lambda parser, command: parser.add_argument("--log_dir"))


def test_the_flags_name_the_library_strategies():
    assert distributed.STRATEGIES == distribute.STRATEGIES


def test_train_takes_the_flags_and_other_commands_do_not(capsys):
    strategies = []
    command_line = _command_line(strategies)
    assert command_line.main(["train", "--strategy", "default"]) == 0
    assert strategies == [tf.distribute.get_strategy()]
    assert command_line.main(["generate"]) == 0
    with pytest.raises(SystemExit) as info:
        command_line.main(["generate", "--strategy", "mirrored"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err == "vaeseq-toy: error: unrecognized arguments: --strategy mirrored\n"


@pytest.mark.parametrize("flags, message", [
    (["--strategy", "default", "--cpu_devices", "2"],
     "cpu_devices applies to the mirrored strategy only"),
    (["--strategy", "multi_worker"], "needs the TF_CONFIG environment variable"),
])
def test_bad_strategy_flags_are_input_errors(flags, message, monkeypatch, capsys):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    strategies = []
    assert _command_line(strategies).main(["train", *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vaeseq-toy train: error: ") and message in err
    assert err.count("\n") == 1
    assert not strategies


def test_unknown_strategy_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        _command_line([]).main(["train", "--strategy", "ring"])
    assert info.value.code == 2
    assert "invalid choice: 'ring'" in capsys.readouterr().err


if __name__ == "__main__":
    testing.main(__file__)
