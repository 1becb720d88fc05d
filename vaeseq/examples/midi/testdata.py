"""Where the tests find the shared data (`$VAESEQ_DATA_DIR`, else `../shared/data`).

Tests that need a file call `data_path`, which skips them when it is missing.
"""

import os
import pathlib

import pytest

DATA_DIR = pathlib.Path(
    os.environ.get("VAESEQ_DATA_DIR")
    or pathlib.Path(os.path.abspath(__file__)).parents[3] / ".." / "shared"
    / "data")
POLYPHONIC_DIR = DATA_DIR / "polyphonic"
MIDI_DIR = DATA_DIR / "midi"
JSB_MAT = POLYPHONIC_DIR / "JSB_Chorales.mat"


def data_path(path: pathlib.Path) -> str:
    """`path` as a string; skips the calling test if it does not exist."""
    if not path.exists():
        pytest.skip(f"test data not found: {path}")
    return str(path)
