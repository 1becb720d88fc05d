"""Test data: tiny files made in the tests, and the shared files for provenance checks.

Every file a test reads is made here, in a directory the test gives:
`tiny_benchmarks` writes stand-ins for the polyphonic benchmark files (a
`.mat`, a `.json` and a Python 2 `.pkl`), `midi_tree` a folder of MIDI files
of SMF type 0 and 1, `paper_npz` a tiny file in the SRNN paper's `.npz`
layout, `long_midi` and `repeated_piece_pickle` small files describing huge
pieces, `chorale_json` small, learnable four-voice pieces.

Only the provenance checks, which test that the shared data parse and hold
what the data README says, read the shared files: `shared_benchmarks` and
`shared_midi_tree` return them when `$VAESEQ_DATA_DIR` is set and holds
them, and None otherwise, and the tests then check the tiny stand-ins.
Nothing here looks for `../shared` beside the repository, and no test
skips for want of it.
"""

import dataclasses
import io
import json
import pathlib
import pickle
from typing import NamedTuple

import mido
import numpy as np
import pretty_midi
import scipy.io

from vaeseq.examples.common import test_support
from vaeseq.examples.midi import pianoroll

# Tiny layer sizes for the paper's recipe (its preset is 300/500 units wide).
PAPER_TINY_HPARAMS = (
    "rnn_hidden_sizes=[6],latent_size=3,obs_encoder_fc_layers=[5,5],"
    "latent_decoder_fc_layers=[4],obs_decoder_fc_hidden_layers=[7],log_prob_samples=2")

JSB_MAT = "JSB_Chorales.mat"
JSB_PICKLE = "jsb-chorales-quarter.pkl"
JSB_FILES = (JSB_MAT, "jsb-chorales-quarter.json", JSB_PICKLE)
BENCHMARK_FILES = JSB_FILES + ("Nottingham.mat",)
# (file, split) -> (pieces, total steps) of the shared files, from the data README.
SHARED_SPLIT_SIZES = {
    **{(name, "train"): (229, 13_807) for name in JSB_FILES},
    **{(name, "valid"): (76, 4_602) for name in JSB_FILES},
    **{(name, "test"): (77, 4_725) for name in JSB_FILES},
    ("Nottingham.mat", "train"): (694, 176_561),
    ("Nottingham.mat", "valid"): (173, 45_513),
    ("Nottingham.mat", "test"): (170, 44_463),
}
NUM_SHARED_MIDI_FILES = 11

# The chords the tiny benchmark pieces step through, one a step (MIDI
# pitches; `()` is a rest). Their lowest and highest pitches are those of
# the shared JSB Chorales' train split, so that `JSB_PITCH_RANGE` holds for
# the shared files and for the stand-ins.
TINY_CHORDS = ((43, 55, 62, 71), (48, 60, 64, 72), (), (53, 65, 69, 96))
JSB_PITCH_RANGE = (43, 96)
# The lengths of the stand-ins' pieces, by file and split. Every piece is at
# least as long as `TINY_CHORDS`, so each holds every chord.
_TINY_JSB_LENGTHS = {"train": (9, 12, 16, 10), "valid": (8, 13), "test": (6, 11, 7)}
TINY_LENGTHS = {
    **{name: _TINY_JSB_LENGTHS for name in JSB_FILES},
    "Nottingham.mat": {"train": (20, 14, 9), "valid": (11,), "test": (15, 8)},
}

# Steps per second of the tiny MIDI files' parts.
MIDI_RATE = 8.0
# The tiny MIDI files, by path: (SMF type, ticks per quarter note, parts).
# Each part, one instrument, is a melody of one MIDI pitch per step at
# `MIDI_RATE` (None: a rest); the parts of a file are equally long.
FOUR_VOICES = "chorale/four_voices.mid"
TYPE0_TUNE = "tune/hornpipe.mid"
TWO_HANDS_GLOB = "**/two_hands_*.mid"
TINY_MIDI = {
    FOUR_VOICES: (1, 256, {
        "SOPRANO": (72, 72, 74, 76, 76, 74, 72, None),
        "ALTO": (67, 67, 67, 67, 69, 67, 64, None),
        "TENOR": (64, 64, 62, 60, 60, 59, 60, None),
        "BASS": (48, 48, 55, 48, 53, 55, 48, None),
    }),
    TYPE0_TUNE: (0, 480, {"fife": (74, None, 78, 81, 79, 78, 76, 74, 73, 74)}),
    "hands/two_hands_1.mid": (1, 220, {
        "right hand": (60, 64, 67, 72, 67, 64, 60, 64, 67, 72, 76, 79),
        "left hand": (36, None, 43, None, 48, None, 36, None, 43, None, 48, 48),
    }),
    "hands/two_hands_2.mid": (1, 220, {
        "right hand": (79, 77, 76, 74, 72, 71, 72),
        "left hand": (41, 41, 43, 43, 36, 43, 36),
    }),
}


@dataclasses.dataclass(frozen=True)
class Benchmarks:
    """Benchmark files, each of `BENCHMARK_FILES` in `directory`.

    `split_sizes[name, split]` is (pieces, total steps) of that file's split.
    """
    directory: pathlib.Path
    split_sizes: dict[tuple[str, str], tuple[int, int]]

    def path(self, name: str) -> str:
        return str(self.directory / name)


def shared_benchmarks() -> Benchmarks | None:
    """The shared benchmark files, or None unless `$VAESEQ_DATA_DIR` holds them all."""
    directory = test_support.shared_data("polyphonic")
    if directory is None or not all((directory / name).is_file() for name in BENCHMARK_FILES):
        return None
    return Benchmarks(directory, SHARED_SPLIT_SIZES)


def tiny_benchmarks(directory: pathlib.Path) -> Benchmarks:
    """Writes a tiny stand-in for each of `BENCHMARK_FILES` into `directory`.

    Each is in its namesake's layout and holds `tiny_pieces(TINY_LENGTHS[name])`,
    so the three JSB files hold the same pieces.
    """
    split_sizes = {}
    for name in BENCHMARK_FILES:
        lengths = TINY_LENGTHS[name]
        write_benchmark(directory / name, tiny_pieces(lengths))
        split_sizes.update({(name, split): (len(split_lengths), sum(split_lengths))
                            for split, split_lengths in lengths.items()})
    return Benchmarks(directory, split_sizes)


def tiny_pieces(lengths: dict[str, tuple[int, ...]]) -> dict[str, list[list[tuple[int, ...]]]]:
    """Splits of pieces: piece `k` of a split, `lengths[split][k]` steps long,
    steps through `TINY_CHORDS` from chord `k` on, over and over."""
    return {split: [[TINY_CHORDS[(index + step) % len(TINY_CHORDS)] for step in range(length)]
                    for index, length in enumerate(split_lengths)]
            for split, split_lengths in lengths.items()}


def write_benchmark(path: pathlib.Path, pieces: dict[str, list[list[tuple[int, ...]]]]) -> None:
    """Writes splits of pieces of steps of MIDI pitches in the layout its suffix names.

    `.mat`: the Boulanger-Lewandowski MATLAB layout (`write_mat`), each
    piece a `uint8` roll. `.json`: `{split: [[[pitch, ...], ...], ...]}`.
    `.pkl`: the layout of the shared `jsb-chorales-quarter.pkl`, as Python 2
    pickled it (`python2_pickle`): each step a tuple of `numpy.int64`.
    """
    if path.suffix == ".mat":
        write_mat(path, {split: [pianoroll.from_pitch_steps(piece).astype(np.uint8)
                                 for piece in split_pieces]
                         for split, split_pieces in pieces.items()})
    elif path.suffix == ".json":
        path.write_text(json.dumps(pieces), encoding="utf-8")
    else:
        path.write_bytes(python2_pickle(
            {split: [[tuple(np.int64(pitch) for pitch in step) for step in piece]
                     for piece in split_pieces]
             for split, split_pieces in pieces.items()}))


def write_mat(path: pathlib.Path, rolls: dict[str, list[np.ndarray]]) -> str:
    """Writes a MATLAB 5 file in the benchmarks' layout; returns its path.

    Split `s` of `rolls` becomes the `(1, N)` cell array `sdata` (e.g.
    `traindata`) of its `N` rolls.
    """
    arrays = {}
    for split, split_rolls in rolls.items():
        cells = np.empty([1, len(split_rolls)], dtype=object)
        for index, roll in enumerate(split_rolls):
            cells[0, index] = roll
        arrays[f"{split}data"] = cells
    scipy.io.savemat(str(path), arrays)
    return str(path)


class _Python2Pickler(pickle._Pickler):  # pylint: disable=protected-access
    """Pickles `str` and `bytes` alike as Python 2 pickled its `str`."""

    dispatch = pickle._Pickler.dispatch.copy()  # pylint: disable=protected-access

    def save_python2_str(self, obj: str | bytes) -> None:
        """Writes `obj` (under 256 bytes, as the benchmark's strings are) as SHORT_BINSTRING."""
        data = obj.encode("latin-1") if isinstance(obj, str) else obj
        self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        self.memoize(obj)

    dispatch[str] = dispatch[bytes] = save_python2_str


def python2_pickle(obj: object) -> bytes:
    """`obj` pickled as Python 2 and numpy 1 pickled it, which Python 3 cannot write.

    Protocol 2, with strings and the bytes of numpy scalars as Python 2
    `str`s (which unpickle only with an `encoding`), and numpy's scalar
    reconstructor under its numpy 1 module, `numpy.core.multiarray`.
    """
    stream = io.BytesIO()
    _Python2Pickler(stream, protocol=2).dump(obj)
    return stream.getvalue().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")


class MidiTree(NamedTuple):
    """A folder of MIDI files, in subfolders, and how many files it holds."""
    directory: pathlib.Path
    files: int


def shared_midi_tree() -> MidiTree | None:
    """The shared MIDI files, or None unless `$VAESEQ_DATA_DIR` holds them."""
    directory = test_support.shared_data("midi")
    return None if directory is None else MidiTree(directory, NUM_SHARED_MIDI_FILES)


def midi_tree(directory: pathlib.Path) -> MidiTree:
    """Writes the files of `TINY_MIDI` under `directory`.

    A part becomes an instrument written by `pianoroll.to_pretty_midi`, so
    that the file reads back as `tiny_midi_roll(name)` at `MIDI_RATE`; a
    file of SMF type 0 merges the tracks that pretty_midi writes into one.
    """
    for name, (midi_type, resolution, parts) in TINY_MIDI.items():
        path = directory / name
        midi = pretty_midi.PrettyMIDI(resolution=resolution)
        for part, melody in parts.items():
            [instrument] = pianoroll.to_pretty_midi(_melody_roll(melody), MIDI_RATE).instruments
            instrument.name = part
            midi.instruments.append(instrument)
        path.parent.mkdir(parents=True, exist_ok=True)
        midi.write(str(path))
        if midi_type == 0:
            tracks = mido.MidiFile(path)
            merged = mido.MidiFile(type=0, ticks_per_beat=tracks.ticks_per_beat)
            merged.tracks.append(mido.merge_tracks(tracks.tracks))
            merged.save(path)
    return MidiTree(directory, len(TINY_MIDI))


def tiny_midi_roll(name: str) -> np.ndarray:
    """The roll at `MIDI_RATE` of the file `name` of `TINY_MIDI`: its parts' notes together."""
    _, _, parts = TINY_MIDI[name]
    return np.max([_melody_roll(melody) for melody in parts.values()], axis=0)


def _melody_roll(melody: tuple[int | None, ...]) -> np.ndarray:
    return pianoroll.from_pitch_steps([() if pitch is None else (pitch,) for pitch in melody])


def paper_npz(directory: pathlib.Path, streams: int = 16) -> str:
    """Writes `directory/tiny.npz` in the paper's layout; returns its path.

    Two batches of training streams and one of validation streams, of 4
    steps each; three test pieces of 6, 3 and 5 steps.
    """
    rng = np.random.default_rng(1)
    def rolls(*shape):
        return (rng.random((*shape, 88)) < 0.1).astype(np.float32)
    mask = (np.arange(6)[None] < np.array([6, 3, 5])[:, None]).astype(np.float32)
    x_train, x_valid, x_test = rolls(2 * streams, 4), rolls(streams, 4), rolls(3, 6)
    path = str(directory / "tiny.npz")
    np.savez(path, x_train=x_train, u_train=x_train, x_valid=x_valid, u_valid=x_valid,
             x_test=x_test, u_test=x_test, mask_test=mask)
    return path


def long_midi(path: pathlib.Path, seconds: float) -> str:
    """Writes a MIDI file of one note lasting `seconds`; returns its path."""
    piano = pretty_midi.Instrument(program=0)
    piano.notes.append(pretty_midi.Note(velocity=100, pitch=60, start=0.0, end=seconds))
    midi = pretty_midi.PrettyMIDI()
    midi.instruments.append(piano)
    midi.write(str(path))
    return str(path)


def repeated_piece_pickle(path: pathlib.Path, steps: int, pieces: int) -> str:
    """Pickles every split as one piece of `steps` steps, `pieces` times.

    The pickle holds the piece once, and then references to it, so a file
    of about `2 * (steps + pieces)` bytes describes `steps * pieces` steps.
    """
    piece = [(60,)] * steps
    split = [piece] * pieces
    path.write_bytes(pickle.dumps({"train": split, "valid": split, "test": split},
                                  protocol=2))
    return str(path)


def chorale_json(path: pathlib.Path, pieces: int = 40, seed: int = 0) -> str:
    """Writes `.json` splits of `pieces` four-voice pieces; returns the path.

    Each piece, of 16 to 120 steps, cycles through a random progression of
    four chords drawn from six (MIDI pitches 48 to 81), each held for two
    steps: structure a model can learn in a few hundred steps.
    """
    rng = np.random.default_rng(seed)
    chords = [sorted(int(p) for p in rng.choice(np.arange(48, 82), 4, replace=False))
              for _ in range(6)]

    def piece():
        progression = rng.choice(len(chords), 4)
        steps = int(rng.integers(16, 121))
        return [chords[progression[(step // 2) % 4]] for step in range(steps)]

    path.write_text(json.dumps({split: [piece() for _ in range(pieces)]
                                for split in ("train", "valid", "test")}), encoding="utf-8")
    return str(path)
