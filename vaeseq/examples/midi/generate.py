"""The `generate` command (Bazel binary `//vaeseq/examples/midi:generate`).

Same flags as `vaeseq-midi generate`; see `vaeseq.examples.midi.cli`.
"""

import sys

from vaeseq.examples.midi import cli


def main(argv: list[str] | None = None) -> int:
    """Runs `generate` with `argv` (default `sys.argv[1:]`); returns the status."""
    return cli.main(argv, command="generate")


if __name__ == "__main__":
    sys.exit(main())
