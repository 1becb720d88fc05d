"""Tests for hparams.py: an example's hyperparameters, JSON and overrides."""

import pytest

from vaeseq import testing
from vaeseq.examples.common import hparams as hparams_mod


def check_width(hparams):
    if hparams.width < 1:
        raise ValueError(f"width must be >= 1, got {hparams.width}.")


SPEC = hparams_mod.ExampleHParams(
    extra={"width": (3, "How wide."), "label": ("x", "What it is called.")},
    defaults={"latent_size": 6},
    architecture=hparams_mod.LIBRARY_ARCHITECTURE + ("width",),
    check=check_width)


def test_extra_and_defaults():
    hparams = SPEC.make()
    assert (hparams.width, hparams.label, hparams.latent_size) == (3, "x", 6)


def test_overrides_then_flag():
    hparams = SPEC.make("width=5,vae_type=RNN", width=4, label="y")
    assert (hparams.width, hparams.label, hparams.vae_type) == (5, "y", "RNN")


@pytest.mark.parametrize("flag, message", [
    ("width=0", "width must be >= 1"), ("no_such=1", "no_such"),
    ("width=wide", "width"), ("latent_size", "Malformed"),
    ("batch_size=0", "batch_size must be >= 1"),
    ("sequence_size=-1", "sequence_size must be >= 1"),
    ("sequence_size=200000", r"20 x 200000 = 4000000 steps per batch exceeds the limit of 131072"),
    ("batch_size=100000,sequence_size=2", "200000 steps per batch exceeds"),
])
def test_bad_flags(flag, message):
    with pytest.raises(ValueError, match=message):
        SPEC.make(flag)


def test_the_largest_batch_allowed():
    hparams = SPEC.make(f"batch_size=1,sequence_size={hparams_mod.MAX_STEPS_PER_BATCH}")
    assert hparams.sequence_size == 2 ** 17


def test_describe_lists_every_name_with_its_default_and_meaning():
    text = SPEC.describe()
    assert "width = 3  *\n    How wide.\n" in text
    assert "label = x\n    What it is called.\n" in text
    assert "latent_size = 6  *\n    Dimensionality of the latent variable" in text
    assert "check_numerics = true\n" in text and "rnn_hidden_sizes = [32]  *\n" in text
    names = [line.split(" = ")[0] for line in text.splitlines() if not line.startswith(" ")]
    assert names == sorted(SPEC.make().values())
    assert all(len(line) <= 78 for line in text.splitlines())


def test_unknown_architecture_name():
    with pytest.raises(ValueError, match="no_such"):
        hparams_mod.ExampleHParams({}, {}, ("latent_size", "no_such"))


def test_from_json_round_trip_and_defaults():
    hparams = SPEC.make("width=7,label=z")
    assert SPEC.from_json(hparams.to_json()) == hparams
    # Names missing from the file take the defaults.
    assert SPEC.from_json('{"width": 2}') == SPEC.make(width=2)


@pytest.mark.parametrize("text, message", [
    ("{", "not JSON"), ("[1]", "not a JSON object"),
    ('{"width": "big"}', "width"), ('{"unknown": 1}', "unknown"),
    ('{"width": -1}', "width must be >= 1"),
])
def test_from_json_rejects(text, message):
    with pytest.raises(ValueError, match=message):
        SPEC.from_json(text)


def test_override_runtime_values():
    saved = SPEC.make("width=2")
    hparams = SPEC.override(saved, "label=q,batch_size=3,width=2")
    assert (hparams.label, hparams.batch_size, hparams.width) == ("q", 3, 2)
    assert saved.label == "x"  # Unchanged.
    assert SPEC.override(saved, None) == saved


@pytest.mark.parametrize("flag", ["width=4", "vae_type=RNN", "latent_size=3"])
def test_override_rejects_architecture_changes(flag):
    saved = SPEC.make("width=2")
    name, value = flag.split("=")
    with pytest.raises(ValueError, match=(
            rf"architecture.*{name} \(trained with .*, given .*{value}")):
        SPEC.override(saved, flag)


if __name__ == "__main__":
    testing.main(__file__)
