"""Shared fixtures of the text example's tests: tiny corpora and a tiny run.

Training even a tiny model costs seconds of `tf.function` tracing, so one
run (`trained_dir`) is shared by the whole session; tests that change a
training directory work on a copy (`copy_of_trained`).

Only the provenance check of the shared `tinyshakespeare.txt` reads the
shared data (`shakespeare`), and only where `$VAESEQ_DATA_DIR` holds it;
no fixture looks for `../shared` beside the repository.
"""

import hashlib
import pathlib

import pytest
from pydoc_data import topics

from vaeseq.examples.common import test_support
# The shared fixtures `copy_of_trained` and `dir_state`.
from vaeseq.examples.common.test_support import fixture_copy_of_trained  # pylint: disable=unused-import
from vaeseq.examples.common.test_support import fixture_dir_state  # pylint: disable=unused-import
from vaeseq.examples.text import data
from vaeseq.examples.text import train

# Tiny sizes: every model trains, samples and scores in well under a second
# once traced.
TINY_HPARAMS = (
    "rnn_hidden_sizes=[16],sequence_size=8,batch_size=4,latent_size=4,"
    "embed_size=8,obs_encoder_fc_layers=[8],obs_decoder_fc_hidden_layers=[8],"
    "latent_decoder_fc_layers=[8],log_prob_samples=2")
TRAINED_STEPS = 3

# The opening of Tiny Shakespeare: 421 ASCII characters, 44 distinct, the
# most common " " (57 times), "e" (41) and "t" (26).
TINY_SHAKESPEARE = """\
First Citizen:
Before we proceed any further, hear me speak.

All:
Speak, speak.

First Citizen:
You are all resolved rather to die than to famish?

All:
Resolved. resolved.

First Citizen:
First, you know Caius Marcius is chief enemy to the people.

All:
We know't, we know't.

First Citizen:
Let us kill him, and we'll have corn at our own price.
Is't a verdict?

All:
No more talking on't; let it be done: away, away!
"""
# Lines after Pride and Prejudice: 173 characters, of which only the
# curly quotes and the "\u00e9" (7 characters in all) are not in
# TINY_SHAKESPEARE.
TINY_AUSTEN = (
    "\u201cMy dear Mr. Bennet,\u201d said his lady to him one day, "
    "\u201chave you heard that\nNetherfield is let at last?\u201d\n\n"
    "You wanted me, I know, to say \u2018Yes,\u2019 with all the "
    "\u00e9clat of a proverb.\n")


@pytest.fixture(name="tiny_hparams", scope="session")
def fixture_tiny_hparams() -> str:
    return TINY_HPARAMS


@pytest.fixture(name="tiny_shakespeare_and_austen", scope="session")
def fixture_tiny_shakespeare_and_austen() -> tuple[str, str]:
    """The texts `TINY_SHAKESPEARE`, pure ASCII, and `TINY_AUSTEN`, which has
    curly quotes and an accented letter."""
    return TINY_SHAKESPEARE, TINY_AUSTEN


def write_tiny_shakespeare(directory: pathlib.Path, monkeypatch) -> pathlib.Path:
    """Writes `TINY_SHAKESPEARE` to `directory/tinyshakespeare.txt` and pins
    its sha256 in place of the real file's; returns its path."""
    directory.mkdir()
    path = directory / "tinyshakespeare.txt"
    path.write_text(TINY_SHAKESPEARE, encoding="utf-8")
    monkeypatch.setattr(data, "TINYSHAKESPEARE_SHA256",
                        hashlib.sha256(path.read_bytes()).hexdigest())
    return path


@pytest.fixture(name="tiny_shakespeare")
def fixture_tiny_shakespeare(tmp_path, monkeypatch) -> pathlib.Path:
    """`TINY_SHAKESPEARE` as `tinyshakespeare.txt`, alone in a directory,
    with its sha256 pinned for the test (`write_tiny_shakespeare`)."""
    return write_tiny_shakespeare(tmp_path / "tiny_data", monkeypatch)


@pytest.fixture(name="shared_shakespeare", scope="session")
def fixture_shared_shakespeare() -> pathlib.Path | None:
    """`tinyshakespeare.txt` in `$VAESEQ_DATA_DIR` as the session started
    (tests may change the variable); None if it is unset or lacks the file."""
    return test_support.shared_data("tinyshakespeare.txt")


@pytest.fixture(name="shakespeare")
def fixture_shakespeare(shared_shakespeare, tmp_path, monkeypatch) -> pathlib.Path:
    """For the provenance check: `shared_shakespeare` if there is one (the
    real sha256 stays pinned), else the file of `tiny_shakespeare`."""
    return shared_shakespeare or write_tiny_shakespeare(tmp_path / "tiny_data", monkeypatch)


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
