"""Errors in what a user gave: flags, hyperparameters, corpora, log directory.

The command line turns these (and `corpus.CorpusError`) into a one-line
message and exit status 2; any other exception is a bug and keeps its
traceback.
"""

import contextlib
from typing import Iterator

from vaeseq.examples.text import corpus


class InputError(ValueError):
    """Bad input, found before anything was written."""


@contextlib.contextmanager
def bad_input() -> Iterator[None]:
    """Re-raises a `ValueError` from the block as an `InputError`.

    For blocks that only check and load what the user gave (parsing
    hyperparameters, building the model they describe), where a
    `ValueError` means bad input. `CorpusError`s pass unchanged.
    """
    try:
        yield
    except (InputError, corpus.CorpusError):
        raise
    except ValueError as err:
        raise InputError(str(err)) from err
