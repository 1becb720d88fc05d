"""Tests for tools/python3, the interpreter of every Bazel Python target.

Each test runs the shim through a symlink, as Bazel does from a target's
runfiles tree, so that the repository root must come from its real path.
"""

import os
import pathlib
import shutil
import subprocess

import pytest

from vaeseq import testing

# Under `bazel test` this file is a symlink in the runfiles tree: its real
# path is in the checkout, next to tools/python3.
ROOT = pathlib.Path(os.path.realpath(__file__)).parents[3]
SHIM = ROOT / "tools" / "python3"

# Stands in for .venv/bin/python3: prints what the shim passed on.
FAKE_PYTHON = """#!/bin/sh
echo "VAESEQ_DATA_DIR=${VAESEQ_DATA_DIR-<unset>}"
echo "args=$*"
"""


def run_shim(shim, tmp_path, *args, **env_overrides):
    """Runs `shim` through a symlink in `tmp_path`; returns the finished process."""
    link = tmp_path / "runfiles" / "python3"
    link.parent.mkdir(exist_ok=True)
    link.symlink_to(shim)
    env = dict(os.environ)
    env.pop("VAESEQ_DATA_DIR", None)
    env.update(env_overrides)
    return subprocess.run([str(link), *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def fake_checkout(tmp_path, with_venv, with_data):
    """A checkout holding a copy of the shim; returns the copy's path."""
    root = tmp_path / "checkout"
    (root / "tools").mkdir(parents=True)
    shim = root / "tools" / "python3"
    shutil.copy2(SHIM, shim)
    if with_venv:
        python = root / ".venv" / "bin" / "python3"
        python.parent.mkdir(parents=True)
        python.write_text(FAKE_PYTHON)
        python.chmod(0o755)
    if with_data:
        (tmp_path / "shared" / "data").mkdir(parents=True)
    return shim


def test_missing_venv_is_one_line_and_status_2(tmp_path):
    shim = fake_checkout(tmp_path, with_venv=False, with_data=True)
    result = run_shim(shim, tmp_path, "-c", "pass")
    root = os.path.realpath(tmp_path / "checkout")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"vaeseq: {root}/.venv/bin/python3 not found; run 'make setup' first.\n")


@pytest.mark.parametrize("with_data, env, expected", [
    (True, {}, "{tmp}/shared/data"),
    (True, {"VAESEQ_DATA_DIR": "/elsewhere"}, "/elsewhere"),
    (True, {"VAESEQ_DATA_DIR": ""}, "{tmp}/shared/data"),
    (False, {}, "<unset>"),
])
def test_passes_arguments_and_data_dir(tmp_path, with_data, env, expected):
    shim = fake_checkout(tmp_path, with_venv=True, with_data=with_data)
    result = run_shim(shim, tmp_path, "-c", "a b", **env)
    assert result.returncode == 0, result.stderr
    tmp = os.path.realpath(tmp_path)
    assert result.stdout == (
        f"VAESEQ_DATA_DIR={expected.format(tmp=tmp)}\nargs=-c a b\n")


def test_runs_the_checkouts_venv(tmp_path):
    venv = ROOT / ".venv"
    if not os.access(venv / "bin" / "python3", os.X_OK):
        pytest.skip(f"no virtualenv at {venv} (run 'make setup')")
    result = run_shim(SHIM, tmp_path, "-c",
                      "import sys; print(sys.prefix); sys.exit(3)")
    assert result.returncode == 3, result.stderr
    assert os.path.realpath(result.stdout.strip()) == os.path.realpath(venv)


if __name__ == "__main__":
    testing.main(__file__)
