"""Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop cleanly.

Inside `StopRequests`, the first SIGINT or SIGTERM only sets `requested`,
so that a loop can finish its step, save and return; a second SIGINT raises
`KeyboardInterrupt` as usual, for when the loop does not stop. Outside the
main thread, where Python cannot install handlers, nothing changes.
"""

import signal
import threading
import types


class StopRequests:
    """A context manager that records SIGINT and SIGTERM instead of dying."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._received: str | None = None
        self._previous = {}

    @property
    def requested(self) -> bool:
        """Whether a stop was requested."""
        return self._received is not None

    @property
    def signal_name(self) -> str | None:
        """The name of the first signal received, e.g. `"SIGTERM"`."""
        return self._received

    def __enter__(self) -> "StopRequests":
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc_info) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: types.FrameType | None) -> None:
        del frame
        if self._received is not None and signum == signal.SIGINT:
            raise KeyboardInterrupt
        if self._received is None:
            self._received = signal.Signals(signum).name
