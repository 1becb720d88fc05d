"""Loads the `--dataset` and `--split` a command was given, as user input.

`dataset.load_sequences` reports a missing, unreadable or unusable source
with `OSError`s and `ValueError`s; here they become `InputError`s, which
the command line reports on one line with exit status 2. MIDI files that
are skipped (corrupt, or without piano notes) are reported as warnings,
unless no file is usable, when the error alone is reported.
"""

import warnings

import numpy as np

from vaeseq.examples.common import errors
from vaeseq.examples.midi import dataset


def load_split(source: str, split: str, rate: float) -> list[np.ndarray]:
    """Loads one split of a data source as piano rolls.

    Args:
        source: the `--dataset`: a `.mat`, `.json` or `.pkl` benchmark file,
            or MIDI files (a file, a directory or a glob pattern).
        split: one of `dataset.SPLITS`; MIDI sources have no splits.
        rate: steps per second for MIDI sources.

    Returns:
        The pieces, each a float32 `[T_i, 88]` roll.

    Raises:
        InputError: the source is missing, unreadable, corrupt or holds no
            usable pieces, or `split` is unknown.
    """
    if not source:
        raise errors.InputError("No data source: pass --dataset.")
    with warnings.catch_warnings(record=True) as skipped:
        warnings.simplefilter("always")
        try:
            sequences = dataset.load_sequences(source, split, rate)
        except (OSError, ValueError) as err:
            raise errors.InputError(str(err)) from err
    for warning in skipped:
        warnings.showwarning(warning.message, warning.category,
                             warning.filename, warning.lineno)
    return sequences
