"""The command line: `vaeseq-text {train,generate,evaluate,export} [flags]`.

Each command takes the flags it uses (`add_flags`; `vaeseq-text COMMAND
--help` lists them with their defaults, `vaeseq-text hparams` the
hyperparameters). The Bazel binaries `train`, `generate`, `evaluate` and
`export` run this module with their command as the first argument, so that
`bazel run //vaeseq/examples/text:train -- FLAGS` is `vaeseq-text train
FLAGS`. Under `bazel run`, relative paths are taken relative to the
directory Bazel was run from (`BUILD_WORKING_DIRECTORY`).

Exit status (`vaeseq.examples.common.cli`): 0 on success, also when a
signal (Ctrl-C, SIGTERM) stopped training and a checkpoint was saved; 2 for
bad input (flags, hyperparameters, corpora, log directory), found before
anything is written; 1 when running failed (an I/O error, a non-finite
loss); 130 when Ctrl-C stopped generation or evaluation. Errors are one
line, `prog: error: message`, on stderr.

A corpus is a named one (`tinyshakespeare`, `pydocs`) or a path; a relative
path that is not in the working directory is looked for in
`$VAESEQ_DATA_DIR`, so `--eval_corpus pride_and_prejudice.txt` finds
`$VAESEQ_DATA_DIR/pride_and_prejudice.txt`. Examples::

    vaeseq-text train --train_corpus tinyshakespeare --log_dir /tmp/text \\
        --hparams "vae_type=SRNN,sequence_size=40" --iters 100000
    vaeseq-text generate --log_dir /tmp/text \\
        --hparams "sequence_size=1000" --samples 20
    vaeseq-text evaluate --log_dir /tmp/text \\
        --eval_corpus valid.txt,other.txt --output_json scores.json
    vaeseq-text export --log_dir /tmp/text --export_dir /tmp/text-model

`export` writes a TensorFlow SavedModel that generates and scores text
without vaeseq (see `vaeseq.examples.text.export`); it refuses an
`--export_dir` that exists and is not an empty folder.
"""

import argparse
import os
import sys
from typing import Sequence

from vaeseq.examples.common import cli
from vaeseq.examples.common import distributed
from vaeseq.examples.common import errors
from vaeseq.examples.text import data
from vaeseq.examples.text import hparams as text_hparams

SEPARATOR = "=" * 80
# Enough for a bits-per-character estimate; a whole corpus (Tiny
# Shakespeare's 1.1M characters) takes minutes to score.
DEFAULT_MAX_EVAL_CHARS = 100_000


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Adds the flags of `command` to `parser`."""
    cli.add_shared_flags(parser, command, hparams_example="vae_type=SRNN,sequence_size=40",
                         log_dir_holds="vocabulary")
    parser.add_argument(
        "--train_corpus", help="training corpus: 'tinyshakespeare', 'pydocs' "
        "or a path (relative paths missing from the working directory are "
        "looked for in $VAESEQ_DATA_DIR)" + ("" if command == "train" else
        "; optional, checked against the saved vocabulary"))
    if command == "train":
        parser.add_argument(
            "--valid_corpus", help="validation corpus (name or path, as for "
            "--train_corpus), scored periodically during training")
        parser.add_argument(
            "--log_every", type=int, default=100, help="steps between scalar summaries")
        parser.add_argument(
            "--valid_every", type=int, default=1000,
            help="steps between validations and sample summaries")
    if command == "generate":
        parser.add_argument(
            "--samples", type=int, default=20, help="sequences to draw, at least 1; "
            "each is printed as soon as its batch is drawn")
    if command == "evaluate":
        parser.add_argument(
            "--eval_corpus", default="", help="comma-separated corpora (names or "
            "paths, as for --train_corpus) to evaluate")
        parser.add_argument(
            "--max_eval_chars", type=int, default=DEFAULT_MAX_EVAL_CHARS,
            help="score at most the first N characters of each corpus (0 scores them whole)")
    if command == "export":
        parser.add_argument(
            "--export_dir", help="where to write the SavedModel (must not exist, or be "
            "an empty folder)")


def main(argv: Sequence[str] | None = None) -> int:
    """Runs `vaeseq-text COMMAND [flags]`; returns the exit status.

    Args:
        argv: the command and its flags; `sys.argv[1:]` if None (see
            `CommandLine.main`).
    """
    return COMMAND_LINE.main(argv)


def _check(args: argparse.Namespace) -> None:
    """Checks the text flags before TensorFlow loads (see `CommandLine`)."""
    if args.command == "train" and not args.train_corpus:
        raise errors.InputError("train needs --train_corpus.")
    if args.command == "export" and not args.export_dir:
        raise errors.InputError("export needs --export_dir.")
    if args.command == "generate" and args.samples < 1:
        raise errors.InputError(f"--samples must be >= 1, got {args.samples}.")
    if getattr(args, "max_eval_chars", 0) < 0:
        raise errors.InputError(f"--max_eval_chars must be >= 0, got {args.max_eval_chars}.")
    for name in ("log_every", "valid_every"):
        if getattr(args, name, 1) < 1:
            raise errors.InputError(f"--{name} must be >= 1, got {getattr(args, name)}.")
    named = [args.train_corpus, getattr(args, "valid_corpus", None),
             *getattr(args, "eval_corpus", "").split(",")]
    for name in named:
        if name and name not in data.CORPUS_NAMES:
            data.resolve_corpus(name)  # Raises if found nowhere.


def _run_train(args: argparse.Namespace) -> int:
    train = cli.import_quietly("vaeseq.examples.text.train")
    strategy = distributed.strategy_from_flags(args)  # Before other TF work.
    schedule = train.Schedule(
        iters=args.iters, log_every=args.log_every,
        valid_every=args.valid_every, save_every=args.save_every)
    result = train.train(
        args.log_dir, args.train_corpus, schedule,
        valid_corpus=args.valid_corpus, hparams=args.hparams, seed=args.seed,
        strategy=strategy)
    cli.report_training(result.step, result.stopped_by, args.log_dir)
    return 0


def _run_generate(args: argparse.Namespace) -> int:
    model = cli.import_quietly("vaeseq.examples.text.model")
    texts = model.generate(
        args.log_dir, samples=args.samples, hparams=args.hparams,
        train_corpus=args.train_corpus, seed=args.seed)
    for text in texts:  # Each is printed as soon as its batch is drawn.
        print(text)
        print(SEPARATOR, flush=True)
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    corpora = [name for name in args.eval_corpus.split(",") if name]
    evaluate = cli.import_quietly("vaeseq.examples.text.evaluate")
    vocab = cli.import_quietly("vaeseq.examples.text.vocab")
    results = evaluate.evaluate(
        args.log_dir, corpora, hparams=args.hparams,
        train_corpus=args.train_corpus, seed=args.seed,
        max_chars=args.max_eval_chars or None)
    for name, scores in results.items():
        print(f"{name}: ELBO {scores['elbo_per_step']:.4f} nats/char, "
              f"IW bound {scores['iw_log_prob_per_step']:.4f} nats/char "
              f"(K={scores['num_samples']}), {scores['bits_per_step']:.4f} "
              f"bits/char over {scores['num_steps']} of "
              f"{scores['corpus_chars']} characters, {scores['oov_chars']} "
              "outside the vocabulary")
        if scores["oov_chars"]:
            print(vocab.oov_warning(name, scores["oov_chars"],
                                    scores["num_steps"]), file=sys.stderr)
    if args.output_json:
        cli.write_json(args.output_json, results)
    return 0


def _run_export(args: argparse.Namespace) -> int:
    export = cli.import_quietly("vaeseq.examples.text.export")
    export.export(args.log_dir, args.export_dir, hparams=args.hparams,
                  train_corpus=args.train_corpus)
    print(f"SavedModel written to {args.export_dir}", file=sys.stderr)
    return 0


def _resolve_paths(args: argparse.Namespace, base: str) -> None:
    """Makes the corpus flags relative to `base`, except corpus names.

    A relative path missing from `base` but present in `$VAESEQ_DATA_DIR`
    is taken from there.
    """

    def resolve(name: str | None) -> str | None:
        if not name or name in data.CORPUS_NAMES:
            return name
        path = cli.resolve_path(base, name)
        if os.path.exists(path):
            return path
        return data.in_data_dir_or_none(name) or path

    args.train_corpus = resolve(args.train_corpus)
    if args.command == "train":
        args.valid_corpus = resolve(args.valid_corpus)
    if args.command == "evaluate":
        args.eval_corpus = ",".join(resolve(name) for name in args.eval_corpus.split(","))


COMMAND_LINE = cli.CommandLine(
    prog="vaeseq-text", description=__doc__, subject="text model",
    commands={"train": _run_train, "generate": _run_generate,
              "evaluate": _run_evaluate, "export": _run_export},
    add_flags=add_flags,
    path_flags=("log_dir", "output_json", "export_dir"), resolve_paths=_resolve_paths,
    spec=text_hparams.SPEC, check=_check)


if __name__ == "__main__":
    sys.exit(main())
