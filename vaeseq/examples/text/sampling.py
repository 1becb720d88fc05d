"""Samples text from a trained model: `Sampler` and `generate(...)`."""

from vaeseq.examples.common import errors
from vaeseq.examples.common import sampler
from vaeseq.examples.text import rundir
from vaeseq.examples.text import vocab
from vaeseq.vae import VAEBase


class Sampler:
    """Draws character sequences from a model in a `tf.function`.

    The function is traced once, for any number and length of sequences.

    Args:
        vae: the text model.
        vocabulary: maps the sampled ids to characters.
    """

    def __init__(self, vae: VAEBase, vocabulary: vocab.Vocabulary):
        self._sampler = sampler.Sampler(vae)
        self._vocabulary = vocabulary

    def sample(self, count: int, length: int, batch_size: int,
               seed: int | None = None) -> list[str]:
        """Returns `count` samples of `length` characters.

        Sequences are drawn `batch_size` at a time (the last batch may be
        smaller); `seed` makes them repeatable.

        Raises:
            InputError: `count` < 0, `length` < 1 or `batch_size` < 1.
        """
        return [self._vocabulary.decode(ids) for ids in
                self._sampler.sample(count, length, batch_size, seed)]


def generate(
    log_dir: str,
    *,
    samples: int,
    hparams: str | None = None,
    train_corpus: str | None = None,
    seed: int | None = None,
) -> list[str]:
    """Samples text from the latest checkpoint in `log_dir`.

    Args:
        log_dir: a training directory (see `rundir`).
        samples: how many sequences to draw.
        hparams: overrides in `HParams.parse` syntax; `sequence_size` sets
            the length of each sample and `batch_size` how many are drawn
            at once. The architecture cannot change.
        train_corpus: optional; its vocabulary must match the saved one.
        seed: makes the samples repeatable.

    Returns:
        `samples` strings of `sequence_size` characters each.

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`rundir.LogDirError`).
        CorpusError: an unusable `train_corpus`.
    """
    with errors.bad_input():
        model_hparams, vocabulary, vae = rundir.load_trained(
            log_dir, hparams, train_corpus)
    return Sampler(vae, vocabulary).sample(
        samples, model_hparams.sequence_size, model_hparams.batch_size, seed)

