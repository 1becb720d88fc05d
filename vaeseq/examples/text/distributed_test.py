"""`vaeseq-text train --strategy multi_worker`: two worker processes on 127.0.0.1.

Each worker is a real `vaeseq-text train` process with its own `TF_CONFIG`
(TensorFlow sets up collective ops when it starts, so this cannot run inside
the test process). Training is bounded in steps, and every wait in time.
"""

import os
import pathlib
import signal
import socket
import subprocess
import time

import pytest

from vaeseq import testing
from vaeseq.examples.text import cli_test

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

# A tiny model's step takes well under a second once traced; starting
# TensorFlow and tracing take most of these bounds on a busy machine.
START_SECONDS = 300
STOP_SECONDS = 120


def free_ports(count):
    """`count` TCP ports that were free on 127.0.0.1 a moment ago."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def start_workers(tmp_path, log_dirs, corpus, hparams, iters, save_every):
    """Starts one `vaeseq-text train` per log directory (worker 0 is the chief).

    Returns:
        The processes and, for each, the path of its stderr.
    """
    hosts = [f"127.0.0.1:{port}" for port in free_ports(len(log_dirs))]
    scratch = tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    workers = []
    for index, log_dir in enumerate(log_dirs):
        tf_config = ('{"cluster": {"worker": [%s]}, "task": {"type": "worker", "index": %d}}'
                     % (", ".join(f'"{host}"' for host in hosts), index))
        env = dict(os.environ, TF_CONFIG=tf_config, TMPDIR=str(scratch),
                   PYTHONPATH=str(cli_test.REPO_ROOT))
        stderr_path = tmp_path / f"worker{index}.err"
        with open(stderr_path, "w", encoding="utf-8") as stderr:
            process = subprocess.Popen(  # pylint: disable=consider-using-with
                cli_test.command(
                    "train", "--strategy", "multi_worker", "--train_corpus", corpus,
                    "--log_dir", str(log_dir), "--hparams", "vae_type=SRNN," + hparams,
                    "--iters", str(iters), "--save_every", str(save_every),
                    "--log_every", "1", "--seed", "7"),
                stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        workers.append((process, stderr_path))
    return workers


def finish(workers, seconds):
    """Waits for every worker (killing those still running after `seconds`)."""
    deadline = time.monotonic() + seconds
    statuses = []
    for process, _ in workers:
        try:
            statuses.append(process.wait(timeout=max(1.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            statuses.append(None)
    return statuses


def generate(log_dir):
    """Runs `vaeseq-text generate` in single-device mode; returns the process."""
    return subprocess.run(
        cli_test.command("generate", "--log_dir", str(log_dir), "--samples", "2",
                         "--hparams", "sequence_size=30", "--seed", "3"),
        capture_output=True, text=True, timeout=START_SECONDS, check=False,
        env=dict(os.environ, PYTHONPATH=str(cli_test.REPO_ROOT)))


def test_two_workers_train_and_the_chief_checkpoint_generates(
        tmp_path, corpora, tiny_hparams):
    chief_dir, other_dir = tmp_path / "chief", tmp_path / "other"
    workers = start_workers(tmp_path, [chief_dir, other_dir], corpora["train"],
                            tiny_hparams, iters=4, save_every=2)
    statuses = finish(workers, START_SECONDS)
    errors = [path.read_text(encoding="utf-8")[-2000:] for _, path in workers]
    assert statuses == [0, 0], errors
    assert "Reached step 4" in errors[0]
    names = set(os.listdir(chief_dir))
    assert {"hparams.json", "vocab.json", "checkpoint", "ckpt-4.index"} <= names
    assert any(name.startswith("events.out.tfevents") for name in names)
    # Worker 1 saved into a scratch directory that it deleted, and wrote
    # nothing into its own --log_dir.
    assert not other_dir.exists()
    assert not list((tmp_path / "tmp").glob("vaeseq-worker-*"))
    generated = generate(chief_dir)
    assert generated.returncode == 0, generated.stderr[-2000:]
    texts = generated.stdout.split(cli_test.cli.SEPARATOR + "\n")
    assert len(texts) == 3 and all(texts[:2]), generated.stdout


def wait_for_checkpoint(log_dir: pathlib.Path, workers, seconds):
    """Waits until `log_dir` holds a checkpoint (any step: with a save every
    few steps, older ones are deleted within a second)."""
    deadline = time.monotonic() + seconds
    while not list(log_dir.glob("ckpt-*.index")):
        running = [process.poll() is None for process, _ in workers]
        if not all(running) or time.monotonic() > deadline:
            finish(workers, 0)
            errors = [p.read_text(encoding="utf-8")[-2000:] for _, p in workers]
            pytest.fail(f"no checkpoint appeared (running: {running}): {errors}")
        time.sleep(0.5)


def test_losing_a_worker_fails_the_job_and_leaves_a_usable_checkpoint(
        tmp_path, corpora, tiny_hparams):
    log_dir = tmp_path / "log"  # One directory for the whole job, as documented.
    workers = start_workers(tmp_path, [log_dir, log_dir], corpora["train"],
                            tiny_hparams, iters=1_000_000, save_every=2)
    wait_for_checkpoint(log_dir, workers, START_SECONDS)
    workers[1][0].send_signal(signal.SIGKILL)
    statuses = finish(workers, STOP_SECONDS)
    err = workers[0][1].read_text(encoding="utf-8")
    assert statuses == [1, -signal.SIGKILL], err[-2000:]
    assert "Traceback" not in err
    last_line = err.strip().splitlines()[-1]
    assert last_line.startswith("vaeseq-text train: error: lost contact with another "
                                "worker at step "), err[-2000:]
    assert "; the last checkpoint is " in last_line
    assert last_line.endswith("; restart every worker to resume.")
    checkpoint = last_line.split("; the last checkpoint is ")[1].split(";")[0]
    assert os.path.exists(checkpoint + ".index")
    generated = generate(log_dir)
    assert generated.returncode == 0, generated.stderr[-2000:]
    assert generated.stdout.count(cli_test.cli.SEPARATOR) == 2


if __name__ == "__main__":
    testing.main(__file__)
