"""The command line: `vaeseq-play {train,evaluate,run} [flags]`.

`train` alternates real CartPole-v1 episodes, model training and policy
updates in the model's imagination (see `loop`); `evaluate` plays real
episodes with the trained policy and a random one and reports the mean and
standard deviation of their returns; `run` shows one episode as text. All
commands take the same flags; the Bazel binaries `train`, `evaluate` and
`run` run one command each. Under `bazel run`, relative paths are taken
relative to the directory Bazel was run from (`BUILD_WORKING_DIRECTORY`).

Exit status: 0 on success, also when a signal (Ctrl-C, SIGTERM) stopped
training and a checkpoint was saved; 2 for bad input (flags,
hyperparameters, log directory), found before anything is written; 1 when
running failed (an I/O error, a non-finite loss); 130 when Ctrl-C stopped
evaluate or run. Errors are one line, `prog: error: message`, on stderr.
Examples::

    vaeseq-play train --log_dir /tmp/play --iters 200 --seed 0
    vaeseq-play evaluate --log_dir /tmp/play --episodes 100 --output_json scores.json
    vaeseq-play run --log_dir /tmp/play --seed 3
"""

import argparse
import json
import os
import sys
from typing import Sequence

from vaeseq.examples.text import cli as text_cli
from vaeseq.examples.text import corpus
from vaeseq.examples.text import errors

COMMANDS = ("train", "evaluate", "run")


class _Parser(argparse.ArgumentParser):
    """Reports usage errors on one line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Adds the flags shared by all commands to `parser`."""
    parser.add_argument("--log_dir", required=True,
                        help="checkpoints, hparams.json and TensorBoard logs")
    parser.add_argument("--hparams", default="",
                        help='overrides, e.g. "vae_type=RNN,imagine_steps=50"; after '
                        "training only non-architectural ones may change")
    parser.add_argument("--iters", type=int, default=200,
                        help="train until this many iterations in total")
    parser.add_argument("--episodes", type=int,
                        help="real episodes to play (evaluate: 100, run: 1)")
    parser.add_argument("--seed", type=int, help="random seed, for repeatable runs")
    parser.add_argument("--output_json", help="evaluate: also write the scores to this file")
    parser.add_argument("--sampled", action="store_true",
                        help="evaluate/run: sample actions from the policy instead of "
                        "taking the likelier one")
    parser.add_argument("--save_every", type=int, default=10,
                        help="train: iterations between checkpoints")
    parser.add_argument("--max_seconds", type=float,
                        help="train: stop (and save) after training this long")


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of one command, or of `vaeseq-play COMMAND` if None."""
    kwargs = dict(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    if command is not None:
        parser = _Parser(prog=command, **kwargs)
        add_flags(parser)
        parser.set_defaults(command=command)
        return parser
    parser = _Parser(prog="vaeseq-play", **kwargs)
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        add_flags(subparsers.add_parser(name, help=f"{name} the play example"))
    return parser


def main(argv: Sequence[str] | None = None, command: str | None = None) -> int:
    """Runs a command; returns the exit status.

    Args:
        argv: the arguments after the program name; `sys.argv[1:]` if None.
        command: run this command, with `argv` holding only flags; if None,
            `argv` starts with the command.
    """
    parser = make_parser(command)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    prog = parser.prog if command else f"{parser.prog} {args.command}"
    base = os.environ.get("BUILD_WORKING_DIRECTORY")
    if base:
        args.log_dir = os.path.join(base, args.log_dir)
        args.output_json = args.output_json and os.path.join(base, args.output_json)
    # TensorFlow prints start-up noise; the text example's importer mutes it.
    tf = text_cli._import_quietly("tensorflow")  # pylint: disable=protected-access
    try:
        return _COMMAND_RUNNERS[args.command](args)
    except errors.InputError as err:
        _print_error(prog, err)
        return 2
    except (OSError, tf.errors.OpError, FloatingPointError) as err:
        _print_error(prog, err)
        return 1
    except KeyboardInterrupt:
        return 130


def _print_error(prog: str, err: Exception) -> None:
    message = " ".join(str(err).split()) or type(err).__name__
    print(f"{prog}: error: {message}", file=sys.stderr)


def _episodes(args: argparse.Namespace, default: int) -> int:
    episodes = default if args.episodes is None else args.episodes
    if episodes < 1:
        raise errors.InputError(f"--episodes must be >= 1, got {episodes}.")
    return episodes


def _run_train(args: argparse.Namespace) -> int:
    from vaeseq.examples.play import training  # pylint: disable=import-outside-toplevel
    if args.max_seconds is not None and args.max_seconds <= 0:
        raise errors.InputError(f"--max_seconds must be > 0, got {args.max_seconds}.")
    schedule = training.Schedule(iters=args.iters, save_every=args.save_every,
                                 max_seconds=args.max_seconds)
    result = training.train(args.log_dir, schedule, hparams=args.hparams, seed=args.seed)
    how = f"Stopped by {result.stopped_by} at" if result.stopped_by else "Reached"
    print(f"{how} iteration {result.step}; checkpoint saved in {args.log_dir}.",
          file=sys.stderr)
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    from vaeseq.examples.play import evaluation  # pylint: disable=import-outside-toplevel
    from vaeseq.examples.play import rundir  # pylint: disable=import-outside-toplevel
    episodes = _episodes(args, 100)
    with errors.bad_input():
        _, vae = rundir.load_trained(args.log_dir, args.hparams)
    scores = evaluation.evaluate_policy(vae.agent.policy, episodes, args.seed,
                                        greedy=not args.sampled)
    for name, score in scores.items():
        print(f"{name}: mean return {score['mean']:.1f} +- {score['std']:.1f} over "
              f"{score['episodes']} episodes (min {score['min']:.0f}, max {score['max']:.0f})")
    if args.output_json:
        text = json.dumps(scores, indent=2, sort_keys=True) + "\n"
        corpus.write_atomically(args.output_json, text.encode("utf-8"))
    return 0


def _run_run(args: argparse.Namespace) -> int:
    from vaeseq.examples.play import evaluation  # pylint: disable=import-outside-toplevel
    from vaeseq.examples.play import render  # pylint: disable=import-outside-toplevel
    from vaeseq.examples.play import rundir  # pylint: disable=import-outside-toplevel
    episodes = _episodes(args, 1)
    with errors.bad_input():
        _, vae = rundir.load_trained(args.log_dir, args.hparams)
    for episode in range(episodes):
        seed = None if args.seed is None else args.seed + episode
        states, episode_return = evaluation.episode_states(
            vae.agent.policy, seed, greedy=not args.sampled)
        render.show(states)
        print(f"episode {episode + 1}: return {episode_return:.0f}")
    return 0


_COMMAND_RUNNERS = {"train": _run_train, "evaluate": _run_evaluate, "run": _run_run}


if __name__ == "__main__":
    sys.exit(main())
