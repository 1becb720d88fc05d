"""Tests for pianoroll.py."""

import mido
import numpy as np
import pretty_midi
import pytest

from vaeseq import testing
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import testdata

def random_roll(steps, seed, density=0.2):
    """A random roll with two silent steps at each end."""
    rng = np.random.default_rng(seed)
    roll = (rng.random([steps, pianoroll.NUM_KEYS]) < density).astype(np.float32)
    roll[:2] = 0.0
    roll[-2:] = 0.0
    return roll


def write_and_read(roll, rate, tmp_path, **kwargs):
    path = tmp_path / "roll.mid"
    pianoroll.to_pretty_midi(roll, rate, **kwargs).write(str(path))
    return pianoroll.from_midi_file(path, rate)


def test_key_range():
    assert pianoroll.NUM_KEYS == 88
    assert pianoroll.LOWEST_PITCH == 21
    assert pianoroll.HIGHEST_PITCH == 108


def test_from_pitch_steps():
    roll = pianoroll.from_pitch_steps([(60, 64, 67), (), [np.int64(21), 108]])
    assert roll.dtype == np.float32
    assert roll.shape == (3, 88)
    assert np.flatnonzero(roll[0]).tolist() == [39, 43, 46]
    assert not roll[1].any()
    assert np.flatnonzero(roll[2]).tolist() == [0, 87]
    assert roll.sum() == 5


def test_from_pitch_steps_empty():
    assert pianoroll.from_pitch_steps([]).shape == (0, 88)


@pytest.mark.parametrize("pitch", [20, 109])
def test_from_pitch_steps_rejects_pitches_off_the_keyboard(pitch):
    with pytest.raises(ValueError, match=f"pitch {pitch} at step 1 is outside"):
        pianoroll.from_pitch_steps([(60,), (60, pitch)])


def test_consecutive_steps_become_one_note():
    roll = np.zeros([6, 88], dtype=np.float32)
    roll[1:4, 39] = 1.0  # Middle C for three steps,
    roll[5, 39] = 1.0  # then again after a rest.
    roll[0:6, 0] = 1.0  # A0 throughout.
    midi = pianoroll.to_pretty_midi(roll, rate=2.0, program=40, velocity=77)
    [instrument] = midi.instruments
    assert instrument.program == 40
    notes = sorted((n.pitch, n.start, n.end, n.velocity) for n in instrument.notes)
    assert notes == [(21, 0.25, 3.25, 77), (60, 0.75, 2.25, 77), (60, 2.75, 3.25, 77)]


@pytest.mark.parametrize("rate", [1.0 / 3.0, 2.0, 7.3, 10.0, 32.0, 100.0, 500.0])
def test_round_trip_through_midi_file(rate, tmp_path):
    roll = random_roll(120, seed=int(rate * 10))
    np.testing.assert_array_equal(write_and_read(roll, rate, tmp_path), roll)


def test_round_trip_binarises(tmp_path):
    probabilities = random_roll(40, seed=0) * 0.4 + 0.3  # 0.3 or 0.7.
    expected = (probabilities > 0.5).astype(np.float32)
    np.testing.assert_array_equal(write_and_read(probabilities, 4.0, tmp_path), expected)


def test_silent_roll_reads_back_empty(tmp_path):
    roll = np.zeros([10, 88], dtype=np.float32)
    assert write_and_read(roll, 4.0, tmp_path).shape == (0, 88)


def test_to_pretty_midi_checks_arguments():
    with pytest.raises(ValueError, match=r"shape \[T, 88\]"):
        pianoroll.to_pretty_midi(np.zeros([4, 128]), 4.0)
    with pytest.raises(ValueError, match="rate must be positive"):
        pianoroll.to_pretty_midi(np.zeros([4, 88]), 0.0)


@pytest.mark.parametrize("name, midi_type", [(testdata.TYPE0_TUNE, 0),
                                              (testdata.FOUR_VOICES, 1)])
def test_from_midi_file_reads_smf_types_0_and_1(name, midi_type, tiny_midi_tree):
    # data_test reads every file; here one of SMF type 0 and one of type 1.
    path = tiny_midi_tree.directory / name
    assert mido.MidiFile(path).type == midi_type
    roll = pianoroll.from_midi_file(path, rate=testdata.MIDI_RATE)
    assert roll.dtype == np.float32
    np.testing.assert_array_equal(roll, testdata.tiny_midi_roll(name))


def test_from_midi_file_length_follows_rate(tiny_midi_tree):
    path = tiny_midi_tree.directory / testdata.TYPE0_TUNE
    slow, fast = (len(pianoroll.from_midi_file(path, rate)) for rate in (8.0, 16.0))
    assert slow == len(testdata.tiny_midi_roll(testdata.TYPE0_TUNE))
    assert abs(fast - 2 * slow) <= 1


def test_from_midi_file_matches_pretty_midi(tiny_midi_tree):
    path = tiny_midi_tree.directory / testdata.FOUR_VOICES
    expected = pretty_midi.PrettyMIDI(str(path)).get_piano_roll(fs=10.0)[21:109].T > 0
    np.testing.assert_array_equal(pianoroll.from_midi_file(path, 10.0), expected)


def test_from_midi_file_truncated(tiny_midi_tree, tmp_path):
    whole = (tiny_midi_tree.directory / testdata.FOUR_VOICES).read_bytes()
    assert len(whole) > 100
    path = tmp_path / "truncated.mid"
    path.write_bytes(whole[:100])
    with pytest.raises(pianoroll.MidiReadError, match="cannot parse MIDI file .*truncated.mid"):
        pianoroll.from_midi_file(path, 8.0)


def test_from_midi_file_not_midi(tmp_path):
    path = tmp_path / "text.mid"
    path.write_text("not a MIDI file\n")
    with pytest.raises(pianoroll.MidiReadError, match=r"text.mid \(OSError: MThd not found"):
        pianoroll.from_midi_file(path, 8.0)


def test_from_midi_file_missing(tmp_path):
    with pytest.raises(FileNotFoundError):
        pianoroll.from_midi_file(tmp_path / "missing.mid", 8.0)


def test_from_midi_file_checks_rate(tmp_path):
    with pytest.raises(ValueError, match="rate must be positive"):
        pianoroll.from_midi_file(tmp_path / "missing.mid", -1.0)



@pytest.mark.parametrize("steps, match", [
    ([(60.0,)], "pitch 60.0 at step 0 is not an integer"),
    ([(60,), 61], "step 1 is 61, not a list of at most 88 pitches"),
    ([(60,), "ab"], "step 1 is 'ab', not a list"),
    ([(200,)], r"pitch 200 at step 0 is not a MIDI pitch \(0..127\)"),
])
def test_from_pitch_steps_rejects_malformed_steps(steps, match):
    with pytest.raises(ValueError, match=match):
        pianoroll.from_pitch_steps(steps)


def test_from_midi_file_checks_steps_before_the_roll(tmp_path, monkeypatch):
    path = testdata.long_midi(tmp_path / "hour.mid", 3600.0)
    monkeypatch.setattr(pretty_midi.PrettyMIDI, "get_piano_roll", None)  # Never reached.
    def refuse(steps):
        raise OverflowError(f"{steps} steps")
    with pytest.raises(OverflowError, match="^115200 steps$"):
        pianoroll.from_midi_file(path, 32.0, refuse)


if __name__ == "__main__":
    testing.main(__file__)
