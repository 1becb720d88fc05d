"""`tf.distribute` strategies with Sonnet 2's replica-local update model.

In that model (Sonnet's `snt.distribute.Replicator`, which `TrainOps`
follows) every variable is *replica-local*: each replica holds and updates
its own copy, the caller all-reduces the gradients once, and every replica
applies the same reduced update, so the copies stay equal. Sonnet has no
multi-worker strategy; `MultiWorkerReplicator` is that model on
`tf.distribute.MultiWorkerMirroredStrategy`.

Typical use, before any other TensorFlow call (logical CPU devices and
collective ops must be set up before TensorFlow initialises its runtime)::

    strategy = distribute.make_strategy("mirrored", cpu_devices=2)
    with strategy.scope():
        model = ...; model.build(observed)  # create the variables in the scope
        train_ops = train.TrainOps(hparams, model)
    batches = strategy.experimental_distribute_dataset(dataset)  # global batches
    for batch in batches:
        train_ops(None, batch)

A saved checkpoint holds one copy of each variable (the first replica's) under
the same names as single-device training, so it restores without a strategy.
"""

import contextlib
import json
import os
import shutil
import tempfile
from typing import Iterator

import sonnet as snt
import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker")


def set_cpu_devices(count: int) -> None:
    """Splits the first CPU into `count` logical devices (for mirrored training).

    Raises:
        ValueError: `count < 1`.
        RuntimeError: TensorFlow has already initialised its devices with a
            different split; this must run before any other TensorFlow call.
    """
    if count < 1:
        raise ValueError(f"cpu_devices must be >= 1, got {count}.")
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(count)]
    current = tf.config.get_logical_device_configuration(cpu) or [None]
    if len(current) == count:
        return
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        raise RuntimeError(
            f"Cannot split the CPU into {count} logical devices: TensorFlow "
            "has already initialised its devices.") from None


def _replica_local_creator(next_creator, **kwargs) -> tf.Variable:
    """Makes variables replica-local unless their creator chose otherwise.

    ON_READ variables are never synchronised on write: each replica updates
    its own copy. ONLY_FIRST_REPLICA makes reading one outside a replica (to
    save a checkpoint, to generate) return the first replica's copy.
    """
    if kwargs["synchronization"] == tf.VariableSynchronization.AUTO:
        kwargs["synchronization"] = tf.VariableSynchronization.ON_READ
        if kwargs["aggregation"] == tf.VariableAggregation.NONE:
            kwargs["aggregation"] = tf.VariableAggregation.ONLY_FIRST_REPLICA
        if kwargs["trainable"] is None:
            kwargs["trainable"] = True
    return next_creator(**kwargs)


class MultiWorkerReplicator(tf.distribute.MultiWorkerMirroredStrategy):
    """`MultiWorkerMirroredStrategy` with Sonnet's replica-local variables.

    The cluster comes from `TF_CONFIG` (see `check_tf_config`). Each worker
    runs one replica per local GPU, or one on its CPU.
    """

    @contextlib.contextmanager
    def scope(self):
        with super().scope(), tf.variable_creator_scope(_replica_local_creator):
            yield


def check_tf_config() -> dict:
    """The parsed `TF_CONFIG` of a multi-worker job.

    Raises:
        ValueError: `TF_CONFIG` is unset, not JSON, or its task is not one
            of its cluster's.
    """
    text = os.environ.get("TF_CONFIG")
    if not text:
        # Without it every worker would train alone and all would write to
        # the log directory as chief.
        raise ValueError("--strategy multi_worker needs the TF_CONFIG "
                         "environment variable (see docs/distributed.md).")
    try:
        config = json.loads(text)
        cluster, task = config["cluster"], config["task"]
        hosts = cluster[task["type"]]
        index = int(task["index"])
    except (ValueError, KeyError, TypeError) as err:
        raise ValueError(f"Invalid TF_CONFIG {text!r}: needs a cluster and "
                         f"a task of it ({type(err).__name__}: {err}).") from None
    if not 0 <= index < len(hosts):
        raise ValueError(f"Invalid TF_CONFIG: task index {index} but the "
                         f"{task['type']} job has {len(hosts)} tasks.")
    return config


def make_strategy(name: str, cpu_devices: int | None = None) -> tf.distribute.Strategy:
    """The strategy `name` (one of `STRATEGIES`); call before other TF work.

    Args:
        name: "default" (one device), "mirrored" (`snt.distribute.Replicator`
            over all local GPUs, else over the logical CPU devices) or
            "multi_worker" (`MultiWorkerReplicator` from `TF_CONFIG`).
        cpu_devices: for "mirrored" on a machine without a GPU, split the
            CPU into this many logical devices, one replica each.

    Raises:
        ValueError: an unknown name, `cpu_devices` with another strategy than
            "mirrored", or a bad `TF_CONFIG`.
    """
    if name not in STRATEGIES:
        raise ValueError(f"Unknown strategy {name!r}; valid: {', '.join(STRATEGIES)}.")
    if cpu_devices is not None and name != "mirrored":
        raise ValueError("cpu_devices applies to the mirrored strategy only.")
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "multi_worker":
        check_tf_config()
        return MultiWorkerReplicator()
    if cpu_devices is not None:
        set_cpu_devices(cpu_devices)
    devices = [d.name for d in tf.config.list_logical_devices("GPU")]
    if not devices:
        devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    return snt.distribute.Replicator(devices)


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes the run's files (always, but for workers > 0)."""
    return strategy.extended.should_checkpoint


@contextlib.contextmanager
def writable_dir(strategy: tf.distribute.Strategy, log_dir: str) -> Iterator[str]:
    """Where this worker writes checkpoints and summaries: `log_dir` on the chief.

    Under a multi-worker strategy every worker must take part in saving (the
    save may read variables collectively), but only the chief's copy is
    kept: the others write into a temporary directory deleted on exit.
    """
    if is_chief(strategy):
        yield log_dir
        return
    scratch = tempfile.mkdtemp(prefix="vaeseq-worker-")
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
