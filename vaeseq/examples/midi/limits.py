"""Limits on untrusted input, checked before the big arrays are made.

A small file can describe a huge amount of music: a pickle that repeats one
piece by reference, a compressed `.mat` or `.npz` array, a MIDI file whose
one note lasts an hour. Readers check what a file declares against these
limits before they allocate rolls for it, and report the first one broken
as a `LimitError` naming the file, the piece and the limit.

The defaults leave a wide margin above the real data sets (the
Boulanger-Lewandowski benchmarks, the SRNN paper's `.npz` files, the
piano-midi.de pieces at 32 steps per second):

* `MAX_FILE_BYTES`, 128 MiB: the largest benchmark file, the JSB Chorales
  pickle, has 2 MB; one hour of piano MIDI has well under 1 MB.
* `MAX_PIECE_STEPS`, 50,000 steps (26 minutes at the default 32 steps per
  second): the longest benchmark piece has 1,793 steps (Nottingham), the
  longest piano-midi.de piece 7,217 at 32 steps per second. A piece is
  scored whole, so this also bounds the memory of scoring one piece.
* `MAX_SPLIT_STEPS`, 2,000,000 steps (704 MB as float32 rolls): the largest
  split, Nottingham's training split, has 176,561 steps.
* `MAX_DECODED_BYTES`, 1 GiB: what a `.mat` file decompresses to
  (Nottingham.mat, all three splits: under 30 MB).

Tests lower them by monkeypatching this module's constants; readers look
them up when they run.
"""

import os

MAX_FILE_BYTES = 128 * 2**20
MAX_PIECE_STEPS = 50_000
MAX_SPLIT_STEPS = 2_000_000
MAX_DECODED_BYTES = 2**30


class LimitError(ValueError):
    """Input over one of the limits."""


def check_file_size(path: str | os.PathLike) -> None:
    """Refuses a file larger than `MAX_FILE_BYTES`.

    Raises:
        OSError: the file cannot be examined (e.g. it is missing).
        LimitError: it is too large.
    """
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        raise LimitError(f"{os.fspath(path)} has {size} bytes, over the limit of "
                         f"{MAX_FILE_BYTES} bytes for a data file")


class StepCounter:
    """Counts the steps of one split's pieces, refusing too long ones.

    Args:
        split: names the split in messages, e.g. "data.json split 'train'".
    """

    def __init__(self, split: str):
        self._split = split
        self.total = 0

    def add(self, piece: str, steps: int, hint: str = "") -> None:
        """Counts a piece of `steps` steps, before its roll is made.

        Args:
            piece: names the piece in messages, e.g. "data.json split
                'train' piece 3", or the path of a MIDI file.
            steps: its length in steps.
            hint: appended to the message of a too long piece.

        Raises:
            LimitError: the piece is longer than `MAX_PIECE_STEPS`, or the
                split's pieces so far have more than `MAX_SPLIT_STEPS` steps.
        """
        if steps > MAX_PIECE_STEPS:
            raise LimitError(f"{piece} has {steps} steps, over the limit of "
                             f"{MAX_PIECE_STEPS} steps per piece{hint}")
        self.total += steps
        if self.total > MAX_SPLIT_STEPS:
            raise LimitError(f"{self._split}: the pieces up to {piece} have {self.total} "
                             f"steps, over the limit of {MAX_SPLIT_STEPS} steps per split")
