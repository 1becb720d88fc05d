"""Tests for render.py: MIDI, audio and image bytes of piano rolls."""

import io
import wave

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import render


@pytest.fixture(name="roll")
def fixture_roll():
    """5 steps: A0 held over steps 0-2, C8 at step 3, silence at step 4."""
    roll = np.zeros([5, pianoroll.NUM_KEYS], np.float32)
    roll[0:3, 0] = 1.0
    roll[3, pianoroll.NUM_KEYS - 1] = 1.0
    return roll


def test_midi_bytes_read_back(roll, tmp_path):
    path = tmp_path / "roll.mid"
    path.write_bytes(render.midi_bytes(roll, rate=6.0))
    np.testing.assert_array_equal(pianoroll.from_midi_file(path, 6.0), roll)


def test_waveform(roll):
    audio = render.waveform(roll, rate=4.0, audio_rate=8000)
    assert audio.dtype == np.float32
    # Notes end half a step after the last step; pretty_midi adds 1 s.
    assert len(audio) == int(8000 * ((5 + 0.5) / 4 + 1))
    assert np.max(np.abs(audio)) == pytest.approx(0.9)


def test_silent_waveform_is_zeros():
    audio = render.waveform(np.zeros([3, pianoroll.NUM_KEYS]), rate=2.0)
    assert np.isfinite(audio).all() and not audio.any()


def test_wav_bytes_are_16_bit_pcm():
    samples = np.array([0.0, 0.5, -1.0, 1.0], np.float32)
    with wave.open(io.BytesIO(render.wav_bytes(samples, 8000)), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(),
                wav.getnframes()) == (1, 2, 8000, 4)
        frames = np.frombuffer(wav.readframes(4), "<i2")
    np.testing.assert_allclose(frames / 32767, samples, atol=1e-3)


def decoded(picture):
    """The picture's PNG file read back: uint8 `[height, width, 3]`."""
    return tf.io.decode_png(picture.png()).numpy()


def dark(pixels):
    """Where `pixels` `[..., 3]` are dark: the notes (not frame or text)."""
    return pixels.astype(int).sum(axis=-1) < 3 * 128


def test_picture_draws_one_note_in_its_cells():
    roll = np.zeros([128, pianoroll.NUM_KEYS], np.float32)
    key = 60 - pianoroll.LOWEST_PITCH  # C4, held over steps 10-19.
    roll[10:20, key] = 1.0
    picture = render.picture(roll, rate=16.0)
    pixels = decoded(picture)
    left, top, right, bottom = picture.plot_box
    width = render.cell_width(128)
    assert (right - left, bottom - top) == (
        128 * width, pianoroll.NUM_KEYS * render.CELL_HEIGHT)
    # A legible size: several pixels per step and key, and room for axes.
    assert 600 <= pixels.shape[1] <= 1000 and 400 <= pixels.shape[0] <= 500
    notes = np.zeros(pixels.shape[:2], bool)
    row = (pianoroll.NUM_KEYS - 1 - key) * render.CELL_HEIGHT
    notes[top + row:top + row + render.CELL_HEIGHT,
          left + 10 * width:left + 20 * width] = True
    plot = np.zeros_like(notes)
    plot[top:bottom, left:right] = True
    np.testing.assert_array_equal(dark(pixels) & plot, notes)
    # Outside the plot area: the frame, ticks and labels.
    assert dark(pixels[~plot]).sum() > 500


def test_picture_axes_are_seconds_and_octaves():
    picture = render.picture(np.zeros([40, pianoroll.NUM_KEYS]), rate=8.0)
    assert (picture.x.low, picture.x.high) == (0.0, 5.0)  # 40 steps at 8/s.
    assert [label for _, label in picture.x.ticks] == [
        "0", "1", "2", "3", "4", "5"]
    assert picture.y.ticks == tuple(
        (pitch, f"C{octave}")
        for octave, pitch in enumerate(range(24, 109, 12), start=1))
    columns, rows = picture.to_pixels([0.0, 5.0], [108, 21])
    left, top, right, bottom = picture.plot_box
    np.testing.assert_allclose(columns, [left, right])
    # The middles of the top (C8) and bottom (A0) rows of keys.
    np.testing.assert_allclose(
        rows, [top + render.CELL_HEIGHT / 2, bottom - render.CELL_HEIGHT / 2])


def test_picture_title_and_long_rolls():
    roll = np.ones([2000, pianoroll.NUM_KEYS])
    titled = render.picture(roll[:5], rate=2.0, title="sample_000")
    untitled = render.picture(roll[:5], rate=2.0)
    assert titled.image.height > untitled.image.height
    assert titled.image.width == untitled.image.width
    # Each step stays at least a pixel wide.
    long_picture = render.picture(roll, rate=32.0)
    left, top, right, bottom = long_picture.plot_box
    assert right - left == 2000
    assert dark(decoded(long_picture)[top:bottom, left:right]).all()


@pytest.mark.parametrize("pitch, name", [(21, "A0"), (60, "C4"), (61, "C#4"),
                                         (108, "C8")])
def test_note_name(pitch, name):
    assert render.note_name(pitch) == name


if __name__ == "__main__":
    testing.main(__file__)
