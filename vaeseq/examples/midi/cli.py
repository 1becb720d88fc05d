"""The command line: `vaeseq-midi {train,generate,evaluate} [flags]`.

All three commands take the same flags (defined once, in `add_flags`); the
Bazel binaries `train`, `generate` and `evaluate` run one command each with
those flags. Under `bazel run`, relative paths are taken relative to the
directory Bazel was run from (`BUILD_WORKING_DIRECTORY`).

`--dataset` is a benchmark file (`.mat`, `.json`, `.pkl`, with splits
train/valid/test chosen by `--split`) or MIDI files (a file, a directory,
searched recursively, or a glob pattern; no splits), read at `rate` steps
per second (a hyperparameter).

Exit status, as for `vaeseq-text`: 0 on success, also when a signal
(Ctrl-C, SIGTERM) stopped training and a checkpoint was saved; 2 for bad
input (flags, hyperparameters, data, log directory), found before anything
is written; 1 when running failed (an I/O error, a non-finite loss); 130
when Ctrl-C stopped generation or evaluation. Errors are one line,
`prog: error: message`, on stderr. Examples::

    vaeseq-midi train --dataset JSB_Chorales.mat --log_dir /tmp/jsb \\
        --hparams "vae_type=SRNN" --iters 20000
    vaeseq-midi generate --log_dir /tmp/jsb --out_dir /tmp/jsb/samples \\
        --hparams "sequence_size=128,rate=4" --samples 5
    vaeseq-midi evaluate --log_dir /tmp/jsb --dataset JSB_Chorales.mat \\
        --split test --output_json scores.json
"""

import argparse
import json
import os
import sys
from typing import Sequence

from vaeseq.examples.text import cli as text_cli
from vaeseq.examples.text import corpus
from vaeseq.examples.text import errors

COMMANDS = ("train", "generate", "evaluate")
# `dataset.SPLITS`, named here so that parsing flags needs no TensorFlow.
SPLITS = ("train", "valid", "test")
# The split each command reads by default; generate reads no data.
DEFAULT_SPLITS = {"train": "train", "generate": None, "evaluate": "test"}


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Adds the flags shared by all commands to `parser` for `command`."""
    parser.add_argument(
        "--dataset", help="a .mat/.json/.pkl benchmark file, or MIDI files: "
        "a file, a directory or a glob pattern")
    parser.add_argument(
        "--split", choices=SPLITS, default=DEFAULT_SPLITS[command],
        help="the split of a benchmark file to read (MIDI sources have "
        "none); default: train for train, test for evaluate")
    parser.add_argument(
        "--log_dir", required=True,
        help="checkpoints, hparams.json and TensorBoard logs")
    parser.add_argument(
        "--hparams", default="", help='overrides, e.g. "vae_type=SRNN,'
        'sequence_size=64"; after training only non-architectural ones '
        "(sequence_size, batch_size, rate, log_prob_samples, ...) may change")
    parser.add_argument(
        "--iters", type=int, default=1_000_000,
        help="train until the global step reaches this many steps in total")
    parser.add_argument(
        "--samples", type=int, default=5, help="pieces to generate")
    parser.add_argument(
        "--out_dir", help="generate: where the .mid, .wav and .png files go")
    parser.add_argument(
        "--output_json", help="evaluate: also write the scores to this file")
    parser.add_argument(
        "--seed", type=int, help="random seed, for repeatable runs")
    parser.add_argument(
        "--log_every", type=int, default=100,
        help="train: steps between scalar summaries")
    parser.add_argument(
        "--sample_every", type=int, default=1000,
        help="train: steps between sample summaries (images and audio)")
    parser.add_argument(
        "--save_every", type=int, default=1000,
        help="train: steps between checkpoints")


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of one command, or of `vaeseq-midi COMMAND` if None."""
    # pylint: disable=protected-access
    if command is not None:
        parser = text_cli._Parser(
            prog=command, description=__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        add_flags(parser, command)
        parser.set_defaults(command=command)
        return parser
    parser = text_cli._Parser(
        prog="vaeseq-midi", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(
        dest="command", required=True, parser_class=text_cli._Parser)
    for name in COMMANDS:
        add_flags(subparsers.add_parser(name, help=f"{name} the MIDI model"),
                  name)
    return parser


def main(argv: Sequence[str] | None = None,
         command: str | None = None) -> int:
    """Runs a command; returns the exit status.

    Args:
        argv: the arguments after the program name; `sys.argv[1:]` if None.
        command: run this command, with `argv` holding only flags (the
            program is then named after the command); if None, `argv`
            starts with the command.
    """
    # pylint: disable=protected-access
    parser = make_parser(command)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    prog = parser.prog if command else f"{parser.prog} {args.command}"
    _resolve_paths(args)
    tf_errors = text_cli._import_quietly("tensorflow").errors
    try:
        return _COMMAND_RUNNERS[args.command](args)
    except errors.InputError as err:
        text_cli._print_error(prog, err)
        return 2
    except (OSError, tf_errors.OpError, FloatingPointError) as err:
        text_cli._print_error(prog, err)
        return 1
    except KeyboardInterrupt:
        return 130


def _run_train(args: argparse.Namespace) -> int:
    # pylint: disable=protected-access
    text_training = text_cli._import_quietly("vaeseq.examples.text.training")
    training = text_cli._import_quietly("vaeseq.examples.midi.training")
    schedule = text_training.Schedule(
        iters=args.iters, log_every=args.log_every,
        valid_every=args.sample_every, save_every=args.save_every)
    result = training.train(
        args.log_dir, args.dataset, schedule, split=args.split,
        hparams=args.hparams, seed=args.seed)
    if result.stopped_by:
        print(f"Stopped by {result.stopped_by} at step {result.step}; "
              f"checkpoint saved in {args.log_dir}.", file=sys.stderr)
    else:
        print(f"Reached step {result.step}; checkpoint saved in "
              f"{args.log_dir}.", file=sys.stderr)
    return 0


def _run_generate(args: argparse.Namespace) -> int:
    sampling = text_cli._import_quietly(  # pylint: disable=protected-access
        "vaeseq.examples.midi.sampling")
    for path in sampling.generate(
            args.log_dir, args.out_dir, samples=args.samples,
            hparams=args.hparams, seed=args.seed):
        print(path)
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    evaluation = text_cli._import_quietly(  # pylint: disable=protected-access
        "vaeseq.examples.midi.evaluation")
    results = evaluation.evaluate(
        args.log_dir, args.dataset, split=args.split, hparams=args.hparams,
        seed=args.seed)
    for name, scores in results.items():
        print(f"{name} ({args.split}): ELBO {scores['elbo_per_step']:.4f} "
              f"nats/step, IW bound {scores['iw_log_prob_per_step']:.4f} "
              f"nats/step (K={scores['num_samples']}), "
              f"{scores['bits_per_step']:.4f} bits/step over "
              f"{scores['num_steps']} steps")
    if args.output_json:
        text = json.dumps(results, indent=2, sort_keys=True) + "\n"
        corpus.write_atomically(args.output_json, text.encode("utf-8"))
    return 0


_COMMAND_RUNNERS = {
    "train": _run_train,
    "generate": _run_generate,
    "evaluate": _run_evaluate,
}


def _resolve_paths(args: argparse.Namespace) -> None:
    """Makes relative paths relative to `BUILD_WORKING_DIRECTORY` if set."""
    base = os.environ.get("BUILD_WORKING_DIRECTORY")
    if not base:
        return
    for name in ("dataset", "log_dir", "out_dir", "output_json"):
        path = getattr(args, name)
        if path:
            setattr(args, name, os.path.join(base, path))


if __name__ == "__main__":
    sys.exit(main())
