"""`bench.flags`: bad values are one-line usage errors."""

import argparse

import pytest

from bench import flags


def test_positive_int():
    assert flags.positive_int("3") == 3
    for bad in ("0", "-2", "x", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            flags.positive_int(bad)
    assert flags.positive_ints("512,256") == [512, 256]
    with pytest.raises(argparse.ArgumentTypeError):
        flags.positive_ints("512,,256")


def test_text_model_flags(capsys):
    parser = argparse.ArgumentParser(prog="tool")
    flags.add_text_model_flags(parser)
    hparams = flags.text_model_hparams(
        parser, parser.parse_args(["--vae_type", "SRNN", "--hparams", "rnn_hidden_sizes=[8]"]))
    assert hparams.vae_type == "SRNN" and list(hparams.rnn_hidden_sizes) == [8]
    for argv in (["--vae_type", "FOO"], ["--hparams", "bogus=1"]):
        with pytest.raises(SystemExit) as exit_info:
            flags.text_model_hparams(parser, parser.parse_args(argv))
        assert exit_info.value.code == 2
        assert capsys.readouterr().err.strip().splitlines()[-1].startswith("tool: error: ")


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
