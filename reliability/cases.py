"""The reliability cases: each reproduces bad input or a fault on tiny runs.

A case is a function `(work: Path, findings: Findings) -> None` that runs
the installed commands as their own processes (`probe`) in the scratch
directory `work`, records what it saw (`findings.saw`) and each promise
it checked (`findings.expect`). `CASES` lists them with the promise they
check, in the order of docs/reliability.md.
"""

import dataclasses
import glob
import os
import pathlib
import signal
import subprocess
import time
from typing import Callable

import numpy as np

from reliability import probe

hp = probe.hparams


@dataclasses.dataclass
class Findings:
    """What a case saw, and which of its expectations failed."""

    observed: list[str] = dataclasses.field(default_factory=list)
    failures: list[str] = dataclasses.field(default_factory=list)
    unavailable: str | None = None

    def saw(self, text: str) -> None:
        self.observed.append(text)

    def expect(self, holds: bool, promise: str) -> None:
        if not holds:
            self.failures.append(promise)


@dataclasses.dataclass(frozen=True)
class Case:
    """One case: its name, what it does, what the project promises."""

    name: str
    fault: str
    promise: str
    run: Callable[[pathlib.Path, Findings], None]


CASES: list[Case] = []


def case(fault: str, promise: str):
    """Registers the decorated function as a case."""
    def register(function):
        CASES.append(Case(function.__name__, fault, promise, function))
        return function
    return register


# --- helpers --------------------------------------------------------------

def corpus(work: pathlib.Path) -> str:
    """A 6,000-character training corpus in `work`."""
    path = work / "corpus.txt"
    if not path.exists():
        words = ["the", "king", "and", "queen", "of", "hearts", "sing", "a", "song"]
        rng = np.random.default_rng(0)
        lines = [" ".join(rng.choice(words, size=8)) for _ in range(150)]
        path.write_text("\n".join(lines)[:6000], encoding="utf-8")
    return str(path)


def train_args(work: pathlib.Path, log_dir: pathlib.Path, iters: int,
               hparams: str = hp(), save_every: int = 1000) -> list[str]:
    return ["train", "--train_corpus", corpus(work), "--log_dir", str(log_dir),
            "--hparams", hparams, "--iters", str(iters),
            "--save_every", str(save_every), "--seed", "1"]


def evaluate_args(work: pathlib.Path, log_dir: pathlib.Path) -> list[str]:
    return ["evaluate", "--log_dir", str(log_dir), "--eval_corpus", corpus(work)]


def steps(log_dir: pathlib.Path) -> list[int]:
    """The N of every `ckpt-N.index` in `log_dir`, in order."""
    names = glob.glob(str(log_dir / "ckpt-*.index"))
    return sorted(int(os.path.basename(name)[5:-6]) for name in names)


def first_line(finished: probe.Finished) -> str:
    lines = finished.err.strip().splitlines()
    return lines[-1] if lines else ""


def describe(finished: probe.Finished) -> str:
    """`exit N in S s: last stderr line`."""
    return f"exit {finished.status} in {finished.seconds:.1f} s: `{first_line(finished)}`"


def finite_checkpoints(log_dir: pathlib.Path) -> bool:
    """Whether every floating-point tensor of every checkpoint is finite."""
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    for step in steps(log_dir):
        reader = tf.train.load_checkpoint(str(log_dir / f"ckpt-{step}"))
        for name, dtype in reader.get_variable_to_dtype_map().items():
            if dtype.is_floating and not np.all(np.isfinite(reader.get_tensor(name))):
                return False
    return True


def trained(work: pathlib.Path, name: str, iters: int, save_every: int) -> pathlib.Path:
    """A log directory after a tiny training run that must succeed."""
    log_dir = work / name
    done = probe.run("text", train_args(work, log_dir, iters, save_every=save_every))
    if done.status != 0:
        raise RuntimeError(f"setup training failed: {done.err[-500:]}")
    return log_dir


def signal_after(args: list[str], signum: int, delay: float,
                 ready=lambda: True) -> tuple[bool, probe.Finished]:
    """Runs `vaeseq-text ARGS`, sending `signum` `delay` s after `ready()` holds.

    Returns whether `ready()` held (within 120 s) and how the command ended.
    """
    started = time.monotonic()
    process = probe.start("text", args)
    readied = probe.wait_for(ready, 120)
    time.sleep(delay)
    process.send_signal(signum)
    return bool(readied), probe.finish(process, started)


# --- log directories ------------------------------------------------------

@case("`checkpoint` state file deleted, then `train` resumed",
      "resumes from the newest `ckpt-N`; no checkpoint overwritten or deleted")
def state_file_deleted(work, findings):
    log_dir = trained(work, "run", iters=4, save_every=2)
    os.remove(log_dir / "checkpoint")
    done = probe.run("text", train_args(work, log_dir, 6, save_every=2))
    findings.saw(describe(done) + f"; checkpoints {steps(log_dir)}")
    findings.expect(done.status == 0, "exit 0")
    findings.expect("Reached step 6" in done.err, "continues from step 4 to 6")
    findings.expect(steps(log_dir) == [2, 4, 6], "ckpt-2 and ckpt-4 kept")


@case("two trainers started together on one `--log_dir` (different models)",
      "one trains, the other exits 2 before writing; the directory holds one run")
def two_trainers(work, findings):
    log_dir = work / "run"
    started = time.monotonic()
    processes = [probe.start("text", train_args(work, log_dir, 30, hp(embed_size=size)))
                 for size in (8, 12)]
    done = [probe.finish(process, started) for process in processes]
    statuses = sorted(finished.status for finished in done)
    refused = [finished for finished in done if finished.status == 2]
    findings.saw(f"exits {statuses}; refused: `{first_line(refused[0]) if refused else ''}`")
    findings.expect(statuses == [0, 2], "exits 0 and 2")
    findings.expect(all(finished.one_line_error("vaeseq-text train") for finished in refused),
                    "the refusal is one line")
    check = probe.run("text", evaluate_args(work, log_dir))
    findings.saw(f"evaluate afterwards: exit {check.status}")
    findings.expect(check.status == 0, "the directory's hparams fit its checkpoints")


@case("`learning_rate=nan` in `--hparams`",
      "exit 2, one line, nothing written")
def nan_learning_rate(work, findings):
    log_dir = work / "run"
    done = probe.run("text", train_args(work, log_dir, 3, hp(learning_rate="nan")))
    findings.saw(describe(done))
    findings.expect(done.one_line_error("vaeseq-text train"), "exit 2, one line")
    findings.expect(not log_dir.exists(), "no log directory")


@case("weights blow up with `check_numerics=false` (`learning_rate=1e30`) after a good checkpoint",
      "exit 1, one line; no checkpoint with a non-finite value; the last good one still evaluates")
def nan_weights_unchecked(work, findings):
    log_dir = trained(work, "run", iters=2, save_every=2)
    done = probe.run("text", train_args(
        work, log_dir, 20, hp(learning_rate="1e30", check_numerics="false"), save_every=2))
    findings.saw(describe(done) + f"; checkpoints {steps(log_dir)}")
    findings.expect(done.status == 1 and "not saved" in done.err
                    and not done.traceback(), "exit 1, one line")
    findings.expect(finite_checkpoints(log_dir), "every checkpoint finite")
    check = probe.run("text", evaluate_args(work, log_dir))
    findings.saw(f"evaluate afterwards: exit {check.status}, `{check.out.strip()[-80:]}`")
    findings.expect(check.status == 0 and ": ELBO -" in check.out,
                    "evaluate reads the last good checkpoint (a finite ELBO)")


@case("sizes `latent_size=0`, `rnn_hidden_sizes=[0]`, `embed_size=-3`, `rnn_hidden_sizes=[-4]`",
      "exit 2, one line naming the hyperparameter; nothing written")
def bad_sizes(work, findings):
    for name, value in (("latent_size", "0"), ("rnn_hidden_sizes", "[0]"),
                        ("embed_size", "-3"), ("rnn_hidden_sizes", "[-4]")):
        override = f"{name}={value}"
        log_dir = work / f"{name}{value.strip('[]')}"
        done = probe.run("text", train_args(work, log_dir, 2, hp(**{name: value})))
        findings.saw(f"{override}: {describe(done)}")
        findings.expect(done.one_line_error("vaeseq-text train") and name in done.err,
                        f"{override}: exit 2 naming {name}")
        findings.expect(not log_dir.exists(), f"{override}: nothing written")


@case("`sequence_size=200000` or `batch_size=100000`",
      "exit 2, one line, before memory is exhausted")
def huge_batches(work, findings):
    for name, value in (("sequence_size", "200000"), ("batch_size", "100000")):
        override = f"{name}={value}"
        log_dir = work / name
        done = probe.run("text", train_args(work, log_dir, 2, hp(**{name: value})),
                         timeout=120)
        findings.saw(f"{override}: {describe(done)}")
        findings.expect(done.one_line_error("vaeseq-text train"), f"{override}: exit 2")
        findings.expect(not log_dir.exists(), f"{override}: nothing written")


# --- signals and kills ----------------------------------------------------

@case("Ctrl-C (SIGINT) half a second after `train` starts, while TensorFlow loads",
      "exit 130, no traceback, nothing written")
def sigint_while_loading(work, findings):
    log_dir = work / "run"
    _, done = signal_after(train_args(work, log_dir, 100), signal.SIGINT, 0.5)
    findings.saw(f"exit {done.status} in {done.seconds:.1f} s, "
                 f"{len(done.err.splitlines())} lines on stderr")
    findings.expect(done.status == 130, "exit 130")
    findings.expect(not done.traceback(), "no traceback")
    findings.expect(not steps(log_dir), "no checkpoint")


@case("SIGTERM during training",
      "stops after the step, saves, exit 0")
def sigterm_mid_training(work, findings):
    log_dir = work / "run"
    running, done = signal_after(train_args(work, log_dir, 100_000), signal.SIGTERM, 2,
                                 ready=lambda: glob.glob(str(log_dir / "events.*")))
    findings.saw(describe(done) + f"; checkpoints {steps(log_dir)}")
    findings.expect(running and done.status == 0 and "Stopped by SIGTERM" in done.err,
                    "exit 0 after saving")
    findings.expect(len(steps(log_dir)) == 1, "one checkpoint, at the step reached")


@case("`kill -9` during training, then `train` resumed",
      "resumes from the last checkpoint: at most one `--save_every` interval lost")
def kill_during_training(work, findings):
    log_dir = work / "run"
    process = probe.start("text", train_args(work, log_dir, 100_000, save_every=5))
    saved = probe.wait_for(lambda: steps(log_dir), 120)
    time.sleep(1)
    process.kill()
    process.communicate()
    last = max(steps(log_dir)) if steps(log_dir) else 0
    done = probe.run("text", train_args(work, log_dir, last + 3, save_every=5))
    findings.saw(f"killed with checkpoints {steps(log_dir)[:-1]}; resumed: {describe(done)}")
    findings.expect(saved and done.status == 0, "the resumed run succeeds")
    findings.expect(f"Reached step {last + 3}" in done.err,
                    f"it starts from ckpt-{last}, not step 0")


@case("an empty `ckpt-N_temp/` left by a save interrupted by `kill -9`",
      "removed by the next `train`, which succeeds")
def partial_save_left(work, findings):
    log_dir = trained(work, "run", iters=2, save_every=2)
    (log_dir / "ckpt-3_temp").mkdir()
    done = probe.run("text", train_args(work, log_dir, 4, save_every=2))
    findings.saw(describe(done))
    findings.expect(done.status == 0, "exit 0")
    findings.expect(not (log_dir / "ckpt-3_temp").exists(), "the partial save is gone")


@case("the newest checkpoint's data truncated",
      "`evaluate` and `train` warn in one line and use the previous checkpoint")
def corrupt_newest(work, findings):
    log_dir = trained(work, "run", iters=6, save_every=2)
    for path in glob.glob(str(log_dir / "ckpt-6.data-*")):
        os.truncate(path, os.path.getsize(path) // 2)
    check = probe.run("text", evaluate_args(work, log_dir))
    findings.saw(f"evaluate: exit {check.status}, `{check.err.strip().splitlines()[0]}`"
                 if check.err.strip() else f"evaluate: exit {check.status}")
    findings.expect(check.status == 0 and "restoring" in check.err, "evaluate falls back")
    done = probe.run("text", train_args(work, log_dir, 7, save_every=2))
    findings.saw("train: " + describe(done))
    findings.expect(done.status == 0 and "Reached step 7" in done.err
                    and "restoring" in done.err, "train resumes from ckpt-4")


@case("the disk fills up (a 1.5 MB tmpfs) while a resumed run saves",
      "the oldest checkpoint makes room; the newest stay readable; or exit 1 on one line")
def disk_full(work, findings):
    mount = work / "small_disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(mount)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        findings.unavailable = "needs permission to mount a tmpfs"
        return
    try:
        log_dir = mount / "run"
        first = probe.run("text", train_args(work, log_dir, 3, save_every=1))
        findings.expect(first.status == 0, "the first run fits")
        filler = mount / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:  # Fill the disk, to the last block.
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        before = steps(log_dir)
        done = probe.run("text", train_args(work, log_dir, 5, save_every=1))
        after = steps(log_dir)
        findings.saw(f"checkpoints {before} -> {after}; {describe(done)}")
        findings.expect(done.status in (0, 1) and not done.traceback(), "exit 0 or 1, one line")
        findings.expect(after and max(after) >= max(before), "the newest checkpoint stays")
        os.remove(filler)
        resumed = probe.run("text", train_args(work, log_dir, 6, save_every=1))
        findings.saw("with room again: " + describe(resumed))
        findings.expect(resumed.status == 0 and "Reached step 6" in resumed.err,
                        "a later run resumes")
    finally:
        subprocess.run(["umount", str(mount)], check=False)


# --- untrusted files and silent wrong results -------------------------------

def midi_train(work: pathlib.Path, dataset: str) -> probe.Finished:
    """`vaeseq-midi train` on `dataset` with a tiny model (must be refused)."""
    return probe.run("midi", ["train", "--dataset", dataset, "--log_dir", str(work / "midi"),
                              "--hparams", "rnn_hidden_sizes=[8],latent_size=2", "--iters", "2"])


@case("a 140 KB pickle that expands to 10^9 steps",
      "exit 2, one line, in bounded memory; nothing written")
def pickle_bomb(work, findings):
    from vaeseq.examples.midi import testdata  # pylint: disable=import-outside-toplevel
    path = testdata.repeated_piece_pickle(work / "bomb.pkl", steps=50_000, pieces=20_000)
    done = midi_train(work, path)
    findings.saw(f"{os.path.getsize(path) // 1000} KB file: {describe(done)}")
    findings.expect(done.one_line_error("vaeseq-midi train"), "exit 2, one line")
    findings.expect(not (work / "midi").exists(), "nothing written")


@case("a tiny MIDI file lasting one hour",
      "exit 2, one line naming the limit, before the piano roll is made")
def hour_long_midi(work, findings):
    from vaeseq.examples.midi import testdata  # pylint: disable=import-outside-toplevel
    folder = work / "midi_files"
    folder.mkdir()
    path = testdata.long_midi(folder / "hour.mid", seconds=3600)
    done = midi_train(work, str(folder))
    findings.saw(f"{os.path.getsize(path)}-byte file: {describe(done)}")
    findings.expect(done.one_line_error("vaeseq-midi train"), "exit 2, one line")


@case("`.json` data with an empty piece, or a float pitch",
      "exit 2, one line each")
def malformed_json(work, findings):
    for name, content in (("empty", '{"train": [[]], "valid": [[[60]]], "test": [[[60]]]}'),
                          ("float", '{"train": [[[60.5]]], "valid": [[[60]]], "test": [[[60]]]}')):
        path = work / f"{name}.json"
        path.write_text(content, encoding="utf-8")
        done = midi_train(work, str(path))
        findings.saw(f"{name}: {describe(done)}")
        findings.expect(done.one_line_error("vaeseq-midi train"), f"{name}: exit 2, one line")


@case("`vocab.json` reordered (same characters) after training",
      "`generate`, `evaluate` and `train` exit 2 naming the file; nothing changed")
def vocabulary_reordered(work, findings):
    import json  # pylint: disable=import-outside-toplevel
    log_dir = trained(work, "run", iters=2, save_every=2)
    vocab_path = log_dir / "vocab.json"
    vocabulary = json.loads(vocab_path.read_text(encoding="utf-8"))
    vocabulary["chars"] = vocabulary["chars"][::-1]
    vocab_path.write_text(json.dumps(vocabulary), encoding="utf-8")
    for args in (["generate", "--log_dir", str(log_dir), "--samples", "1"],
                 evaluate_args(work, log_dir), train_args(work, log_dir, 4)):
        done = probe.run("text", args)
        findings.saw(f"{args[0]}: {describe(done)}")
        findings.expect(done.one_line_error(f"vaeseq-text {args[0]}") and "vocab.json" in done.err,
                        f"{args[0]}: exit 2 naming vocab.json")
    findings.expect(steps(log_dir) == [2], "no checkpoint written")


@case("`generate --samples 100000000`, then Ctrl-C",
      "the first sample prints at once; exit 130 keeping what was printed")
def generate_many(work, findings):
    log_dir = trained(work, "run", iters=2, save_every=2)
    started = time.monotonic()
    process = probe.start("text", ["generate", "--log_dir", str(log_dir),
                                   "--samples", "100000000"])
    first = process.stdout.readline()
    waited = time.monotonic() - started
    process.send_signal(signal.SIGINT)
    done = probe.finish(process, started)
    findings.saw(f"first line after {waited:.1f} s; exit {done.status}")
    findings.expect(bool(first) and waited < 60, "output within a minute")
    findings.expect(done.status == 130 and not done.traceback(), "exit 130, no traceback")


@case("characters outside the vocabulary in `evaluate`'s corpus",
      "counted in the output and the JSON (`oov_chars`), with a one-line warning")
def unknown_characters(work, findings):
    import json  # pylint: disable=import-outside-toplevel
    log_dir = trained(work, "run", iters=2, save_every=2)
    text = work / "snowmen.txt"
    text.write_text("\u2603" * 3 + pathlib.Path(corpus(work)).read_text(encoding="utf-8")[:200],
                    encoding="utf-8")
    scores_path = work / "scores.json"
    done = probe.run("text", ["evaluate", "--log_dir", str(log_dir), "--eval_corpus", str(text),
                              "--output_json", str(scores_path)])
    warnings = [line for line in done.err.splitlines() if line.startswith("warning: ")]
    scores = json.loads(scores_path.read_text()) if scores_path.exists() else {}
    findings.saw(f"exit {done.status}; `{warnings[0] if warnings else ''}`")
    findings.expect(done.status == 0 and len(warnings) == 1, "exit 0, one warning line")
    findings.expect(scores.get(str(text), {}).get("oov_chars") == 3, "oov_chars = 3 in the JSON")


@case("library calls with float64 contexts, float64 observations, wrong batch or length, "
      "T = 0, `iw_log_prob(num_samples=0)`",
      "a `ValueError` naming the argument, before any TensorFlow error")
def api_mistakes(work, findings):
    del work
    import tensorflow as tf  # pylint: disable=import-outside-toplevel
    from vaeseq import agent, testing  # pylint: disable=import-outside-toplevel
    _, model = testing.tiny_model("SRNN")
    observed = tf.random.normal([testing.BATCH, testing.STEPS, testing.OBS])
    contexts = model.agent.contexts_for_observations(
        agent.null_inputs(testing.BATCH, testing.STEPS), observed)
    calls = {
        "float64 contexts": lambda: model.infer_latents(tf.cast(contexts, tf.float64), observed),
        "float64 observations": lambda: model.infer_latents(contexts,
                                                            tf.cast(observed, tf.float64)),
        "contexts of another batch": lambda: model.infer_latents(contexts[:1], observed),
        "contexts of another length": lambda: model.log_prob_observed(
            contexts[:, :2], contexts, observed),
        "T = 0": lambda: model.infer_latents(contexts[:, :0], observed[:, :0]),
        "num_samples=0": lambda: model.iw_log_prob(contexts, observed, num_samples=0),
    }
    for name, call in calls.items():
        try:
            call()
        except ValueError as err:
            if isinstance(err, tf.errors.OpError):
                findings.expect(False, f"{name}: a TensorFlow error")
            findings.saw(f"{name}: `{str(err).splitlines()[0][:90]}`")
        else:
            findings.expect(False, f"{name}: accepted")
