"""Round-numbered axis ticks: `nice_ticks(low, high)` and their labels.

Ticks are multiples of 1, 2 or 5 times a power of ten, the smallest such
spacing that keeps their number at most `most`, so an axis from 0 to 7.3
gets ticks at 0, 1, ..., 7 and one from -1830 to -120 gets -1800, -1600, ...
"""

import math

_MANTISSAS = (1.0, 2.0, 5.0)
# Slack for quotients such as 0.3 / 0.1 = 2.9999999999999996.
_EPSILON = 1e-9


def _indices(low: float, high: float, step: float) -> range:
    """The integers i with low <= i * step <= high."""
    return range(math.ceil(low / step - _EPSILON),
                 math.floor(high / step + _EPSILON) + 1)


def spacing(low: float, high: float, most: int = 8) -> float:
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
    """The round numbers in [low, high] at `spacing(low, high, most)`."""
    step = spacing(low, high, most)
    return [index * step for index in _indices(low, high, step)]


def label(value: float, step: float) -> str:
    """`value` with as many decimals as the tick `step` needs: `"0.2"`, `"1800"`."""
    decimals = max(0, -math.floor(math.log10(step) + _EPSILON))
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text
