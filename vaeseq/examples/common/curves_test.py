"""Tests for curves.py."""

import logging
import os

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import curves
from vaeseq.examples.common import summaries


def log(log_dir, tag, steps, values):
    writer = tf.summary.create_file_writer(log_dir)
    for step, value in zip(steps, values):
        with writer.as_default(step=step):
            summaries.scalar(tag, value)
    writer.close()


def series(steps, values):
    return summaries.Series(np.array(steps), np.array(values, np.float64))


def line_pixels(panel):
    """(rows, columns) of the pixels of the curve's colour in `panel`."""
    pixels = np.asarray(panel.image)
    return np.nonzero((pixels == curves.LINE_COLOUR).all(axis=-1))


def test_draw_puts_the_curve_through_its_points():
    elbo = series([0, 50, 100], [-300.0, -200.0, -100.0])
    panel, = curves.draw({"elbo": elbo})
    assert panel.y.label == "ELBO (elbo)"
    assert (panel.x.low, panel.x.high) == (0.0, 100.0)
    rows, columns = line_pixels(panel)
    left, top, right, bottom = panel.plot_box
    assert columns.min() >= left - 1 and columns.max() <= right + 1
    # A straight rising line: higher (smaller rows) to the right.
    _, (first, last) = panel.to_pixels([0, 100], [-300.0, -100.0])
    assert first > last
    assert abs(rows[columns == columns.min()].mean() - first) <= 2
    assert abs(rows[columns == columns.max()].mean() - last) <= 2


def test_draw_panels_share_the_steps():
    panels = curves.draw({"divergence": series([10, 20], [3.0, 1.0]),
                          "elbo": series([0, 20], [-5.0, -4.0]),
                          "other": series([0, 99], [1.0, 1.0])})
    assert [panel.y.label for panel in panels] == [
        "ELBO (elbo)", "KL divergence (divergence)"]
    assert {(panel.x.low, panel.x.high) for panel in panels} == {(0.0, 20.0)}


def test_draw_a_single_point():
    panel, = curves.draw({"divergence": series([7], [2.0])})
    assert panel.x.low < 7 < panel.x.high and panel.y.low < 2 < panel.y.high
    assert line_pixels(panel)[0].size > 0


def test_draw_needs_a_curve():
    with pytest.raises(ValueError, match="no elbo or divergence"):
        curves.draw({"other": series([0], [1.0])})


def test_write_stacks_the_panels(tmp_path):
    log_dir = str(tmp_path)
    log(log_dir, "elbo", [1, 2, 3], [-9.0, -8.0, -6.0])
    log(log_dir, "divergence", [1, 2, 3], [1.0, 2.0, 1.5])
    path = curves.write(log_dir)
    assert path == os.path.join(log_dir, curves.FILENAME)
    with open(path, "rb") as f:
        image = tf.io.decode_png(f.read()).numpy()
    elbo, divergence = curves.draw(
        summaries.read_scalars(log_dir, ["elbo", "divergence"]))
    assert image.shape == (elbo.image.height + divergence.image.height,
                           max(elbo.image.width, divergence.image.width), 3)
    # The y tick labels differ in width ("-9", "1.0"), yet the frames
    # (the columns black over the plot's height) line up.
    plot_height = elbo.plot_box[3] - elbo.plot_box[1]

    def frame_columns(half):
        return np.nonzero((half == 0).all(axis=-1).sum(axis=0)
                          >= plot_height)[0].tolist()

    top, bottom = image[:elbo.image.height], image[elbo.image.height:]
    assert len(frame_columns(top)) == 2
    assert frame_columns(top) == frame_columns(bottom)


def test_write_or_warn_logs_one_line(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        curves.write_or_warn(str(tmp_path))
    message, = [record.getMessage() for record in caplog.records]
    assert message == (f"Could not draw {tmp_path / curves.FILENAME}: "
                       "no elbo or divergence scalars logged")
    assert not (tmp_path / curves.FILENAME).exists()


if __name__ == "__main__":
    testing.main(__file__)
