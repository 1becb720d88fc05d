"""Tests for sampler.py."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.common import sampler as sampler_mod


@pytest.fixture(name="sampler", scope="module")
def fixture_sampler():
    _, vae = testing.tiny_model("SRNN")
    vae.build(tf.zeros([1, 1, testing.OBS]))
    return sampler_mod.Sampler(vae)


def test_counts_lengths_and_batches(sampler):
    sequences = sampler.sample(5, 7, 2, seed=1)
    assert len(sequences) == 5
    assert all(s.shape == (7, testing.OBS) for s in sequences)
    assert sampler.sample(0, 3, 1) == []


def test_seed_makes_samples_repeatable(sampler):
    first = sampler.sample(3, 4, 2, seed=7)
    np.testing.assert_array_equal(first, sampler.sample(3, 4, 2, seed=7))
    assert not np.array_equal(first, sampler.sample(3, 4, 2, seed=8))


@pytest.mark.parametrize("count, length, batch_size", [
    (-1, 3, 1), (1, 0, 1), (1, 3, 0)])
def test_bad_arguments(sampler, count, length, batch_size):
    with pytest.raises(errors.InputError, match="sequence_size >= 1"):
        sampler.sample(count, length, batch_size)


def test_seed_stream():
    first = sampler_mod.seed_stream(3)
    second = sampler_mod.seed_stream(3)
    seeds = [next(first).numpy().tolist() for _ in range(3)]
    assert seeds == [next(second).numpy().tolist() for _ in range(3)]
    assert len({tuple(seed) for seed in seeds}) == 3
    fresh = next(sampler_mod.seed_stream(None))
    assert fresh.dtype == tf.int32 and fresh.shape == (2,)


if __name__ == "__main__":
    testing.main(__file__)
