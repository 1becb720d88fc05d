"""Tests for cli.py: bad input, and the commands run as a real process."""

import errno
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys

import pytest

from vaeseq import testing
from vaeseq.examples.common import test_support
from vaeseq.examples.text import cli
from vaeseq.examples.text import data

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

REPO_ROOT = pathlib.Path(os.path.abspath(__file__)).parents[3]


def run_cli(argv, capsys):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, err, command):
    assert status == 2, err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    prog = f"vaeseq-text {command}" if command else "vaeseq-text"
    assert err.startswith(f"{prog}: error: "), err


def write(path, data):
    pathlib.Path(path).write_bytes(data)
    return str(path)


def command_flags(command, corpora, tmp_path):
    """The flags of `command` that the tests below need besides --log_dir."""
    return {"train": ["--iters", "5"], "generate": [],
            "evaluate": ["--eval_corpus", corpora["valid"]],
            "export": ["--export_dir", str(tmp_path / "export")]}[command]


@pytest.mark.parametrize("content, flags, message", [
    (None, "", "not found"),
    (b"", "", "empty"),
    (b"text\0with NUL", "", "binary"),
    (b"Latin-1 caf\xe9", "", "binary"),
    (b"abc", "", "one sequence needs 8"),
    (b"abcdefghijklmnop" * 4, ",sequence_size=abc", "sequence_size"),
    (b"abcdefghijklmnop" * 4, ",no_such_hparam=1", "no_such_hparam"),
    (b"abcdefghijklmnop" * 4, ",rnn_hidden_sizes=[16", "Malformed"),
    (b"abcdefghijklmnop" * 4, ",vae_type=XYZ", "vae_type"),
])
def test_train_bad_input(content, flags, message, tmp_path, tiny_hparams,
                         capsys):
    path = str(tmp_path / "corpus.txt")
    if content is not None:
        write(path, content)
    log_dir = tmp_path / "log"
    status, _, err = run_cli(
        ["train", "--train_corpus", path, "--log_dir", str(log_dir),
         "--hparams", tiny_hparams + flags, "--iters", "2"], capsys)
    assert_one_line_error(status, err, "train")
    assert message in err
    assert not log_dir.exists()


def test_train_unreadable_corpus(tmp_path, monkeypatch, capsys):
    # Faked, so that the test also holds when run as root.
    def denying_open(file, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", file)

    monkeypatch.setattr(data, "open", denying_open, raising=False)
    status, _, err = run_cli(
        ["train", "--train_corpus", write(tmp_path / "c.txt", b"x" * 99),
         "--log_dir", str(tmp_path / "log")], capsys)
    assert_one_line_error(status, err, "train")
    assert "permission denied" in err
    assert not (tmp_path / "log").exists()


def test_usage_errors_are_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["train", "--log_dir", str(tmp_path), "--bogus"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert_one_line_error(2, err, None)
    assert "--bogus" in err
    status, _, err = run_cli(["train", "--log_dir", str(tmp_path)], capsys)
    assert_one_line_error(status, err, "train")
    assert "--train_corpus" in err


def corrupt_state(log_dir):
    write(os.path.join(log_dir, "checkpoint"), b"\x00garbage{{")


def truncate_data(log_dir):
    path = os.path.join(log_dir, "ckpt-3.data-00000-of-00001")
    content = pathlib.Path(path).read_bytes()
    write(path, content[:len(content) // 2])


def scramble_data(log_dir):
    path = os.path.join(log_dir, "ckpt-3.data-00000-of-00001")
    content = bytearray(pathlib.Path(path).read_bytes())
    content[100:200] = bytes(100)
    write(path, bytes(content))


def corrupt_index(log_dir):
    write(os.path.join(log_dir, "ckpt-3.index"), b"not an index")


def no_checkpoint(log_dir):
    for name in os.listdir(log_dir):
        if name.startswith("ckpt-") or name == "checkpoint":
            os.remove(os.path.join(log_dir, name))


def reversed_vocabulary(log_dir):
    path = os.path.join(log_dir, "vocab.json")
    config = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    config["chars"] = config["chars"][::-1]
    pathlib.Path(path).write_text(json.dumps(config), encoding="utf-8")


def other_corpus(log_dir, corpora):
    del log_dir
    return ["--train_corpus", write(
        pathlib.Path(corpora["train"]).with_name("other.txt"),
        b"Entirely different characters: 0123456789" * 10)]


@pytest.mark.parametrize("command", ["train", "generate", "evaluate", "export"])
@pytest.mark.parametrize("damage, flags, message", [
    (corrupt_state, [], "Corrupt checkpoint state"),
    (truncate_data, [], "Cannot restore checkpoint"),
    (scramble_data, [], "Cannot restore checkpoint"),
    (corrupt_index, [], "Cannot restore checkpoint"),
    (None, ["--hparams", "rnn_hidden_sizes=[32]"], "architecture"),
    (None, ["--hparams", "sequence_size=[1,"], "Malformed"),
    (other_corpus, [], "does not match"),
    (reversed_vocabulary, [], "vocab.json is not the one checkpoint"),
])
def test_bad_log_dir_or_flags(command, damage, flags, message, copy_of_trained,
                              corpora, dir_state, tmp_path, capsys):
    if callable(damage) and damage is other_corpus:
        flags = damage(copy_of_trained, corpora)
    elif damage is not None:
        damage(copy_of_trained)
    if "--train_corpus" not in flags:
        flags = flags + ["--train_corpus", corpora["train"]]
    before = dir_state(copy_of_trained)
    status, out, err = run_cli(
        [command, "--log_dir", copy_of_trained]
        + command_flags(command, corpora, tmp_path) + flags, capsys)
    assert_one_line_error(status, err, command)
    assert message in err
    assert not out
    assert dir_state(copy_of_trained) == before
    assert not os.path.exists(tmp_path / "export")


@pytest.mark.parametrize("command", ["generate", "evaluate", "export"])
def test_needs_a_checkpoint(command, copy_of_trained, corpora, tmp_path,
                            dir_state, capsys):
    no_checkpoint(copy_of_trained)
    missing = str(tmp_path / "missing")
    for log_dir in (copy_of_trained, missing, str(tmp_path / "empty")):
        os.makedirs(tmp_path / "empty", exist_ok=True)
        before = dir_state(log_dir)
        status, _, err = run_cli(
            [command, "--log_dir", log_dir] + command_flags(command, corpora, tmp_path),
            capsys)
        assert_one_line_error(status, err, command)
        assert "No checkpoint" in err
        assert dir_state(log_dir) == before
    assert not os.path.exists(missing)
    assert not os.path.exists(tmp_path / "export")


@pytest.mark.parametrize("content, message", [
    (None, "not found"), (b"short", "one sequence needs 8")])
def test_evaluate_bad_corpus(content, message, trained_dir, tmp_path,
                             dir_state, capsys):
    path = str(tmp_path / "eval.txt")
    if content is not None:
        write(path, content)
    before = dir_state(trained_dir)
    output = tmp_path / "out.json"
    status, _, err = run_cli(
        ["evaluate", "--log_dir", trained_dir, "--eval_corpus", path,
         "--output_json", str(output)], capsys)
    assert_one_line_error(status, err, "evaluate")
    assert message in err
    assert dir_state(trained_dir) == before
    assert not output.exists()


@pytest.mark.parametrize("bazel", [False, True])
def test_evaluate_finds_corpora_in_data_dir(bazel, trained_dir, corpora,
                                            tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(corpora["valid"], data_dir / "austen.txt")
    work_dir = tmp_path / "work"
    work_dir.mkdir()
    monkeypatch.chdir(tmp_path if bazel else work_dir)
    if bazel:
        monkeypatch.setenv("BUILD_WORKING_DIRECTORY", str(work_dir))
    monkeypatch.setenv("VAESEQ_DATA_DIR", str(data_dir))
    status, out, err = run_cli(
        ["evaluate", "--log_dir", trained_dir, "--eval_corpus",
         f"{corpora['valid']},austen.txt", "--seed", "0"], capsys)
    assert status == 0, err
    first, second = out.splitlines()
    assert second.split(": ")[0].endswith("austen.txt")
    assert first.split(": ", 1)[1] == second.split(": ", 1)[1]  # Same text.
    status, _, err = run_cli(
        ["evaluate", "--log_dir", trained_dir, "--eval_corpus",
         "bronte.txt"], capsys)
    assert_one_line_error(status, err, "evaluate")
    # Under Bazel the path is made absolute first (from the working directory).
    assert (f"not found: {work_dir / 'bronte.txt'}" if bazel else
            f"$VAESEQ_DATA_DIR={data_dir}") in err


def test_evaluate_caps_and_counts_oov(trained_dir, corpora, tmp_path,
                                      capsys):
    with open(corpora["valid"], encoding="utf-8") as f:
        text = f.read()
    path = write(tmp_path / "snowmen.txt",
                 ("\u2603" + text[:20] + "\u2603\u2603" + text[20:]).encode())
    output = tmp_path / "scores.json"
    status, out, err = run_cli(
        ["evaluate", "--log_dir", trained_dir, "--eval_corpus",
         f"{path},{corpora['valid']}", "--max_eval_chars", "24",
         "--output_json", str(output)], capsys)
    assert status == 0, err
    snowmen, valid = out.splitlines()
    assert snowmen.endswith(
        "bits/char over 24 of 603 characters, 3 outside the vocabulary")
    assert valid.endswith(
        "bits/char over 24 of 600 characters, 0 outside the vocabulary")
    warnings = [line for line in err.splitlines()
                if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {path}: 3 of the 24 characters scored are outside the "
        "model's vocabulary and were scored as unknown characters"]
    scores = json.loads(output.read_text(encoding="utf-8"))
    assert scores[path]["oov_chars"] == 3
    assert scores[path]["num_steps"] == 24
    assert scores[corpora["valid"]]["oov_chars"] == 0
    status, _, err = run_cli(
        ["evaluate", "--log_dir", trained_dir, "--eval_corpus", path,
         "--max_eval_chars", "-1"], capsys)
    assert_one_line_error(status, err, "evaluate")
    assert "--max_eval_chars must be >= 0, got -1." in err


@pytest.mark.parametrize("command, flags, message", [
    ("train", [], "train needs --train_corpus."),
    ("generate", ["--samples", "0"], "--samples must be >= 1, got 0."),
    ("evaluate", ["--max_eval_chars", "-1"], "--max_eval_chars must be >= 0, got -1."),
    ("export", [], "export needs --export_dir."),
])
def test_runs_as_a_script_with_the_command_first(command, flags, message,
                                                 tmp_path):
    """The Bazel binaries (BUILD) run cli.py so, e.g. `cli.py train FLAGS`."""
    log_dir = tmp_path / "log"
    result = subprocess.run(
        [sys.executable, cli.__file__, command, "--log_dir", str(log_dir), *flags],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"vaeseq-text {command}: error: {message}\n"
    assert not result.stdout
    assert not log_dir.exists()


def test_help_documents_the_eval_cap_and_data_dir(capsys):
    with pytest.raises(SystemExit):
        cli.main(["evaluate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ("--max_eval_chars MAX_EVAL_CHARS score at most the first N "
            "characters of each corpus (0 scores them whole) (default: 100000)") in text
    assert "looked for in $VAESEQ_DATA_DIR" in text


def command(*args):
    """The installed console command (`make setup` installs it beside python)."""
    script = shutil.which("vaeseq-text", path=os.path.dirname(sys.executable))
    assert script, "vaeseq-text is not installed; run `make setup`"
    return [script, *args]


def test_installed_command(tmp_path, corpora, tiny_hparams):
    """Train until SIGTERM, then generate and evaluate, as real processes."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    log_dir = str(tmp_path / "log")
    with subprocess.Popen(
            command("train", "--train_corpus", corpora["train"], "--log_dir",
                    log_dir, "--hparams", "vae_type=RNN," + tiny_hparams,
                    "--iters", "1000000", "--save_every", "1000000"),
            stderr=subprocess.PIPE, text=True, env=env) as train:
        for line in train.stderr:
            if line.startswith("1/1000000 "):
                break
        train.send_signal(signal.SIGTERM)
        rest = train.stderr.read()
    assert train.returncode == 0, rest
    assert "Stopped by SIGTERM at step" in rest
    step = int(rest.split("Stopped by SIGTERM at step ")[1].split(";")[0])
    assert os.path.exists(os.path.join(log_dir, f"ckpt-{step}.index"))

    output = str(tmp_path / "scores.json")
    generate = subprocess.Popen(
        command("generate", "--log_dir", log_dir, "--samples", "3",
                "--hparams", "sequence_size=20"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    evaluate = subprocess.run(
        command("evaluate", "--log_dir", log_dir, "--eval_corpus",
                f"{corpora['valid']},{corpora['train']}",
                "--output_json", output),
        capture_output=True, text=True, env=env, check=False)
    out, err = generate.communicate()
    assert generate.returncode == 0, err
    assert out.count("\n" + cli.SEPARATOR + "\n") == 3
    assert evaluate.returncode == 0, evaluate.stderr
    assert len(evaluate.stdout.splitlines()) == 2
    with open(output, encoding="utf-8") as f:
        scores = json.load(f)
    assert set(scores) == {corpora["valid"], corpora["train"]}
    for value in scores.values():
        assert set(value) == {"elbo_per_step", "iw_log_prob_per_step",
                              "bits_per_step", "kl_per_step", "active_units",
                              "num_steps", "num_samples", "corpus_chars",
                              "oov_chars"}


def test_export_needs_export_dir(trained_dir, capsys):
    status, out, err = run_cli(["export", "--log_dir", trained_dir], capsys)
    assert_one_line_error(status, err, "export")
    assert "export needs --export_dir" in err
    assert not out


@pytest.mark.parametrize("occupied", ["folder", "file"])
def test_export_never_overwrites(occupied, trained_dir, tmp_path, dir_state,
                                 capsys):
    export_dir = tmp_path / "model"
    if occupied == "folder":
        export_dir.mkdir()
        write(export_dir / "saved_model.pb", b"earlier work")
    else:
        write(export_dir, b"earlier work")
    before = dir_state(str(tmp_path))
    status, out, err = run_cli(
        ["export", "--log_dir", trained_dir, "--export_dir", str(export_dir)],
        capsys)
    assert_one_line_error(status, err, "export")
    assert "exists and is not an empty folder" in err
    assert not out
    assert dir_state(str(tmp_path)) == before


def test_export_fills_an_empty_folder(trained_dir, corpora, tmp_path, capsys):
    export_dir = tmp_path / "model"
    export_dir.mkdir()
    status, out, err = run_cli(
        ["export", "--log_dir", trained_dir, "--export_dir", str(export_dir),
         "--train_corpus", corpora["train"]], capsys)
    assert status == 0, err
    assert not out
    assert err == f"SavedModel written to {export_dir}\n"
    assert sorted(os.listdir(tmp_path)) == ["model"]
    assert {"saved_model.pb", "variables", "assets"} <= set(
        os.listdir(export_dir))


@pytest.mark.parametrize("samples", ["0", "-3"])
def test_generate_needs_samples(samples, trained_dir, capsys):
    status, out, err = run_cli(
        ["generate", "--log_dir", trained_dir, "--samples", samples], capsys)
    assert_one_line_error(status, err, "generate")
    assert f"samples must be >= 1, got {samples}" in err
    assert not out


def test_generate_streams_until_interrupted(trained_dir):
    """Samples appear one batch at a time; Ctrl-C keeps what was printed."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    with subprocess.Popen(
            command("generate", "--log_dir", trained_dir, "--samples",
                    "100000000", "--hparams", "batch_size=1"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env, preexec_fn=test_support.default_sigint) as generate:
        printed = []
        while printed.count(cli.SEPARATOR + "\n") < 2:
            printed.append(generate.stdout.readline())
            assert printed[-1], generate.stderr.read()
        generate.send_signal(signal.SIGINT)
        _, err = generate.communicate()
    assert generate.returncode == 130, err
    assert "Traceback" not in err


if __name__ == "__main__":
    testing.main(__file__)
