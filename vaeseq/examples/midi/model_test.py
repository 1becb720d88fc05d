"""Tests for model.py: the three models over piano-roll steps, and the files
`generate` writes, read back."""

import os
import wave

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import codec
from vaeseq import testing
from vaeseq.examples.common import errors
from vaeseq.examples.common import sampler
from vaeseq.examples.common import scoring
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import render

TINY = dict(rnn_hidden_sizes=[6], latent_size=3, obs_encoder_fc_layers=[5],
            obs_decoder_fc_hidden_layers=[7], latent_decoder_fc_layers=[4])
STEPS = 12


@pytest.mark.parametrize("vae_type", ["RNN", "ISEQ", "SRNN"])
def test_bernoulli_model(vae_type):
    vae = model.make_model(hparams_mod.make_hparams(vae_type=vae_type, **TINY))
    assert vae.trainable_variables
    observed = tf.constant(
        np.random.default_rng(0).random([2, 3, 88]) < 0.2, tf.float32)
    contexts = scoring.recorded_contexts(vae, observed)
    latents, divergences = vae.infer_latents(contexts, observed)
    log_probs = vae.log_prob_observed(contexts, latents, observed)
    assert log_probs.shape == divergences.shape == (2, 3)
    assert np.all(log_probs.numpy() < 0)
    assert isinstance(vae.obs_decoder, codec.BernoulliDecoder)
    assert vae.obs_decoder.event_size == [88]
    samples, _, _ = vae.gen_core.generate(tf.zeros([2, 4, 0]))
    assert samples.shape == (2, 4, 88)
    assert set(np.unique(samples.numpy())) <= {0.0, 1.0}


def test_unknown_vae_type():
    with pytest.raises(ValueError, match="vae_type"):
        model.make_model(hparams_mod.make_hparams(vae_type="HMM", **TINY))


@pytest.fixture(name="generated", scope="module")
def fixture_generated(trained_dir, tmp_path_factory):
    """(paths written, output directory) of 3 samples of `STEPS` steps."""
    out_dir = str(tmp_path_factory.mktemp("samples") / "out")
    paths = model.generate(
        trained_dir, out_dir, samples=3, seed=7,
        hparams=f"sequence_size={STEPS},batch_size=2,rate=8")
    return paths, out_dir


def test_generate_writes_midi_audio_and_image(generated):
    paths, out_dir = generated
    names = [f"sample_{i:03d}{suffix}" for i in range(3)
             for suffix in model.SUFFIXES]
    assert paths == [os.path.join(out_dir, name) for name in names]
    assert sorted(os.listdir(out_dir)) == sorted(names)


def test_files_hold_the_samples(generated, trained_dir):
    paths, _ = generated
    hparams, vae = model.load_trained(trained_dir, "batch_size=2")
    rolls = sampler.Sampler(vae).sample(3, STEPS, 2, seed=7)
    for index, roll in enumerate(rolls):
        mid, wav, png = paths[3 * index:3 * index + 3]
        assert roll.any(), "an all-silent sample would read back empty"
        np.testing.assert_array_equal(pianoroll.from_midi_file(mid, 8.0), roll)
        with open(png, "rb") as f:
            assert f.read() == render.png_bytes(
                roll, 8.0, f"sample_{index:03d}")
        with wave.open(wav, "rb") as audio:
            assert (audio.getnchannels(), audio.getsampwidth(),
                    audio.getframerate()) == (1, 2, render.AUDIO_RATE)
            # (STEPS + 1/2) / rate seconds of notes and pretty_midi's 1 s tail.
            assert audio.getnframes() == pytest.approx(
                render.AUDIO_RATE * ((STEPS + 0.5) / 8 + 1), abs=2)
    assert hparams.rate == 32.0  # Only the override changed it.


@pytest.mark.parametrize("out_dir, samples, message", [
    ("", 1, "needs --out_dir"),
    ("file", 1, "is not a directory"),
    ("out", -1, "samples >= 0"),
])
def test_generate_bad_arguments(out_dir, samples, message, trained_dir,
                                tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(errors.InputError, match=message):
        model.generate(trained_dir, out_dir and str(tmp_path / out_dir),
                       samples=samples)
    assert not (tmp_path / "out").exists()


if __name__ == "__main__":
    testing.main(__file__)
