"""Tests for errors.py."""

import pytest

from vaeseq import testing
from vaeseq.examples.common import errors


class CustomInputError(errors.InputError):
    pass


def test_bad_input_turns_value_errors_into_input_errors():
    with pytest.raises(errors.InputError, match="bad value") as info:
        with errors.bad_input():
            raise ValueError("bad value")
    assert isinstance(info.value.__cause__, ValueError)


def test_bad_input_keeps_input_errors_and_other_errors():
    with pytest.raises(CustomInputError):
        with errors.bad_input():
            raise CustomInputError("mine")
    with pytest.raises(KeyError):
        with errors.bad_input():
            raise KeyError("a bug, not bad input")


if __name__ == "__main__":
    testing.main(__file__)
