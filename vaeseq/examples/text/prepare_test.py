"""Tests for prepare.py: warnings about the validation corpus."""

import pytest

from vaeseq import testing
from vaeseq.examples.text import prepare


@pytest.mark.parametrize("extra, warned", [("eee", False), ("\u2603" * 3, True)])
def test_valid_oov_warning(extra, warned, corpora, tiny_hparams, tmp_path,
                           capsys):
    with open(corpora["valid"], encoding="utf-8") as f:
        valid = tmp_path / "valid.txt"
        valid.write_text(extra + f.read()[:37], encoding="utf-8")
    log_dir = tmp_path / "log"
    prepared = prepare.prepare(str(log_dir), corpora["train"], str(valid),
                               tiny_hparams, 0)
    assert prepared.valid_windows.shape == (5, 8)
    err = capsys.readouterr().err
    expected = (f"warning: {valid}: 3 of the 40 characters scored are "
                "outside the model's vocabulary")
    assert (expected in err) == warned
    assert not log_dir.exists()


if __name__ == "__main__":
    testing.main(__file__)
