"""Tests for vaeseq.hparams."""

import copy
import re

import pytest

from vaeseq import hparams as hparams_mod
from vaeseq import testing


def _hparams() -> hparams_mod.HParams:
    return hparams_mod.HParams(
        count=1, rate=0.5, flag=True, name="x", sizes=[1, 2], scales=[0.5],
        tags=["a"], anything=[])


def test_attribute_access():
    hparams = _hparams()
    assert hparams.count == 1
    assert hparams.sizes == [1, 2]
    with pytest.raises(AttributeError,
                       match="'missing' is not a hyperparameter"):
        hparams.missing  # pylint: disable=pointless-statement


def test_parse_scalars():
    hparams = _hparams().parse(
        "count=3,rate=1e-3,flag=false,name=SRNN")
    assert (hparams.count, hparams.rate, hparams.flag, hparams.name) == (
        3, 1e-3, False, "SRNN")


def test_parse_float_accepts_int():
    rate = _hparams().parse("rate=2").rate
    assert type(rate) is float and rate == 2.0


@pytest.mark.parametrize("text, expected", [
    ("true", True), ("TRUE", True), ("1", True),
    ("False", False), ("0", False),
])
def test_parse_bool(text, expected):
    assert _hparams().parse(f"flag={text}").flag is expected


def test_parse_tolerates_whitespace_and_empty_string():
    hparams = _hparams().parse(" count = 7 , sizes = [ 3 , 4 ] ")
    assert (hparams.count, hparams.sizes) == (7, [3, 4])
    assert hparams.parse("  ") == hparams


def test_parse_quoted_strings():
    hparams = _hparams().parse("name='a, b=[c]',tags=[\"x,y\", 'z']")
    assert hparams.name == "a, b=[c]"
    assert hparams.tags == ["x,y", "z"]


def test_parse_lists():
    hparams = _hparams().parse("sizes=[64,64,32],scales=[1,2.5],tags=[]")
    assert hparams.sizes == [64, 64, 32]
    assert hparams.scales == [1.0, 2.5]
    assert hparams.tags == []


@pytest.mark.parametrize("text, expected", [
    ("[1,2]", [1, 2]), ("[1,2.5]", [1.0, 2.5]), ("[a,1]", ["a", "1"]),
])
def test_parse_list_infers_element_type_of_empty_default(text, expected):
    value = _hparams().parse(f"anything={text}").anything
    assert value == expected
    assert [type(item) for item in value] == [type(item) for item in expected]


def test_parse_returns_self_and_mutates():
    hparams = _hparams()
    assert hparams.parse("count=2") is hparams
    assert hparams.count == 2


@pytest.mark.parametrize("assignment, expected_type", [
    ("count=1.5", "int"),
    ("count=true", "int"),
    ("rate=fast", "float"),
    ("flag=yes", "bool"),
    ("sizes=[1,x]", "list of int"),
    ("sizes=5", "list of int"),
    ("sizes=[1,,2]", "list of int"),
    ("sizes=[[1]]", "list of int"),
])
def test_parse_type_error_names_key_value_and_type(assignment, expected_type):
    name, value = assignment.split("=", 1)
    expected = (f"Hyperparameter '{name}': cannot convert '{value}' to "
                f"{expected_type}.")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        _hparams().parse(assignment)


def test_parse_unknown_key_lists_valid_names():
    expected = ("Unknown hyperparameter 'size'; valid names: anything, count, "
                "flag, name, rate, scales, sizes, tags.")
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        _hparams().parse("size=3")


@pytest.mark.parametrize("text, problem", [
    ("count", "expected name=value, got 'count'"),
    ("count=1=2", "expected name=value, got 'count=1=2'"),
    ("count=1,,rate=2", "expected name=value, got ''"),
    ("=3", "invalid name ''"),
    ("sizes=[1,2", "unbalanced brackets"),
    ("sizes=1]", "unbalanced brackets"),
    ("name='x", "unterminated quote '"),
    ("count=1,count=2", "duplicated name 'count'"),
])
def test_parse_malformed_string(text, problem):
    expected = f"Malformed hyperparameter string {text!r}: {problem}."
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        _hparams().parse(text)


def test_parse_error_changes_nothing():
    hparams = _hparams()
    with pytest.raises(ValueError):
        hparams.parse("count=5,rate=fast")
    assert hparams == _hparams()


def test_attribute_assignment_is_checked():
    hparams = _hparams()
    hparams.count = 4
    hparams.rate = 3
    hparams.sizes = (5,)
    assert (hparams.count, hparams.rate, hparams.sizes) == (4, 3.0, [5])
    assert type(hparams.rate) is float
    with pytest.raises(ValueError, match="^Hyperparameter 'count': cannot "
                       "convert 2.5 to int.$"):
        hparams.count = 2.5
    with pytest.raises(ValueError, match="^Unknown hyperparameter 'other'"):
        hparams.other = 1


def test_override_from_dict():
    hparams = _hparams()
    assert hparams.override_from_dict({"count": 9, "flag": "0"}) is hparams
    assert (hparams.count, hparams.flag) == (9, False)
    hparams.set_from_dict({"name": "'quoted'"})
    assert hparams.name == "'quoted'"
    with pytest.raises(ValueError, match="^Hyperparameter 'flag': cannot "
                       "convert 1 to bool.$"):
        hparams.override_from_dict({"flag": 1})


def test_add_hparam():
    hparams = hparams_mod.make_hparams()
    hparams.add_hparam("vocab_size", 100)
    assert hparams.parse("vocab_size=50").vocab_size == 50
    with pytest.raises(ValueError, match="^Hyperparameter 'vocab_size' already "
                       "exists.$"):
        hparams.add_hparam("vocab_size", 10)


@pytest.mark.parametrize("name", ["values", "parse", "_private", "not-valid"])
def test_add_hparam_rejects_reserved_names(name):
    with pytest.raises(ValueError, match="^Invalid hyperparameter name"):
        hparams_mod.HParams().add_hparam(name, 1)


@pytest.mark.parametrize("value", [None, {"a": 1}, [1, "a"], [[1]]])
def test_add_hparam_rejects_unsupported_values(value):
    with pytest.raises(ValueError, match="^Hyperparameter 'x' has unsupported"):
        hparams_mod.HParams(x=value)


def test_values_is_a_copy():
    hparams = _hparams()
    values = hparams.values()
    values["count"] = 100
    values["sizes"].append(3)
    hparams.sizes.append(3)
    assert hparams.count == 1
    assert hparams.sizes == [1, 2]


def test_json_round_trip():
    hparams = _hparams().parse("anything=[1.5],rate=1e-5")
    serialized = hparams.to_json()
    assert serialized.startswith('{"anything": [1.5], "count": 1,')
    restored = hparams_mod.HParams.from_json(serialized)
    assert restored == hparams
    assert restored.values() == hparams.values()
    assert restored.to_json() == serialized


def test_equality_distinguishes_types():
    assert hparams_mod.HParams(a=1) != hparams_mod.HParams(a=1.0)
    assert hparams_mod.HParams(a=1) != hparams_mod.HParams(a=1, b=2)
    assert hparams_mod.HParams(a=[1]) == hparams_mod.HParams(a=[1])


def test_copy_is_independent():
    hparams = _hparams()
    copied = copy.deepcopy(hparams)
    copied.count = 2
    assert (hparams.count, copied.count) == (1, 2)


def test_repr_contains_and_get():
    hparams = hparams_mod.HParams(b=[1], a="x")
    assert repr(hparams) == "HParams(a='x', b=[1])"
    assert "a" in hparams and "c" not in hparams
    assert hparams.get("b") == [1]
    assert hparams.get("c", 3) == 3


def test_make_hparams_defaults():
    hparams = hparams_mod.make_hparams()
    assert hparams.vae_type == "SRNN"
    assert hparams.rnn_hidden_sizes == [32]
    assert type(hparams.divergence_strength_half) is float
    # pylint: disable-next=protected-access
    assert hparams.values() == hparams_mod._DEFAULTS


def test_make_hparams_precedence():
    hparams = hparams_mod.make_hparams(
        "batch_size=4,rnn_hidden_sizes=[64,64]", batch_size=8, latent_size=2)
    assert hparams.batch_size == 4
    assert hparams.latent_size == 2
    assert hparams.rnn_hidden_sizes == [64, 64]
    assert hparams.sequence_size == 5


def test_presets_apply_first():
    original = hparams_mod.make_hparams(preset="vaeseq2017")
    assert (original.divergence_schedule, original.divergence_strength_start,
            original.divergence_strength_half, original.learning_rate) == (
                "hyperbolic", 1e-5, 1e5, 1e-4)
    hparams = hparams_mod.make_hparams("learning_rate=3e-4", preset="vaeseq2017",
                                       divergence_strength_start=0.5)
    assert (hparams.divergence_schedule, hparams.divergence_strength_start,
            hparams.learning_rate) == ("hyperbolic", 0.5, 3e-4)
    assert hparams_mod.with_preset("vaeseq2017", "learning_rate=1,batch_size=2") == (
        "divergence_schedule=hyperbolic,divergence_strength_start=1e-5,"
        "divergence_strength_half=1e5,learning_rate=1,batch_size=2")
    with pytest.raises(ValueError, match="unknown preset 'x'; valid: vaeseq2017"):
        hparams_mod.make_hparams(preset="x")


def test_architecture_and_meanings_cover_known_names():
    defaults = hparams_mod.make_hparams().values()
    assert set(hparams_mod.ARCHITECTURE) <= set(defaults)
    assert {"rnn_hidden_sizes", "latent_size", "vae_type"} <= set(hparams_mod.ARCHITECTURE)
    assert "learning_rate" not in hparams_mod.ARCHITECTURE
    assert set(hparams_mod.MEANINGS) == set(defaults)
    assert all(meaning.endswith(".") for meaning in hparams_mod.MEANINGS.values())


def test_the_default_kl_warm_up_reaches_one():
    hparams = hparams_mod.make_hparams()
    assert (hparams.divergence_schedule, hparams.divergence_strength_start,
            hparams.divergence_warmup_steps, hparams.learning_rate) == (
                "linear", 0.5, 1000, 1e-3)


def test_make_hparams_rejects_unknown_override():
    with pytest.raises(ValueError, match="^Unknown hyperparameter 'latent'; "
                       "valid names: activation, adam_epsilon, batch_size, "):
        hparams_mod.make_hparams(latent=3)


def test_make_hparams_parses_spec_example():
    hparams = hparams_mod.make_hparams(
        "vae_type=SRNN,sequence_size=40,rnn_hidden_sizes=[64,64],"
        "activation=tanh,check_numerics=false,learning_rate=1e-3")
    assert (hparams.sequence_size, hparams.activation, hparams.check_numerics,
            hparams.learning_rate) == (40, "tanh", False, 1e-3)


if __name__ == "__main__":
    testing.main(__file__)
