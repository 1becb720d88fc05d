"""Tests for limits.py: the step counter and the file size check."""

import pytest

from vaeseq import testing
from vaeseq.examples.midi import limits


def test_counter_refuses_a_long_piece(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PIECE_STEPS", 10)
    counter = limits.StepCounter("data.json split 'train'")
    counter.add("piece 0", 10)
    with pytest.raises(limits.LimitError, match=r"^piece 1 has 11 steps, over the limit of "
                       r"10 steps per piece; try this$"):
        counter.add("piece 1", 11, hint="; try this")


def test_counter_refuses_a_large_split(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SPLIT_STEPS", 25)
    counter = limits.StepCounter("data.json split 'train'")
    counter.add("piece 0", 20)
    assert counter.total == 20
    with pytest.raises(limits.LimitError, match=r"^data.json split 'train': the pieces up to "
                       r"piece 1 have 26 steps, over the limit of 25 steps per split$"):
        counter.add("piece 1", 6)


def test_file_size(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 4)
    path = tmp_path / "data.json"
    path.write_bytes(b"1234")
    limits.check_file_size(path)
    path.write_bytes(b"12345")
    with pytest.raises(limits.LimitError, match="data.json has 5 bytes, over the limit of 4"):
        limits.check_file_size(path)
    with pytest.raises(FileNotFoundError):
        limits.check_file_size(tmp_path / "missing.json")


def test_defaults_are_above_the_real_data():
    # The longest benchmark piece, the largest split (Nottingham's) and the
    # largest benchmark file (the JSB pickle), with a wide margin.
    assert limits.MAX_PIECE_STEPS >= 20 * 1_793
    assert limits.MAX_SPLIT_STEPS >= 10 * 176_561
    assert limits.MAX_FILE_BYTES >= 50 * 2_051_794


if __name__ == "__main__":
    testing.main(__file__)
