"""The PyTorch baseline and the machine description run where TensorFlow is absent.

A GPU machine may have PyTorch and no TensorFlow; `python -m bench.run
--only torch-LSTM` must still time the baseline there, with the
TensorFlow matmul peak skipped with a note.
"""

import json
import subprocess
import sys

import pytest

from bench import worker

# Runs in a fresh interpreter where `import tensorflow` raises ImportError.
_PROBE = """
import json, sys
sys.modules["tensorflow"] = None
from bench import configs, machine, peak, torch_train
out = {"peak": peak.measure(dict(matmul_size=8, warmup=1, reps=1)),
       "gpus": machine.describe({})["gpus"]}
if sys.argv[1] == "torch":
    params = dict(hparams=configs.QUICK_CONFIGS["small"], vocab_size=configs.VOCAB_SIZE,
                  warmup=1, reps=1, min_steps=1, min_seconds=0.0)
    out["torch"] = torch_train.measure(params)
out["tensorflow_loaded"] = sys.modules["tensorflow"] is not None
print(json.dumps(out))
"""


def _probe(what: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _PROBE, what], capture_output=True, text=True,
                          cwd=worker.ROOT, env=worker.process_environment({}), check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_peak_is_skipped_with_a_note():
    out = _probe("peak")
    assert out["peak"]["skipped"].startswith("import tensorflow failed")
    assert out["tensorflow_loaded"] is False
    assert isinstance(out["gpus"], list)


def test_torch_baseline_times_steps():
    pytest.importorskip("torch")
    out = _probe("torch")
    result = out["torch"]
    assert result["step_s"] > 0 and result["observations"] == 4 * 8
    assert result["device"] == "cpu" or result["device"].startswith("gpu: ")
    assert out["tensorflow_loaded"] is False


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
