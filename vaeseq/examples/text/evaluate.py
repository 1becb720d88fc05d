"""The `evaluate` command (Bazel binary `//vaeseq/examples/text:evaluate`).

Same flags as `vaeseq-text evaluate`; see `vaeseq.examples.text.cli`.
"""

import sys

from vaeseq.examples.text import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `evaluate` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="evaluate")


if __name__ == "__main__":
    sys.exit(main())
