"""The command lines of the examples: `vaeseq-<example> COMMAND [flags]`.

`CommandLine` builds an example's parser (`prog COMMAND [flags]`; a Bazel
binary runs the same module with its command as the first argument) and
runs a command with the exit status every example shares:

* 0 on success, also when a signal (Ctrl-C, SIGTERM) stopped training and
  a checkpoint was saved;
* 2 for bad input (flags, hyperparameters, data, log directory: an
  `errors.InputError`), found before anything is written;
* 1 when running failed (an I/O error, a TensorFlow error, a non-finite
  loss, the loss of another worker of a multi-worker job: the process then
  exits at once, see `distributed.WorkerLostError`);
* 130 when Ctrl-C stopped a command that does not save;
* 141, silently, when the reader of stdout went away (`generate | head`).

Errors are one line, `prog: error: message`, on stderr; any other
exception is a bug and keeps its traceback. Under `bazel run`, relative
paths are taken relative to the directory Bazel was run from
(`BUILD_WORKING_DIRECTORY`). Example::

    CLI = cli.CommandLine(
        prog="vaeseq-midi", description=__doc__, subject="MIDI model",
        commands={"train": run_train, "generate": run_generate},
        add_flags=add_flags, path_flags=("log_dir", "out_dir"))
    sys.exit(CLI.main())
"""

import argparse
import dataclasses
import importlib
import json
import os
import sys
from typing import Any, Callable, Mapping, Sequence

from vaeseq import hparams as hparams_mod
from vaeseq.examples.common import distributed
from vaeseq.examples.common import errors
from vaeseq.examples.common import files
from vaeseq.examples.common import runconfig
from vaeseq.examples.common.hparams import ExampleHParams

# Whether to mute TensorFlow's start-up messages; see `import_quietly`.
_MUTE_IMPORTS = "TF_CPP_MIN_LOG_LEVEL" not in os.environ

# The command that lists an example's hyperparameters (see `CommandLine.spec`).
HPARAMS_COMMAND = "hparams"

# Runs one command with the parsed flags; returns the exit status.
Runner = Callable[[argparse.Namespace], int]


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's layout and shows each flag's default (when it
    has one: not None, empty or False)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (default not in (None, "", False, argparse.SUPPRESS)
                and "%(default)" not in text and action.option_strings):
            text += " (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """Reports usage errors on one line, with exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


@dataclasses.dataclass(frozen=True)
class CommandLine:
    """An example's commands, their flags and how paths are resolved.

    Attributes:
        prog: the program, e.g. `"vaeseq-text"`.
        description: the help text (the CLI module's docstring).
        subject: what the commands work on, for their help
            (`"train the <subject>"`).
        commands: the runner of each command, by name.
        add_flags: adds the flags of a command (`(parser, command)`); every
            command usually takes the same ones.
        path_flags: flags holding one plain path each.
        resolve_paths: resolves any other flags holding paths, given
            `(args, base)` where `base` is `BUILD_WORKING_DIRECTORY`.
        train_commands: the commands that train, which also take
            `--strategy` and `--cpu_devices` (see `distributed`).
        spec: the example's hyperparameters: `--hparams` (with `--preset`)
            is checked against them, and against the log directory's
            `hparams.json` if it has one, before TensorFlow loads; the
            command `hparams` lists them with their defaults and meanings.
        check: checks the example's other flags before TensorFlow loads
            (raising `errors.InputError`), so that bad input is answered in
            a fraction of a second.
    """

    prog: str
    description: str
    subject: str
    commands: Mapping[str, Runner]
    add_flags: Callable[[argparse.ArgumentParser, str], None]
    path_flags: Sequence[str] = ()
    resolve_paths: Callable[[argparse.Namespace, str], None] | None = None
    train_commands: Sequence[str] = ("train",)
    spec: ExampleHParams | None = None
    check: Callable[[argparse.Namespace], None] | None = None

    def parser(self) -> argparse.ArgumentParser:
        """The parser of `prog COMMAND [flags]`."""
        parser = Parser(prog=self.prog, description=self.description,
                        formatter_class=HelpFormatter)
        subparsers = parser.add_subparsers(
            dest="command", required=True, parser_class=Parser)
        for name in self.commands:
            self._add_flags(subparsers.add_parser(
                name, help=f"{name} the {self.subject}",
                formatter_class=HelpFormatter), name)
        if self.spec is not None:
            subparsers.add_parser(
                HPARAMS_COMMAND, help="list every hyperparameter with its default and "
                "meaning (* fixes a trained model's architecture)")
        return parser

    def _add_flags(self, parser: argparse.ArgumentParser, command: str) -> None:
        self.add_flags(parser, command)
        if command in self.train_commands:
            distributed.add_flags(parser)

    def main(self, argv: Sequence[str] | None = None) -> int:
        """Runs a command; returns the exit status.

        Args:
            argv: the command and its flags (the arguments after the
                program's name); `sys.argv[1:]` if None.
        """
        parser = self.parser()
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        if args.command == HPARAMS_COMMAND:
            print(self.spec.describe(), end="")
            return 0
        prog = f"{parser.prog} {args.command}"
        base = os.environ.get("BUILD_WORKING_DIRECTORY")
        if base:
            for name in self.path_flags:
                if hasattr(args, name):  # Commands take only the flags they use.
                    setattr(args, name, resolve_path(base, getattr(args, name)))
            if self.resolve_paths is not None:
                self.resolve_paths(args, base)
        try:
            with errors.bad_input():
                self._check_before_tensorflow(args)
        except errors.InputError as err:
            print_error(prog, err)
            return 2
        try:
            tf_errors = import_quietly("tensorflow").errors
        except KeyboardInterrupt:  # Ctrl-C while TensorFlow loads.
            return 130
        try:
            return self.commands[args.command](args)
        except errors.InputError as err:
            print_error(prog, err)
            return 2
        except BrokenPipeError:  # The reader of stdout left, as `generate | head` does.
            _silence_stdout()
            return 141  # What a shell reports for a process ended by SIGPIPE.
        except distributed.WorkerLostError as err:
            print_error(prog, err)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(1)  # pylint: disable=protected-access
        except (OSError, tf_errors.OpError, FloatingPointError) as err:
            print_error(prog, err)
            return 1
        except KeyboardInterrupt:
            return 130

    def _check_before_tensorflow(self, args: argparse.Namespace) -> None:
        """Applies a library `--preset` and checks what needs no TensorFlow.

        Raises:
            ValueError: bad shared flags, hyperparameters or log directory,
                or what the example's `check` rejects.
        """
        if getattr(args, "preset", None) in hparams_mod.PRESETS:
            args.hparams = hparams_mod.with_preset(args.preset, args.hparams)
        if getattr(args, "iters", 0) < 0:
            raise ValueError(f"--iters must be >= 0, got {args.iters}.")
        if getattr(args, "save_every", 1) < 1:
            raise ValueError(f"--save_every must be >= 1, got {args.save_every}.")
        log_dir = getattr(args, "log_dir", None)
        if log_dir and os.path.exists(log_dir) and not os.path.isdir(log_dir):
            raise ValueError(f"Log directory {log_dir} is not a directory.")
        if self.spec is not None and log_dir is not None:
            if runconfig.load_hparams(log_dir, self.spec, args.hparams) is None:
                self.spec.make(args.hparams)
        if self.check is not None:
            self.check(args)


def _silence_stdout() -> None:
    """Points stdout at /dev/null, so that flushing it at exit fails no more."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # Not a real file (a test's capture).
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def add_shared_flags(parser: argparse.ArgumentParser, command: str, *,
                     hparams_example: str, log_dir_holds: str = "",
                     iters: int = 1_000_000, iteration: str = "step",
                     save_every: int = 1000,
                     example_presets: Mapping[str, str] | None = None) -> None:
    """Adds the flags every example's `command` shares to `parser`.

    Every command: --log_dir, --hparams, --seed; `train` also --preset,
    --iters and --save_every; `evaluate` --output_json. `--preset` offers the library's `vaeseq.hparams.PRESETS`
    (which `CommandLine.main` applies under `--hparams`) and the example's
    own `example_presets` (name: help), which the example applies itself.
    Their help shows `hparams_example` (overrides in `HParams.parse`
    syntax) for --hparams, names what the example keeps in its log
    directory besides checkpoints and hparams.json (`log_dir_holds`, such as
    "vocabulary") and calls one unit of training `iteration` ("step",
    "iteration").
    """
    holds = f", {log_dir_holds}" if log_dir_holds else ""
    parser.add_argument(
        "--log_dir", required=True, help=f"checkpoints, hparams.json{holds} and TensorBoard logs")
    parser.add_argument(
        "--hparams", default="", help=f"overrides, e.g. \"{hparams_example}\"; after training "
        "only non-architectural ones (sequence_size, batch_size, ...) may change")
    parser.add_argument("--seed", type=int, help="random seed, for repeatable runs")
    if command == "train":
        presets = {name: preset.description for name, preset in hparams_mod.PRESETS.items()}
        presets.update(example_presets or {})
        parser.add_argument(
            "--preset", choices=sorted(presets),
            help="a named set of hyperparameters, under --hparams: " + "; ".join(
                f"{name}: {text}" for name, text in sorted(presets.items())))
        parser.add_argument(
            "--iters", type=int, default=iters,
            help=f"train until this many {iteration}s in total")
        parser.add_argument(
            "--save_every", type=int, default=save_every,
            help=f"{iteration}s between checkpoints")
    if command == "evaluate":
        parser.add_argument("--output_json", help="also write the scores to this file")


def resolve_path(base: str, path: str | None) -> str | None:
    """`path` taken relative to `base`; an empty or None path stays as is."""
    return os.path.join(base, path) if path else path


def print_error(prog: str, err: Exception) -> None:
    """Prints `prog: error: message` on one line to stderr."""
    print(f"{prog}: error: {errors.one_line(err)}", file=sys.stderr)


def report_training(step: int, stopped_by: str | None, log_dir: str) -> None:
    """Tells on stderr where training ended (see `training.TrainResult`)."""
    if stopped_by:
        print(f"Stopped by {stopped_by} at step {step}; "
              f"checkpoint saved in {log_dir}.", file=sys.stderr)
    else:
        print(f"Reached step {step}; checkpoint saved in {log_dir}.",
              file=sys.stderr)


def write_json(path: str, value: Any) -> None:
    """Writes `value` as indented, key-sorted JSON, atomically, its floats
    rounded to 6 significant digits (`files.rounded`)."""
    text = json.dumps(files.rounded(value), indent=2, sort_keys=True) + "\n"
    files.write_atomically(path, text.encode("utf-8"))


def import_quietly(module: str):
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
