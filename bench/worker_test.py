"""`bench.worker.process_environment`: what a worker process runs with."""

import os

from bench import plan
from bench import worker


def test_job_settings_override_the_defaults_and_the_caller(monkeypatch):
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    monkeypatch.setenv("VAESEQ_BENCH_PROBE", "kept")
    default = worker.process_environment({})
    assert default["TF_ENABLE_ONEDNN_OPTS"] == "1"
    assert default["VAESEQ_BENCH_PROBE"] == "kept"
    assert worker.ROOT in default["PYTHONPATH"].split(os.pathsep)
    _, params = plan.BASELINES["tf_keras-LSTM-eigen"]
    eigen = worker.process_environment(params)
    assert eigen["TF_ENABLE_ONEDNN_OPTS"] == "0"
    assert eigen["VAESEQ_BENCH_PROBE"] == "kept"


def test_defaults_apply_where_the_caller_sets_nothing(monkeypatch):
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    assert worker.process_environment({})["TF_ENABLE_ONEDNN_OPTS"] == "1"


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
