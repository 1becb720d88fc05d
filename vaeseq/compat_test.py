"""Tests for compat.py: each TensorFlow internal against public ops.

A failure here means a TensorFlow upgrade moved or changed an internal that
vaeseq uses; fix `compat.py`, not its callers.
"""

import glob
import os
import pathlib
import re

import numpy as np
import tensorflow as tf

from vaeseq import compat
from vaeseq import lstm_sequence
from vaeseq import testing


def test_xla_context_is_detected():
    seen = {}

    @tf.function(jit_compile=True)
    def compiled(x):
        seen["compiled"] = compat.in_xla_context()
        return x + 1

    @tf.function
    def plain(x):
        seen["plain"] = compat.in_xla_context()
        return x + 1

    compiled(tf.constant(1.0))
    plain(tf.constant(1.0))
    assert seen == {"compiled": True, "plain": False}
    assert not compat.in_xla_context()  # Eagerly.


def test_fused_lstm_gradient_matches_autodiff():
    batch, size, forget_bias = 3, 5, 1.0
    gates = tf.random.stateless_normal([batch, 4 * size], seed=[1, 2])
    prev_cell = tf.random.stateless_normal([batch, size], seed=[1, 3])
    d_cell = tf.random.stateless_normal([batch, size], seed=[1, 4])
    d_hidden = tf.random.stateless_normal([batch, size], seed=[1, 5])
    with tf.GradientTape() as tape:
        tape.watch([gates, prev_cell])
        parts, hidden, cell = lstm_sequence.step_parts(gates, prev_cell, forget_bias)
        # The upstream gradients d_hidden and d_cell, as one scalar.
        total = tf.reduce_sum(hidden * d_hidden) + tf.reduce_sum(cell * d_cell)
    want_prev_cell, want_gates = tape.gradient(total, [prev_cell, gates])
    got_prev_cell, got_gates = compat.fused_lstm_gates_gradient(
        parts, prev_cell, cell, d_cell, d_hidden)
    np.testing.assert_allclose(got_gates, want_gates, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_prev_cell, want_prev_cell, rtol=1e-5, atol=1e-6)


def test_profile_op_stats_are_read(tmp_path):
    @tf.function
    def step(x):
        return tf.matmul(x, x)

    x = tf.ones([8, 8])
    step(x)
    tf.profiler.experimental.start(str(tmp_path))
    for _ in range(3):
        step(x).numpy()
    tf.profiler.experimental.stop()
    paths = glob.glob(os.path.join(str(tmp_path), "**", "*.xplane.pb"), recursive=True)
    rows = compat.framework_op_stats(paths)
    matmuls = [row for row in rows if "MatMul" in row["type"]]
    assert matmuls, [row["type"] for row in rows]
    assert sum(row["occurrences"] for row in matmuls) >= 3
    assert all(row["total_self_time"] >= 0 for row in rows)


# A private TensorFlow, Sonnet or TFP module, or a private attribute of one.
PRIVATE = re.compile(r"(tensorflow|sonnet|tensorflow_probability|keras)\.(python|src)\b"
                     r"|\b(tf|snt|tfp|tfd)(\.\w+)*\._\w")


def test_no_private_names_outside_compat():
    root = pathlib.Path(__file__).resolve().parent.parent
    sources = [path for folder in ("vaeseq", "bench", "reliability")
               for path in (root / folder).rglob("*.py")]
    assert len(sources) > 20, root  # The tree was found.
    offenders = [f"{path.relative_to(root)}:{number}: {line.strip()}"
                 for path in sources
                 if path.name not in ("compat.py", "compat_test.py")
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if PRIVATE.search(line)]
    assert not offenders, "\n".join(offenders)


if __name__ == "__main__":
    testing.main(__file__)
