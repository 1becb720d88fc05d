"""Runs `bench.run --quick` end to end and checks the JSON it writes."""

import json
import math

import pytest

from bench import plan
from bench import report
from bench import run

# Baselines whose framework may be missing; they are then skipped with a note.
OPTIONAL = ("keras3-LSTM", "torch-LSTM")
TOP_LEVEL = ("schema_version", "command", "quick", "started", "duration_s", "machine",
             "loadavg_start", "loadavg_end", "counts", "configs", "matmul_peak_flops_per_s",
             "peak_rss_mib", "measurements", "ratios", "targets")
FIGURES = ("throughput", "step_s", "first_s", "peak_rss_mib", "wall_s", "cores_busy")


def positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.mark.slow
def test_quick_run_writes_complete_json(tmp_path, capsys):
    out = tmp_path / "performance.json"
    tables = tmp_path / "performance.md"
    # One measurement of each kind keeps the test to a few worker processes.
    only = "vaeseq-SRNN/small,torch-LSTM/small,generate,elbo+iw"
    assert run.main(["--quick", "--only", only, "--out_json", str(out),
                     "--out_table", str(tables)]) == 0
    printed = capsys.readouterr().out
    assert "Targets:" in printed
    assert tables.read_text(encoding="utf-8") in printed
    document = json.loads(out.read_text(encoding="utf-8"))

    assert set(TOP_LEVEL) <= set(document)
    assert document["quick"] is True
    assert len(document["loadavg_start"]) == len(document["loadavg_end"]) == 3
    assert positive(document["matmul_peak_flops_per_s"])
    assert positive(document["peak_rss_mib"])
    assert set(document["configs"]) == {"default", "small"}

    measurements = document["measurements"]
    assert list(measurements) == [job.name for job in run.selected(plan.make(quick=True), only)]
    assert len(measurements) == 5
    for name, m in measurements.items():
        assert "error" not in m, (name, m.get("error"))
        if "skipped" in m:
            assert name.split("/")[1] in OPTIONAL, name
            continue
        for figure in FIGURES:
            assert positive(m[figure]), (name, figure, m.get(figure))
        assert m["device"] == "cpu" or m["device"].startswith("gpu: "), (name, m["device"])
        assert len(m["rep_step_s"]) == document["counts"]["reps"] * document["rounds"]
        if m["section"] == "train":
            assert m["unit"] == "obs/s"
            for figure in ("flops", "flops_per_s", "fraction_of_peak"):
                assert positive(m[figure]), (name, figure)

    assert set(document["ratios"]["small"]) == {f"vaeseq-SRNN/{other}" for other in (
        *report.TRAIN_BASELINES, "vaeseq-RNN")}
    assert document["ratios"]["default"] == {}
    torch_ratio = document["ratios"]["small"]["vaeseq-SRNN/torch-LSTM"]
    assert torch_ratio is None or positive(torch_ratio)
    assert document["machine"]["env"]["TF_ENABLE_ONEDNN_OPTS"] in ("0", "1")
    assert len(document["targets"]) == len(report.TARGETS) + 1  # + generation
    for target in document["targets"]:
        assert target["value"] is None or positive(target["value"]), target
        assert target["met"] in (True, False, None)



def test_full_plan():
    names = [job.name for job in plan.make()]
    assert len(names) == len(set(names))
    for config in ("default", "small"):
        for what in ("vaeseq-RNN", "vaeseq-ISEQ", "vaeseq-SRNN", *report.TRAIN_BASELINES):
            assert f"train/{what}/{config}" in names
    assert names[0] == "peak/matmul"
    assert sum(name.startswith(("generate/", "evaluate/")) for name in names) == 3
    with_ablations = [job.name for job in plan.make(ablations=True)]
    assert with_ablations[:len(names)] == names
    assert with_ablations[len(names):] == [
        "ablation/vaeseq-RNN-xla/default", "ablation/vaeseq-SRNN-xla/default",
        "ablation/vaeseq-RNN-scan/default"]


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
