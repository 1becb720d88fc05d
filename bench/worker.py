"""One measurement per process: `launch` starts `python -m bench.worker SPEC OUT`.

SPEC is a JSON object {"kind": ..., "params": {...}}; the worker writes the
result (the measurement's figures plus peak_rss_mib and wall_s of the whole
process) as JSON to the path OUT. Frameworks are imported only by the kinds
that need them, so a PyTorch measurement never loads TensorFlow.
"""

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time

from bench import timing

# Kind -> module with a `measure(params) -> dict` function.
KINDS = {
    "peak": "bench.peak",
    "vaeseq_train": "bench.vaeseq_train",
    "keras_train": "bench.keras_train",
    "torch_train": "bench.torch_train",
    "generation": "bench.generation",
    "evaluation": "bench.evaluation",
}


# Settings every worker gets unless the caller's environment sets them. The
# Keras baselines get vaeseq's oneDNN default too, so that TensorFlow runs
# both with the same kernels (TensorFlow reads it only at import).
ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "1"}

# The directory holding the `bench` package, where workers run.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def environment() -> dict:
    """The `ENVIRONMENT` settings as the workers get them (the caller's win)."""
    return {name: os.environ.get(name, value) for name, value in ENVIRONMENT.items()}


def process_environment(params: dict) -> dict:
    """A worker's environment variables: this process's, `environment()`,
    then the job's own `params["environment"]`, each overriding the last."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    env.update(environment())
    env.update(params.get("environment", {}))
    return env


def launch(kind: str, params: dict, timeout: float) -> dict:
    """Runs one measurement in a worker subprocess.

    Returns:
        The result, or {"error": message and the end of the worker's output}
        when it fails or runs past `timeout` seconds.
    """
    spec = json.dumps(dict(kind=kind, params=params))
    env = process_environment(params)
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        try:
            proc = subprocess.run([sys.executable, "-m", "bench.worker", spec, out], env=env,
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:.0f} s"}
        if proc.returncode != 0 or not os.path.exists(out):
            return {"error": f"exit status {proc.returncode}\n{proc.stdout[-3000:]}"}
        with open(out, encoding="utf-8") as f:
            return json.load(f)


def run(spec: dict) -> dict:
    """Runs the measurement `spec` and returns its figures."""
    start = time.perf_counter()
    measure = importlib.import_module(KINDS[spec["kind"]]).measure
    result = measure(spec["params"])
    result["peak_rss_mib"] = timing.peak_rss_mib()
    result["wall_s"] = time.perf_counter() - start
    return result


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        sys.exit("usage: python -m bench.worker SPEC_JSON OUT_PATH")
    result = run(json.loads(argv[1]))
    with open(argv[2], "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(sys.argv)
