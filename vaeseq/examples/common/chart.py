"""A framed plot area with labelled axes, drawn with Pillow: `Chart`.

`Chart(...)` lays out a white RGB image: an optional title on top, the y
axis label above the y axis, tick labels left of and below a frame around
the plot area, and the x axis label under them. The caller then draws the
data inside `plot_box`, mapping data to pixels with `to_pixels` (or
filling the area cell by cell), and encodes the image with `png`.

Axes get round-numbered ticks (`nice_ticks`): multiples of 1, 2 or 5 times
a power of ten, the smallest such spacing that keeps their number at most
`most`, so an axis from 0 to 7.3 gets ticks at 0, 1, ..., 7 and one from
-1830 to -120 gets -1800, -1600, ...
"""

import dataclasses
import io
import math

import numpy as np
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

FONT_SIZE = 12
TICK_LENGTH = 4
PAD = 6
BACKGROUND = (255, 255, 255)
INK = (0, 0, 0)


@dataclasses.dataclass(frozen=True)
class Axis:
    """One axis: its data range and labelled ticks.

    Attributes:
        label: what the axis measures, with its unit.
        low: the data value at the left (x) or bottom (y) edge of the plot.
        high: the data value at the right or top edge; above `low`.
        ticks: (data value, label) per tick, in [low, high].
    """

    label: str
    low: float
    high: float
    ticks: tuple[tuple[float, str], ...]


def nice_axis(label: str, low: float, high: float, most: int) -> Axis:
    """An axis from `low` to `high` with at most `most` (>= 2) round ticks."""
    step = tick_spacing(low, high, most)
    return Axis(label, low, high, tuple(
        (value, tick_label(value, step))
        for value in nice_ticks(low, high, most)))


class Chart:
    """A white image with a plot area of `plot_width` x `plot_height` pixels.

    Attributes:
        image: the RGB picture; axes, ticks and labels are drawn.
        plot_box: (left, top, right, bottom) pixel bounds of the plot
            area, right and bottom exclusive; the frame lies just outside.
        x, y: the axes.
    """

    def __init__(self, plot_width: int, plot_height: int, x: Axis, y: Axis,
                 title: str | None = None):
        font = ImageFont.load_default(size=FONT_SIZE)
        measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
        line = FONT_SIZE + 4

        def width(text: str) -> int:
            return int(np.ceil(measure.textlength(text, font=font)))

        y_labels = max((width(text) for _, text in y.ticks), default=0)
        last_x = width(x.ticks[-1][1]) if x.ticks else 0
        left = PAD + y_labels + TICK_LENGTH + 3
        title_height = line if title else 0
        # Half a line more keeps the y label clear of the top tick label.
        top = PAD + title_height + line + line // 2
        self.plot_box = (left, top, left + plot_width, top + plot_height)
        size = (left + plot_width + max(PAD, last_x // 2 + PAD),
                top + plot_height + TICK_LENGTH + 2 * line + PAD)
        self.image = Image.new("RGB", size, BACKGROUND)
        self.x, self.y = x, y
        draw = ImageDraw.Draw(self.image)
        right, bottom = self.plot_box[2], self.plot_box[3]
        draw.rectangle((left - 1, top - 1, right, bottom), outline=INK)
        for value, text in x.ticks:
            column = round(float(self.to_pixels([value], [y.low])[0][0]))
            draw.line((column, bottom, column, bottom + TICK_LENGTH), fill=INK)
            draw.text((column, bottom + TICK_LENGTH + 1), text, fill=INK,
                      font=font, anchor="ma")
        for value, text in y.ticks:
            row = round(float(self.to_pixels([x.low], [value])[1][0]))
            draw.line((left - 1 - TICK_LENGTH, row, left - 1, row), fill=INK)
            draw.text((left - TICK_LENGTH - 3, row), text, fill=INK,
                      font=font, anchor="rm")
        draw.text(((left + right) / 2, bottom + TICK_LENGTH + line + 1),
                  x.label, fill=INK, font=font, anchor="ma")
        draw.text((PAD, PAD + title_height), y.label, fill=INK, font=font)
        if title:
            draw.text((size[0] / 2, PAD), title, fill=INK, font=font,
                      anchor="ma")

    def to_pixels(self, xs, ys) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (columns `[N]`, rows `[N]`) of data points.

        The axes' ranges span the plot area edge to edge: `x.low` is the
        left edge of the first column, `y.high` the top edge of the first row.
        """
        left, top, right, bottom = self.plot_box
        xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
        columns = left + (xs - self.x.low) / (self.x.high - self.x.low) * (
            right - left)
        rows = bottom - (ys - self.y.low) / (self.y.high - self.y.low) * (
            bottom - top)
        return columns, rows

    def png(self) -> bytes:
        """The image as a PNG file."""
        return encode_png(self.image)


def encode_png(image: Image.Image) -> bytes:
    """`image` as a PNG file."""
    stream = io.BytesIO()
    image.save(stream, format="PNG")
    return stream.getvalue()


# Round-numbered ticks.
_MANTISSAS = (1.0, 2.0, 5.0)
# Slack for quotients such as 0.3 / 0.1 = 2.9999999999999996.
_EPSILON = 1e-9


def _indices(low: float, high: float, step: float) -> range:
    """The integers i with low <= i * step <= high."""
    return range(math.ceil(low / step - _EPSILON),
                 math.floor(high / step + _EPSILON) + 1)


def tick_spacing(low: float, high: float, most: int = 8) -> float:
    """The spacing of at most `most` round ticks in [low, high] (low < high)."""
    if not low < high or most < 2:
        raise ValueError(f"need low < high and most >= 2, got {low}, {high}, "
                         f"{most}.")
    rough = (high - low) / (most - 1)
    power = 10.0 ** math.floor(math.log10(rough))
    for mantissa in _MANTISSAS:
        if len(_indices(low, high, mantissa * power)) <= most:
            return mantissa * power
    # Above `rough`, this spacing leaves at most `most` ticks.
    return 10.0 * power


def nice_ticks(low: float, high: float, most: int = 8) -> list[float]:
    """The round numbers in [low, high] at `tick_spacing(low, high, most)`."""
    step = tick_spacing(low, high, most)
    return [index * step for index in _indices(low, high, step)]


def tick_label(value: float, step: float) -> str:
    """`value` with as many decimals as the tick `step` needs: `"0.2"`, `"1800"`."""
    decimals = max(0, -math.floor(math.log10(step) + _EPSILON))
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text
