"""The command line: `vaeseq-text {train,generate,evaluate} [flags]`.

All three commands take the same flags (defined once, in `add_flags`); the
Bazel binaries `train`, `generate` and `evaluate` run one command each with
those flags. Under `bazel run`, relative paths are taken relative to the
directory Bazel was run from (`BUILD_WORKING_DIRECTORY`).

Exit status: 0 on success, also when a signal (Ctrl-C, SIGTERM) stopped
training and a checkpoint was saved; 2 for bad input (flags,
hyperparameters, corpora, log directory), found before anything is written;
1 when running failed (an I/O error, a non-finite loss); 130 when Ctrl-C
stopped generation or evaluation. Errors are one line,
`prog: error: message`, on stderr. Examples::

    vaeseq-text train --train_corpus tinyshakespeare --log_dir /tmp/text \\
        --hparams "vae_type=SRNN,sequence_size=40" --iters 100000
    vaeseq-text generate --log_dir /tmp/text \\
        --hparams "sequence_size=1000" --samples 20
    vaeseq-text evaluate --log_dir /tmp/text \\
        --eval_corpus valid.txt,other.txt --output_json scores.json
"""

import argparse
import importlib
import json
import os
import sys
from typing import Sequence

from vaeseq.examples.text import corpus
from vaeseq.examples.text import errors

COMMANDS = ("train", "generate", "evaluate")
SEPARATOR = "=" * 80
# Whether to mute TensorFlow's start-up messages; see `_import_quietly`.
_MUTE_IMPORTS = "TF_CPP_MIN_LOG_LEVEL" not in os.environ


class _Parser(argparse.ArgumentParser):
    """Reports usage errors on one line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Adds the flags shared by all commands to `parser`."""
    parser.add_argument(
        "--train_corpus", help="training corpus: a path, 'tinyshakespeare' "
        "or 'pydocs'; for generate/evaluate, optional, checked against the "
        "saved vocabulary")
    parser.add_argument(
        "--valid_corpus", help="validation corpus (name or path), scored "
        "periodically during training")
    parser.add_argument(
        "--log_dir", required=True,
        help="checkpoints, hparams.json, vocabulary and TensorBoard logs")
    parser.add_argument(
        "--hparams", default="", help='overrides, e.g. "vae_type=SRNN,'
        'sequence_size=40"; after training only non-architectural ones '
        "(sequence_size, batch_size, log_prob_samples, ...) may change")
    parser.add_argument(
        "--iters", type=int, default=1_000_000,
        help="train until the global step reaches this many steps in total")
    parser.add_argument(
        "--samples", type=int, default=20, help="sequences to generate")
    parser.add_argument(
        "--eval_corpus", default="",
        help="comma-separated corpora (names or paths) to evaluate")
    parser.add_argument(
        "--output_json", help="evaluate: also write the scores to this file")
    parser.add_argument(
        "--seed", type=int, help="random seed, for repeatable runs")
    parser.add_argument(
        "--log_every", type=int, default=100,
        help="train: steps between scalar summaries")
    parser.add_argument(
        "--valid_every", type=int, default=1000,
        help="train: steps between validations and sample summaries")
    parser.add_argument(
        "--save_every", type=int, default=1000,
        help="train: steps between checkpoints")


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of one command, or of `vaeseq-text COMMAND` if None."""
    if command is not None:
        parser = _Parser(prog=command, description=__doc__,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
        add_flags(parser)
        parser.set_defaults(command=command)
        return parser
    parser = _Parser(prog="vaeseq-text", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        add_flags(subparsers.add_parser(name, help=f"{name} the text model"))
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
    parser = make_parser(command)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    prog = parser.prog if command else f"{parser.prog} {args.command}"
    _resolve_paths(args)
    tf_errors = _import_quietly("tensorflow").errors
    try:
        return _COMMAND_RUNNERS[args.command](args)
    except (errors.InputError, corpus.CorpusError) as err:
        _print_error(prog, err)
        return 2
    except (OSError, tf_errors.OpError, FloatingPointError) as err:
        _print_error(prog, err)
        return 1
    except KeyboardInterrupt:
        return 130


def _print_error(prog: str, err: Exception) -> None:
    message = " ".join(str(err).split()) or type(err).__name__
    print(f"{prog}: error: {message}", file=sys.stderr)


def _run_train(args: argparse.Namespace) -> int:
    if not args.train_corpus:
        raise errors.InputError("train needs --train_corpus.")
    training = _import_quietly("vaeseq.examples.text.training")
    schedule = training.Schedule(
        iters=args.iters, log_every=args.log_every,
        valid_every=args.valid_every, save_every=args.save_every)
    result = training.train(
        args.log_dir, args.train_corpus, schedule,
        valid_corpus=args.valid_corpus, hparams=args.hparams, seed=args.seed)
    if result.stopped_by:
        print(f"Stopped by {result.stopped_by} at step {result.step}; "
              f"checkpoint saved in {args.log_dir}.", file=sys.stderr)
    else:
        print(f"Reached step {result.step}; checkpoint saved in "
              f"{args.log_dir}.", file=sys.stderr)
    return 0


def _run_generate(args: argparse.Namespace) -> int:
    sampling = _import_quietly("vaeseq.examples.text.sampling")
    texts = sampling.generate(
        args.log_dir, samples=args.samples, hparams=args.hparams,
        train_corpus=args.train_corpus, seed=args.seed)
    for text in texts:
        print(text)
        print(SEPARATOR)
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    corpora = [name for name in args.eval_corpus.split(",") if name]
    evaluation = _import_quietly("vaeseq.examples.text.evaluation")
    results = evaluation.evaluate(
        args.log_dir, corpora, hparams=args.hparams,
        train_corpus=args.train_corpus, seed=args.seed)
    for name, scores in results.items():
        print(f"{name}: ELBO {scores['elbo_per_step']:.4f} nats/char, "
              f"IW bound {scores['iw_log_prob_per_step']:.4f} nats/char "
              f"(K={scores['num_samples']}), {scores['bits_per_step']:.4f} "
              f"bits/char over {scores['num_steps']} characters")
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

    def resolve(path: str | None, named_ok: bool = False) -> str | None:
        if not path or (named_ok and path in corpus.CORPUS_NAMES):
            return path
        return os.path.join(base, path)

    args.log_dir = resolve(args.log_dir)
    args.output_json = resolve(args.output_json)
    args.train_corpus = resolve(args.train_corpus, named_ok=True)
    args.valid_corpus = resolve(args.valid_corpus, named_ok=True)
    args.eval_corpus = ",".join(
        resolve(name, named_ok=True) for name in args.eval_corpus.split(","))


def _import_quietly(module: str):
    """Imports `module`, hiding what TensorFlow prints while it loads.

    Some of TensorFlow's C++ start-up messages (CUDA probing, CPU features)
    bypass its log level, so stderr is muted during the import, and the
    level is set to hide the others (such as a failed CUDA probe on a
    machine without a GPU). Setting `TF_CPP_MIN_LOG_LEVEL` yourself keeps
    them all.
    """
    if module in sys.modules or not _MUTE_IMPORTS:
        return importlib.import_module(module)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.stderr.flush()
    saved_fd = os.dup(2)
    try:
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                return importlib.import_module(module)
            finally:
                sys.stderr.flush()
                os.dup2(saved_fd, 2)
    finally:
        os.close(saved_fd)


if __name__ == "__main__":
    sys.exit(main())
