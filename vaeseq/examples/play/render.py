"""Shows a CartPole episode as text: one frame per step, redrawn on a terminal.

A frame is a few lines: the step and state, the pole (leaning as the angle
says, exaggerated so small angles show), the cart on its track, and the
track whose ends are CartPole's limits (x = +-2.4).
"""

import math
import sys
import time
from typing import Sequence, TextIO

import numpy as np

X_LIMIT = 2.4
WIDTH = 61
POLE_ROWS = 4
# Columns the pole's top moves per row per radian of angle.
_LEAN = 6.0


def frame(state: Sequence[float], step: int, width: int = WIDTH) -> str:
    """The text of one frame for a CartPole state `[4]` (x, x_dot, theta, theta_dot)."""
    x, _, theta, _ = (float(v) for v in state)
    center = int(round((min(max(x, -X_LIMIT), X_LIMIT) + X_LIMIT) / (2 * X_LIMIT) * (width - 1)))
    lines = [f"step {step:4d}  x={x:+.2f}  theta={math.degrees(theta):+6.1f} deg"]
    symbol = "|" if abs(theta) < 0.02 else ("/" if theta > 0 else "\\")
    for row in range(POLE_ROWS, 0, -1):
        column = center + int(round(row * _LEAN * math.tan(theta)))
        column = min(max(column, 0), width - 1)
        lines.append(" " * column + symbol)
    left = max(center - 2, 0)
    lines.append(" " * left + "[===]")
    lines.append("|" + "-" * (width - 2) + "|")
    return "\n".join(lines)


def show(states: np.ndarray, stream: TextIO | None = None, fps: float = 50.0,
         every: int = 50) -> None:
    """Shows the states `[T, 4]` of an episode.

    On a terminal the frames are animated in place at `fps`; elsewhere (a
    file, a pipe) every `every`-th frame and the last are printed, one after
    the other.
    """
    stream = stream if stream is not None else sys.stdout
    tty = bool(getattr(stream, "isatty", lambda: False)())
    height = POLE_ROWS + 3
    for step, state in enumerate(states):
        last = step == len(states) - 1
        if not tty and step % every and not last:
            continue
        if tty and step:
            stream.write(f"\x1b[{height}F")  # Back to the first line of the frame.
        stream.write(frame(state, step) + "\n")
        if not tty and not last:
            stream.write("\n")
        stream.flush()
        if tty and not last:
            time.sleep(1.0 / fps)
