"""Tests for ticks.py."""

import pytest

from vaeseq import testing
from vaeseq.examples.common import ticks


@pytest.mark.parametrize("low, high, most, expected", [
    (0.0, 7.3, 8, [0, 1, 2, 3, 4, 5, 6, 7]),
    (0.0, 7.3, 5, [0, 2, 4, 6]),
    (0.0, 0.3, 4, [0, 0.1, 0.2, 0.3]),
    (-1830.0, -120.0, 10, [-1800, -1600, -1400, -1200, -1000, -800, -600,
                           -400, -200]),
    (3.0, 3.5, 3, [3.0, 3.2, 3.4]),
    (1.0, 9.0, 2, [5]),
])
def test_nice_ticks(low, high, most, expected):
    assert ticks.nice_ticks(low, high, most) == pytest.approx(expected)


def test_spacing_is_round_and_keeps_the_count():
    for high in (0.7, 13.0, 88.0, 4096.0, 1e6):
        step = ticks.spacing(0.0, high, 6)
        assert len(ticks.nice_ticks(0.0, high, 6)) <= 6
        assert f"{step:e}"[0] in "125"


@pytest.mark.parametrize("low, high, most", [(1.0, 1.0, 5), (2.0, 1.0, 5),
                                             (0.0, 1.0, 1)])
def test_spacing_refuses_empty_ranges(low, high, most):
    with pytest.raises(ValueError):
        ticks.spacing(low, high, most)


@pytest.mark.parametrize("value, step, expected", [
    (0.30000000000000004, 0.1, "0.3"),
    (1800.0, 200.0, "1800"),
    (-0.0, 0.5, "0"),
    (2.5, 0.5, "2.5"),
    (0.05, 0.05, "0.05"),
])
def test_label(value, step, expected):
    assert ticks.label(value, step) == expected


if __name__ == "__main__":
    testing.main(__file__)
