"""The `export` command (Bazel binary `//vaeseq/examples/text:export`).

Same flags as `vaeseq-text export`; see `vaeseq.examples.text.cli`.
"""

import sys

from vaeseq.examples.text import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `export` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="export")


if __name__ == "__main__":
    sys.exit(main())
