"""Shared fixtures of the MIDI example's tests: a tiny run on JSB Chorales.

Training even a tiny model costs seconds of `tf.function` tracing, so one
run (`trained_dir`) is shared by the whole session; tests that change a
training directory work on a copy (`copy_of_trained`).
"""

import pytest

# The shared fixtures `copy_of_trained` and `dir_state`.
from vaeseq.examples.common.test_support import fixture_copy_of_trained  # pylint: disable=unused-import
from vaeseq.examples.common.test_support import fixture_dir_state  # pylint: disable=unused-import
from vaeseq.examples.midi import testdata
from vaeseq.examples.midi import train

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
    result = train.train(
        log_dir, jsb, train.Schedule(TRAINED_STEPS),
        hparams="vae_type=SRNN," + TINY_HPARAMS, seed=1)
    assert result == train.TrainResult(TRAINED_STEPS, None)
    return log_dir
