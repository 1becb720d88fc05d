"""Tests for train.py: what a run writes, resuming, stopping early, warnings."""

import glob
import json
import os

import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.common import rundir
from vaeseq.examples.common import test_support
from vaeseq.examples.text import train
from vaeseq.examples.text import vocab


def summary_tags(log_dir):
    tags = {}
    for path in glob.glob(os.path.join(log_dir, "events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                tags[value.tag] = value.metadata.plugin_data.plugin_name
    return tags


def test_train_writes_the_log_dir(trained_dir, corpora):
    files = os.listdir(trained_dir)
    assert {"hparams.json", "vocab.json", "checkpoint",
            "ckpt-3.index"} <= set(files)
    with open(os.path.join(trained_dir, "hparams.json"), encoding="utf-8") as f:
        saved = json.load(f)
    assert saved["vae_type"] == "SRNN"
    assert saved["sequence_size"] == 8
    assert saved["rnn_hidden_sizes"] == [16]
    with open(corpora["train"], encoding="utf-8") as f:
        text = f.read()
    assert vocab.Vocabulary.load(os.path.join(trained_dir, "vocab.json")) == (
        vocab.Vocabulary.from_text(text, vocab_size=100))
    assert test_support.checkpoint_value(trained_dir, test_support.GLOBAL_STEP) == 3
    assert not glob.glob(os.path.join(trained_dir, "*.tmp"))


def test_summaries(trained_dir):
    tags = summary_tags(trained_dir)
    for name in ("log_prob", "divergence", "elbo", "divergence_strength",
                 "train/nats_per_char", "train/bits_per_char",
                 "valid/nats_per_char", "valid/bits_per_char"):
        assert tags[name] == "scalars", name
    assert tags["samples"] == "text"


def test_resume_continues_to_iters(copy_of_trained, corpora):
    result = train.train(
        copy_of_trained, corpora["train"], train.Schedule(5, save_every=2))
    assert result == train.TrainResult(5, None)
    assert test_support.checkpoint_value(copy_of_trained, test_support.GLOBAL_STEP) == 5
    # Adam's own step counter was restored too: 3 earlier steps + 2 now.
    assert test_support.checkpoint_value(copy_of_trained, test_support.ADAM_STEP) == 5
    names = sorted(os.path.basename(path) for path in
                   glob.glob(os.path.join(copy_of_trained, "ckpt-*.index")))
    assert names == ["ckpt-3.index", "ckpt-4.index", "ckpt-5.index"]


def test_nothing_to_do_at_iters(copy_of_trained, corpora, dir_state):
    before = dir_state(copy_of_trained)
    result = train.train(
        copy_of_trained, corpora["train"], train.Schedule(2))
    assert result == train.TrainResult(3, None)
    after = dir_state(copy_of_trained)
    # Only a new (empty) TensorBoard event file.
    assert {name: value for name, value in after.items()
            if not name.startswith("events.")} == {
                name: value for name, value in before.items()
                if not name.startswith("events.")}


def test_time_limit(copy_of_trained, corpora):
    result = train.train(
        copy_of_trained, corpora["train"],
        train.Schedule(100, max_seconds=0))
    assert result == train.TrainResult(3, "time limit")
    assert test_support.checkpoint_value(copy_of_trained, test_support.GLOBAL_STEP) == 3


@pytest.mark.parametrize("schedule, message", [
    (train.Schedule(-1), "iters"),
    (train.Schedule(5, log_every=0), "log_every"),
    (train.Schedule(5, valid_every=0), "valid_every"),
    (train.Schedule(5, save_every=0), "save_every"),
])
def test_bad_schedule(schedule, message, corpora, tmp_path):
    log_dir = str(tmp_path / "log")
    with pytest.raises(errors.InputError, match=message):
        train.train(log_dir, corpora["train"], schedule)
    assert not os.path.exists(log_dir)


def test_checkpoint_without_config_is_an_error(copy_of_trained, corpora):
    os.remove(os.path.join(copy_of_trained, rundir.HPARAMS_FILE))
    with pytest.raises(rundir.LogDirError, match="lacks hparams.json"):
        train.train(copy_of_trained, corpora["train"], train.Schedule(5))


@pytest.mark.parametrize("extra, warned", [("eee", False), ("\u2603" * 3, True)])
def test_valid_oov_warning(extra, warned, corpora, tiny_hparams, tmp_path,
                           capsys):
    with open(corpora["valid"], encoding="utf-8") as f:
        valid = tmp_path / "valid.txt"
        valid.write_text(extra + f.read()[:37], encoding="utf-8")
    log_dir = tmp_path / "log"
    prepared = train.prepare(str(log_dir), corpora["train"], str(valid),
                             tiny_hparams, 0)
    assert prepared.valid_windows.shape == (5, 8)
    err = capsys.readouterr().err
    expected = (f"warning: {valid}: 3 of the 40 characters scored are "
                "outside the model's vocabulary")
    assert (expected in err) == warned
    assert not log_dir.exists()


if __name__ == "__main__":
    testing.main(__file__)
