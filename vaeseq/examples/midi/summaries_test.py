"""Tests for summaries.py: image and audio records as TensorBoard reads them."""

import glob
import os

import numpy as np
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.midi import render
from vaeseq.examples.midi import summaries


def test_images_and_audio(tmp_path):
    rolls = [np.eye(4, 88, dtype=np.float32), np.zeros([4, 88], np.float32)]
    pngs = [render.png_bytes(roll) for roll in rolls]
    wavs = [render.wav_bytes(np.zeros(10, np.float32)) for _ in rolls]
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=7):
        summaries.images("rolls", pngs, width=4, height=88)
        summaries.audio("clips", wavs, ["first", "second"])
    writer.close()
    records = {}
    for path in glob.glob(os.path.join(tmp_path, "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                records[value.tag] = (event.step, value.metadata.plugin_data,
                                      tf.make_ndarray(value.tensor))
    step, plugin, tensor = records["rolls"]
    assert (step, plugin.plugin_name) == (7, "images")
    assert tensor.tolist() == [b"4", b"88", *pngs]
    step, plugin, tensor = records["clips"]
    assert (step, plugin.plugin_name, plugin.content) == (7, "audio", b"\x10\x0b")
    assert tensor.tolist() == [[wavs[0], b"first"], [wavs[1], b"second"]]


if __name__ == "__main__":
    testing.main(__file__)
