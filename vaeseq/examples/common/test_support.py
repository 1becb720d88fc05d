"""Fixtures shared by the examples' tests (import them into a conftest.py).

An example's conftest defines a session-scoped `trained_dir` fixture (a
training directory after a few steps of a tiny model) and imports the
fixtures here by name::

    from vaeseq.examples.common.test_support import fixture_copy_of_trained
    from vaeseq.examples.common.test_support import fixture_dir_state

`shared_data` finds a file of the shared data for the provenance checks.
"""

import hashlib
import os
import pathlib
import shutil
import signal

import pytest


def shared_data(relative: str) -> pathlib.Path | None:
    """`$VAESEQ_DATA_DIR/relative`; None if the variable is unset or empty or
    that path does not exist.

    For the provenance checks, which check the shared data where there is
    some and tiny stand-ins otherwise; `../shared` beside the repository is
    never looked at.
    """
    data_dir = os.environ.get("VAESEQ_DATA_DIR")
    if not data_dir:
        return None
    path = pathlib.Path(data_dir, relative)
    return path if path.exists() else None


def directory_state(path: str) -> dict[str, tuple[int, str]] | None:
    """Every file under `path` with its mtime and sha256; None if absent."""
    if not os.path.exists(path):
        return None
    state = {}
    for root, _, files in os.walk(path):
        for name in files:
            file_path = os.path.join(root, name)
            with open(file_path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            state[os.path.relpath(file_path, path)] = (
                os.stat(file_path).st_mtime_ns, digest)
    return state


def default_sigint() -> None:
    """`preexec_fn` for a child that a test stops with Ctrl-C (SIGINT).

    A test runner started in the background by a non-interactive shell
    inherits SIGINT ignored, and so would its children: Python then never
    raises KeyboardInterrupt and the child runs on. Restoring the default
    before the child starts makes SIGINT behave as Ctrl-C does.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# Where a training run's checkpoint keeps TrainOps' global step and Adam's.
GLOBAL_STEP = "train_ops/global_step/.ATTRIBUTES/VARIABLE_VALUE"
ADAM_STEP = "train_ops/optimizer/step/.ATTRIBUTES/VARIABLE_VALUE"


def checkpoint_value(log_dir: str, name: str) -> int:
    """The integer `name` (e.g. `GLOBAL_STEP`) in `log_dir`'s latest checkpoint.

    TensorFlow is imported here, not with the module: the reliability probe
    imports this module only to start processes.
    """
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    path = tf.train.latest_checkpoint(log_dir)
    return int(tf.train.load_checkpoint(path).get_tensor(name))


@pytest.fixture(name="copy_of_trained")
def fixture_copy_of_trained(trained_dir, tmp_path) -> str:
    """A copy of the example's `trained_dir` that a test may change."""
    copy = str(tmp_path / "log")
    shutil.copytree(trained_dir, copy)
    return copy


@pytest.fixture(name="dir_state", scope="session")
def fixture_dir_state():
    """`directory_state`, for comparing a directory before and after."""
    return directory_state
