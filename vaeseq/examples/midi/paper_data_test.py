"""Reading the SRNN paper's `.npz` piano rolls, on tiny files made here."""

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import paper_data


def _arrays(streams=2, chunks_per_stream=3, steps=4, pieces=3, max_len=5):
    rng = np.random.default_rng(0)
    def rolls(*shape):
        return (rng.random((*shape, 88)) < 0.05).astype(np.float32)
    lengths = [max_len, 2, 4][:pieces]
    mask = (np.arange(max_len)[None] < np.array(lengths)[:, None]).astype(np.float32)
    x_train = rolls(streams * chunks_per_stream, steps)
    return dict(x_train=x_train, u_train=x_train, x_valid=rolls(streams, steps),
                u_valid=rolls(streams, steps), x_test=rolls(pieces, max_len),
                u_test=rolls(pieces, max_len), mask_test=mask)


def _write(tmp_path, **arrays):
    path = str(tmp_path / "data.npz")
    np.savez(path, **arrays)
    return path


def test_streams_and_pieces(tmp_path):
    arrays = _arrays()
    data = paper_data.load(_write(tmp_path, **arrays), num_streams=2)
    assert data.train.chunks.shape == (3, 2, 4, 88)
    # Row 2 * b + s of the file is chunk b of stream s.
    np.testing.assert_array_equal(data.train.chunks[1, 0], arrays["x_train"][2])
    np.testing.assert_array_equal(data.train.chunks[2, 1], arrays["x_train"][5])
    assert data.train.num_steps == 24 and data.valid.chunks.shape == (1, 2, 4, 88)
    np.testing.assert_array_equal(data.test.lengths, [5, 2, 4])
    assert data.test.rolls.dtype == np.float32


@pytest.mark.parametrize("change, match", [
    (dict(x_train=None), "no array 'x_train'"),
    (dict(mask_test=None), "no array 'mask_test'"),
    (dict(x_valid=np.zeros((2, 4, 87), np.float32)), r"x_valid must be a non-empty \[N, T, 88\]"),
    (dict(x_train=np.zeros((5, 4, 88), np.float32)), "not a multiple of the 2 streams"),
    (dict(x_test=np.full((3, 5, 88), 0.5, np.float32)), "only 0 and 1"),
    (dict(mask_test=np.ones((3, 4), np.float32)), r"mask_test has shape \[3, 4\]"),
    (dict(mask_test=np.array([[1, 0, 1, 0, 0]] * 3, np.float32)), "ones followed by zeros"),
    (dict(mask_test=np.zeros((3, 5), np.float32)), "empty piece"),
    (dict(x_train=np.array([[["a"] * 88] * 4] * 6)), "must be numeric"),
])
def test_bad_arrays_are_one_line_errors(tmp_path, change, match):
    arrays = _arrays()
    for key, value in change.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    with pytest.raises(ValueError, match=match):
        paper_data.load(_write(tmp_path, **arrays), num_streams=2)


def test_object_arrays_are_not_unpickled(tmp_path):
    arrays = _arrays()
    arrays["x_train"] = np.array([object()] * 3, dtype=object)
    with pytest.raises(ValueError, match="object arrays"):
        paper_data.load(_write(tmp_path, **arrays), num_streams=2)


def test_missing_and_non_npz_files(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        paper_data.load(str(tmp_path / "missing.npz"))
    text = tmp_path / "notes.npz"
    text.write_text("not a zip")
    with pytest.raises(ValueError, match="not an .npz file"):
        paper_data.load(str(text))


def _pieces(lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.random((n, 88)) < 0.1).astype(np.float32) for n in lengths]


def test_from_pieces_lays_whole_pieces_into_masked_streams():
    train = _pieces([5, 3, 4, 2, 6])
    data = paper_data.from_pieces(train, _pieces([2]), _pieces([3, 1]), num_streams=2,
                                  chunk_size=4)
    # Each piece goes to the stream that is shortest so far: 0 <- p0 (5);
    # 1 <- p1 (3), p2 (4) = 7; 0 <- p3 (2) = 7; 0 (the first of the
    # shortest) <- p4 (6) = 13. Both are padded to 4 chunks of 4 steps.
    assert data.train.chunks.shape == (4, 2, 4, 88)
    stream0 = data.train.chunks[:, 0].reshape(16, 88)
    np.testing.assert_array_equal(stream0[:13], np.concatenate([train[0], train[3], train[4]]))
    stream1 = data.train.chunks[:, 1].reshape(16, 88)
    np.testing.assert_array_equal(stream1[:7], np.concatenate([train[1], train[2]]))
    np.testing.assert_array_equal(data.train.chunk_masks[:, 1].reshape(16),
                                  [1] * 7 + [0] * 9)
    assert data.train.num_steps == 20 and data.valid.num_steps == 2
    np.testing.assert_array_equal(data.test.lengths, [3, 1])
    np.testing.assert_array_equal(data.test.rolls[1, 0], _pieces([3, 1])[1][0])


def test_from_pieces_refuses_empty_splits_and_bad_pieces():
    with pytest.raises(ValueError, match="the valid split has no pieces"):
        paper_data.from_pieces(_pieces([3]), [], _pieces([3]))
    with pytest.raises(ValueError, match=r"a test piece has shape \[3, 87\]"):
        paper_data.from_pieces(_pieces([3]), _pieces([3]), [np.zeros((3, 87))])



@pytest.mark.parametrize("key, limit, match", [
    ("x_train", "MAX_SPLIT_STEPS", r"x_train declares shape \[6, 4, 88\], over the limit of 20 "
     "steps of 88 keys per split"),
    ("x_test", "MAX_PIECE_STEPS", "x_test declares pieces of 5 steps, over the limit of 4 steps "
     "per piece"),
])
def test_declared_shapes_over_the_limits_are_not_read(tmp_path, monkeypatch, key, limit, match):
    path = _write(tmp_path, **_arrays())
    monkeypatch.setattr(limits, limit, {"MAX_SPLIT_STEPS": 20, "MAX_PIECE_STEPS": 4}[limit])
    read = []
    monkeypatch.setattr(np.lib.format, "read_array", lambda *args, **kw: read.append(args))
    with pytest.raises(limits.LimitError, match=f"^{path}: {match}$"):
        paper_data.load(path, num_streams=2)
    assert not read


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    path = _write(tmp_path, **_arrays())
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    with pytest.raises(limits.LimitError, match="data.npz has .* bytes, over the limit of 1000"):
        paper_data.load(path, num_streams=2)


def test_from_pieces_refuses_too_much_padding(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SPLIT_STEPS", 29)
    pieces = [np.ones((n, 88), np.float32) for n in (10, 1, 1)]
    with pytest.raises(limits.LimitError, match="the 3 test pieces padded to the longest "
                       r"\(10 steps\) would hold 30 steps, over the limit of 29"):
        paper_data.from_pieces(pieces, pieces, pieces)


if __name__ == "__main__":
    testing.main(__file__)
