"""The train commands' `--strategy` and `--cpu_devices` flags, and worker loss.

`CommandLine` adds the flags to its train commands; the command's runner
calls `strategy_from_flags` first, before anything else runs TensorFlow
(logical devices and collective ops are set up when TensorFlow starts), and
passes the strategy to its example's `train`. See docs/distributed.md.
"""

import argparse

from vaeseq.examples.common import errors

STRATEGIES = ("default", "mirrored", "multi_worker")  # `vaeseq.distribute`'s


class WorkerLostError(RuntimeError):
    """Another worker of a multi-worker job died or became unreachable.

    The job cannot go on; restart every worker to resume from the chief's
    last checkpoint. TensorFlow's coordination service would wait for the
    lost worker when this process exits, so `CommandLine` exits at once.
    """


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Adds `--strategy` and `--cpu_devices` to `parser`."""
    parser.add_argument(
        "--strategy", choices=STRATEGIES, default="default",
        help="train: tf.distribute strategy: one device, every local GPU "
        "(or --cpu_devices logical CPUs), or a cluster from TF_CONFIG")
    parser.add_argument(
        "--cpu_devices", type=int,
        help="train: with --strategy mirrored and no GPU, split the CPU "
        "into this many logical devices, one replica each")


def strategy_from_flags(args: argparse.Namespace):
    """The `tf.distribute.Strategy` the flags ask for.

    Raises:
        InputError: `--cpu_devices` without `--strategy mirrored` or below
            1, or a missing or malformed `TF_CONFIG`.
    """
    # pylint: disable-next=import-outside-toplevel
    from vaeseq import distribute  # Imports TensorFlow.
    try:
        return distribute.make_strategy(args.strategy, args.cpu_devices)
    except (ValueError, RuntimeError) as err:
        raise errors.InputError(str(err)) from None
