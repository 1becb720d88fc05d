"""Shared fixtures of the MIDI example's tests: tiny data files (see
`testdata`) and a tiny run on one of them.

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


@pytest.fixture(name="tiny_benchmarks", scope="session")
def fixture_tiny_benchmarks(tmp_path_factory) -> testdata.Benchmarks:
    """Tiny stand-ins for the benchmark files (`testdata.tiny_benchmarks`)."""
    return testdata.tiny_benchmarks(tmp_path_factory.mktemp("polyphonic"))


@pytest.fixture(name="shared_or_tiny_benchmarks", scope="session")
def fixture_shared_or_tiny_benchmarks(tiny_benchmarks) -> testdata.Benchmarks:
    """For provenance checks: the shared benchmark files when
    `$VAESEQ_DATA_DIR` holds them, else `tiny_benchmarks`."""
    return testdata.shared_benchmarks() or tiny_benchmarks


@pytest.fixture(name="tiny_mat", scope="session")
def fixture_tiny_mat(tiny_benchmarks) -> str:
    """The path of `tiny_benchmarks`' stand-in for JSB Chorales as a MATLAB
    file (pieces of 6 to 16 steps; `testdata.TINY_LENGTHS`)."""
    return tiny_benchmarks.path(testdata.JSB_MAT)


@pytest.fixture(name="tiny_midi_tree", scope="session")
def fixture_tiny_midi_tree(tmp_path_factory) -> testdata.MidiTree:
    """The tiny MIDI files of `testdata.TINY_MIDI`, in subfolders."""
    return testdata.midi_tree(tmp_path_factory.mktemp("midi"))


@pytest.fixture(name="shared_or_tiny_midi_tree", scope="session")
def fixture_shared_or_tiny_midi_tree(tiny_midi_tree) -> testdata.MidiTree:
    """For provenance checks: the shared MIDI files when `$VAESEQ_DATA_DIR`
    holds them, else `tiny_midi_tree`."""
    return testdata.shared_midi_tree() or tiny_midi_tree


@pytest.fixture(name="trained_dir", scope="session")
def fixture_trained_dir(tmp_path_factory, tiny_mat) -> str:
    """A training directory of a tiny SRNN after `TRAINED_STEPS` steps on
    the train split of `tiny_mat`.

    Read-only for tests: see `copy_of_trained`.
    """
    log_dir = str(tmp_path_factory.mktemp("trained") / "log")
    result = train.train(
        log_dir, tiny_mat, train.Schedule(TRAINED_STEPS),
        hparams="vae_type=SRNN," + TINY_HPARAMS, seed=1)
    assert result == train.TrainResult(TRAINED_STEPS, None)
    return log_dir
