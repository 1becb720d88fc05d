"""Tests for summaries.py: records as TensorBoard's plugins read them."""

import glob
import os

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


if __name__ == "__main__":
    testing.main(__file__)
