"""Tests for unroll.py: the static-unroll limit and its context manager."""

import threading

import pytest

from vaeseq import testing
from vaeseq import unroll


def test_default_limit():
    assert unroll.is_static(unroll.DEFAULT_MAX_STATIC_STEPS)
    assert not unroll.is_static(unroll.DEFAULT_MAX_STATIC_STEPS + 1)
    assert not unroll.is_static(None)


def test_limit_applies_inside_and_is_restored():
    with unroll.max_static_steps(0):
        assert not unroll.is_static(1)
        with unroll.max_static_steps(5):
            assert unroll.is_static(5) and not unroll.is_static(6)
        assert not unroll.is_static(1)
    assert unroll.is_static(1)


def test_limit_is_restored_after_an_error():
    with pytest.raises(RuntimeError):
        with unroll.max_static_steps(0):
            raise RuntimeError("boom")
    assert unroll.is_static(1)


def test_limit_is_per_thread():
    seen = []
    with unroll.max_static_steps(0):
        thread = threading.Thread(target=lambda: seen.append(unroll.is_static(1)))
        thread.start()
        thread.join()
    assert seen == [True]


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="max_static_steps"):
        with unroll.max_static_steps(-1):
            pass


if __name__ == "__main__":
    testing.main(__file__)
