"""The benchmark command: one tiny run end to end, the table, bad flags."""

import json
import os

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.midi import benchmark
from vaeseq.examples.midi import testdata


@pytest.mark.slow
def test_one_run_writes_its_result_and_the_document(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    (data_dir / "polyphonic").mkdir(parents=True)
    npz = testdata.paper_npz(data_dir / "polyphonic")
    monkeypatch.setitem(benchmark.DATA, "jsb_npz", benchmark.Data(
        "tiny", os.path.basename(npz), testdata.PAPER_TINY_HPARAMS, "SRNN -4.74",
        iw_samples=3, model_hparams={"SRNN": "rnn_cell=lstm", "RNN": "rnn_cell=gru"}))
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(data_dir))
    work_dir, out = str(tmp_path / "work"), str(tmp_path / "bench.md")
    assert benchmark.main(["--work_dir", work_dir, "--out", out, "--only", "jsb_npz:SRNN",
                           "--epochs", "2"]) == 0
    with open(os.path.join(work_dir, "jsb_npz_SRNN.json"), encoding="utf-8") as f:
        result = json.load(f)
    assert result["steps"] == 4 and result["best_step"] in (2, 4)
    assert np.isfinite(result["test"]["piece_mean_elbo_per_step"])
    assert result["test"]["iw_samples"] == 3  # The data set's K, not the run's hparams'.
    assert result["hparams"] == f"vae_type=SRNN,{testdata.PAPER_TINY_HPARAMS},rnn_cell=lstm"
    with open(out, encoding="utf-8") as f:
        text = f.read()
    row = [line for line in text.splitlines() if line.startswith("| tiny | SRNN |")]
    assert len(row) == 1 and f"{result['test']['piece_mean_elbo_per_step']:.3f}" in row[0]
    assert "--work_dir" in text and "SRNN -4.74" in row[0] and "| 2 epochs |" in row[0]
    assert f"- tiny: `{testdata.PAPER_TINY_HPARAMS},rnn_cell=lstm`" in text


def test_the_document_names_each_data_sets_own_settings():
    results = [dict(data="jsb_mat", model=model, hparams=f"vae_type={model},sequence_size=25")
               for model in benchmark.MODELS]
    results.append(dict(data="jsb_npz", model="SRNN", hparams="vae_type=SRNN"))
    assert benchmark._own_settings(results) == "- JSB_Chorales.mat: `sequence_size=25`"
    assert benchmark._own_settings(results[-1:]) == "- none"
    results[2]["hparams"] += ",rnn_cell=lstm"  # SRNN's own setting.
    assert benchmark._own_settings(results) == (
        "- JSB_Chorales.mat (RNN, ISEQ): `sequence_size=25`\n"
        "- JSB_Chorales.mat (SRNN): `sequence_size=25,rnn_cell=lstm`")


@pytest.mark.parametrize("only", ["jsb_npz", "jsb_npz:LSTM", "abc:SRNN"])
def test_bad_only_is_a_usage_error(tmp_path, monkeypatch, only, capsys):
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit) as exit_info:
        benchmark.main(["--work_dir", str(tmp_path), "--only", only])
    assert exit_info.value.code == 2
    assert "--only: bad run" in capsys.readouterr().err


if __name__ == "__main__":
    testing.main(__file__)
