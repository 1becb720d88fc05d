"""Piano rolls: one binary vector of the 88 piano keys per time step.

A roll is a float32 array of shape `[T, NUM_KEYS]` holding only 0 and 1.
Column `j` is MIDI pitch `j + LOWEST_PITCH`, so the columns run from A0
(pitch 21) to C8 (pitch 108), the layout of the Boulanger-Lewandowski
polyphonic music benchmarks. Step `t` covers the time `[t / rate,
(t + 1) / rate)` seconds, where `rate` is in steps per second.
"""

import os
from typing import Callable, Sequence, TypeVar

import numpy as np
import pretty_midi

NUM_KEYS = 88
LOWEST_PITCH = 21  # A0.
HIGHEST_PITCH = LOWEST_PITCH + NUM_KEYS - 1  # C8.
MAX_MIDI_PITCH = 127

T = TypeVar("T")

# `get_piano_roll(fs=rate)` marks step t active for a note that sounds at
# time (t + 1) / rate, i.e. it takes the floor of the note's start and end
# times in steps. Notes are written half a step after their step boundaries,
# midway between those sampling instants, so that tick quantisation and float
# rounding cannot move them across one.
_WRITE_OFFSET_STEPS = 0.5
# Ticks per quarter note of the written files; at the default 120 bpm a tick
# is 1/960 s, so the rounding to ticks stays below half a step for any rate
# under 960 steps per second.
_RESOLUTION = 480
# "All Notes Off", written at the end of the roll to mark its length.
_ALL_NOTES_OFF = 123


class MidiReadError(ValueError):
    """A MIDI file that exists but cannot be parsed."""


def from_pitch_steps(steps: Sequence[Sequence[int]]) -> np.ndarray:
    """Converts a list of time steps, each the MIDI pitches sounding, to a roll.

    Args:
        steps: `T` lists or tuples of at most `NUM_KEYS` integer MIDI
            pitches (Python or numpy ints, not bools), the layout of the
            benchmark `.json` and `.pkl` files. A step may be empty (a rest).

    Returns:
        A float32 roll of shape `[T, NUM_KEYS]`.

    Raises:
        ValueError: a step is no list or tuple or has too many pitches, or
            a pitch is no integer or lies outside `LOWEST_PITCH..HIGHEST_PITCH`.
            The benchmark data never do, so such a pitch means the input is
            not what it claims to be and is not silently dropped.
    """
    roll = np.zeros([len(steps), NUM_KEYS], dtype=np.float32)
    for step, pitches in enumerate(steps):
        if not isinstance(pitches, (list, tuple)) or len(pitches) > NUM_KEYS:
            raise ValueError(f"step {step} is {pitches!r:.40}, not a list of at most "
                             f"{NUM_KEYS} pitches")
        for pitch in pitches:
            if isinstance(pitch, bool) or not isinstance(pitch, (int, np.integer)):
                raise ValueError(f"pitch {pitch!r:.40} at step {step} is not an integer")
            if not 0 <= pitch <= MAX_MIDI_PITCH:
                raise ValueError(f"pitch {pitch} at step {step} is not a MIDI pitch "
                                 f"(0..{MAX_MIDI_PITCH})")
            if not LOWEST_PITCH <= pitch <= HIGHEST_PITCH:
                raise ValueError(
                    f"pitch {pitch} at step {step} is outside the piano range "
                    f"{LOWEST_PITCH}..{HIGHEST_PITCH} of the model")
            roll[step, int(pitch) - LOWEST_PITCH] = 1.0
    return roll


def to_pretty_midi(
    roll: np.ndarray,
    rate: float,
    program: int = 0,
    velocity: int = 100,
) -> pretty_midi.PrettyMIDI:
    """Converts a roll to a one-instrument MIDI performance.

    Each run of consecutive active steps of a key becomes one note. Every
    note boundary is shifted half a step later than its step boundary (so the
    whole piece starts half a step late), and an "All Notes Off" control
    change half a step after the last step records the roll's length. With
    these, `from_midi_file` at the same `rate` reads back exactly `roll`
    (binarised), trailing silent steps included, for any `rate` below 960.
    An all-silent roll has no notes, so it reads back with no steps.

    Args:
        roll: `[T, NUM_KEYS]`; entries above 0.5 are active.
        rate: steps per second.
        program: General MIDI program number of the instrument (0: piano).
        velocity: MIDI velocity of every note, 1..127.

    Returns:
        A `PrettyMIDI` at 120 bpm with one instrument.

    Raises:
        ValueError: `roll` has the wrong shape or `rate` is not positive.
    """
    roll = np.asarray(roll)
    if roll.ndim != 2 or roll.shape[1] != NUM_KEYS:
        raise ValueError(f"expected a roll of shape [T, {NUM_KEYS}], got {roll.shape}")
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")

    def step_time(step: int) -> float:
        return (step + _WRITE_OFFSET_STEPS) / rate

    instrument = pretty_midi.Instrument(program=program)
    silence = np.zeros([1, NUM_KEYS], dtype=bool)
    active = np.concatenate([silence, roll > 0.5, silence])
    for key in range(NUM_KEYS):
        # Onsets and releases alternate because `active` starts and ends silent.
        edges = np.flatnonzero(np.diff(active[:, key].astype(np.int8)))
        for start, end in edges.reshape(-1, 2):
            instrument.notes.append(pretty_midi.Note(
                velocity=velocity, pitch=key + LOWEST_PITCH,
                start=step_time(start), end=step_time(end)))
    instrument.control_changes.append(pretty_midi.ControlChange(
        number=_ALL_NOTES_OFF, value=0, time=step_time(len(roll))))
    midi = pretty_midi.PrettyMIDI(resolution=_RESOLUTION)
    midi.instruments.append(instrument)
    return midi


def from_midi_file(path: str | os.PathLike, rate: float,
                   check_steps: Callable[[int], None] | None = None) -> np.ndarray:
    """Reads a MIDI file as a roll sampled at `rate` steps per second.

    Uses `PrettyMIDI.get_piano_roll(fs=rate)`: all instruments but drums are
    merged, the sustain pedal lengthens notes, a key is active wherever any
    note sounds, and pitches outside the 88 keys are dropped.

    Args:
        path: a Standard MIDI File.
        rate: steps per second.
        check_steps: if given, called with the file's duration in steps
            (the end of its last event times `rate`, at least `T`) before
            the roll is made; it may raise to refuse too long a file.

    Returns:
        A float32 roll of shape `[T, NUM_KEYS]`; `T` is the end of the last
        note or control change times `rate`, rounded down (0 for a file with
        no notes).

    Raises:
        ValueError: `rate` is not positive.
        OSError: the file cannot be opened (e.g. `FileNotFoundError`).
        MidiReadError: the file's contents cannot be parsed.
        Whatever `check_steps` raises.
    """
    if rate <= 0:
        raise ValueError(f"rate must be positive, got {rate}")
    with open(path, "rb") as midi_file:
        midi = _parsing(path, lambda: pretty_midi.PrettyMIDI(midi_file))
    if check_steps is not None:
        check_steps(int(_parsing(path, midi.get_end_time) * rate))
    velocities = _parsing(path, lambda: midi.get_piano_roll(fs=rate))
    keys = velocities[LOWEST_PITCH:HIGHEST_PITCH + 1]
    return (keys.T > 0).astype(np.float32)


def _parsing(path: str | os.PathLike, parse: Callable[[], T]) -> T:
    """Returns `parse()`, raising a `MidiReadError` naming `path` if it fails.

    mido and pretty_midi raise many unrelated exception types (OSError,
    EOFError, ValueError, IndexError, KeyError, ...) on malformed data, so
    every failure counts as a corrupt file.
    """
    try:
        return parse()
    except Exception as error:  # pylint: disable=broad-except
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        raise MidiReadError(f"cannot parse MIDI file {os.fspath(path)} ({detail})") from error
