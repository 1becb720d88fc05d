"""Tests for sampling.py (generate) and scoring.py."""

import os

import numpy as np
import pytest

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.text import rundir
from vaeseq.examples.text import sampling
from vaeseq.examples.text import scoring
from vaeseq.examples.text import vocab


def saved_vocabulary(log_dir):
    return vocab.Vocabulary.load(os.path.join(log_dir, rundir.VOCAB_FILE))


def test_generate(trained_dir, corpora):
    texts = list(sampling.generate(
        trained_dir, samples=5,
        hparams="vae_type=SRNN,sequence_size=30,batch_size=2",
        train_corpus=corpora["train"], seed=3))
    assert len(texts) == 5
    assert all(len(text) == 30 for text in texts)
    known = set(saved_vocabulary(trained_dir).chars) | {vocab.REPLACEMENT_CHAR}
    assert set("".join(texts)) <= known


def test_generate_draws_lazily(trained_dir):
    texts = sampling.generate(trained_dir, samples=10**12,
                              hparams="batch_size=2", seed=0)
    first, second, third = next(texts), next(texts), next(texts)
    assert [len(first), len(second), len(third)] == [8, 8, 8]
    # The same batches, drawn at once.
    texts = sampling.generate(trained_dir, samples=4,
                              hparams="batch_size=2", seed=0)
    assert list(texts)[:3] == [first, second, third]


@pytest.mark.parametrize("samples", [0, -1])
def test_generate_needs_samples(samples, trained_dir):
    with pytest.raises(errors.InputError, match=f"samples must be >= 1, got "
                       f"{samples}"):
        sampling.generate(trained_dir, samples=samples)


def test_sampler_seeds_and_lengths(trained_dir):
    _, vocabulary, vae = rundir.load_trained(trained_dir, None)
    sampler = sampling.Sampler(vae, vocabulary)
    first = sampler.sample(3, 8, 2, seed=7)
    assert first == sampler.sample(3, 8, 2, seed=7)
    assert first != sampler.sample(3, 8, 2, seed=8)
    assert [len(text) for text in sampler.sample(2, 13, 4)] == [13, 13]
    assert sampler.sample(0, 5, 1) == []
    for count, length, batch_size in ((1, 0, 1), (-1, 5, 1), (2, 5, 0)):
        with pytest.raises(errors.InputError, match="sequence_size >= 1"):
            sampler.sample(count, length, batch_size)


def test_generate_rejects_architecture_changes(trained_dir):
    with pytest.raises(errors.InputError, match="rnn_hidden_sizes"):
        sampling.generate(trained_dir, samples=1,
                          hparams="rnn_hidden_sizes=[32]")


def test_scorer_seeds(trained_dir):
    _, _, vae = rundir.load_trained(trained_dir, None)
    scorer = scoring.Scorer(vae, sequence_size=8, batch_size=3, num_samples=2)
    windows = np.arange(5 * 8, dtype=np.int32).reshape(5, 8) % 20
    first = scorer.score(windows, seed=5)
    assert first == scorer.score(windows, seed=5)
    assert first != scorer.score(windows, seed=6)
    assert (first.num_steps, first.num_samples) == (40, 2)
    assert first.elbo < 0 and first.iw_log_prob < 0


if __name__ == "__main__":
    testing.main(__file__)
