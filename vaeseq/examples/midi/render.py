"""Renders piano rolls as files: Standard MIDI, WAV audio and PNG images.

Audio is synthesised by `pretty_midi` itself (a decaying sine per note), so
no external synthesiser or sound font is needed. WAV files are 16-bit PCM
mono, written by `tf.audio.encode_wav`; images by `tf.io.encode_png`. The
same bytes serve for files and for TensorBoard summaries.
"""

import io

import numpy as np
import tensorflow as tf

from vaeseq.examples.midi import pianoroll

# Samples per second of the synthesised audio: enough for the top piano
# key (C8, 4186 Hz) and a quarter of CD quality's file size.
AUDIO_RATE = 16000
# Peak amplitude of the synthesised audio, with headroom below clipping.
_PEAK = 0.9


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


def image(roll: np.ndarray) -> np.ndarray:
    """A picture of `roll` `[T, 88]`: uint8 `[88, T, 1]`.

    Time runs left to right and pitch bottom (A0) to top (C8); active keys
    are white on black.
    """
    roll = np.asarray(roll)
    return (255 * (roll.T[::-1] > 0.5)).astype(np.uint8)[..., np.newaxis]


def png_bytes(roll: np.ndarray) -> bytes:
    """`image(roll)` as a PNG file."""
    return tf.io.encode_png(image(roll)).numpy()
