"""Tests for data.py: the benchmark and MIDI files (tiny ones, and the shared
data's in the provenance checks), bad and untrusted sources, the batches, and
data sources loaded as user input."""

import json
import pathlib
import shutil
import time
import tracemalloc
import warnings

import numpy as np
import pretty_midi
import pytest

from vaeseq import testing

from vaeseq.examples.common import errors
from vaeseq.examples.midi import data
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import testdata


@pytest.fixture(name="midi_file")
def fixture_midi_file(tiny_midi_tree):
    """A tiny MIDI file of SMF type 1: four voices, a track each."""
    return tiny_midi_tree.directory / testdata.FOUR_VOICES


@pytest.fixture(name="short_sequences")
def fixture_short_sequences():
    """Three pieces of 3, 5 and 8 steps whose every step is distinct."""
    sequences = []
    for index, length in enumerate([3, 5, 8]):
        roll = np.zeros([length, 88], dtype=np.float32)
        roll[np.arange(length), np.arange(length)] = 1.0  # Step t plays key t.
        roll[:, 80 + index] = 1.0  # Key 80 + index identifies the piece.
        sequences.append(roll)
    return sequences


# Provenance check: the shared files, if $VAESEQ_DATA_DIR holds them, have
# the split sizes of the data README.
@pytest.mark.parametrize("name", testdata.BENCHMARK_FILES)
@pytest.mark.parametrize("split", data.SPLITS)
def test_benchmark_split_sizes(name, split, shared_or_tiny_benchmarks):
    sequences = data.load_sequences(shared_or_tiny_benchmarks.path(name), split)
    assert ((len(sequences), sum(len(roll) for roll in sequences))
            == shared_or_tiny_benchmarks.split_sizes[name, split])
    for roll in sequences:
        assert roll.dtype == np.float32
        assert roll.shape[1] == 88
        assert set(np.unique(roll)) <= {0.0, 1.0}


# Provenance check: the shared JSB files, if $VAESEQ_DATA_DIR holds them,
# hold the same pieces.
@pytest.mark.parametrize("split", data.SPLITS)
def test_jsb_formats_agree(split, shared_or_tiny_benchmarks):
    mat, json_, pkl = (data.load_sequences(shared_or_tiny_benchmarks.path(name), split)
                       for name in testdata.JSB_FILES)
    assert len(mat) == len(json_) == len(pkl)
    for mat_roll, json_roll, pkl_roll in zip(mat, json_, pkl):
        np.testing.assert_array_equal(mat_roll, json_roll)
        np.testing.assert_array_equal(mat_roll, pkl_roll)


# Provenance check: the shared JSB Chorales, if $VAESEQ_DATA_DIR holds them,
# span the pitches of the data README.
def test_jsb_pitch_range(shared_or_tiny_benchmarks):
    train = np.concatenate(data.load_sequences(shared_or_tiny_benchmarks.path(testdata.JSB_MAT)))
    keys = np.flatnonzero(train.any(axis=0))
    assert (keys.min() + 21, keys.max() + 21) == testdata.JSB_PITCH_RANGE


def test_jsb_round_trip_through_midi(tmp_path, tiny_mat):
    sequences = data.load_sequences(tiny_mat, "test")
    for index, roll in enumerate(sequences):
        path = tmp_path / f"{index}.mid"
        pianoroll.to_pretty_midi(roll, rate=2.0).write(str(path))
        np.testing.assert_array_equal(pianoroll.from_midi_file(path, rate=2.0), roll)


def test_unknown_split():
    expected = "unknown split 'validation'; valid splits: train, valid, test"
    with pytest.raises(ValueError, match=expected):
        data.load_sequences("unused.mat", "validation")


@pytest.mark.parametrize("name", ["missing.mat", "missing.json", "missing.pkl", "missing.mid",
                                  "missing_dir"])
def test_missing_path(name, tmp_path):
    with pytest.raises(FileNotFoundError, match=f"not found: .*{name}$"):
        data.load_sequences(str(tmp_path / name))


@pytest.mark.parametrize("name, content", [
    ("empty.mat", b""),
    ("garbage.mat", b"garbage" * 20),
    ("truncated.pkl", b"\x80\x02}q\x00(U\x05train"),
    ("garbage.pkl", b"garbage"),
    ("bad.json", b"{not json"),
    ("latin1.json", b"{\"train\": \"caf\xe9\"}"),
])
def test_corrupt_benchmark_file(name, content, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(data.DatasetError, match=f"cannot parse .*{name} "):
        data.load_sequences(str(path))


def test_json_with_bad_pitch(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"train": [[[60], [12]]], "valid": [], "test": []}))
    with pytest.raises(data.DatasetError, match="pitch 12 at step 1 is outside"):
        data.load_sequences(str(path))


@pytest.mark.parametrize("train, match", [
    ([[]], r"piece 0: is empty$"),
    ([[[60]], [[60.5]]], r"piece 1: pitch 60.5 at step 0 is not an integer$"),
    ([[[60, True]]], r"piece 0: pitch True at step 0 is not an integer$"),
    ([[["60"]]], r"piece 0: pitch '60' at step 0 is not an integer$"),
    ([[[128]]], r"piece 0: pitch 128 at step 0 is not a MIDI pitch \(0..127\)$"),
    ([[[-1]]], r"piece 0: pitch -1 at step 0 is not a MIDI pitch"),
    ([[[12]]], r"piece 0: pitch 12 at step 0 is outside the piano range 21..108 of the model$"),
    ([[60, 64]], r"piece 0: step 0 is 60, not a list of at most 88 pitches$"),
    ([[list(range(21, 109)) + [60]]], r"piece 0: step 0 is \[21, .*not a list of at most 88"),
    ([60], r"piece 0: is not a list of steps \(got int\)$"),
    ({"piece": [[60]]}, r"is not a list of pieces \(got dict\)$"),
])
def test_json_with_bad_pieces(tmp_path, train, match):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"train": train}))
    with pytest.raises(data.DatasetError, match=f"^{path} split 'train' {match}"):
        data.load_sequences(str(path))


@pytest.mark.parametrize("roll, match", [
    (np.zeros((0, 88)), "is empty"),
    (np.full((3, 88), np.nan), "holds values other than 0 and 1"),
    (np.full((3, 88), 2.0), "holds values other than 0 and 1"),
    (np.zeros((3, 87)), r"has shape \(3, 87\), expected \[T, 88\]"),
])
def test_mat_with_bad_pieces(tmp_path, roll, match):
    path = testdata.write_mat(tmp_path / "bad.mat", {"train": [np.ones((2, 88)), roll]})
    with pytest.raises(data.DatasetError, match=f"^{path} split 'train' piece 1: {match}$"):
        data.load_sequences(path)


def test_mat_over_the_limits(tmp_path, monkeypatch):
    path = testdata.write_mat(tmp_path / "long.mat",
                              {"train": [np.ones((5, 88)), np.ones((11, 88))]})
    monkeypatch.setattr(limits, "MAX_PIECE_STEPS", 10)
    with pytest.raises(limits.LimitError, match=f"^{path} split 'train' piece 1 has 11 steps, "
                       "over the limit of 10 steps per piece$"):
        data.load_sequences(path)
    monkeypatch.setattr(limits, "MAX_DECODED_BYTES", 1_000)
    with pytest.raises(limits.LimitError, match="long.mat decodes to more than 1000 bytes"):
        data.load_sequences(path)


def test_pickle_of_a_billion_steps_is_refused_quickly(tmp_path):
    # 140 KB: one piece of 50,000 steps, referenced 20,000 times.
    path = testdata.repeated_piece_pickle(tmp_path / "bomb.pkl", 50_000, 20_000)
    tracemalloc.start()
    start = time.monotonic()
    try:
        with pytest.raises(limits.LimitError, match=f"^{path} split 'train': the pieces up to "
                           f"{path} split 'train' piece 40 have 2050000 steps, over the limit "
                           "of 2000000 steps per split$"):
            data.load_sequences(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < 5
    assert peak < 50 * 2**20


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"train": [[[60]] * 10]}))
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 20)
    with pytest.raises(limits.LimitError, match="big.json has .* bytes, over the limit of 20"):
        data.load_sequences(str(path))


def test_hour_long_midi_is_refused_before_its_roll(tmp_path):
    path = testdata.long_midi(tmp_path / "hour.mid", 3600.0)
    assert pathlib.Path(path).stat().st_size < 100
    with pytest.raises(limits.LimitError, match=f"^{path} has 115200 steps, over the limit of "
                       "50000 steps per piece at 32 steps per second; lower the rate"):
        data.load_sequences(path)
    assert len(data.load_sequences(path, rate=10.0)[0]) == 36_000


def test_midi_directory_over_the_split_limit(tmp_path, monkeypatch):
    for name in ("a.mid", "b.mid"):
        testdata.long_midi(tmp_path / name, 10.0)
    monkeypatch.setattr(limits, "MAX_SPLIT_STEPS", 500)
    with pytest.raises(limits.LimitError, match=f"^{tmp_path}: the pieces up to "
                       f"{tmp_path / 'b.mid'} have 640 steps, over the limit of 500"):
        data.load_sequences(str(tmp_path))


@pytest.mark.parametrize("source, key", [
    ("data/JSB_Chorales.mat", "data/JSB_Chorales.mat:valid"),
    ("jsb.npz", "jsb.npz:valid"),
    ("x.PKL", "x.PKL:valid"),
    ("midi/", "midi/"),
    ("midi/*.mid", "midi/*.mid"),
])
def test_score_key_names_the_split_of_files_with_splits(source, key):
    assert data.score_key(source, "valid") == key


def test_json_without_split(tmp_path):
    path = tmp_path / "partial.json"
    path.write_text(json.dumps({"train": [[[60]]]}))
    with pytest.raises(data.DatasetError, match="not a dict with a 'test' split"):
        data.load_sequences(str(path), "test")


def test_json_with_empty_split(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(json.dumps({"train": [], "valid": [], "test": []}))
    with pytest.raises(data.DatasetError, match="has no sequences in split 'train'"):
        data.load_sequences(str(path))


# Provenance check: every shared MIDI file, if $VAESEQ_DATA_DIR holds them,
# loads; the folder's subfolders are searched.
def test_midi_directory(shared_or_tiny_midi_tree):
    directory, files = shared_or_tiny_midi_tree
    sequences = data.load_sequences(str(directory), rate=8.0)
    assert len(sequences) == files
    for roll in sequences:
        assert roll.dtype == np.float32
        assert roll.shape[1] == 88
        assert roll.any()


def test_midi_sources_ignore_split(midi_file):
    train = data.load_sequences(str(midi_file), "train", rate=8.0)
    test = data.load_sequences(str(midi_file), "test", rate=8.0)
    assert len(train) == len(test) == 1
    np.testing.assert_array_equal(train[0], test[0])
    np.testing.assert_array_equal(train[0], pianoroll.from_midi_file(midi_file, 8.0))


def test_midi_glob(tiny_midi_tree):
    sequences = data.load_sequences(
        str(tiny_midi_tree.directory / testdata.TWO_HANDS_GLOB), rate=8.0)
    assert len(sequences) == 2


def test_truncated_midi_is_skipped(midi_file, tmp_path):
    shutil.copy(midi_file, tmp_path / "good.mid")
    truncated = tmp_path / "truncated.mid"
    truncated.write_bytes(midi_file.read_bytes()[:100])
    with pytest.warns(UserWarning, match=f"{truncated}.*skipping it"):
        sequences = data.load_sequences(str(tmp_path), rate=8.0)
    assert len(sequences) == 1


def test_corrupt_midi_directory(midi_file, tmp_path):
    (tmp_path / "truncated.mid").write_bytes(midi_file.read_bytes()[:100])
    (tmp_path / "text.MIDI").write_text("not a MIDI file\n")
    (tmp_path / "ignored.txt").write_text("not a MIDI file either\n")
    with pytest.warns(UserWarning) as record:
        with pytest.raises(data.DatasetError, match="no readable MIDI files in"):
            data.load_sequences(str(tmp_path))
    assert sorted(str(w.message).split(" (")[0] for w in record) == [
        f"cannot parse MIDI file {tmp_path / 'text.MIDI'}",
        f"cannot parse MIDI file {tmp_path / 'truncated.mid'}",
    ]


def test_midi_file_without_piano_notes_is_skipped(midi_file, tmp_path):
    shutil.copy(midi_file, tmp_path / "good.mid")
    midi = pretty_midi.PrettyMIDI()
    instrument = pretty_midi.Instrument(program=0)
    instrument.notes.append(pretty_midi.Note(velocity=100, pitch=12, start=0.0, end=2.0))
    midi.instruments.append(instrument)
    midi.write(str(tmp_path / "subsonic.mid"))
    with pytest.warns(UserWarning, match="no notes on the 88 keys: .*subsonic.mid"):
        sequences = data.load_sequences(str(tmp_path), rate=8.0)
    assert len(sequences) == 1


def test_empty_midi_directory(tmp_path):
    with pytest.raises(data.DatasetError, match="no readable MIDI files in"):
        data.load_sequences(str(tmp_path))


def test_make_dataset_windows(short_sequences):
    batches = data.make_dataset(short_sequences, batch_size=4, sequence_size=4, seed=0)
    for rolls, mask in batches.take(10):
        assert rolls.shape == (4, 4, 88) and mask.shape == (4, 4)
        assert rolls.dtype == mask.dtype == np.float32
        for window, window_mask in zip(rolls.numpy(), mask.numpy()):
            [piece] = np.flatnonzero(window[0, 80:83])
            roll = short_sequences[piece]
            if len(roll) < 4:  # Padded with silence, masked out.
                np.testing.assert_array_equal(window[:3], roll)
                assert not window[3:].any()
                np.testing.assert_array_equal(window_mask, [1, 1, 1, 0])
            else:
                start = np.flatnonzero(window[0, :8])[0]
                np.testing.assert_array_equal(window, roll[start:start + 4])
                np.testing.assert_array_equal(window_mask, np.ones(4))


def test_make_dataset_masks_exactly_the_padding(short_sequences):
    """Windows longer than some pieces: each mask counts its piece's steps."""
    batches = data.make_dataset(
        short_sequences, batch_size=3, sequence_size=6, shuffle=False, repeat=False)
    [(rolls, mask)] = list(batches)
    np.testing.assert_array_equal(mask, [[1, 1, 1, 0, 0, 0],
                                         [1, 1, 1, 1, 1, 0],
                                         [1, 1, 1, 1, 1, 1]])
    for window, window_mask, roll in zip(rolls.numpy(), mask.numpy(), short_sequences):
        real = window[window_mask == 1]
        start = np.flatnonzero(real[0, :8])[0]
        np.testing.assert_array_equal(real, roll[start:start + 6])
        assert not window[window_mask == 0].any()


def test_make_dataset_covers_every_offset(short_sequences):
    batches = data.make_dataset(short_sequences[2:], batch_size=1, sequence_size=4, seed=0)
    starts = {int(np.flatnonzero(rolls[0, 0, :8])[0]) for rolls, _ in batches.take(100)}
    assert starts == {0, 1, 2, 3, 4}


def test_make_dataset_one_pass_in_order(short_sequences):
    batches = data.make_dataset(
        short_sequences, batch_size=1, sequence_size=2, shuffle=False, repeat=False)
    pieces = [int(np.flatnonzero(rolls[0, 0, 80:83])[0]) for rolls, _ in batches]
    assert pieces == [0, 1, 2]


def test_make_dataset_drops_partial_batch(short_sequences):
    batches = data.make_dataset(short_sequences, batch_size=2, sequence_size=2, repeat=False)
    assert len(list(batches)) == 1


def test_make_dataset_is_repeatable_with_seed(short_sequences):
    def draw(seed):
        batches = data.make_dataset(short_sequences, batch_size=2, sequence_size=3, seed=seed)
        return np.stack([rolls.numpy() for rolls, _ in batches.take(8)])

    np.testing.assert_array_equal(draw(7), draw(7))
    assert not np.array_equal(draw(7), draw(8))


def test_make_dataset_checks_arguments(short_sequences):
    with pytest.raises(ValueError, match="at least one sequence"):
        data.make_dataset([], batch_size=2, sequence_size=3)
    with pytest.raises(ValueError, match="must be positive"):
        data.make_dataset(short_sequences, batch_size=0, sequence_size=3)


def test_eval_batches(short_sequences):
    batches = list(data.eval_batches(short_sequences, batch_size=2))
    assert [tuple(rolls.shape) for rolls, _ in batches] == [(2, 5, 88), (1, 8, 88)]
    np.testing.assert_array_equal(batches[0][1], [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]])
    np.testing.assert_array_equal(batches[1][1], np.ones([1, 8]))
    rolls = [roll for batch, _ in batches for roll in batch.numpy()]
    masks = [mask for _, batch_mask in batches for mask in batch_mask.numpy()]
    for roll, mask, expected in zip(rolls, masks, short_sequences):
        np.testing.assert_array_equal(roll[mask == 1], expected)
        assert not roll[mask == 0].any()


def test_eval_batches_count_every_test_step(tiny_benchmarks):
    sequences = data.load_sequences(tiny_benchmarks.path(testdata.JSB_MAT), "test")
    total = sum(float(mask.numpy().sum()) for _, mask in data.eval_batches(sequences, 2))
    assert total == tiny_benchmarks.split_sizes[testdata.JSB_MAT, "test"][1]


@pytest.fixture(name="midi_dir")
def fixture_midi_dir(tmp_path):
    """A directory with one corrupt MIDI file."""
    (tmp_path / "corrupt.mid").write_bytes(b"MThd garbage")
    return tmp_path


def test_load_split_reports_skipped_files_as_warnings(midi_dir, midi_file):
    shutil.copy(midi_file, midi_dir)
    with pytest.warns(UserWarning, match="corrupt.mid"):
        sequences = data.load_split(str(midi_dir), "train", 8.0)
    assert len(sequences) == 1


def test_load_split_reports_no_usable_file_as_one_error(midi_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # No warning may escape.
        with pytest.raises(errors.InputError, match="no readable MIDI files"):
            data.load_split(str(midi_dir), "train", 8.0)


@pytest.mark.parametrize("source, split, message", [
    ("", "train", "pass --dataset"),
    ("missing.json", "train", "not found"),
    ("x.json", "dev", "unknown split"),
])
def test_load_split_bad_sources(source, split, message, tmp_path):
    path = source and str(tmp_path / source)
    with pytest.raises(errors.InputError, match=message):
        data.load_split(path, split, 8.0)


if __name__ == "__main__":
    testing.main(__file__)
