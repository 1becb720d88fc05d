"""Tests for training.py: what a run writes, resuming, stopping early."""

import glob
import json
import os

import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir
from vaeseq.examples.midi import training

GLOBAL_STEP = "train_ops/global_step/.ATTRIBUTES/VARIABLE_VALUE"
ADAM_STEP = "train_ops/optimizer/step/.ATTRIBUTES/VARIABLE_VALUE"


def checkpoint_value(log_dir, name):
    path = tf.train.latest_checkpoint(log_dir)
    return int(tf.train.load_checkpoint(path).get_tensor(name))


def summaries(log_dir):
    """{tag: (plugin name, plugin content, tensor)} of the last record per tag."""
    found = {}
    for path in glob.glob(os.path.join(log_dir, "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = value.metadata.plugin_data
                found[value.tag] = (plugin.plugin_name, plugin.content,
                                    tf.make_ndarray(value.tensor))
    return found


def test_train_writes_the_log_dir(trained_dir):
    files = os.listdir(trained_dir)
    assert {"hparams.json", "checkpoint", "ckpt-3.index"} <= set(files)
    with open(os.path.join(trained_dir, "hparams.json"), encoding="utf-8") as f:
        saved = json.load(f)
    assert saved["vae_type"] == "SRNN"
    assert saved["sequence_size"] == 8
    assert saved["rate"] == 32.0
    assert checkpoint_value(trained_dir, GLOBAL_STEP) == 3
    assert not glob.glob(os.path.join(trained_dir, "*.tmp"))


def test_summaries(trained_dir):
    found = summaries(trained_dir)
    for name in ("log_prob", "divergence", "elbo", "divergence_strength",
                 "train/nats_per_step"):
        assert found[name][0] == "scalars", name
    plugin, _, images = found["samples/piano_roll"]
    assert plugin == "images"
    assert list(images[:2]) == [
        str(training.SUMMARY_SAMPLE_STEPS).encode(), b"88"]
    assert len(images) == 2 + training.SUMMARY_SAMPLES
    assert all(png.startswith(b"\x89PNG") for png in images[2:])
    plugin, content, clips = found["samples/audio"]
    assert (plugin, content) == ("audio", b"\x10\x0b")  # Encoding: WAV.
    assert clips.shape == (training.SUMMARY_SAMPLES, 2)
    assert all(wav.startswith(b"RIFF") for wav in clips[:, 0])


def test_resume_continues_to_iters(copy_of_trained, jsb):
    result = training.train(
        copy_of_trained, jsb, training.Schedule(5, save_every=2))
    assert result == training.TrainResult(5, None)
    assert checkpoint_value(copy_of_trained, GLOBAL_STEP) == 5
    # Adam's own step counter was restored too: 3 earlier steps + 2 now.
    assert checkpoint_value(copy_of_trained, ADAM_STEP) == 5
    names = sorted(os.path.basename(path) for path in
                   glob.glob(os.path.join(copy_of_trained, "ckpt-*.index")))
    assert names == ["ckpt-3.index", "ckpt-4.index", "ckpt-5.index"]


def test_time_limit(copy_of_trained, jsb):
    result = training.train(
        copy_of_trained, jsb, training.Schedule(100, max_seconds=0))
    assert result == training.TrainResult(3, "time limit")
    assert checkpoint_value(copy_of_trained, GLOBAL_STEP) == 3


@pytest.mark.parametrize("flags, message", [
    ("batch_size=0", "batch_size"),
    ("rate=-1", "rate must be positive"),
    ("obs_encoder_fc_layers=[]", "obs_encoder_fc_layers"),
])
def test_bad_hparams(flags, message, jsb, tmp_path):
    log_dir = str(tmp_path / "log")
    with pytest.raises(errors.InputError, match=message):
        training.train(log_dir, jsb, training.Schedule(5), hparams=flags)
    assert not os.path.exists(log_dir)


def test_checkpoint_without_config_is_an_error(copy_of_trained, jsb):
    os.remove(os.path.join(copy_of_trained, rundir.HPARAMS_FILE))
    with pytest.raises(rundir.LogDirError, match="lacks hparams.json"):
        training.train(copy_of_trained, jsb, training.Schedule(5))


if __name__ == "__main__":
    testing.main(__file__)
