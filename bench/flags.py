"""Flags of the `python -m bench.*` tools, checked while parsing.

A bad value ends the tool with argparse's one-line usage error (exit
status 2) instead of a traceback from deep inside a measurement.
"""

import argparse

from vaeseq import vae
from vaeseq.examples.text import hparams as text_hparams


def positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def positive_ints(text: str) -> list[int]:
    """An argparse type: comma-separated integers of at least 1, e.g. "512,512"."""
    return [positive_int(part) for part in text.split(",")]


def add_text_model_flags(parser: argparse.ArgumentParser) -> None:
    """--vae_type and --hparams, which `text_model_hparams` reads."""
    parser.add_argument("--vae_type", choices=sorted(vae.VAE_TYPES), default="RNN")
    parser.add_argument("--hparams", default="", help="overrides of the text defaults")


def text_model_hparams(parser: argparse.ArgumentParser, args: argparse.Namespace):
    """The text example's hyperparameters from `add_text_model_flags`'s flags;
    an unknown or malformed override is a usage error."""
    try:
        return text_hparams.make_hparams(args.hparams, vae_type=args.vae_type)
    except ValueError as err:
        parser.error(str(err))
