"""Tests for chart.py."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import chart


def make_chart(title=None):
    x = chart.nice_axis("step", 0.0, 1000.0, 6)
    y = chart.nice_axis("loss (nats)", -2.0, 3.0, 6)
    return chart.Chart(200, 100, x, y, title)


def test_nice_axis():
    axis = chart.nice_axis("step", 0.0, 1000.0, 6)
    assert (axis.label, axis.low, axis.high) == ("step", 0.0, 1000.0)
    assert axis.ticks == ((0.0, "0"), (200.0, "200"), (400.0, "400"),
                          (600.0, "600"), (800.0, "800"), (1000.0, "1000"))


def test_layout_and_frame():
    plain, titled = make_chart(), make_chart("Training")
    left, top, right, bottom = plain.plot_box
    assert (right - left, bottom - top) == (200, 100)
    width, height = plain.image.size
    # Room for tick labels on the left and below, for the labels above.
    assert left > 20 and top > 10 and width > right and height > bottom + 20
    assert titled.image.height > height and titled.plot_box[1] > top
    pixels = tf.io.decode_png(plain.png()).numpy()
    assert pixels.shape == (height, width, 3)
    # The frame runs just outside the plot area, which is left blank.
    assert (pixels[top - 1, left - 1:right + 1] == 0).all()
    assert (pixels[top:bottom, right] == 0).all()
    assert (pixels[top:bottom, left:right] == 255).all()


def test_to_pixels_maps_ranges_to_the_plot_area():
    drawn = make_chart()
    left, top, right, bottom = drawn.plot_box
    columns, rows = drawn.to_pixels([0.0, 500.0, 1000.0], [-2.0, 0.5, 3.0])
    np.testing.assert_allclose(columns, [left, (left + right) / 2, right])
    np.testing.assert_allclose(rows, [bottom, (top + bottom) / 2, top])


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
    assert chart.nice_ticks(low, high, most) == pytest.approx(expected)


def test_tick_spacing_is_round_and_keeps_the_count():
    for high in (0.7, 13.0, 88.0, 4096.0, 1e6):
        step = chart.tick_spacing(0.0, high, 6)
        assert len(chart.nice_ticks(0.0, high, 6)) <= 6
        assert f"{step:e}"[0] in "125"


@pytest.mark.parametrize("low, high, most", [(1.0, 1.0, 5), (2.0, 1.0, 5),
                                             (0.0, 1.0, 1)])
def test_tick_spacing_refuses_empty_ranges(low, high, most):
    with pytest.raises(ValueError):
        chart.tick_spacing(low, high, most)


@pytest.mark.parametrize("value, step, expected", [
    (0.30000000000000004, 0.1, "0.3"),
    (1800.0, 200.0, "1800"),
    (-0.0, 0.5, "0"),
    (2.5, 0.5, "2.5"),
    (0.05, 0.05, "0.05"),
])
def test_tick_label(value, step, expected):
    assert chart.tick_label(value, step) == expected


if __name__ == "__main__":
    testing.main(__file__)
