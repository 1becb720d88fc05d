"""Tests for render.py."""

import io

import numpy as np

from vaeseq import testing
from vaeseq.examples.play import render


def test_upright_pole_in_the_middle():
    lines = render.frame([0.0, 0.0, 0.0, 0.0], step=7).split("\n")
    assert lines[0].startswith("step    7")
    assert len(lines) == render.POLE_ROWS + 3
    middle = (render.WIDTH - 1) // 2
    for line in lines[1:1 + render.POLE_ROWS]:
        assert line == " " * middle + "|"
    assert lines[-2].index("[===]") == middle - 2
    assert len(lines[-1]) == render.WIDTH


def test_leaning_pole_and_cart_at_the_edge():
    lines = render.frame([2.4, 0.0, 0.1, 0.0], step=0).split("\n")
    pole = lines[1:1 + render.POLE_ROWS]
    assert all(line.strip() == "/" for line in pole)
    # The top of the pole is further right than its foot, but stays on screen.
    assert len(pole[0]) >= len(pole[-1]) and len(pole[0]) <= render.WIDTH
    assert lines[-2].rstrip().endswith("[===]")
    left = render.frame([0.0, 0.0, -0.1, 0.0], step=0).split("\n")[1]
    assert left.strip() == "\\" and len(left) < render.WIDTH // 2


def test_show_prints_some_frames_off_a_terminal():
    stream = io.StringIO()
    render.show(np.zeros([7, 4]), stream, every=3)
    text = stream.getvalue()
    assert [line.split()[1] for line in text.split("\n") if line.startswith("step")] == \
        ["0", "3", "6"]


if __name__ == "__main__":
    testing.main(__file__)
