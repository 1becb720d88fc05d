"""Shared fixtures of the text example's tests: tiny corpora and a tiny run.

Training even a tiny model costs seconds of `tf.function` tracing, so one
run (`trained_dir`) is shared by the whole session; tests that change a
training directory work on a copy (`copy_of_trained`).
"""

import pytest
from pydoc_data import topics

# The shared fixtures `copy_of_trained` and `dir_state`.
from vaeseq.examples.common.test_support import fixture_copy_of_trained  # pylint: disable=unused-import
from vaeseq.examples.common.test_support import fixture_dir_state  # pylint: disable=unused-import
from vaeseq.examples.text import train

# Tiny sizes: every model trains, samples and scores in well under a second
# once traced.
TINY_HPARAMS = (
    "rnn_hidden_sizes=[16],sequence_size=8,batch_size=4,latent_size=4,"
    "embed_size=8,obs_encoder_fc_layers=[8],obs_decoder_fc_hidden_layers=[8],"
    "latent_decoder_fc_layers=[8],log_prob_samples=2")
TRAINED_STEPS = 3


@pytest.fixture(name="tiny_hparams", scope="session")
def fixture_tiny_hparams() -> str:
    return TINY_HPARAMS


@pytest.fixture(name="corpora", scope="session")
def fixture_corpora(tmp_path_factory) -> dict[str, str]:
    """Paths of a training corpus (3000 characters) and a validation one."""
    text = "\n".join(topics.topics[key] for key in sorted(topics.topics))
    directory = tmp_path_factory.mktemp("corpora")
    paths = {}
    for name, part in (("train", text[:3000]), ("valid", text[3000:3600])):
        path = directory / f"{name}.txt"
        path.write_text(part, encoding="utf-8")
        paths[name] = str(path)
    return paths


@pytest.fixture(name="trained_dir", scope="session")
def fixture_trained_dir(tmp_path_factory, corpora) -> str:
    """A training directory of a tiny SRNN after `TRAINED_STEPS` steps.

    Read-only for tests: see `copy_of_trained`.
    """
    log_dir = str(tmp_path_factory.mktemp("trained") / "log")
    result = train.train(
        log_dir, corpora["train"], train.Schedule(TRAINED_STEPS),
        valid_corpus=corpora["valid"], hparams="vae_type=SRNN," + TINY_HPARAMS,
        seed=1)
    assert result == train.TrainResult(TRAINED_STEPS, None)
    return log_dir
