"""Running an example's command as its own process, as a user would.

`Command` runs `python -m vaeseq.examples.<example>.cli ARGS` (the
installed `vaeseq-<example>` entry point) with a time limit and returns
what it did; `Finished.one_line_error` checks the promised form of a bad
input's answer: exit status 2 and one `prog: error: message` line.
"""

import dataclasses
import os
import signal
import subprocess
import sys
import time
from typing import Sequence

from vaeseq.examples.common import test_support

# A training run small enough to take seconds: the reliability probe's
# model (SRNN, the model with the most state to keep consistent).
TINY_TEXT_HPARAMS = {"vae_type": "SRNN", "sequence_size": "16", "batch_size": "4",
                     "rnn_hidden_sizes": "[16]", "latent_size": "2"}


def hparams(**overrides: str) -> str:
    """`--hparams` for the tiny text model, with `overrides` (as written)."""
    values = {**TINY_TEXT_HPARAMS, **overrides}
    return ",".join(f"{name}={value}" for name, value in values.items())


@dataclasses.dataclass(frozen=True)
class Finished:
    """How a command ended.

    Attributes:
        status: its exit status (negative: killed by that signal).
        out, err: what it printed.
        seconds: how long it ran.
    """

    status: int
    out: str
    err: str
    seconds: float

    def one_line_error(self, prog: str) -> bool:
        """Whether it answered bad input as promised: status 2, one line."""
        return (self.status == 2 and self.err.count("\n") == 1
                and self.err.startswith(f"{prog}: error: "))

    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err


def command(example: str, args: Sequence[str]) -> list[str]:
    """The argv of `vaeseq-<example> ARGS`."""
    return [sys.executable, "-m", f"vaeseq.examples.{example}.cli", *args]


def run(example: str, args: Sequence[str], timeout: float = 300,
        env: dict[str, str] | None = None) -> Finished:
    """Runs `vaeseq-<example> ARGS` to its end (or kills it at `timeout`)."""
    start = time.monotonic()
    try:
        done = subprocess.run(command(example, args), capture_output=True,
                              text=True, timeout=timeout, env=_env(env))
    except subprocess.TimeoutExpired as err:
        return Finished(-signal.SIGKILL, _text(err.stdout), _text(err.stderr),
                        time.monotonic() - start)
    return Finished(done.returncode, done.stdout, done.stderr,
                    time.monotonic() - start)


def start(example: str, args: Sequence[str],
          env: dict[str, str] | None = None) -> subprocess.Popen:
    """Starts `vaeseq-<example> ARGS` in the background (text pipes)."""
    return subprocess.Popen(command(example, args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(env),
                            preexec_fn=test_support.default_sigint)


def finish(process: subprocess.Popen, started: float,
           timeout: float = 300) -> Finished:
    """Waits for a started command (killing it at `timeout`)."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return Finished(process.returncode, out, err, time.monotonic() - started)


def wait_for(condition, timeout: float, interval: float = 0.1) -> bool:
    """Polls `condition()` until it holds (True) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = dict(os.environ)
    # As a user runs them: TensorFlow's start-up messages muted by the
    # commands themselves (which they do only if this is unset).
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    env.update(extra or {})
    return env


def _text(value: bytes | str | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""
