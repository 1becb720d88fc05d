"""Scores corpora under a trained model: `evaluate(...)`."""

from typing import Any, TextIO

from vaeseq.examples.common import errors
from vaeseq.examples.common import progress
from vaeseq.examples.text import corpus
from vaeseq.examples.text import dataset
from vaeseq.examples.text import rundir
from vaeseq.examples.text import scoring


def evaluate(
    log_dir: str,
    eval_corpora: list[str],
    *,
    hparams: str | None = None,
    train_corpus: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
) -> dict[str, dict[str, Any]]:
    """Scores each corpus with the latest checkpoint in `log_dir`.

    Each corpus is cut into consecutive windows of `sequence_size`
    characters (a remainder too short for a window is dropped), and each
    window is scored from the model's initial state.

    Args:
        log_dir: a training directory (see `rundir`).
        eval_corpora: corpus names or paths; all are read and checked before
            any is scored.
        hparams: overrides in `HParams.parse` syntax: `sequence_size`,
            `batch_size` and `log_prob_samples` (K) shape the evaluation;
            the architecture cannot change.
        train_corpus: optional; its vocabulary must match the saved one.
        seed: makes the posterior draws repeatable.
        progress_stream: where a progress bar per corpus goes; stderr by
            default.

    Returns:
        For each corpus, as given: `elbo_per_step` and `iw_log_prob_per_step`
        (the importance-weighted bound with K samples), both in nats per
        character; `bits_per_step` (from the importance-weighted bound);
        `num_steps` (characters scored) and `num_samples` (K).

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`rundir.LogDirError`).
        CorpusError: an unusable corpus.
    """
    if not eval_corpora:
        raise errors.InputError("No corpus to evaluate: pass --eval_corpus.")
    with errors.bad_input():
        model_hparams, vocabulary, vae = rundir.load_trained(
            log_dir, hparams, train_corpus)
        windows = {}
        for name in eval_corpora:
            text = corpus.read_corpus(corpus.resolve_corpus(name))
            windows[name] = dataset.eval_windows(
                vocabulary.encode(text), model_hparams.sequence_size, name)
        if model_hparams.log_prob_samples < 1:
            raise errors.InputError(
                "log_prob_samples must be >= 1, got "
                f"{model_hparams.log_prob_samples}.")
        scorer = scoring.Scorer(
            vae, model_hparams.sequence_size, model_hparams.batch_size,
            model_hparams.log_prob_samples)
    results = {}
    for name, corpus_windows in windows.items():
        bar = progress.ProgressBar(
            len(corpus_windows), stream=progress_stream, unit="windows")
        try:
            scores = scorer.score(corpus_windows, seed, bar)
        finally:
            bar.close()
        results[name] = scores.as_dict()
    return results
