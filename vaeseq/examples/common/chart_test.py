"""Tests for chart.py."""

import numpy as np
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


if __name__ == "__main__":
    testing.main(__file__)
