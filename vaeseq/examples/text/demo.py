"""`make demo`: train a small SRNN on text for a few minutes, then use it.

Trains on Tiny Shakespeare (from `$VAESEQ_DATA_DIR`, the cache, or a
download), or on the Python docs when Tiny Shakespeare cannot be had;
prints samples; and scores held-out Shakespeare against the same amount of
Pride and Prejudice (`$VAESEQ_DATA_DIR/pride_and_prejudice.txt`, if there):
a model that learnt Shakespeare should need fewer bits per character for
Shakespeare than for Austen.

Environment:
    VAESEQ_DEMO_SECONDS: training time (default 180). Training resumes
        where an earlier demo run in the same directory stopped.
    VAESEQ_DEMO_DIR: where the corpora and the run go (default: a new
        temporary directory).
    VAESEQ_DEMO_EVAL_CHARS: characters of each corpus to score (default
        20000).
"""

import os
import sys
import tempfile
import time

from vaeseq.examples.common import cli
from vaeseq.examples.common import files
from vaeseq.examples.text import data

# A small model; the optimisation is the library's default
# (docs/hyperparameters.md).
HPARAMS = ("vae_type=SRNN,rnn_hidden_sizes=[256],latent_size=16,"
           "sequence_size=40,batch_size=32,log_prob_samples=4")
SAMPLES = 4
SAMPLE_LENGTH = 300


def _corpus_text() -> tuple[str, str]:
    """Returns (name, text) of Tiny Shakespeare, or of pydocs instead."""
    try:
        return "tinyshakespeare", data.read_corpus(
            data.resolve_corpus("tinyshakespeare"))
    except data.CorpusError as err:
        print(f"Tiny Shakespeare is not available ({err}); training on the "
              "Python docs (pydocs) instead.")
        return "pydocs", data.read_corpus(data.resolve_corpus("pydocs"))


def _write(directory: str, name: str, text: str) -> str:
    path = os.path.join(directory, name)
    files.write_atomically(path, text.encode("utf-8"))
    return path


def main() -> int:
    """Runs the demo; returns the exit status."""
    # TensorFlow's start-up messages (a failed CUDA probe...) stay hidden.
    evaluate = cli.import_quietly("vaeseq.examples.text.evaluate")
    model = cli.import_quietly("vaeseq.examples.text.model")
    train = cli.import_quietly("vaeseq.examples.text.train")
    seconds = float(os.environ.get("VAESEQ_DEMO_SECONDS", "180"))
    eval_chars = int(os.environ.get("VAESEQ_DEMO_EVAL_CHARS", "20000"))
    directory = (os.environ.get("VAESEQ_DEMO_DIR")
                 or tempfile.mkdtemp(prefix="vaeseq-text-demo-"))
    name, text = _corpus_text()
    train_text, valid_text = data.split_text(text, 0.1)
    train_path = _write(directory, f"{name}-train.txt", train_text)
    eval_paths = [_write(directory, f"{name}-valid.txt",
                         valid_text[:eval_chars])]
    austen = os.path.join(os.environ.get("VAESEQ_DATA_DIR", ""),
                          "pride_and_prejudice.txt")
    if name == "tinyshakespeare" and os.path.isfile(austen):
        eval_paths.append(_write(
            directory, "pride_and_prejudice-sample.txt",
            data.read_corpus(austen)[:eval_chars]))
    log_dir = os.path.join(directory, "log")

    print(f"== Training a small SRNN on {name} for {seconds:.0f} s "
          f"(VAESEQ_DEMO_SECONDS) in {log_dir}")
    started = time.monotonic()
    result = train.train(
        log_dir, train_path,
        train.Schedule(10**9, valid_every=500, save_every=500,
                       max_seconds=seconds),
        valid_corpus=eval_paths[0], hparams=HPARAMS, seed=0)
    trained = time.monotonic()
    print(f"Stopped at step {result.step} ({result.stopped_by}) after "
          f"{trained - started:.0f} s.")

    print(f"\n== {SAMPLES} samples of {SAMPLE_LENGTH} characters")
    for sample in model.generate(
            log_dir, samples=SAMPLES, hparams=f"sequence_size={SAMPLE_LENGTH}",
            seed=0):
        print(sample)
        print("=" * 80)

    sampled = time.monotonic()
    print("\n== Bits per character (importance-weighted bound) on "
          f"{eval_chars} characters of each corpus")
    scores = evaluate.evaluate(log_dir, eval_paths, seed=0)
    for path, values in scores.items():
        print(f"{os.path.basename(path)}: {values['bits_per_step']:.3f} "
              f"bits/char ({values['num_steps']} characters)")
    if len(eval_paths) == 1:
        print("(Pride and Prejudice not found in VAESEQ_DATA_DIR: nothing "
              "to compare with.)")
    print(f"(Sampling took {sampled - trained:.0f} s, evaluating "
          f"{time.monotonic() - sampled:.0f} s.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
