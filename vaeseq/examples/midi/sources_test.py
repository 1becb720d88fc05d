"""Tests for sources.py: data-source errors as input errors, skipped files."""

import shutil
import warnings

import pytest

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.midi import sources
from vaeseq.examples.midi import testdata


@pytest.fixture(name="midi_dir")
def fixture_midi_dir(tmp_path):
    """A directory with one corrupt MIDI file."""
    (tmp_path / "corrupt.mid").write_bytes(b"MThd garbage")
    return tmp_path


def test_skipped_files_are_warnings(midi_dir):
    shutil.copy(testdata.data_path(testdata.MIDI_DIR / "music21" / "test12.mid"),
                midi_dir)
    with pytest.warns(UserWarning, match="corrupt.mid"):
        sequences = sources.load_split(str(midi_dir), "train", 8.0)
    assert len(sequences) == 1


def test_no_usable_file_is_one_error(midi_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # No warning may escape.
        with pytest.raises(errors.InputError, match="no readable MIDI files"):
            sources.load_split(str(midi_dir), "train", 8.0)


@pytest.mark.parametrize("source, split, message", [
    ("", "train", "pass --dataset"),
    ("missing.json", "train", "not found"),
    ("x.json", "dev", "unknown split"),
])
def test_bad_sources(source, split, message, tmp_path):
    path = source and str(tmp_path / source)
    with pytest.raises(errors.InputError, match=message):
        sources.load_split(path, split, 8.0)


if __name__ == "__main__":
    testing.main(__file__)
