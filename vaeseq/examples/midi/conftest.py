"""Shared fixtures of the MIDI example's tests: a tiny run on JSB Chorales.

Training even a tiny model costs seconds of `tf.function` tracing, so one
run (`trained_dir`) is shared by the whole session; tests that change a
training directory work on a copy (`copy_of_trained`).
"""

import shutil

import pytest

from vaeseq.examples.midi import testdata
from vaeseq.examples.midi import training
from vaeseq.examples.text.conftest import directory_state

# Tiny sizes: every model trains, samples and scores in well under a second
# once traced.
TINY_HPARAMS = (
    "rnn_hidden_sizes=[16],sequence_size=8,batch_size=4,latent_size=4,"
    "obs_encoder_fc_layers=[8],obs_decoder_fc_hidden_layers=[8],"
    "latent_decoder_fc_layers=[8],log_prob_samples=2")
TRAINED_STEPS = 3


@pytest.fixture(name="tiny_hparams", scope="session")
def fixture_tiny_hparams() -> str:
    return TINY_HPARAMS


@pytest.fixture(name="jsb", scope="session")
def fixture_jsb() -> str:
    """The path of JSB Chorales as a MATLAB file (the test skips without it)."""
    return testdata.data_path(testdata.JSB_MAT)


@pytest.fixture(name="trained_dir", scope="session")
def fixture_trained_dir(tmp_path_factory, jsb) -> str:
    """A training directory of a tiny SRNN after `TRAINED_STEPS` steps on
    the train split of JSB Chorales.

    Read-only for tests: see `copy_of_trained`.
    """
    log_dir = str(tmp_path_factory.mktemp("trained") / "log")
    result = training.train(
        log_dir, jsb, training.Schedule(TRAINED_STEPS),
        hparams="vae_type=SRNN," + TINY_HPARAMS, seed=1)
    assert result == training.TrainResult(TRAINED_STEPS, None)
    return log_dir


@pytest.fixture(name="copy_of_trained")
def fixture_copy_of_trained(trained_dir, tmp_path) -> str:
    """A copy of `trained_dir` that a test may change."""
    copy = str(tmp_path / "log")
    shutil.copytree(trained_dir, copy)
    return copy


@pytest.fixture(name="dir_state", scope="session")
def fixture_dir_state():
    """`directory_state` (of the text example's tests): every file under a
    path with its mtime and sha256, for comparing a directory before and
    after."""
    return directory_state
