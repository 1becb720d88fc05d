"""Scores a data split under a trained model: `evaluate(...)`."""

from typing import Any, TextIO

from vaeseq.examples.common import errors
from vaeseq.examples.common import progress
from vaeseq.examples.midi import dataset
from vaeseq.examples.midi import rundir
from vaeseq.examples.midi import scoring
from vaeseq.examples.midi import sources


def evaluate(
    log_dir: str,
    source: str,
    *,
    split: str = "test",
    hparams: str | None = None,
    seed: int | None = None,
    progress_stream: TextIO | None = None,
) -> dict[str, dict[str, Any]]:
    """Scores every piece of a split, whole, with the latest checkpoint.

    Args:
        log_dir: a training directory (see `rundir`).
        source: the data source (see `sources.load_split`).
        split: the split to score; MIDI sources have none.
        hparams: overrides in `HParams.parse` syntax: `batch_size` (pieces
            per batch), `log_prob_samples` (K) and `rate` (for MIDI sources)
            shape the evaluation; the architecture cannot change.
        seed: makes the posterior draws repeatable.
        progress_stream: where the progress bar goes; stderr by default.

    Returns:
        `{key: scores}`, keyed by `dataset.score_key(source, split)`
        (`"path:split"`; the path alone for MIDI files, which have no
        splits), the scores in the text example's schema: `elbo_per_step`
        and `iw_log_prob_per_step` (the importance-weighted bound with K
        samples), both in nats per time step (each step's log-likelihood
        summed over the 88 keys); `bits_per_step` (from the
        importance-weighted bound); `num_steps` (time steps scored) and
        `num_samples` (K).

    Raises:
        InputError: bad arguments, an unusable data source or a missing,
            corrupt or mismatched training directory.
    """
    with errors.bad_input():
        model_hparams, vae = rundir.load_trained(log_dir, hparams)
        if model_hparams.log_prob_samples < 1:
            raise errors.InputError(
                "log_prob_samples must be >= 1, got "
                f"{model_hparams.log_prob_samples}.")
        sequences = sources.load_split(source, split, model_hparams.rate)
        scorer = scoring.Scorer(vae, model_hparams.batch_size,
                                model_hparams.log_prob_samples)
    bar = progress.ProgressBar(len(sequences), stream=progress_stream,
                               unit="pieces")
    try:
        scores = scorer.score(sequences, seed, bar)
    finally:
        bar.close()
    return {dataset.score_key(source, split): scores.as_dict()}
