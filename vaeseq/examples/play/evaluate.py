"""The `evaluate` command (Bazel binary `//vaeseq/examples/play:evaluate`).

Same flags as `vaeseq-play evaluate`; see `vaeseq.examples.play.cli`.
"""

import sys

from vaeseq.examples.play import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `evaluate` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="evaluate")


if __name__ == "__main__":
    sys.exit(main())
