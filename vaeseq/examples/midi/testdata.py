"""Test data: the shared files (`$VAESEQ_DATA_DIR`, else `../shared/data`), and tiny ones.

Tests that need a shared file call `data_path`, which skips them when it is
missing; `paper_npz` makes a tiny file in the SRNN paper's `.npz` layout,
`long_midi` and `repeated_piece_pickle` small files describing huge pieces,
`chorale_json` small, learnable four-voice pieces.
"""

import json
import os
import pathlib
import pickle

import numpy as np
import pretty_midi
import pytest

# Tiny layer sizes for the paper's recipe (its preset is 300/500 units wide).
PAPER_TINY_HPARAMS = (
    "rnn_hidden_sizes=[6],latent_size=3,obs_encoder_fc_layers=[5,5],"
    "latent_decoder_fc_layers=[4],obs_decoder_fc_hidden_layers=[7],log_prob_samples=2")

DATA_DIR = pathlib.Path(
    os.environ.get("VAESEQ_DATA_DIR")
    or pathlib.Path(os.path.abspath(__file__)).parents[3] / ".." / "shared"
    / "data")
POLYPHONIC_DIR = DATA_DIR / "polyphonic"
MIDI_DIR = DATA_DIR / "midi"
JSB_MAT = POLYPHONIC_DIR / "JSB_Chorales.mat"


def data_path(path: pathlib.Path) -> str:
    """`path` as a string; skips the calling test if it does not exist."""
    if not path.exists():
        pytest.skip(f"test data not found: {path}")
    return str(path)


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
