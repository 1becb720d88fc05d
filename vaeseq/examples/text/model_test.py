"""Tests for model.py: the model, loading a trained run, sampling text."""

import os

import pytest
import tensorflow as tf

from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.text import hparams as hparams_mod
from vaeseq.examples.text import model
from vaeseq.examples.text import vocab

VOCAB_SIZE = 11


def tiny(vae_type):
    return hparams_mod.make_hparams(
        vae_type=vae_type, rnn_hidden_sizes=[6], latent_size=3, embed_size=4,
        obs_encoder_fc_layers=[5], obs_decoder_fc_hidden_layers=[7],
        latent_decoder_fc_layers=[8])


@pytest.mark.parametrize("vae_type", ["RNN", "ISEQ", "SRNN"])
def test_the_model_comes_built(vae_type):
    vae = model.make_model(tiny(vae_type), VOCAB_SIZE)
    shapes = {tuple(v.shape) for v in vae.trainable_variables}
    assert (VOCAB_SIZE, 4) in shapes  # The character embedding.
    assert (7, VOCAB_SIZE) in shapes  # The decoder's logits layer.
    count = len(vae.trainable_variables)
    vae.build(tf.zeros([1, 1], tf.int32))
    assert len(vae.trainable_variables) == count


def test_unknown_vae_type():
    with pytest.raises(ValueError, match="vae_type"):
        model.make_model(tiny("XYZ"), VOCAB_SIZE)


def saved_vocabulary(log_dir):
    return vocab.Vocabulary.load(os.path.join(log_dir, model.VOCAB_FILE))


def test_generate(trained_dir, corpora):
    texts = list(model.generate(
        trained_dir, samples=5,
        hparams="vae_type=SRNN,sequence_size=30,batch_size=2",
        train_corpus=corpora["train"], seed=3))
    assert len(texts) == 5
    assert all(len(text) == 30 for text in texts)
    known = set(saved_vocabulary(trained_dir).chars) | {vocab.REPLACEMENT_CHAR}
    assert set("".join(texts)) <= known


def test_generate_draws_lazily(trained_dir):
    texts = model.generate(trained_dir, samples=10**12,
                           hparams="batch_size=2", seed=0)
    first, second, third = next(texts), next(texts), next(texts)
    assert [len(first), len(second), len(third)] == [8, 8, 8]
    # The same batches, drawn at once.
    texts = model.generate(trained_dir, samples=4,
                           hparams="batch_size=2", seed=0)
    assert list(texts)[:3] == [first, second, third]


@pytest.mark.parametrize("samples", [0, -1])
def test_generate_needs_samples(samples, trained_dir):
    with pytest.raises(errors.InputError, match=f"samples must be >= 1, got "
                       f"{samples}"):
        model.generate(trained_dir, samples=samples)


def test_sampler_seeds_and_lengths(trained_dir):
    _, vocabulary, vae = model.load_trained(trained_dir, None)
    sampler = model.Sampler(vae, vocabulary)
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
        model.generate(trained_dir, samples=1,
                       hparams="rnn_hidden_sizes=[32]")


if __name__ == "__main__":
    testing.main(__file__)
