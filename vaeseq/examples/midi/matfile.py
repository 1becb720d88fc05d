"""Checks what a MATLAB file decompresses to before `scipy.io.loadmat` reads it.

A MATLAB 5 file is a 128-byte header and a run of data elements, each an
8-byte tag (type, size in bytes) and its data; `miCOMPRESSED` elements hold
zlib-compressed elements, which can inflate a thousandfold. `loadmat`
inflates every element whole, so a small file could exhaust memory; here
the elements are inflated in chunks, counted and thrown away, stopping once
the total passes `limits.MAX_DECODED_BYTES`.

Only MATLAB 5 files are read: the benchmarks' cell arrays need one (MATLAB
4 files have no cell arrays, and `loadmat` cannot read 7.3 files).
"""

import os
import struct
import zlib
from typing import BinaryIO

from vaeseq.examples.midi import limits

_HEADER_BYTES = 128
_ENDIAN = {b"IM": "<", b"MI": ">"}  # Header bytes 126..127.
_COMPRESSED = 15  # miCOMPRESSED.
_CHUNK_BYTES = 1 << 20


class MatFileError(ValueError):
    """A file that is not a MATLAB 5 file, or whose elements are cut short."""


def check_decoded_size(path: str | os.PathLike) -> None:
    """Refuses a MATLAB file that would decode to more than the limit.

    Raises:
        OSError: the file cannot be read.
        MatFileError: it is no MATLAB 5 file, or an element is cut short.
        zlib.error: a compressed element is corrupt.
        limits.LimitError: its elements decode to more than
            `limits.MAX_DECODED_BYTES`.
    """
    with open(path, "rb") as mat_file:
        header = mat_file.read(_HEADER_BYTES)
        order = _ENDIAN.get(header[126:128]) if len(header) == _HEADER_BYTES else None
        if order is None:
            raise MatFileError("not a MATLAB 5 file")
        total = 0
        while tag := mat_file.read(8):
            if len(tag) < 8:
                raise MatFileError("an element's tag is cut short")
            kind, size = struct.unpack(order + "II", tag)
            if kind == _COMPRESSED:
                total += _inflated_size(mat_file, size, limits.MAX_DECODED_BYTES - total)
            else:
                total += size
                mat_file.seek(size, os.SEEK_CUR)
            if total > limits.MAX_DECODED_BYTES:
                raise limits.LimitError(
                    f"{os.fspath(path)} decodes to more than {limits.MAX_DECODED_BYTES} "
                    "bytes, over the limit for a .mat file")


def _inflated_size(stream: BinaryIO, size: int, budget: int) -> int:
    """The inflated size of the next `size` compressed bytes of `stream`.

    Stops counting once past `budget`, leaving the stream anywhere.
    """
    inflater = zlib.decompressobj()
    inflated = 0
    while size > 0 and inflated <= budget:
        chunk = stream.read(min(size, _CHUNK_BYTES))
        if not chunk:
            raise MatFileError("a compressed element is cut short")
        size -= len(chunk)
        while chunk and inflated <= budget:
            inflated += len(inflater.decompress(chunk, _CHUNK_BYTES))
            chunk = inflater.unconsumed_tail
    return inflated
