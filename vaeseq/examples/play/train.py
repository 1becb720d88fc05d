"""The `train` command (Bazel binary `//vaeseq/examples/play:train`).

Same flags as `vaeseq-play train`; see `vaeseq.examples.play.cli`.
"""

import sys

from vaeseq.examples.play import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `train` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="train")


if __name__ == "__main__":
    sys.exit(main())
