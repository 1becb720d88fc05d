"""The command line: `vaeseq-play {train,evaluate,run} [flags]`.

`train` alternates real CartPole-v1 episodes, model training and policy
updates in the model's imagination (see `train`); `evaluate` plays real
episodes with the trained policy and a random one and reports the mean and
standard deviation of their returns; `run` shows one episode as text. All
commands take the same flags. The Bazel binaries `train`, `evaluate` and
`run` run this file with their command as the first argument (so their
errors read `vaeseq-play train: error: ...`). Under `bazel run`, relative
paths are taken relative to the directory Bazel was run from
(`BUILD_WORKING_DIRECTORY`).

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
import sys
from typing import Sequence

from vaeseq.examples.common import cli
from vaeseq.examples.common import errors
from vaeseq.examples.play import hparams as play_hparams


def add_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Adds the flags of `command` to `parser`."""
    cli.add_shared_flags(parser, command, hparams_example="vae_type=RNN,imagine_steps=50",
                         iters=200, iteration="iteration", save_every=10)
    if command == "train":
        parser.add_argument("--max_seconds", type=float,
                            help="stop (and save) after training this long")
        return
    parser.add_argument("--episodes", type=int, default=100 if command == "evaluate" else 1,
                        help="real episodes to play")
    parser.add_argument("--sampled", action="store_true",
                        help="sample actions from the policy instead of taking the likelier one")
    parser.add_argument("--latest", action="store_true",
                        help="the latest policy rather than the one whose real training "
                        "episodes returned the most")


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command `argv` (default `sys.argv[1:]`) starts with; returns the exit status.

    See `CommandLine.main`.
    """
    return COMMAND_LINE.main(argv)


def _check(args: argparse.Namespace) -> None:
    """Checks the play flags before TensorFlow loads (see `CommandLine`)."""
    if getattr(args, "episodes", 1) < 1:
        raise errors.InputError(f"--episodes must be >= 1, got {args.episodes}.")
    if getattr(args, "max_seconds", None) is not None and not args.max_seconds > 0:
        raise errors.InputError(f"--max_seconds must be > 0, got {args.max_seconds}.")


def _load_policy(args: argparse.Namespace):
    """The trained run's best policy, or with --latest its latest."""
    model = cli.import_quietly("vaeseq.examples.play.model")
    with errors.bad_input():
        _, vae, best = model.load_trained(args.log_dir, args.hparams)
    return vae.agent.policy if args.latest else best.policy


def _run_train(args: argparse.Namespace) -> int:
    train = cli.import_quietly("vaeseq.examples.play.train")
    schedule = train.Schedule(iters=args.iters, save_every=args.save_every,
                              max_seconds=args.max_seconds)
    result = train.train(args.log_dir, schedule, hparams=args.hparams, seed=args.seed)
    cli.report_training(result.step, result.stopped_by, args.log_dir)
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    evaluate = cli.import_quietly("vaeseq.examples.play.evaluate")
    scores = evaluate.evaluate_policy(_load_policy(args), args.episodes, args.seed,
                                      greedy=not args.sampled)
    for name, score in scores.items():
        print(f"{name}: mean return {score['mean']:.1f} +- {score['std']:.1f} over "
              f"{score['episodes']} episodes (min {score['min']:.0f}, max {score['max']:.0f})")
    if args.output_json:
        cli.write_json(args.output_json, scores)
    return 0


def _run_run(args: argparse.Namespace) -> int:
    evaluate = cli.import_quietly("vaeseq.examples.play.evaluate")
    policy = _load_policy(args)
    for episode in range(args.episodes):
        seed = None if args.seed is None else args.seed + episode
        states, episode_return = evaluate.episode_states(policy, seed,
                                                         greedy=not args.sampled)
        evaluate.show(states)
        print(f"episode {episode + 1}: return {episode_return:.0f}")
    return 0


COMMAND_LINE = cli.CommandLine(
    prog="vaeseq-play", description=__doc__, subject="play example",
    commands={"train": _run_train, "evaluate": _run_evaluate, "run": _run_run},
    add_flags=add_flags, path_flags=("log_dir", "output_json"),
    # The play loop runs on one device: its train takes no --strategy.
    train_commands=(), spec=play_hparams.SPEC, check=_check)


if __name__ == "__main__":
    sys.exit(main())
