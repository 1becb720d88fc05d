"""Writing files so that readers never see a partial one, and JSON-ready values.

`write_atomically` and `write_if_changed` replace a file whole. `rounded`
makes values JSON-ready without float32 noise: scores computed in float32
print as `15.100000381469727` once widened to Python floats; six
significant digits (about what float32 holds) give `15.1`. It applies this
to every float inside dicts, lists and tuples (tuples become lists, as JSON
has them); ints, bools, strings and None are kept, and so are NaN and
infinities.
"""

import math
import os
import secrets
from typing import Any

import numpy as np


def write_atomically(path: str, data: bytes) -> None:
    """Writes `data` to `path` via a temporary file and a rename.

    Readers see either the old file or the complete new one, never a partial
    write. Creates missing parent directories.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    temp_path = f"{path}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp_path, path)
    except BaseException:
        os.unlink(temp_path)
        raise


def write_if_changed(path: str, data: bytes) -> bool:
    """`write_atomically(path, data)` unless `path` holds `data` already.

    Returns:
        Whether the file was written.
    """
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except OSError:
        pass  # Missing or unreadable: write it.
    write_atomically(path, data)
    return True


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
