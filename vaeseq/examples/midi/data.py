"""The MIDI example's data: piano rolls from benchmark or MIDI files, and their batches.

`load_split` loads the `--dataset` and `--split` a command was given, as
user input: `load_sequences` reads whole pieces as rolls (see `pianoroll`),
refusing what is over the `limits` on untrusted input, and its `OSError`s
and `ValueError`s become `InputError`s, which the command line reports on
one line with exit status 2. `make_dataset` cuts training windows from the
pieces (padding short pieces, with a mask) and `eval_batches` pads whole
pieces for exact per-step evaluation.
"""

import functools
import glob
import json
import os
import warnings
from typing import Any, Callable, Sequence

import numpy as np
import scipy.io
import tensorflow as tf

from vaeseq.examples.common import datadir
from vaeseq.examples.common import errors
from vaeseq.examples.midi import limits
from vaeseq.examples.midi.hparams import DEFAULT_RATE
from vaeseq.examples.midi import matfile
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import safe_pickle

SPLITS = ("train", "valid", "test")
MIDI_SUFFIXES = (".mid", ".midi")
_MAT_KEYS = {"train": "traindata", "valid": "validdata", "test": "testdata"}
_PICKLE_SUFFIXES = (".pkl", ".pickle")
# Sources with splits: the benchmark files, and the SRNN paper's `.npz`.
_SPLIT_SUFFIXES = (".mat", ".json", ".npz") + _PICKLE_SUFFIXES


class DatasetError(ValueError):
    """A data source that yields no usable sequences or has the wrong layout."""


def load_sequences(
    dataset: str,
    split: str = "train",
    rate: float = DEFAULT_RATE,
) -> list[np.ndarray]:
    """Loads the pieces of one split of a data source as piano rolls.

    The source is chosen by `dataset`:

    * a `.mat` file (the Boulanger-Lewandowski benchmarks as MATLAB files):
      cell arrays `traindata`, `validdata`, `testdata` of `[T, 88]` rolls;
    * a `.json` file: a dict with keys `train`, `valid`, `test`, each a list
      of pieces, each a list of steps, each a list of MIDI pitches;
    * a `.pkl`/`.pickle` file: the same layout as `.json`, pickled (Python 2
      pickles included), read with `safe_pickle` so it cannot run code;
    * otherwise MIDI: one file, a directory (every `*.mid`/`*.midi` below it,
      recursively, in sorted order) or a glob pattern. MIDI sources have no
      splits: `split` is checked but ignored. Files that cannot be parsed or
      that have no notes on the 88 keys are skipped with a warning.

    Every source is untrusted: files, pieces and splits over the `limits`
    are refused before their rolls are made, and so are pieces that are
    empty, nested wrongly or hold anything but integer pitches of the 88
    keys (or, in a `.mat` file, values other than 0 and 1).

    Args:
        dataset: path or glob pattern, as above.
        split: one of `SPLITS`.
        rate: steps per second for MIDI sources; unused for the others, which
            are already sampled (per quarter or eighth note).

    Returns:
        The pieces, each a float32 `[T_i, 88]` roll.

    Raises:
        ValueError: `split` is not one of `SPLITS`.
        FileNotFoundError: `dataset` is neither an existing path nor a glob
            pattern.
        DatasetError: the source cannot be parsed, yields no sequences,
            lacks the split or holds something other than piano rolls.
        safe_pickle.UnsafePickleError: a pickle names a global that the
            benchmark layout does not need.
        limits.LimitError: a file, a piece or the split is too large.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; valid splits: {', '.join(SPLITS)}")
    suffix = os.path.splitext(dataset)[1].lower()
    if suffix == ".mat":
        sequences = _load_mat(dataset, split, _parse(dataset, _read_mat))
    elif suffix == ".json":
        sequences = _load_pitch_steps(
            dataset, split, _parse(dataset, _read_json))
    elif suffix in _PICKLE_SUFFIXES:
        sequences = _load_pitch_steps(
            dataset, split, _parse(dataset, safe_pickle.load_pickle))
    else:
        return _load_midi(dataset, rate)
    if not sequences:
        raise DatasetError(f"{dataset} has no sequences in split {split!r}")
    return sequences


def load_split(source: str, split: str, rate: float) -> list[np.ndarray]:
    """Loads one split of the `--dataset`, as user input.

    MIDI files that are skipped (corrupt, or without piano notes) are
    reported as warnings, unless no file is usable, when the error alone is
    reported.

    Args:
        source: the `--dataset`: a `.mat`, `.json` or `.pkl` benchmark file,
            or MIDI files (a file, a directory or a glob pattern).
        split: one of `SPLITS`; MIDI sources have no splits.
        rate: steps per second for MIDI sources.

    Returns:
        The pieces, each a float32 `[T_i, 88]` roll.

    Raises:
        InputError: the source is missing, unreadable, corrupt, over the
            `limits` or holds no usable pieces, or `split` is unknown.
    """
    if not source:
        raise errors.InputError("No data source: pass --dataset.")
    with warnings.catch_warnings(record=True) as skipped:
        warnings.simplefilter("always")
        try:
            sequences = load_sequences(source, split, rate)
        except (OSError, ValueError) as err:
            raise errors.InputError(str(err)) from err
    for warning in skipped:
        warnings.showwarning(warning.message, warning.category,
                             warning.filename, warning.lineno)
    return sequences


def has_splits(source: str) -> bool:
    """Whether `source` is a file with splits (not MIDI files)."""
    return os.path.splitext(source)[1].lower() in _SPLIT_SUFFIXES


def score_key(source: str, split: str) -> str:
    """The key of a source's scores: `"path:split"`, or the path of MIDI files."""
    return f"{source}:{split}" if has_splits(source) else source


def make_dataset(
    sequences: Sequence[np.ndarray],
    batch_size: int,
    sequence_size: int,
    shuffle: bool = True,
    repeat: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Batches random windows of `sequence_size` steps, one per piece visited.

    Each pass visits every piece once (in random order when `shuffle`) and
    crops a window at a uniformly random offset. Pieces shorter than
    `sequence_size` become one window padded at the end with silent
    (all-zero) steps, so every piece contributes. Each window comes with its
    prefix mask, 0 exactly on that padding: training must not learn the
    padding (silent steps are valid piano-roll steps, so without the mask
    the model learns to fall silent), and `TrainOps` given the mask ignores
    the padded steps.

    Args:
        sequences: `[T_i, 88]` rolls, e.g. from `load_sequences`.
        batch_size: windows per batch.
        sequence_size: steps per window.
        shuffle: visit the pieces in a new random order on every pass.
        repeat: cycle forever; otherwise stop after one pass, dropping the
            final partial batch.
        seed: makes the order and the crops repeatable; `None` for fresh
            randomness.

    Returns:
        A dataset of `(rolls, mask)` pairs: float32
        `[batch_size, sequence_size, 88]` windows and their float32
        `[batch_size, sequence_size]` masks, 1 on the steps of the piece and
        0 on the padding.

    Raises:
        ValueError: `sequences` is empty or `batch_size`/`sequence_size` is
            not positive.
    """
    if not sequences:
        raise ValueError("make_dataset needs at least one sequence")
    if batch_size < 1 or sequence_size < 1:
        raise ValueError(
            f"batch_size and sequence_size must be positive, got "
            f"{batch_size} and {sequence_size}")
    rolls = _ragged_dataset(sequences)
    if shuffle:
        rolls = rolls.shuffle(len(sequences), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        rolls = rolls.repeat()
    crop_seeds = tf.data.Dataset.random(seed=seed).batch(2)

    def crop(roll: tf.Tensor, crop_seed: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        """A `[sequence_size, 88]` window of the `[T_i, 88]` roll, and its mask."""
        start = tf.random.stateless_uniform(
            [], seed=crop_seed,
            maxval=tf.maximum(tf.shape(roll)[0] - sequence_size, 0) + 1,
            dtype=tf.int32)
        window = roll[start:start + sequence_size]
        real_steps = tf.shape(window)[0]
        mask = tf.sequence_mask(real_steps, sequence_size, dtype=tf.float32)
        window = tf.pad(window, [[0, sequence_size - real_steps], [0, 0]])
        return tf.ensure_shape(window, [sequence_size, pianoroll.NUM_KEYS]), mask

    return (tf.data.Dataset.zip(rolls, crop_seeds)
            .map(crop, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
            .batch(batch_size, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE))


def eval_batches(sequences: Sequence[np.ndarray], batch_size: int) -> tf.data.Dataset:
    """Batches whole pieces, in order, zero-padded to the longest in each batch.

    For the benchmark metric (log-likelihood summed over every step of every
    piece, divided by the total number of steps) sum `mask * log_prob` over
    all batches and divide by the sum of `mask`.

    Args:
        sequences: `[T_i, 88]` rolls, e.g. from `load_sequences`.
        batch_size: pieces per batch; the last batch may hold fewer.

    Returns:
        A dataset of `(rolls, mask)` pairs: float32 `[B, T, 88]` rolls and a
        float32 `[B, T]` mask that is 1 on real steps and 0 on padding, where
        `T` is the longest piece in the batch.

    Raises:
        ValueError: `sequences` is empty or `batch_size` is not positive.
    """
    if not sequences:
        raise ValueError("eval_batches needs at least one sequence")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")

    def with_mask(roll: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        return roll, tf.ones(tf.shape(roll)[:1], dtype=tf.float32)

    return (_ragged_dataset(sequences)
            .map(with_mask)
            .padded_batch(batch_size)
            .prefetch(tf.data.AUTOTUNE))


def _ragged_dataset(sequences: Sequence[np.ndarray]) -> tf.data.Dataset:
    """A dataset of the float32 `[T_i, 88]` rolls `sequences`."""
    ragged = tf.RaggedTensor.from_row_lengths(
        np.concatenate(sequences).astype(np.float32, copy=False),
        [len(roll) for roll in sequences])
    return tf.data.Dataset.from_tensor_slices(ragged)


def _existing_file(path: str) -> str:
    """Returns `path`, raising a one-line `FileNotFoundError` if it is no file."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"dataset file not found: {path}")
    return path


def _parse(path: str, read: Callable[[str], Any]) -> Any:
    """Returns `read(path)`, raising a `DatasetError` if the file is corrupt.

    Raises:
        FileNotFoundError: `path` is no file.
        OSError: it cannot be read.
        limits.LimitError: it is too large (or `read` finds it so).
        safe_pickle.UnsafePickleError: a pickle names a forbidden global.
        DatasetError: its contents cannot be parsed.
    """
    _existing_file(path)
    limits.check_file_size(path)
    try:
        return read(path)
    except (OSError, safe_pickle.UnsafePickleError, limits.LimitError):
        raise
    # scipy.io, json and pickle raise many unrelated exception types
    # (MatReadError, IndexError, UnpicklingError, EOFError, ValueError, ...)
    # on malformed data, so any other failure means a corrupt file.
    except Exception as error:  # pylint: disable=broad-except
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise DatasetError(f"cannot parse {path} ({detail})") from error


def _read_mat(path: str) -> dict[str, Any]:
    """Reads a MATLAB file, once its decoded size is known to be in the limit."""
    matfile.check_decoded_size(path)
    return scipy.io.loadmat(path)


def _piece_name(path: str, split: str, index: int) -> str:
    return f"{path} split {split!r} piece {index}"


def _piece_error(path: str, split: str, index: int, problem: str) -> DatasetError:
    return DatasetError(f"{_piece_name(path, split, index)}: {problem}")


def _load_mat(path: str, split: str, contents: dict[str, Any]) -> list[np.ndarray]:
    """Checks and converts one split of a benchmark MATLAB file's arrays."""
    key = _MAT_KEYS[split]
    if key not in contents:
        raise DatasetError(f"{path} has no {key!r} array for split {split!r}")
    rolls = contents[key].ravel()
    counter = limits.StepCounter(f"{path} split {split!r}")
    for index, roll in enumerate(rolls):
        if (not isinstance(roll, np.ndarray) or roll.ndim != 2
                or roll.shape[1] != pianoroll.NUM_KEYS):
            raise _piece_error(path, split, index, f"has shape {np.shape(roll)}, "
                               f"expected [T, {pianoroll.NUM_KEYS}]")
        if not len(roll):
            raise _piece_error(path, split, index, "is empty")
        counter.add(_piece_name(path, split, index), len(roll))
        if roll.dtype.kind not in "biuf" or not np.isin(roll, (0, 1)).all():
            raise _piece_error(path, split, index, "holds values other than 0 and 1")
    return [roll.astype(np.float32) for roll in rolls]


def _read_json(path: str) -> object:
    """Parses a JSON file."""
    with open(path, encoding="utf-8") as json_file:
        return json.load(json_file)


def _load_pitch_steps(path: str, split: str, contents: object) -> list[np.ndarray]:
    """Converts one split of a `{split: [[[pitch, ...], ...], ...]}` dict to rolls.

    Every piece's length is counted before any roll is made, so a split
    that repeats one piece by reference (as a pickle can) is refused cheaply.
    """
    if not isinstance(contents, dict) or split not in contents:
        raise DatasetError(f"{path} is not a dict with a {split!r} split")
    pieces = contents[split]
    if not isinstance(pieces, (list, tuple)):
        raise DatasetError(f"{path} split {split!r} is not a list of pieces "
                           f"(got {type(pieces).__name__})")
    counter = limits.StepCounter(f"{path} split {split!r}")
    for index, steps in enumerate(pieces):
        if not isinstance(steps, (list, tuple)):
            raise _piece_error(path, split, index, "is not a list of steps "
                               f"(got {type(steps).__name__})")
        if not steps:
            raise _piece_error(path, split, index, "is empty")
        counter.add(_piece_name(path, split, index), len(steps))
    rolls = []
    for index, steps in enumerate(pieces):
        try:
            rolls.append(pianoroll.from_pitch_steps(steps))
        except ValueError as error:
            raise _piece_error(path, split, index, str(error)) from error
    return rolls


def _load_midi(source: str, rate: float) -> list[np.ndarray]:
    """Reads every MIDI file of `source`, skipping unusable ones with a warning.

    Files over the `limits` are errors, not skipped: the limits are there
    to be noticed.
    """
    sequences = []
    counter = limits.StepCounter(source)
    hint = f" at {rate:g} steps per second; lower the rate hparam or split the file"
    for path in _midi_paths(source):
        limits.check_file_size(path)
        try:
            roll = pianoroll.from_midi_file(
                path, rate, functools.partial(counter.add, path, hint=hint))
        except pianoroll.MidiReadError as error:
            warnings.warn(f"{error}; skipping it")
            continue
        if not roll.any():
            warnings.warn(f"skipping MIDI file with no notes on the 88 keys: {path}")
            continue
        sequences.append(roll)
    if not sequences:
        raise DatasetError(f"no readable MIDI files in {source}")
    return sequences


def _midi_paths(source: str) -> list[str]:
    """The files named by a MIDI file, a directory or a glob pattern."""
    if os.path.isdir(source):
        return sorted(
            os.path.join(directory, name)
            for directory, _, names in os.walk(source)
            for name in names
            if name.lower().endswith(MIDI_SUFFIXES))
    if os.path.isfile(source):
        return [source]
    if datadir.is_pattern(source):
        return sorted(path for path in glob.glob(source, recursive=True)
                      if os.path.isfile(path))
    raise FileNotFoundError(f"dataset path not found: {source}")
