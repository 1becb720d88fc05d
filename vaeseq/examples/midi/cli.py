"""The command line: `vaeseq-midi {train,generate,evaluate} [flags]`.

Each command takes the flags it uses (`add_flags`; `vaeseq-midi COMMAND
--help` lists them with their defaults, `vaeseq-midi hparams` the
hyperparameters); the Bazel binaries `train`, `generate` and `evaluate` run
this module with their command as its first argument. Under `bazel run`,
relative paths are taken relative to the directory Bazel was run from
(`BUILD_WORKING_DIRECTORY`).

`--dataset` is a benchmark file (`.mat`, `.json`, `.pkl`, with splits
train/valid/test chosen by `--split`) or MIDI files (a file, a directory,
searched recursively, or a glob pattern; no splits), read at `rate` steps
per second (a hyperparameter), or the SRNN paper's `.npz` piano rolls.
With a `.npz` dataset or `--preset srnn_paper`, train and evaluate follow the SRNN
paper's recipe (`vaeseq.examples.midi.paper_recipe`): training on carried
streams for `--epochs`, the best checkpoint by validation ELBO kept in
`log_dir/best` and used by evaluate, the test pieces scored whole.

Exit status, as for every example (`vaeseq.examples.common.cli`): 0 on success, also when a signal
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
    vaeseq-midi train --dataset jsb_raw_batchsize16_seqlen100.npz \\
        --preset srnn_paper --log_dir /tmp/paper --max_seconds 3600
"""

import argparse
import os
import sys
from typing import Sequence

from vaeseq.examples.common import cli
from vaeseq.examples.common import datadir
from vaeseq.examples.common import distributed
from vaeseq.examples.common import errors
from vaeseq.examples.midi import hparams as midi_hparams

# `data.SPLITS`, named here so that parsing flags needs no TensorFlow.
SPLITS = ("train", "valid", "test")
# `paper_recipe.PRESETS` and `paper_recipe.EPOCHS`, named here so that
# parsing flags needs no TensorFlow.
PRESETS = ("srnn_paper",)
EPOCHS = 50
# The split each command reads by default; generate reads no data.
DEFAULT_SPLITS = {"train": "train", "generate": None, "evaluate": "test"}


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Adds the flags of `command` to `parser`."""
    cli.add_shared_flags(
        parser, command, hparams_example="vae_type=SRNN,sequence_size=64",
        example_presets={"srnn_paper": "the SRNN paper's model, schedules and "
                         "carried-stream training (a new run)"})
    if command in ("train", "evaluate"):
        parser.add_argument(
            "--dataset", help="a .mat/.json/.pkl/.npz benchmark file, or MIDI files: "
            "a file, a directory or a glob pattern; a relative path missing here is "
            "looked for in $VAESEQ_DATA_DIR and its subfolders")
        parser.add_argument(
            "--split", choices=SPLITS, default=DEFAULT_SPLITS[command],
            help="the split of a benchmark file to read (MIDI sources have none)")
    if command == "generate":
        parser.add_argument("--samples", type=int, default=5, help="pieces to generate")
        parser.add_argument("--out_dir", help="where the .mid, .wav and .png files go")
    if command == "train":
        parser.add_argument(
            "--log_every", type=int, default=100, help="steps between scalar summaries")
        parser.add_argument(
            "--sample_every", type=int, default=1000,
            help="steps between sample summaries (images and audio)")
        parser.add_argument(
            "--epochs", type=int, default=EPOCHS,
            help="on streams (a .npz dataset or --preset srnn_paper): passes over "
            "the training streams")
        parser.add_argument(
            "--max_seconds", type=float, help="stop (and save) after training this long")


def _on_streams(args: argparse.Namespace) -> bool:
    """Whether a command follows the paper's recipe (see the module docstring)."""
    return (getattr(args, "preset", None) in PRESETS
            or (getattr(args, "dataset", None) or "").endswith(".npz"))


def main(argv: Sequence[str] | None = None) -> int:
    """Runs `vaeseq-midi COMMAND [flags]` with `argv` (default
    `sys.argv[1:]`); returns the exit status (see `CommandLine.main`)."""
    return COMMAND_LINE.main(argv)


def _resolve_dataset(args: argparse.Namespace, base: str) -> None:
    """Under `bazel run`, `--dataset` relative to `base` if it is there.

    Otherwise it is left as given, for `_check` to find in
    `$VAESEQ_DATA_DIR`.
    """
    if getattr(args, "dataset", None):
        joined = cli.resolve_path(base, args.dataset)
        if os.path.exists(joined) or datadir.is_pattern(args.dataset):
            args.dataset = joined


def _check(args: argparse.Namespace) -> None:
    """Checks the MIDI flags before TensorFlow loads (see `CommandLine`).

    A relative `--dataset` missing from the working directory is taken from
    `$VAESEQ_DATA_DIR` or its subfolders (`common.datadir`).
    """
    if args.command in ("train", "evaluate"):
        if not args.dataset:
            raise errors.InputError("No data source: pass --dataset.")
        if not os.path.exists(args.dataset) and not datadir.is_pattern(args.dataset):
            try:
                found = datadir.find(args.dataset)
            except datadir.AmbiguousError as err:
                raise errors.InputError(str(err)) from None
            if found is None:
                raise errors.InputError(f"dataset not found: {args.dataset}"
                                        f"{datadir.places_looked(args.dataset)}")
            args.dataset = found
    if args.command == "generate" and args.samples < 1:
        raise errors.InputError(f"--samples must be >= 1, got {args.samples}.")
    for name in ("log_every", "sample_every", "epochs"):
        if getattr(args, name, 1) < 1:
            raise errors.InputError(f"--{name} must be >= 1, got {getattr(args, name)}.")
    if getattr(args, "max_seconds", None) is not None and not args.max_seconds > 0:
        raise errors.InputError(f"--max_seconds must be > 0, got {args.max_seconds}.")


def _run_train(args: argparse.Namespace) -> int:
    if _on_streams(args):
        recipe = cli.import_quietly("vaeseq.examples.midi.paper_recipe")
        result = recipe.train(
            args.log_dir, args.dataset,
            preset=args.preset if args.preset in PRESETS else None, hparams=args.hparams,
            epochs=args.epochs, iters=args.iters, max_seconds=args.max_seconds,
            log_every=args.log_every, save_every=args.save_every, seed=args.seed)
        cli.report_training(result.step, result.stopped_by, args.log_dir)
        return 0
    train = cli.import_quietly("vaeseq.examples.midi.train")
    strategy = distributed.strategy_from_flags(args)  # Before other TF work.
    schedule = train.Schedule(
        iters=args.iters, log_every=args.log_every,
        valid_every=args.sample_every, save_every=args.save_every,
        max_seconds=args.max_seconds)
    result = train.train(
        args.log_dir, args.dataset, schedule, split=args.split,
        hparams=args.hparams, seed=args.seed, strategy=strategy)
    cli.report_training(result.step, result.stopped_by, args.log_dir)
    return 0


def _run_generate(args: argparse.Namespace) -> int:
    model = cli.import_quietly("vaeseq.examples.midi.model")
    for path in model.generate(
            args.log_dir, args.out_dir, samples=args.samples,
            hparams=args.hparams, seed=args.seed):
        print(path)
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    if _on_streams(args) or os.path.isdir(os.path.join(args.log_dir, "best")):
        recipe = cli.import_quietly("vaeseq.examples.midi.paper_recipe")
        results = recipe.evaluate(args.log_dir, args.dataset, split=args.split,
                                  hparams=args.hparams, seed=args.seed)
        for name, scores in results.items():
            print(f"{name}: " + ", ".join(
                f"{key} {value}" for key, value in scores.items() if key != "split"))
        if args.output_json:
            cli.write_json(args.output_json, results)
        return 0
    evaluate = cli.import_quietly("vaeseq.examples.midi.evaluate")
    results = evaluate.evaluate(
        args.log_dir, args.dataset, split=args.split, hparams=args.hparams,
        seed=args.seed)
    for name, scores in results.items():
        print(f"{name}: ELBO {scores['elbo_per_step']:.4f} "
              f"nats/step, IW bound {scores['iw_log_prob_per_step']:.4f} "
              f"nats/step (K={scores['num_samples']}), "
              f"{scores['bits_per_step']:.4f} bits/step over "
              f"{scores['num_steps']} steps")
    if args.output_json:
        cli.write_json(args.output_json, results)
    return 0


COMMAND_LINE = cli.CommandLine(
    prog="vaeseq-midi", description=__doc__, subject="MIDI model",
    commands={"train": _run_train, "generate": _run_generate,
              "evaluate": _run_evaluate},
    add_flags=add_flags,
    path_flags=("log_dir", "out_dir", "output_json"), resolve_paths=_resolve_dataset,
    spec=midi_hparams.SPEC, check=_check)


if __name__ == "__main__":
    sys.exit(main())
