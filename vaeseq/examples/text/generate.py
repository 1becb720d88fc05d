"""The `generate` command (Bazel binary `//vaeseq/examples/text:generate`).

Same flags as `vaeseq-text generate`; see `vaeseq.examples.text.cli`.
"""

import sys

from vaeseq.examples.text import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `generate` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="generate")


if __name__ == "__main__":
    sys.exit(main())
