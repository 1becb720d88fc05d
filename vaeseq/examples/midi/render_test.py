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


def test_image_puts_high_keys_on_top(roll):
    image = render.image(roll)
    assert image.shape == (pianoroll.NUM_KEYS, 5, 1)
    assert image.dtype == np.uint8
    assert image[-1, :3, 0].tolist() == [255] * 3  # A0, bottom row.
    assert image[0, 3, 0] == 255  # C8, top row.
    assert image.sum() == 4 * 255
    decoded = tf.io.decode_png(render.png_bytes(roll)).numpy()
    np.testing.assert_array_equal(decoded, image)


if __name__ == "__main__":
    testing.main(__file__)
