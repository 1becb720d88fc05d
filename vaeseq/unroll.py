"""When the time loops unroll in Python and when they run as `tf.scan`.

The recurrent layers (`vaeseq.lstm`, `vaeseq.gru`) and `util.scan` unroll a
loop whose number of steps is known at trace time and at most the limit
(128 by default): on a CPU the static graph trains faster than a while loop
(docs/performance.md). Longer or dynamic loops use `tf.scan`, which bounds
the graph's size. Both compute the same thing; the choice is made when a
function is traced, so change the limit around the trace::

    with unroll.max_static_steps(0):   # every loop a tf.scan
        ops(None, batch)
"""

import contextlib
import threading
from typing import Iterator

DEFAULT_MAX_STATIC_STEPS = 128

_limit = threading.local()


def _current_limit() -> int:
    """This thread's limit: the innermost `max_static_steps`, or the default."""
    return getattr(_limit, "value", DEFAULT_MAX_STATIC_STEPS)


def is_static(num_steps: int | None) -> bool:
    """Whether a loop of `num_steps` (None: unknown at trace time) unrolls."""
    return num_steps is not None and num_steps <= _current_limit()


@contextlib.contextmanager
def max_static_steps(limit: int) -> Iterator[None]:
    """Loops traced inside (in this thread) unroll up to `limit` steps.

    Raises:
        ValueError: `limit < 0`.
    """
    if limit < 0:
        raise ValueError(f"max_static_steps must be >= 0, got {limit}")
    previous = _current_limit()
    _limit.value = limit
    try:
        yield
    finally:
        _limit.value = previous
