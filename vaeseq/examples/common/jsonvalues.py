"""JSON-ready values without float32 noise: `rounded(value)`.

Scores computed in float32 print as `15.100000381469727` once widened to
Python floats; six significant digits (about what float32 holds) give
`15.1`. `rounded` applies this to every float inside dicts, lists and
tuples (tuples become lists, as JSON has them); ints, bools, strings and
None are kept, and so are NaN and infinities.
"""

import math
from typing import Any

import numpy as np

SIGNIFICANT_DIGITS = 6


def round_float(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """`value` to `digits` significant digits: 15.100000381469727 -> 15.1."""
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{digits}g}")


def rounded(value: Any, digits: int = SIGNIFICANT_DIGITS) -> Any:
    """`value` with every float in it (recursively) at `digits` significant digits.

    Floats include NumPy floating scalars (they become Python floats).
    """
    if isinstance(value, dict):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(item, digits) for item in value]
    if isinstance(value, (float, np.floating)):
        return round_float(float(value), digits)
    return value
