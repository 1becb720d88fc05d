"""Tests for files.py."""

import os

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


if __name__ == "__main__":
    testing.main(__file__)
