"""Loads the benchmark piano-roll pickles without running code from them.

An ordinary `pickle.load` calls whatever global a pickle names, so a crafted
file can run arbitrary code. The polyphonic-music `.pkl` files only hold a
dict of lists of tuples of numpy integer scalars, written by Python 2 with
protocol 2; the only globals those need are numpy's scalar reconstructor and
`numpy.dtype`. Dicts, lists, tuples, strings and Python numbers have their
own opcodes and never go through `find_class`.

A pickle also declares the sizes of its strings, numbers and frames, and
`pickle` allocates a declared size before reading the data, so a few bytes
could claim gigabytes. `load_pickle` therefore reads the whole file (at
most `limits.MAX_FILE_BYTES`) and walks its opcodes with `pickletools`,
which refuses a declared size past the end of the data, before unpickling.
"""

import io
import os
import pickle
import pickletools
from typing import Any, BinaryIO

from vaeseq.examples.midi import limits

# (module, name) pairs a benchmark pickle may name. numpy 2 moved
# `numpy.core` to `numpy._core`; old pickles name the former, new ones the
# latter, and numpy resolves both.
_ALLOWED_GLOBALS = frozenset([
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "dtype"),
])


class UnsafePickleError(ValueError):
    """A pickle that names a global outside the allowed set."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the globals in `_ALLOWED_GLOBALS`."""

    def __init__(self, file: BinaryIO, **kwargs: Any):
        """Reads from the binary file `file`; `kwargs` as for `pickle.Unpickler`."""
        super().__init__(file, **kwargs)
        self._source = getattr(file, "name", "<stream>")

    def find_class(self, module: str, name: str) -> Any:
        """Returns the allowed global `module.name`.

        Raises:
            UnsafePickleError: `module.name` is not allowed.
        """
        if (module, name) not in _ALLOWED_GLOBALS:
            raise UnsafePickleError(
                f"refusing to load global {module}.{name} from {self._source}")
        return super().find_class(module, name)


def load_pickle(path: str | os.PathLike) -> Any:
    """Loads a benchmark pickle, decoding Python 2 `str`s as latin-1.

    Args:
        path: a `.pkl` file.

    Returns:
        The unpickled object.

    Raises:
        OSError: the file cannot be read.
        limits.LimitError: it is larger than `limits.MAX_FILE_BYTES`.
        UnsafePickleError: the pickle names a global other than numpy's
            scalar reconstructor or `numpy.dtype`.
        pickle.UnpicklingError, EOFError, ValueError: the file is not a
            valid pickle (e.g. a declared size runs past its end).
    """
    limits.check_file_size(path)
    with open(path, "rb") as pickle_file:
        data = io.BytesIO(pickle_file.read())
    data.name = os.fspath(path)
    for _ in pickletools.genops(data):
        pass
    data.seek(0)
    return RestrictedUnpickler(data, encoding="latin1").load()
