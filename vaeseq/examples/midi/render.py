"""Renders piano rolls as files: Standard MIDI, WAV audio and PNG images.

Audio is synthesised by `pretty_midi` itself (a decaying sine per note), so
no external synthesiser or sound font is needed. WAV files are 16-bit PCM
mono, written by `tf.audio.encode_wav`. Pictures are charts (see
`vaeseq.examples.common.chart`): time in seconds across, pitch up, the C
of every octave marked, notes dark on white with the black keys' rows
shaded. The same bytes serve for files and for TensorBoard summaries.
"""

import io

import numpy as np
import tensorflow as tf
from PIL import Image

from vaeseq.examples.common import chart
from vaeseq.examples.midi import pianoroll

# Samples per second of the synthesised audio: enough for the top piano
# key (C8, 4186 Hz) and a quarter of CD quality's file size.
AUDIO_RATE = 16000
# Peak amplitude of the synthesised audio, with headroom below clipping.
_PEAK = 0.9

# Pixels per key, and the width a picture's time axis aims at: steps are
# `TARGET_WIDTH / T` pixels wide, within [1, MAX_CELL_WIDTH].
CELL_HEIGHT = 4
TARGET_WIDTH = 768
MAX_CELL_WIDTH = 16
NOTE_COLOUR = (20, 40, 120)
BLACK_KEY_COLOUR = (236, 236, 236)
# Pitch classes of the black keys (C = 0).
_BLACK_KEYS = (1, 3, 6, 8, 10)
_NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# The least pixels between two time ticks.
_TICK_GAP = 60


def midi_bytes(roll: np.ndarray, rate: float) -> bytes:
    """A Standard MIDI File playing `roll` `[T, 88]` at `rate` steps/second.

    Reading it with `pianoroll.from_midi_file` at the same rate gives back
    `roll` (see `pianoroll.to_pretty_midi`).
    """
    stream = io.BytesIO()
    pianoroll.to_pretty_midi(roll, rate).write(stream)
    return stream.getvalue()


def waveform(roll: np.ndarray, rate: float,
             audio_rate: int = AUDIO_RATE) -> np.ndarray:
    """Synthesises `roll` `[T, 88]` at `rate` steps per second.

    Returns:
        Float32 mono audio `[N]` in [-1, 1], peak-normalised (all zeros for
        a silent roll), at `audio_rate` samples per second.
    """
    # pretty_midi's own normalisation divides by zero for a silent roll.
    audio = pianoroll.to_pretty_midi(roll, rate).synthesize(
        fs=audio_rate, normalize=False)
    peak = np.max(np.abs(audio), initial=0.0)
    if peak > 0:
        audio = audio * (_PEAK / peak)
    return audio.astype(np.float32)


def wav_bytes(audio: np.ndarray, audio_rate: int = AUDIO_RATE) -> bytes:
    """Encodes mono audio `[N]` in [-1, 1] as a 16-bit PCM WAV file."""
    return tf.audio.encode_wav(
        tf.reshape(audio, [-1, 1]), audio_rate).numpy()


def note_name(pitch: int) -> str:
    """The scientific name of MIDI `pitch`: 60 -> `"C4"`, 21 -> `"A0"`."""
    return f"{_NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


def cell_width(steps: int) -> int:
    """Pixels per time step in a picture of `steps` steps."""
    return int(np.clip(round(TARGET_WIDTH / steps), 1, MAX_CELL_WIDTH))


def picture(roll: np.ndarray, rate: float,
            title: str | None = None) -> chart.Chart:
    """A chart of `roll` `[T, 88]` (T >= 1) at `rate` steps per second.

    Its plot area is `[88 * CELL_HEIGHT, T * cell_width(T)]` pixels: step t
    fills columns `[t * w, (t + 1) * w)` and key k (A0 = 0) the rows
    `[(87 - k) * CELL_HEIGHT, (88 - k) * CELL_HEIGHT)`, counted from the
    plot area's top left. The x axis is in seconds, the y axis has a tick
    at every C (C1 ... C8).
    """
    roll = np.asarray(roll) > 0.5
    steps = roll.shape[0]
    width = cell_width(steps)
    x = chart.nice_axis("time (s)", 0.0, steps / rate,
                        max(2, steps * width // _TICK_GAP))
    y = chart.Axis("pitch", pianoroll.LOWEST_PITCH - 0.5,
                   pianoroll.HIGHEST_PITCH + 0.5, tuple(
                       (pitch, note_name(pitch))
                       for pitch in range(pianoroll.LOWEST_PITCH,
                                          pianoroll.HIGHEST_PITCH + 1)
                       if pitch % 12 == 0))
    picture_chart = chart.Chart(steps * width, pianoroll.NUM_KEYS * CELL_HEIGHT,
                                x, y, title)
    # Rows top (C8) down; colours [88, T, 3].
    pitches = np.arange(pianoroll.HIGHEST_PITCH, pianoroll.LOWEST_PITCH - 1, -1)
    black = np.isin(pitches % 12, _BLACK_KEYS)[:, np.newaxis, np.newaxis]
    cells = np.where(roll.T[::-1, :, np.newaxis], NOTE_COLOUR,
                     np.where(black, BLACK_KEY_COLOUR, chart.BACKGROUND))
    pixels = np.repeat(np.repeat(cells, CELL_HEIGHT, axis=0), width, axis=1)
    picture_chart.image.paste(Image.fromarray(pixels.astype(np.uint8)),
                              picture_chart.plot_box[:2])
    return picture_chart


def png_bytes(roll: np.ndarray, rate: float, title: str | None = None) -> bytes:
    """`picture(roll, rate, title)` as a PNG file."""
    return picture(roll, rate, title).png()
