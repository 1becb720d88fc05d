"""Tests for datadir.py: relative paths found in $VAESEQ_DATA_DIR."""

import os

import pytest

from vaeseq import testing
from vaeseq.examples.common import datadir


@pytest.fixture(name="data_dir")
def fixture_data_dir(tmp_path, monkeypatch):
    (tmp_path / "polyphonic" / "srnn").mkdir(parents=True)
    (tmp_path / "top.txt").write_text("x")
    (tmp_path / "polyphonic" / "JSB.mat").write_bytes(b"x")
    (tmp_path / "polyphonic" / "srnn" / "jsb.npz").write_bytes(b"x")
    (tmp_path / "midi").mkdir()
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(tmp_path))
    return tmp_path


def test_found_at_the_top_and_in_subfolders(data_dir):
    assert datadir.find("top.txt") == str(data_dir / "top.txt")
    assert datadir.find("JSB.mat") == str(data_dir / "polyphonic" / "JSB.mat")
    assert datadir.find("jsb.npz") == str(data_dir / "polyphonic" / "srnn" / "jsb.npz")
    assert datadir.find(os.path.join("srnn", "jsb.npz")) == str(
        data_dir / "polyphonic" / "srnn" / "jsb.npz")
    assert datadir.find("midi") == str(data_dir / "midi")  # Folders too.
    assert datadir.find("missing.mat") is None
    assert datadir.find(str(data_dir / "top.txt")) is None  # Absolute: not looked for.


def test_the_shallowest_match_wins_and_ties_are_errors(data_dir):
    (data_dir / "JSB.mat").write_bytes(b"y")
    assert datadir.find("JSB.mat") == str(data_dir / "JSB.mat")
    (data_dir / "midi" / "jsb.npz").write_bytes(b"y")
    (data_dir / "midi" / "x").mkdir()
    (data_dir / "midi" / "x" / "deep.txt").write_text("x")
    (data_dir / "polyphonic" / "srnn" / "deep.txt").write_text("x")
    with pytest.raises(datadir.AmbiguousError, match="deep.txt is in several folders"):
        datadir.find("deep.txt")


def test_is_pattern():
    assert all(datadir.is_pattern(p) for p in ("*.mid", "a?.mid", "[ab].mid", "d/**/x"))
    assert not datadir.is_pattern("midi/bach_846.mid")


def test_places_looked(data_dir, monkeypatch):
    assert f"$VAESEQ_DATA_DIR={data_dir} and its subfolders" in datadir.places_looked("a.txt")
    monkeypatch.delenv("VAESEQ_DATA_DIR")
    assert "$VAESEQ_DATA_DIR is not set" in datadir.places_looked("a.txt")
    assert datadir.find("top.txt") is None
    assert datadir.places_looked("/abs/a.txt") == ""


if __name__ == "__main__":
    testing.main(__file__)
