"""Tests for train.py: what a run writes, resuming, stopping early, the masks."""

import glob
import json
import os

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir
from vaeseq.examples.common import test_support
from vaeseq.examples.midi import data
from vaeseq.examples.midi import train

# The real `make_dataset`, which the padding test wraps.
MAKE_DATASET = data.make_dataset


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
    assert {"hparams.json", "checkpoint", "ckpt-3.index",
            "curves.png"} <= set(files)
    with open(os.path.join(trained_dir, "hparams.json"), encoding="utf-8") as f:
        saved = json.load(f)
    assert saved["vae_type"] == "SRNN"
    assert saved["sequence_size"] == 8
    assert saved["rate"] == 32.0
    assert test_support.checkpoint_value(trained_dir, test_support.GLOBAL_STEP) == 3
    assert not glob.glob(os.path.join(trained_dir, "*.tmp"))


def test_summaries(trained_dir):
    found = summaries(trained_dir)
    for name in ("log_prob", "divergence", "elbo", "divergence_strength",
                 "train/nats_per_step"):
        assert found[name][0] == "scalars", name
    plugin, _, images = found["samples/piano_roll"]
    assert plugin == "images"
    assert len(images) == 2 + train.SUMMARY_SAMPLES
    # The width and height given are the pictures' own, which show every
    # step of a sample at least a pixel wide.
    width, height = int(images[0]), int(images[1])
    for png in images[2:]:
        assert tf.io.decode_png(png).shape == (height, width, 3)
    assert width > train.SUMMARY_SAMPLE_STEPS and height > 88
    plugin, content, clips = found["samples/audio"]
    assert (plugin, content) == ("audio", b"\x10\x0b")  # Encoding: WAV.
    assert clips.shape == (train.SUMMARY_SAMPLES, 2)
    assert all(wav.startswith(b"RIFF") for wav in clips[:, 0])


def test_resume_continues_to_iters(copy_of_trained, tiny_mat):
    result = train.train(
        copy_of_trained, tiny_mat, train.Schedule(5, save_every=2))
    assert result == train.TrainResult(5, None)
    assert test_support.checkpoint_value(copy_of_trained, test_support.GLOBAL_STEP) == 5
    # Adam's own step counter was restored too: 3 earlier steps + 2 now.
    assert test_support.checkpoint_value(copy_of_trained, test_support.ADAM_STEP) == 5
    names = sorted(os.path.basename(path) for path in
                   glob.glob(os.path.join(copy_of_trained, "ckpt-*.index")))
    assert names == ["ckpt-3.index", "ckpt-4.index", "ckpt-5.index"]


def test_time_limit(copy_of_trained, tiny_mat):
    result = train.train(
        copy_of_trained, tiny_mat, train.Schedule(100, max_seconds=0))
    assert result == train.TrainResult(3, "time limit")
    assert test_support.checkpoint_value(copy_of_trained, test_support.GLOBAL_STEP) == 3


@pytest.mark.parametrize("flags, message", [
    ("batch_size=0", "batch_size"),
    ("rate=-1", "rate must be positive"),
    ("obs_encoder_fc_layers=[]", "obs_encoder_fc_layers"),
])
def test_bad_hparams(flags, message, tiny_mat, tmp_path):
    log_dir = str(tmp_path / "log")
    with pytest.raises(errors.InputError, match=message):
        train.train(log_dir, tiny_mat, train.Schedule(5), hparams=flags)
    assert not os.path.exists(log_dir)


def test_checkpoint_without_config_is_an_error(copy_of_trained, tiny_mat):
    os.remove(os.path.join(copy_of_trained, rundir.HPARAMS_FILE))
    with pytest.raises(rundir.LogDirError, match="lacks hparams.json"):
        train.train(copy_of_trained, tiny_mat, train.Schedule(5))


@pytest.fixture(name="short_pieces")
def fixture_short_pieces(tmp_path):
    """A `.json` source whose train split has pieces of 3, 5, 6 and 12 steps."""
    pieces = [[[21 + (step * 7 + index) % 88, 60 + index] for step in range(length)]
              for index, length in enumerate([3, 5, 6, 12])]
    path = tmp_path / "short.json"
    path.write_text(json.dumps({"train": pieces}), encoding="utf-8")
    return str(path)


def trained_variables(log_dir):
    """{name: value} of the trained model's variables in the latest checkpoint."""
    reader = tf.train.load_checkpoint(tf.train.latest_checkpoint(log_dir))
    return {name: reader.get_tensor(name)
            for name in reader.get_variable_to_shape_map()
            if name.startswith("model/")}


def train_on(log_dir, source, tiny_hparams, monkeypatch, change_batches):
    """The model's variables after two training steps on `source`, with
    `change_batches` applied to the dataset of `(rolls, mask)` batches."""
    monkeypatch.setattr(train.data, "make_dataset",
                        lambda *args, **kwargs: change_batches(MAKE_DATASET(*args, **kwargs)))
    result = train.train(log_dir, source, train.Schedule(2),
                         hparams="vae_type=SRNN," + tiny_hparams, seed=3)
    assert result == train.TrainResult(2, None)
    return trained_variables(log_dir)


def with_loud_padding(rolls, mask):
    """Every key pressed on the padded steps, instead of silence."""
    return tf.where(mask[:, :, tf.newaxis] > 0, rolls, tf.ones_like(rolls)), mask


@pytest.mark.slow
def test_training_never_learns_the_padding(short_pieces, tiny_hparams, monkeypatch,
                                           tmp_path):
    """Padding the short pieces with every key pressed instead of silence
    trains exactly the same model; without the masks it would not.

    Every batch holds all four pieces (one pass), three of them padded to
    sequence_size=8; the seed makes the runs alike but for the padding.
    """
    silent = train_on(str(tmp_path / "silent"), short_pieces, tiny_hparams,
                      monkeypatch, lambda batches: batches)
    loud = train_on(str(tmp_path / "loud"), short_pieces, tiny_hparams,
                    monkeypatch, lambda batches: batches.map(with_loud_padding))
    unmasked = train_on(str(tmp_path / "unmasked"), short_pieces, tiny_hparams,
                        monkeypatch, lambda batches: batches.map(lambda rolls, _: rolls))
    assert silent.keys() == loud.keys() == unmasked.keys()
    for name, value in silent.items():
        np.testing.assert_allclose(loud[name], value, rtol=1e-5, atol=1e-6, err_msg=name)
    # The same run without the masks learns from the padding (so the
    # padding is there, and the masks are what hide it).
    assert any(not np.allclose(unmasked[name], value) for name, value in silent.items())


if __name__ == "__main__":
    testing.main(__file__)
