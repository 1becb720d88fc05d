"""Training curves: `curves.png` in a log directory, drawn from its events.

At the end of training the chief draws, one panel under the other, the
ELBO and the KL divergence (the `elbo` and `divergence` scalar summaries
every example writes) against the global step, over every run of the
directory (see `summaries.read_scalars`). `write_or_warn` is what training
calls: drawing never fails a run, it logs a one-line warning instead.
"""

import logging
import os

import numpy as np
from PIL import Image
from PIL import ImageDraw

from vaeseq.examples.common import chart
from vaeseq.examples.common import files
from vaeseq.examples.common import summaries

FILENAME = "curves.png"
# The scalars drawn, in panel order, with their axis labels.
PANELS = (("elbo", "ELBO (elbo)"),
          ("divergence", "KL divergence (divergence)"))
PLOT_WIDTH = 640
PLOT_HEIGHT = 200
LINE_COLOUR = (20, 40, 120)
_X_TICKS = 8
_Y_TICKS = 6

_LOG = logging.getLogger(__name__)


def draw(scalars: dict[str, summaries.Series]) -> list[chart.Chart]:
    """A chart per panel of `PANELS` whose scalar is in `scalars`.

    Every chart spans the same steps, from the first to the last step of
    all of them, so the panels line up.

    Raises:
        ValueError: none of `PANELS` is in `scalars`.
    """
    shown = [(tag, label) for tag, label in PANELS if tag in scalars]
    if not shown:
        raise ValueError(
            f"no {' or '.join(tag for tag, _ in PANELS)} scalars logged")
    steps = np.concatenate([scalars[tag].steps for tag, _ in shown])
    x = chart.nice_axis("step", *_span(steps, margin=0.0), _X_TICKS)
    charts = []
    for tag, label in shown:
        series = scalars[tag]
        y = chart.nice_axis(label, *_span(series.values, margin=0.05),
                            _Y_TICKS)
        panel = chart.Chart(PLOT_WIDTH, PLOT_HEIGHT, x, y)
        columns, rows = panel.to_pixels(series.steps, series.values)
        points = list(zip(columns.tolist(), rows.tolist()))
        drawing = ImageDraw.Draw(panel.image)
        if len(points) > 1:
            drawing.line(points, fill=LINE_COLOUR, width=2)
        else:
            (column, row), = points
            drawing.ellipse((column - 2, row - 2, column + 2, row + 2),
                            fill=LINE_COLOUR)
        charts.append(panel)
    return charts


def write(log_dir: str) -> str:
    """Draws the curves of `log_dir` into `log_dir/curves.png`; returns its path.

    Raises:
        ValueError: nothing to draw (no `elbo` or `divergence` logged).
        OSError: the file cannot be written.
    """
    charts = draw(summaries.read_scalars(log_dir, [tag for tag, _ in PANELS]))
    picture = Image.new(
        "RGB", (max(panel.image.width for panel in charts),
                sum(panel.image.height for panel in charts)), chart.BACKGROUND)
    top = 0
    for panel in charts:
        # Right-aligned: the panels differ only in the width of their y
        # tick labels, so their plot areas then line up.
        picture.paste(panel.image, (picture.width - panel.image.width, top))
        top += panel.image.height
    path = os.path.join(log_dir, FILENAME)
    # A run that took no step leaves the file as it was.
    files.write_if_changed(path, chart.encode_png(picture))
    return path


def write_or_warn(log_dir: str) -> None:
    """`write(log_dir)`, logging a one-line warning instead of raising."""
    try:
        write(log_dir)
    except Exception as err:  # pylint: disable=broad-except
        # Whatever went wrong, the run's checkpoints and summaries stand.
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        _LOG.warning("Could not draw %s: %s",
                     os.path.join(log_dir, FILENAME), reason)


def _span(values: np.ndarray, margin: float) -> tuple[float, float]:
    """(low, high) around `values` `[N]`, widened by `margin` of the range
    each way, and to a unit wide range around a single value."""
    low, high = float(np.min(values)), float(np.max(values))
    if low == high:
        return low - 1.0, high + 1.0
    pad = margin * (high - low)
    return low - pad, high + pad
