"""One training run per log directory: an exclusive lock held for the run.

Two trainers on one `--log_dir` would mix their hyperparameters,
vocabularies and checkpoints. A trainer therefore claims the directory
before it reads what the directory holds (`claim`, called by
`rundir.resume`) and holds the claim until training ends (`release`) or
the process exits, even by `kill -9`: the claim is an advisory
`flock(LOCK_EX)` on the directory itself, which the kernel drops with the
process. No lock file is written.

A directory that does not exist yet cannot be locked; claiming it writes
nothing. The first write (`lock_for_writing`, called by
`rundir.save_hparams`) then creates it with an exclusive `mkdir`: if
another run created it in the meantime, this one is refused before it
writes anything. Claims are per process and re-entrant: a process may
claim a directory it already holds.
"""

import fcntl
import os

from vaeseq.examples.common import errors

# Directories this process holds, by real path: the open descriptor that
# holds the lock, or None for a directory claimed before it existed.
_HELD: dict[str, int | None] = {}


class LogDirBusyError(errors.InputError):
    """Another training run holds, or just created, the log directory."""


def claim(log_dir: str) -> None:
    """Claims `log_dir` for this process's training run.

    Raises:
        LogDirBusyError: another process holds it.
    """
    real = os.path.realpath(log_dir)
    if real in _HELD:
        return
    if os.path.isdir(real):
        _HELD[real] = _lock(real, log_dir)
    elif not os.path.exists(real):
        _HELD[real] = None
    # Anything else (a file) is `rundir.resume`'s to reject.


def lock_for_writing(log_dir: str) -> None:
    """Makes sure this process holds `log_dir`, creating it if absent.

    Raises:
        LogDirBusyError: another process holds it, or created it after this
            process claimed it absent.
    """
    real = os.path.realpath(log_dir)
    if _HELD.get(real) is not None:
        return
    claimed_absent = real in _HELD
    os.makedirs(os.path.dirname(real), exist_ok=True)
    try:
        os.mkdir(real)
    except FileExistsError:
        if claimed_absent:
            raise LogDirBusyError(
                f"Log directory {log_dir} was created by another run after "
                f"this one started; use another --log_dir.") from None
    _HELD[real] = _lock(real, log_dir)


def release(log_dir: str) -> None:
    """Ends this process's claim on `log_dir`, if it has one."""
    fd = _HELD.pop(os.path.realpath(log_dir), None)
    if fd is not None:
        os.close(fd)  # Closing the descriptor drops the lock.


def _lock(real: str, log_dir: str) -> int:
    """An open descriptor of directory `real` holding an exclusive lock."""
    fd = os.open(real, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LogDirBusyError(
            f"Log directory {log_dir} is in use by another training run; "
            f"wait for it to end or use another --log_dir.") from None
    return fd
