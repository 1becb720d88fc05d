"""Tests for safe_pickle.py."""

import builtins
import io
import os
import pickle
import pickletools
import struct
import tracemalloc

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.midi import limits
from vaeseq.examples.midi import safe_pickle
from vaeseq.examples.midi import testdata


class Exploit:
    """Pickles as a call of `function(*args)`, run by any plain unpickler."""

    def __init__(self, function, *args):
        self.function = function
        self.args = args

    def __reduce__(self):
        return self.function, self.args


def write_pickle(path, obj, protocol):
    path.write_bytes(pickle.dumps(obj, protocol=protocol))
    return path


def test_loads_benchmark_pickle(shared_or_tiny_benchmarks):
    # Provenance check: the shared pickle, if $VAESEQ_DATA_DIR holds it.
    path = shared_or_tiny_benchmarks.path(testdata.JSB_PICKLE)
    with open(path, "rb") as f:
        opcodes = {(opcode.name, arg) for opcode, arg, _ in pickletools.genops(f)}
    # Written by Python 2 and numpy 1: str keys, numpy's scalars under numpy.core.
    assert ("SHORT_BINSTRING", "train") in opcodes
    assert ("GLOBAL", "numpy.core.multiarray scalar") in opcodes
    data = safe_pickle.load_pickle(path)
    assert sorted(data) == ["test", "train", "valid"]
    for split in data:
        pieces, _ = shared_or_tiny_benchmarks.split_sizes[testdata.JSB_PICKLE, split]
        assert len(data[split]) == pieces, split
    first_step = data["train"][0][0]
    assert isinstance(first_step, tuple) and first_step
    assert all(isinstance(pitch, np.int64) for pitch in first_step)


def test_loads_python3_pickle_of_the_same_layout(tmp_path):
    # Python 3 protocols name numpy's scalar reconstructor under numpy._core.
    data = {"train": [[(np.int64(60), np.int64(64)), ()]], "valid": [], "test": []}
    path = write_pickle(tmp_path / "data.pkl", data, protocol=4)
    assert safe_pickle.load_pickle(path) == data


@pytest.mark.parametrize("protocol", [2, 4])
def test_refuses_code_execution(protocol, tmp_path):
    target = tmp_path / "created_by_pickle"
    exploit = {"train": [Exploit(os.mkdir, str(target))]}
    path = write_pickle(tmp_path / "evil.pkl", exploit, protocol)
    with pytest.raises(safe_pickle.UnsafePickleError) as error:
        safe_pickle.load_pickle(path)
    message = str(error.value)
    assert message == (f"refusing to load global {os.mkdir.__module__}.mkdir "
                       f"from {path}")
    assert not target.exists()
    pickle.loads(path.read_bytes())  # The plain unpickler does run it.
    assert target.exists()


def test_refuses_builtins(tmp_path):
    target = tmp_path / "created_by_eval"
    exploit = Exploit(builtins.eval, f"__import__('os').mkdir({str(target)!r})")
    path = write_pickle(tmp_path / "evil.pkl", exploit, protocol=4)
    with pytest.raises(safe_pickle.UnsafePickleError, match="global builtins.eval from"):
        safe_pickle.load_pickle(path)
    assert not target.exists()


def test_refuses_numpy_globals_the_format_does_not_need(tmp_path):
    path = write_pickle(tmp_path / "array.pkl", np.zeros(3), protocol=2)
    with pytest.raises(safe_pickle.UnsafePickleError, match=r"multiarray\._reconstruct"):
        safe_pickle.load_pickle(path)


def test_unpickler_on_a_stream():
    stream = io.BytesIO(pickle.dumps(Exploit(os.getcwd), protocol=2))
    with pytest.raises(safe_pickle.UnsafePickleError, match="from <stream>$"):
        safe_pickle.RestrictedUnpickler(stream).load()



def test_declared_sizes_past_the_end_allocate_nothing(tmp_path):
    # BINBYTES8 declaring 2 GiB, followed by one byte: read straight from a
    # file, pickle would allocate the declared size first.
    path = tmp_path / "liar.pkl"
    path.write_bytes(b"\x80\x04\x8e" + struct.pack("<Q", 2**31) + b"x")
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="expected 2147483648 bytes in a bytes8, but "
                           "only 1 remain"):
            safe_pickle.load_pickle(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    path = write_pickle(tmp_path / "big.pkl", {"train": [[(60,)] * 100]}, 2)
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    with pytest.raises(limits.LimitError, match="big.pkl has .* bytes, over the limit of 100"):
        safe_pickle.load_pickle(path)


if __name__ == "__main__":
    testing.main(__file__)
