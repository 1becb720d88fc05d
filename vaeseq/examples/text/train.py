"""The `train` command (Bazel binary `//vaeseq/examples/text:train`).

Same flags as `vaeseq-text train`; see `vaeseq.examples.text.cli`.
"""

import sys

from vaeseq.examples.text import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `train` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="train")


if __name__ == "__main__":
    sys.exit(main())
