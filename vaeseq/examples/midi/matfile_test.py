"""Tests for matfile.py: the decoded size of MATLAB files, on files made here."""

import time

import numpy as np
import pytest
import scipy.io

from vaeseq import testing
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import matfile


def write_mat(path, rolls, compress=True):
    cells = np.empty(len(rolls), dtype=object)
    cells[:] = rolls
    scipy.io.savemat(str(path), {"traindata": cells}, do_compression=compress)
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_within_the_limit(tmp_path, monkeypatch, compress):
    path = write_mat(tmp_path / "small.mat", [np.zeros((10, 88))], compress)
    monkeypatch.setattr(limits, "MAX_DECODED_BYTES", 8_000)  # The roll: 7,040 bytes.
    matfile.check_decoded_size(path)
    monkeypatch.setattr(limits, "MAX_DECODED_BYTES", 7_000)
    with pytest.raises(limits.LimitError, match="small.mat decodes to more than 7000 bytes"):
        matfile.check_decoded_size(path)


def test_compressed_bomb_is_refused_without_inflating_it(tmp_path, monkeypatch):
    # 80 MB of zeros compress to about 80 KB; counting stops past the limit.
    path = write_mat(tmp_path / "bomb.mat", [np.zeros((10 ** 7 // 88 * 8, 88), np.uint8)])
    assert path.stat().st_size < 200_000
    monkeypatch.setattr(limits, "MAX_DECODED_BYTES", 2 ** 20)
    start = time.monotonic()
    with pytest.raises(limits.LimitError, match="bomb.mat decodes to more than 1048576"):
        matfile.check_decoded_size(path)
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("damage, match", [
    (lambda data: b"garbage", "not a MATLAB 5 file"),
    (lambda data: data[:-10], "cut short"),
    (lambda data: data + b"\x01\x02", "tag is cut short"),
])
def test_malformed_files(tmp_path, damage, match):
    path = write_mat(tmp_path / "small.mat", [np.ones((3, 88))])
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(matfile.MatFileError, match=match):
        matfile.check_decoded_size(path)


if __name__ == "__main__":
    testing.main(__file__)
