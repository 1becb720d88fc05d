"""The SRNN paper's piano rolls (`.npz`, Fraccaro et al. 2016), and the same layout for any pieces.

The files hold 0/1 float32 piano rolls over the 88 keys (column j is MIDI
pitch j + 21):

- `x_train`, `x_valid` `[N, T, 88]`: chunks of T steps cut from S
  continuous streams of concatenated pieces, batch after batch: row
  `S * b + s` is chunk b of stream s. A model trains on them with its state
  carried from one batch to the next (truncated backpropagation through
  time).
- `x_test` `[N, T_max, 88]` with `mask_test` `[N, T_max]`: one whole piece a
  row, padded at the end; the mask marks the real steps.
- `u_*`: the model inputs, x shifted one step (the previous frame). They are
  not read: the example's agent computes its contexts from x itself, and the
  test pieces are scored the paper's way, with the first frame given (the
  agent starts from having observed x_0), which is what `u_test` encodes.

Files are read with `allow_pickle=False`: no file can run code. They are
untrusted in size too (`limits`): the file, and the shapes its arrays
declare, are checked before any array is read, so a small compressed file
cannot claim gigabytes. `u_*` arrays are not read at all.

`from_pieces` lays out any set of pieces (e.g. the `.mat` benchmarks) the
same way: training and validation pieces go whole, in order, into S streams
(each piece to the stream that is shortest so far), which are padded at the
end to whole chunks; a mask marks the real steps.
"""

import dataclasses
import math
import os
import zipfile

import numpy as np

from vaeseq.examples.midi import limits

NUM_KEYS = 88
# The arrays read: rolls, and the test split's mask.
_KEYS = ("x_train", "x_valid", "x_test", "mask_test")
# The published files lay their chunks out as 16 streams.
NUM_STREAMS = 16


@dataclasses.dataclass(frozen=True)
class Streams:
    """Chunks of S continuous streams.

    Attributes:
        chunks: `[num_batches, S, T, 88]` float32; `chunks[b, s]` follows
            `chunks[b - 1, s]` in stream s.
        mask: `[num_batches, S, T]` float32 where streams end in padding
            (each chunk's row a prefix mask), or None if every step is real.
    """

    chunks: np.ndarray
    mask: np.ndarray | None = None

    @property
    def chunk_masks(self) -> np.ndarray:
        """`[num_batches, S, T]` float32: 1 on real steps (all of them if no mask)."""
        if self.mask is None:
            return np.ones(self.chunks.shape[:3], np.float32)
        return self.mask

    @property
    def num_steps(self) -> int:
        return int(self.chunk_masks.sum())


@dataclasses.dataclass(frozen=True)
class Pieces:
    """Whole pieces, padded.

    Attributes:
        rolls: `[N, T_max, 88]` float32.
        mask: `[N, T_max]` float32, a prefix of ones per row.
    """

    rolls: np.ndarray
    mask: np.ndarray

    @property
    def lengths(self) -> np.ndarray:
        return self.mask.sum(axis=1).astype(np.int64)


@dataclasses.dataclass(frozen=True)
class PaperData:
    """The three splits of one `.npz` file."""

    train: Streams
    valid: Streams
    test: Pieces


def _bad(path: str, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}")


def _rolls(path: str, arrays, key: str) -> np.ndarray:
    if key not in arrays:
        raise _bad(path, f"no array {key!r} (has: {', '.join(sorted(arrays)) or 'none'})")
    rolls = arrays[key]
    if rolls.ndim != 3 or rolls.shape[2] != NUM_KEYS or 0 in rolls.shape:
        raise _bad(path, f"{key} must be a non-empty [N, T, {NUM_KEYS}] array, "
                         f"got shape {list(rolls.shape)}")
    if rolls.dtype.kind not in "biuf":
        raise _bad(path, f"{key} must be numeric, got dtype {rolls.dtype}")
    if not np.isin(rolls, (0, 1)).all():
        raise _bad(path, f"{key} must hold only 0 and 1")
    return rolls.astype(np.float32)


def _streams(path: str, arrays, key: str, num_streams: int) -> Streams:
    rolls = _rolls(path, arrays, key)
    if rolls.shape[0] % num_streams:
        raise _bad(path, f"{key} has {rolls.shape[0]} chunks, not a multiple of the "
                         f"{num_streams} streams")
    return Streams(rolls.reshape(-1, num_streams, *rolls.shape[1:]))


def _pieces(path: str, arrays) -> Pieces:
    rolls = _rolls(path, arrays, "x_test")
    if "mask_test" not in arrays:
        raise _bad(path, "no array 'mask_test'")
    mask = arrays["mask_test"]
    if mask.shape != rolls.shape[:2]:
        raise _bad(path, f"mask_test has shape {list(mask.shape)}, x_test's pieces "
                         f"{list(rolls.shape[:2])}")
    if mask.dtype.kind not in "biuf" or not np.isin(mask, (0, 1)).all():
        raise _bad(path, "mask_test must hold only 0 and 1")
    lengths = mask.sum(axis=1).astype(np.int64)
    prefix = np.arange(mask.shape[1])[np.newaxis, :] < lengths[:, np.newaxis]
    if not np.array_equal(mask > 0, prefix):
        raise _bad(path, "mask_test rows must be ones followed by zeros")
    if (lengths == 0).any():
        raise _bad(path, "mask_test has an empty piece")
    return Pieces(rolls, mask.astype(np.float32))


def _check_declared_shapes(path: str, npz) -> None:
    """Refuses arrays whose headers declare more than the limits allow.

    Each array may hold `limits.MAX_SPLIT_STEPS` steps of `NUM_KEYS` keys,
    and a test piece `limits.MAX_PIECE_STEPS` steps.
    """
    for key in _KEYS:
        if key not in npz.files:
            continue
        with npz.zip.open(f"{key}.npy") as member:
            version = np.lib.format.read_magic(member)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape = read_header(member)[0]
        if math.prod(shape) > limits.MAX_SPLIT_STEPS * NUM_KEYS:
            raise limits.LimitError(
                f"{path}: {key} declares shape {list(shape)}, over the limit of "
                f"{limits.MAX_SPLIT_STEPS} steps of {NUM_KEYS} keys per split")
        if key == "x_test" and len(shape) > 1 and shape[1] > limits.MAX_PIECE_STEPS:
            raise limits.LimitError(
                f"{path}: x_test declares pieces of {shape[1]} steps, over the limit "
                f"of {limits.MAX_PIECE_STEPS} steps per piece")


def load(path: str, num_streams: int = NUM_STREAMS) -> PaperData:
    """Reads and checks a paper `.npz` file.

    Raises:
        limits.LimitError: the file, or an array it declares, is too large.
        ValueError: one line naming the file and the problem (missing,
            not an `.npz`, object arrays, wrong shapes or values, a mask
            that does not fit).
    """
    if not os.path.isfile(path):
        raise ValueError(f"{path}: no such file")
    limits.check_file_size(path)
    if not zipfile.is_zipfile(path):
        raise _bad(path, "not an .npz file")
    try:
        with np.load(path, allow_pickle=False) as npz:
            _check_declared_shapes(path, npz)
            arrays = {key: npz[key] for key in _KEYS if key in npz.files}
    except limits.LimitError:
        raise
    except ValueError as err:
        if "allow_pickle" in str(err):
            raise _bad(path, "holds object arrays (pickles), which are not read") from None
        raise _bad(path, f"not a readable .npz file ({err})") from None
    except (OSError, EOFError, zipfile.BadZipFile) as err:
        raise _bad(path, f"not a readable .npz file ({type(err).__name__})") from None
    return PaperData(train=_streams(path, arrays, "x_train", num_streams),
                     valid=_streams(path, arrays, "x_valid", num_streams),
                     test=_pieces(path, arrays))


def _streams_from(pieces, num_streams: int, chunk_size: int) -> Streams:
    streams = [[] for _ in range(num_streams)]
    lengths = [0] * num_streams
    for piece in pieces:
        shortest = int(np.argmin(lengths))
        streams[shortest].append(piece)
        lengths[shortest] += len(piece)
    num_batches = -(-max(lengths) // chunk_size)
    padded = num_batches * chunk_size
    rolls = np.zeros([num_streams, padded, NUM_KEYS], np.float32)
    mask = np.zeros([num_streams, padded], np.float32)
    for s, stream in enumerate(streams):
        if stream:
            rolls[s, :lengths[s]] = np.concatenate(stream)
            mask[s, :lengths[s]] = 1.0
    # [S, B * T, ...] -> [B, S, T, ...]: chunk b of every stream together.
    rolls = rolls.reshape(num_streams, num_batches, chunk_size, NUM_KEYS).swapaxes(0, 1)
    mask = mask.reshape(num_streams, num_batches, chunk_size).swapaxes(0, 1)
    return Streams(np.ascontiguousarray(rolls), np.ascontiguousarray(mask))


def from_pieces(train, valid, test, num_streams: int = NUM_STREAMS,
                chunk_size: int = 100) -> PaperData:
    """The layout of the paper's files for lists of `[T_i, 88]` pieces.

    Raises:
        ValueError: a split has no pieces, or a piece is not `[T, 88]`.
        limits.LimitError: the test pieces, padded to the longest, would
            hold more than `limits.MAX_SPLIT_STEPS` steps.
    """
    for name, pieces in (("train", train), ("valid", valid), ("test", test)):
        if not pieces:
            raise ValueError(f"the {name} split has no pieces")
        for piece in pieces:
            if piece.ndim != 2 or piece.shape[1] != NUM_KEYS or not len(piece):
                raise ValueError(f"a {name} piece has shape {list(piece.shape)}, "
                                 f"not [T, {NUM_KEYS}]")
    lengths = np.array([len(piece) for piece in test])
    if len(test) * lengths.max() > limits.MAX_SPLIT_STEPS:
        raise limits.LimitError(
            f"the {len(test)} test pieces padded to the longest ({lengths.max()} steps) "
            f"would hold {len(test) * lengths.max()} steps, over the limit of "
            f"{limits.MAX_SPLIT_STEPS} steps per split")
    rolls = np.zeros([len(test), lengths.max(), NUM_KEYS], np.float32)
    for i, piece in enumerate(test):
        rolls[i, :len(piece)] = piece
    mask = (np.arange(lengths.max())[np.newaxis] < lengths[:, np.newaxis]).astype(np.float32)
    return PaperData(train=_streams_from(train, num_streams, chunk_size),
                     valid=_streams_from(valid, num_streams, chunk_size),
                     test=Pieces(rolls, mask))
