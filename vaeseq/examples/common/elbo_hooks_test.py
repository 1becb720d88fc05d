"""Tests for elbo_hooks.py: mean summaries and the loss shown per step."""

import glob
import math
import os

import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import elbo_hooks

SEQUENCE_SIZE = 4


def results(elbo):
    values = dict.fromkeys(elbo_hooks.LOGGED, 1.0)
    values["elbo"] = elbo
    return {name: tf.constant(value) for name, value in values.items()}


def scalars(log_dir):
    """{tag: [(step, value)]} of the scalars written under `log_dir`."""
    found = {}
    for path in glob.glob(os.path.join(log_dir, "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                assert value.metadata.plugin_data.plugin_name == "scalars"
                found.setdefault(value.tag, []).append(
                    (event.step, float(tf.make_ndarray(value.tensor))))
    return found


@pytest.mark.parametrize("in_bits", [False, True])
def test_means_when_due_and_smoothed_loss(tmp_path, in_bits):
    hooks = elbo_hooks.ElboHooks(SEQUENCE_SIZE, unit="char", in_bits=in_bits)
    writer = tf.summary.create_file_writer(str(tmp_path))
    shown = []
    with writer.as_default():
        for step, (elbo, due) in enumerate(
                [(-8.0, False), (-16.0, True), (-4.0, True)], start=1):
            tf.summary.experimental.set_step(step)
            shown.append(hooks.after_step(step, results(elbo), due))
    writer.close()
    unit = math.log(2) if in_bits else 1.0
    name = "train_bits" if in_bits else "train_nats"
    first, second = 2.0 / unit, 4.0 / unit
    assert [list(s) for s in shown] == [[name]] * 3
    assert shown[0][name] == pytest.approx(first)
    assert shown[1][name] == pytest.approx(0.9 * first + 0.1 * second)
    found = scalars(str(tmp_path))
    # Means over the steps since the last summary: (-8 - 16) / 2, then -4.
    assert found["elbo"] == [(2, -12.0), (3, -4.0)]
    assert found["grad_norm"] == [(2, 1.0), (3, 1.0)]
    assert found["train/nats_per_char"] == [(2, 3.0), (3, 1.0)]
    if in_bits:
        assert [v for _, v in found["train/bits_per_char"]] == pytest.approx(
            [3.0 / math.log(2), 1.0 / math.log(2)])
    else:
        assert "train/bits_per_char" not in found


if __name__ == "__main__":
    testing.main(__file__)
