"""A training directory's hyperparameters (`hparams.json`), without TensorFlow.

The commands check `--hparams` against a log directory before TensorFlow
loads (`cli.CommandLine`), so that bad input is answered at once; `rundir`
re-exports everything here.
"""

import os

from vaeseq.examples.common import dirlock
from vaeseq.examples.common import errors
from vaeseq.examples.common import files
from vaeseq.examples.common import hparams as hparams_mod
from vaeseq.hparams import HParams

HPARAMS_FILE = "hparams.json"


class LogDirError(errors.InputError):
    """A training directory that is missing, incomplete or corrupt."""


def load_hparams(log_dir: str, spec: hparams_mod.ExampleHParams,
                 flag_value: str | None) -> HParams | None:
    """The saved hyperparameters overridden by `flag_value`, or None if none.

    Raises:
        LogDirError: `hparams.json` is unreadable or invalid.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    path = os.path.join(log_dir, HPARAMS_FILE)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            saved = f.read()
    except (OSError, UnicodeDecodeError) as err:
        raise LogDirError(f"Cannot read {path}: {err}") from None
    try:
        saved_hparams = spec.from_json(saved)
    except ValueError as err:
        raise LogDirError(f"Invalid {path}: {err}") from None
    return spec.override(saved_hparams, flag_value)


def save_hparams(log_dir: str, spec: hparams_mod.ExampleHParams,
                 hparams: HParams) -> None:
    """Writes `hparams.json` atomically unless it holds `hparams` already.

    The first write of a training run: it creates `log_dir` if need be and
    makes sure this process holds it (`dirlock.lock_for_writing`).

    Raises:
        dirlock.LogDirBusyError: another training run holds `log_dir`.
    """
    dirlock.lock_for_writing(log_dir)
    if load_hparams(log_dir, spec, None) != hparams:
        files.write_atomically(os.path.join(log_dir, HPARAMS_FILE),
                               hparams.to_json().encode("utf-8"))
