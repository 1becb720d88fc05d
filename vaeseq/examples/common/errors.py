"""Errors in what a user gave: flags, hyperparameters, data, log directory.

`cli.run` turns an `InputError` into a one-line message and exit status 2;
any other exception is a bug and keeps its traceback. Examples subclass
`InputError` for their own kinds of bad input (the text example's
`CorpusError`, `rundir.LogDirError`).
"""

import contextlib
from typing import Iterator


def one_line(err: BaseException) -> str:
    """The message of `err` on one line (its type's name if it has none)."""
    return " ".join(str(err).split()) or type(err).__name__


class InputError(ValueError):
    """Bad input, found before anything was written."""


@contextlib.contextmanager
def bad_input() -> Iterator[None]:
    """Re-raises a `ValueError` from the block as an `InputError`.

    For blocks that only check and load what the user gave (parsing
    hyperparameters, building the model they describe), where a
    `ValueError` means bad input. `InputError`s pass unchanged.
    """
    try:
        yield
    except InputError:
        raise
    except ValueError as err:
        raise InputError(str(err)) from err
