"""Tests for summaries.py: records as TensorBoard's plugins read them."""

import glob
import os
import time

import numpy as np
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import summaries


def read_records(log_dir):
    """{tag: (step, plugin data, tensor)} of every record under `log_dir`."""
    records = {}
    for path in glob.glob(os.path.join(log_dir, "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                records[value.tag] = (event.step, value.metadata.plugin_data,
                                      tf.make_ndarray(value.tensor))
    return records


def test_every_kind(tmp_path):
    # The functions pass encoded files through, so any bytes stand in here.
    pngs = [b"\x89PNG first", b"\x89PNG second"]
    wavs = [b"RIFF first", b"RIFF second"]
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=7):
        summaries.scalar("loss", 2.5)
        summaries.text("samples", ["one", "two", "three"])
        summaries.images("rolls", pngs, width=4, height=88)
        summaries.audio("clips", wavs, ["first", "second"])
        summaries.audio("unlabelled", wavs[:1])
    writer.close()
    records = read_records(str(tmp_path))
    step, plugin, tensor = records["loss"]
    assert (step, plugin.plugin_name, tensor.dtype) == (7, "scalars", "float32")
    assert float(tensor) == 2.5
    _, plugin, tensor = records["samples"]
    assert plugin.plugin_name == "text"
    assert tensor.tolist() == [b"one", b"two", b"three"]
    _, plugin, tensor = records["rolls"]
    assert plugin.plugin_name == "images"
    assert tensor.tolist() == [b"4", b"88", *pngs]
    _, plugin, tensor = records["clips"]
    assert (plugin.plugin_name, plugin.content) == ("audio", b"\x10\x0b")
    assert tensor.tolist() == [[wavs[0], b"first"], [wavs[1], b"second"]]
    assert records["unlabelled"][2].tolist() == [[wavs[0], b""]]


def log_run(log_dir, points):
    """Writes one run's event file of `points`: (tag, step, value) each."""
    writer = tf.summary.create_file_writer(log_dir)
    for tag, step, value in points:
        with writer.as_default(step=step):
            summaries.scalar(tag, value)
    writer.close()
    time.sleep(0.01)  # Later runs have later wall times.


def test_one_run(tmp_path):
    log_run(str(tmp_path), [("elbo", 1, -9.5), ("divergence", 1, 2.0),
                            ("elbo", 2, -7.25), ("other", 2, 5.0)])
    found = summaries.read_scalars(str(tmp_path), ["elbo", "divergence", "kl"])
    assert set(found) == {"elbo", "divergence"}
    np.testing.assert_array_equal(found["elbo"].steps, [1, 2])
    np.testing.assert_array_equal(found["elbo"].values, [-9.5, -7.25])
    np.testing.assert_array_equal(found["divergence"].values, [2.0])
    assert found["elbo"].steps.dtype == np.int64


def test_resumed_runs_join_and_replace_what_was_redone(tmp_path):
    log_dir = str(tmp_path)
    # The first run logged up to step 30 but saved its checkpoint at 20;
    # the second resumed from 20 and went on to 50.
    log_run(log_dir, [("elbo", step, -step) for step in (10, 20, 30)])
    log_run(log_dir, [("elbo", step, 100 + step) for step in (30, 40, 50)])
    found = summaries.read_scalars(log_dir, ["elbo"])["elbo"]
    np.testing.assert_array_equal(found.steps, [10, 20, 30, 40, 50])
    np.testing.assert_array_equal(found.values, [-10, -20, 130, 140, 150])


def test_a_truncated_file_gives_what_it_holds(tmp_path):
    log_dir = str(tmp_path)
    log_run(log_dir, [("elbo", step, float(step)) for step in (1, 2, 3)])
    path, = glob.glob(os.path.join(log_dir, summaries.PATTERN))
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 5)  # Into the last record.
    found = summaries.read_scalars(log_dir, ["elbo"])["elbo"]
    np.testing.assert_array_equal(found.steps, [1, 2])


def test_nothing_logged(tmp_path):
    assert summaries.read_scalars(str(tmp_path), ["elbo"]) == {}
    assert summaries.read_scalars(str(tmp_path / "missing"), ["elbo"]) == {}


if __name__ == "__main__":
    testing.main(__file__)
