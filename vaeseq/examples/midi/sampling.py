"""Samples piano rolls from a trained model and writes them out: `generate(...)`.

`generate` writes every sample three ways: `sample_NNN.mid` (MIDI),
`sample_NNN.wav` (audio synthesised by pretty_midi) and `sample_NNN.png`
(the piano roll drawn with time and pitch axes: `render.picture`), at the
model's `rate` steps per second.
"""

import os

import numpy as np

from vaeseq.examples.common import errors
from vaeseq.examples.common import files
from vaeseq.examples.common import sampler
from vaeseq.examples.midi import render
from vaeseq.examples.midi import rundir

SUFFIXES = (".mid", ".wav", ".png")


def write_sample(roll: np.ndarray, rate: float, prefix: str) -> list[str]:
    """Writes `roll` `[T, 88]` as `prefix` + `.mid`, `.wav` and `.png`.

    Each file is written atomically. Returns the paths, in `SUFFIXES` order.
    """
    contents = (render.midi_bytes(roll, rate),
                render.wav_bytes(render.waveform(roll, rate)),
                render.png_bytes(roll, rate, os.path.basename(prefix)))
    paths = []
    for suffix, data in zip(SUFFIXES, contents):
        files.write_atomically(prefix + suffix, data)
        paths.append(prefix + suffix)
    return paths


def generate(
    log_dir: str,
    out_dir: str,
    *,
    samples: int,
    hparams: str | None = None,
    seed: int | None = None,
) -> list[str]:
    """Samples piano rolls from the latest checkpoint and writes them out.

    Args:
        log_dir: a training directory (see `rundir`).
        out_dir: where the files go; created if missing.
        samples: how many rolls to draw.
        hparams: overrides in `HParams.parse` syntax: `sequence_size` sets
            the steps of each sample, `batch_size` how many are drawn at
            once, and `rate` the steps per second of the MIDI and audio
            files (for the benchmark files, sampled per quarter or eighth
            note, try `rate=4`). The architecture cannot change.
        seed: makes the samples repeatable.

    Returns:
        The paths written: `sample_NNN.mid`, `.wav` and `.png` per sample.

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`LogDirError`); nothing is
            written.
    """
    if not out_dir:
        raise errors.InputError("generate needs --out_dir.")
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise errors.InputError(f"--out_dir {out_dir} is not a directory.")
    with errors.bad_input():
        model_hparams, vae = rundir.load_trained(log_dir, hparams)
    rolls = sampler.Sampler(vae).sample(
        samples, model_hparams.sequence_size, model_hparams.batch_size, seed)
    digits = max(3, len(str(samples - 1)))
    paths = []
    for index, roll in enumerate(rolls):
        prefix = os.path.join(out_dir, f"sample_{index:0{digits}d}")
        paths.extend(write_sample(roll, model_hparams.rate, prefix))
    return paths
