"""Tests for dirlock.py: one training run per log directory."""

import os
import subprocess
import sys
import textwrap

import pytest

from vaeseq import testing
from vaeseq.examples.common import dirlock

# Another process claims the directory in argv[1], says so, and waits for
# a line on stdin before it exits (which drops its lock).
_HOLDER = textwrap.dedent("""
    import sys
    from vaeseq.examples.common import dirlock
    dirlock.lock_for_writing(sys.argv[1])
    print("held", flush=True)
    sys.stdin.readline()
""")


@pytest.fixture
def holder(tmp_path):
    """Starts another process holding `tmp_path / "run"`; yields the path."""
    log_dir = str(tmp_path / "run")
    process = subprocess.Popen([sys.executable, "-c", _HOLDER, log_dir],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline() == "held\n"
        yield log_dir, process
    finally:
        process.kill()
        process.wait()


def test_a_held_directory_is_refused(holder):
    log_dir, _ = holder
    with pytest.raises(dirlock.LogDirBusyError, match="in use by another training run"):
        dirlock.claim(log_dir)
    with pytest.raises(dirlock.LogDirBusyError, match="in use"):
        dirlock.lock_for_writing(log_dir)


def test_the_lock_dies_with_its_process(holder):
    log_dir, process = holder
    process.kill()  # Like kill -9: no clean-up runs.
    process.wait()
    dirlock.claim(log_dir)
    dirlock.lock_for_writing(log_dir)
    dirlock.release(log_dir)


def test_claiming_an_absent_directory_writes_nothing(tmp_path):
    log_dir = str(tmp_path / "new" / "run")
    dirlock.claim(log_dir)
    assert not os.path.exists(log_dir)
    dirlock.lock_for_writing(log_dir)  # The first write creates it.
    assert os.path.isdir(log_dir)
    dirlock.claim(log_dir)  # Re-entrant within the process.
    dirlock.release(log_dir)
    dirlock.release(log_dir)  # Releasing twice is harmless.


def test_a_directory_created_by_another_run_meanwhile_is_refused(tmp_path):
    log_dir = str(tmp_path / "run")
    dirlock.claim(log_dir)  # Absent: this run would start afresh.
    os.mkdir(log_dir)  # Another run created it (and may have written).
    with pytest.raises(dirlock.LogDirBusyError, match="created by another run"):
        dirlock.lock_for_writing(log_dir)
    dirlock.release(log_dir)


if __name__ == "__main__":
    testing.main(__file__)
