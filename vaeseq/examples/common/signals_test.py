"""Tests for signals.py."""

import os
import signal

import pytest

from vaeseq import testing
from vaeseq.examples.common import signals


def test_sigterm_and_sigint_are_recorded():
    before = signal.getsignal(signal.SIGTERM)
    with signals.StopRequests() as stop:
        assert not stop.requested
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.requested and stop.signal_name == "SIGTERM"
        os.kill(os.getpid(), signal.SIGTERM)  # Still just recorded.
        assert stop.signal_name == "SIGTERM"
    assert signal.getsignal(signal.SIGTERM) is before


def test_second_sigint_raises():
    # The handler before: Python's default, or SIG_IGN where the suite runs
    # as a background job of a non-interactive shell.
    before = signal.getsignal(signal.SIGINT)
    with signals.StopRequests() as stop:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.signal_name == "SIGINT"
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


if __name__ == "__main__":
    testing.main(__file__)
