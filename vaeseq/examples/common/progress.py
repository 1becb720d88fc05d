"""A one-line progress bar with ETA and running metrics, for a text stream.

Work bounded by steps shows `step/total [####....] pct rate ETA metrics`.
Work with a deadline that comes before the steps would be done (training
for a time budget) shows the time instead: `step steps [##......] pct
elapsed/budget rate ETA metrics`, the bar and percentage measuring the
budget spent.

On a terminal the line is redrawn in place (at most every `interval`
seconds); elsewhere (a log file, a pipe) a new line is written at most
every `interval` seconds, so logs stay short.
"""

import sys
import time
from typing import Callable, Mapping, TextIO


def format_duration(seconds: float) -> str:
    """`3725.2` -> `"1:02:05"`."""
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressBar:
    """Shows the progress of steps towards `total`, or towards a deadline.

    Args:
        total: the step at which the work is done.
        initial: the step the work starts from (resumed runs).
        stream: where to write; stderr by default.
        interval: the least time between two writes, in seconds; by
            default 0.2 on a terminal and 30 elsewhere.
        width: characters of the bar itself.
        unit: what is counted, for the rate.
        deadline: when the work stops at the latest, on `clock`'s scale;
            the ETA is no later. The time budget runs from the bar's
            creation to the deadline; it is shown instead of the steps
            whenever the deadline is due first (or, before the rate is
            known, at all).
        clock: returns the time in seconds (for tests).
    """

    def __init__(self, total: int, initial: int = 0,
                 stream: TextIO | None = None, interval: float | None = None,
                 width: int = 24, unit: str = "steps",
                 deadline: float | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self._total = total
        self._unit = unit
        self._deadline = deadline
        self._stream = stream if stream is not None else sys.stderr
        self._tty = bool(getattr(self._stream, "isatty", lambda: False)())
        self._interval = interval if interval is not None else (
            0.2 if self._tty else 30.0)
        self._width = width
        self._clock = clock
        self._created = clock()
        # The rate is measured from the first update, after any start-up.
        self._start_step = initial
        self._start_time = None
        self._last_write = None
        self._line_length = 0
        self._unwritten = None  # The latest line not written yet.

    def update(self, step: int, metrics: Mapping[str, float] | None = None,
               force: bool = False) -> None:
        """Reports that `step` is reached, with metrics to show (by name)."""
        now = self._clock()
        if self._start_time is None:
            self._start_step, self._start_time = step, now
        line = self.render(step, now, metrics or {})
        if (not force and self._last_write is not None
                and now - self._last_write < self._interval):
            self._unwritten = line
            return
        self._last_write = now
        self._write(line)

    def close(self) -> None:
        """Writes the latest state if it was held back; ends the line."""
        if self._unwritten is not None:
            self._write(self._unwritten)
        if self._tty and self._line_length:
            self._stream.write("\n")
            self._stream.flush()
            self._line_length = 0

    def render(self, step: int, now: float,
               metrics: Mapping[str, float]) -> str:
        """The progress line for `step` at time `now`."""
        elapsed = now - self._start_time
        done = step - self._start_step
        rate = done / elapsed if done > 0 and elapsed > 0 else None
        steps_left = (None if rate is None
                      else max(0, self._total - step) / rate)
        time_left = (None if self._deadline is None
                     else max(0.0, self._deadline - now))
        if time_left is not None and (steps_left is None
                                      or time_left < steps_left):
            budget = self._deadline - self._created
            spent = now - self._created
            fraction = min(1.0, spent / budget) if budget > 0 else 1.0
            parts = [f"{step} {self._unit} {self._bar(fraction)}",
                     f"{format_duration(spent)}/{format_duration(budget)}"]
            remaining = time_left
        else:
            fraction = min(1.0, step / self._total) if self._total else 1.0
            parts = [f"{step}/{self._total} {self._bar(fraction)}"]
            remaining = steps_left
        if rate is not None:
            parts.append(f"{rate:.2f} {self._unit}/s "
                         f"ETA {format_duration(remaining)}")
        parts.extend(f"{name} {value:.3f}" for name, value in metrics.items())
        return " ".join(parts)

    def _bar(self, fraction: float) -> str:
        """`[####....]  50.0%` for `fraction` in [0, 1]."""
        filled = int(fraction * self._width)
        return (f"[{'#' * filled}{'.' * (self._width - filled)}] "
                f"{100 * fraction:5.1f}%")

    def _write(self, line: str) -> None:
        self._unwritten = None
        if self._tty:
            padding = " " * max(0, self._line_length - len(line))
            self._stream.write("\r" + line + padding)
            self._line_length = len(line)
        else:
            self._stream.write(line + "\n")
        self._stream.flush()
