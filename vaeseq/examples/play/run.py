"""The `run` command (Bazel binary `//vaeseq/examples/play:run`).

Same flags as `vaeseq-play run`; see `vaeseq.examples.play.cli`.
"""

import sys

from vaeseq.examples.play import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `run` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="run")


if __name__ == "__main__":
    sys.exit(main())
