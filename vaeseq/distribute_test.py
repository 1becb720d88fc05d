"""Strategy selection, TF_CONFIG checks and the chief's log directory.

Training under the strategies is tested in train_distributed_test.py (mirrored,
in a child process) and in the text example's multi-worker test.
"""

import json
import os
import types

import pytest
import tensorflow as tf

from vaeseq import distribute
from vaeseq import testing


def test_default_strategy_is_the_current_one():
    strategy = distribute.make_strategy("default")
    assert strategy is tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1


def test_mirrored_without_devices_uses_the_local_ones():
    tf.constant(0)  # Initialises the runtime, as a test run may already have.
    strategy = distribute.make_strategy("mirrored")
    assert strategy.num_replicas_in_sync == len(tf.config.list_logical_devices("CPU"))
    with strategy.scope():
        variable = tf.Variable(1.0)
    # Sonnet's update model: each replica owns a copy that it alone updates.
    assert variable.synchronization == tf.VariableSynchronization.ON_READ


@pytest.mark.parametrize("name, cpu_devices, message", [
    ("ring", None, "Unknown strategy 'ring'; valid: default, mirrored, multi_worker"),
    ("default", 2, "cpu_devices applies to the mirrored strategy only"),
    ("multi_worker", 2, "cpu_devices applies to the mirrored strategy only"),
])
def test_bad_strategy_arguments(name, cpu_devices, message):
    with pytest.raises(ValueError, match=message):
        distribute.make_strategy(name, cpu_devices)


def test_splitting_the_cpu_after_start_up_is_an_error():
    tf.constant(0)
    with pytest.raises(RuntimeError, match="already initialised its devices"):
        distribute.set_cpu_devices(len(tf.config.list_logical_devices("CPU")) + 2)
    with pytest.raises(ValueError, match="cpu_devices must be >= 1"):
        distribute.set_cpu_devices(0)


_CLUSTER = {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}


@pytest.mark.parametrize("tf_config, message", [
    (None, "needs the TF_CONFIG environment variable"),
    ("{not json", "Invalid TF_CONFIG"),
    (json.dumps({"cluster": _CLUSTER}), "needs a cluster and a task"),
    (json.dumps({"cluster": _CLUSTER, "task": {"type": "chief", "index": 0}}),
     "needs a cluster and a task"),
    (json.dumps({"cluster": _CLUSTER, "task": {"type": "worker", "index": 2}}),
     "task index 2 but the worker job has 2 tasks"),
])
def test_bad_tf_config(monkeypatch, tf_config, message):
    if tf_config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", tf_config)
    with pytest.raises(ValueError, match=message):
        distribute.make_strategy("multi_worker")


def test_good_tf_config(monkeypatch):
    config = {"cluster": _CLUSTER, "task": {"type": "worker", "index": 1}}
    monkeypatch.setenv("TF_CONFIG", json.dumps(config))
    assert distribute.check_tf_config() == config


def test_the_chief_writes_into_the_log_dir(tmp_path):
    with distribute.writable_dir(tf.distribute.get_strategy(), str(tmp_path)) as path:
        assert path == str(tmp_path)
    assert os.path.isdir(tmp_path)


def test_other_workers_write_into_a_scratch_dir_that_goes_away(tmp_path):
    worker = types.SimpleNamespace(extended=types.SimpleNamespace(should_checkpoint=False))
    with distribute.writable_dir(worker, str(tmp_path / "log")) as path:
        assert path != str(tmp_path / "log")
        with open(os.path.join(path, "ckpt-1.index"), "w", encoding="utf-8") as f:
            f.write("x")
    assert not os.path.exists(path)
    assert not os.path.exists(tmp_path / "log")


if __name__ == "__main__":
    testing.main(__file__)
