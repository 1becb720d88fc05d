"""Tests for jsonvalues.py."""

import json
import math

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.common import jsonvalues


@pytest.mark.parametrize("value, expected", [
    (15.100000381469727, 15.1),
    (float(np.float32(2.7)), 2.7),
    (-0.0012345678, -0.00123457),
    (123456789.0, 123457000.0),
    (1e-30 / 3, 3.33333e-31),
    (0.0, 0.0),
])
def test_round_float(value, expected):
    assert jsonvalues.round_float(value) == expected


def test_round_float_keeps_non_finite_values():
    assert math.isnan(jsonvalues.round_float(float("nan")))
    assert jsonvalues.round_float(-math.inf) == -math.inf


def test_rounded_goes_through_containers():
    scores = {
        "corpus.txt": {"bits_per_step": 3.4099998474121094, "num_steps": 20000,
                       "name": "valid", "finished": True, "missing": None},
        "steps": [0.30000001192092896, (1, np.float32(0.1))],
    }
    assert jsonvalues.rounded(scores) == {
        "corpus.txt": {"bits_per_step": 3.41, "num_steps": 20000,
                       "name": "valid", "finished": True, "missing": None},
        "steps": [0.3, [1, 0.1]],
    }
    text = json.dumps(jsonvalues.rounded({"elbo": -15.100000381469727}))
    assert text == '{"elbo": -15.1}'


def test_rounded_keeps_ints_and_digits():
    assert jsonvalues.rounded(2**40) == 2**40
    assert type(jsonvalues.rounded(np.float32(1.5))) is float
    assert jsonvalues.rounded(3.14159265, digits=3) == 3.14


if __name__ == "__main__":
    testing.main(__file__)
