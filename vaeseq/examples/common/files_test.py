"""Tests for files.py."""

import json
import math
import os

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.common import files


def test_write_atomically_replaces_whole_file(tmp_path):
    path = tmp_path / "sub" / "out.txt"
    files.write_atomically(str(path), b"first")
    files.write_atomically(str(path), b"second")
    assert path.read_bytes() == b"second"
    assert os.listdir(path.parent) == ["out.txt"]


def test_write_if_changed(tmp_path):
    path = str(tmp_path / "f.bin")
    assert files.write_if_changed(path, b"one")
    before = os.stat(path).st_mtime_ns
    assert not files.write_if_changed(path, b"one")
    assert os.stat(path).st_mtime_ns == before
    assert files.write_if_changed(path, b"two")
    with open(path, "rb") as f:
        assert f.read() == b"two"


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "out.txt"
    files.write_atomically(str(path), b"old")

    def failing_replace(source, target):
        raise OSError(f"cannot replace {target}")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="cannot replace"):
        files.write_atomically(str(path), b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("value, expected", [
    (15.100000381469727, 15.1),
    (float(np.float32(2.7)), 2.7),
    (-0.0012345678, -0.00123457),
    (123456789.0, 123457000.0),
    (1e-30 / 3, 3.33333e-31),
    (0.0, 0.0),
])
def test_round_float(value, expected):
    assert files.round_float(value) == expected


def test_round_float_keeps_non_finite_values():
    assert math.isnan(files.round_float(float("nan")))
    assert files.round_float(-math.inf) == -math.inf


def test_rounded_goes_through_containers():
    scores = {
        "corpus.txt": {"bits_per_step": 3.4099998474121094, "num_steps": 20000,
                       "name": "valid", "finished": True, "missing": None},
        "steps": [0.30000001192092896, (1, np.float32(0.1))],
    }
    assert files.rounded(scores) == {
        "corpus.txt": {"bits_per_step": 3.41, "num_steps": 20000,
                       "name": "valid", "finished": True, "missing": None},
        "steps": [0.3, [1, 0.1]],
    }
    text = json.dumps(files.rounded({"elbo": -15.100000381469727}))
    assert text == '{"elbo": -15.1}'


def test_rounded_keeps_ints_and_digits():
    assert files.rounded(2**40) == 2**40
    assert type(files.rounded(np.float32(1.5))) is float
    assert files.rounded(3.14159265, digits=3) == 3.14


if __name__ == "__main__":
    testing.main(__file__)
