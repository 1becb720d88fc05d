"""The default optimisation learns music too: a short run's held-out ELBO improves.

As for text (`text/defaults_test.py`): 200 steps with the library's
defaults (a linear KL warm-up from 0.5 to 1 over 1,000 steps, learning
rate 1e-3) must improve the validation ELBO, and by more than the original
VAE-Seq settings (the preset `vaeseq2017`) do.
"""

import io

import pytest

from vaeseq import hparams as library_hparams
from vaeseq import testing
from vaeseq.examples.midi import evaluate
from vaeseq.examples.midi import testdata
from vaeseq.examples.midi import train

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

# Small widths, every optimisation hyperparameter at its default.
SIZES = ("vae_type=SRNN,rnn_hidden_sizes=[32],latent_size=4,sequence_size=16,batch_size=8,"
         "obs_encoder_fc_layers=[32],obs_decoder_fc_hidden_layers=[32],"
         "latent_decoder_fc_layers=[32],log_prob_samples=2")
STEPS = 200


def elbos(log_dir, pieces, flag):
    """Validation ELBO (nats per step) after 1 and after `STEPS` training steps."""
    got = []
    for steps in (1, STEPS):
        train.train(log_dir, pieces, train.Schedule(steps, valid_every=10**6),
                    hparams=flag, seed=1, progress_stream=io.StringIO())
        scores = evaluate.evaluate(log_dir, pieces, split="valid", seed=3,
                                   progress_stream=io.StringIO())
        got.append(next(iter(scores.values()))["elbo_per_step"])
    return got


def test_a_short_run_with_the_defaults_improves(tmp_path):
    pieces = testdata.chorale_json(tmp_path / "pieces.json")
    first, last = elbos(str(tmp_path / "defaults"), pieces, SIZES)
    _, original_last = elbos(str(tmp_path / "original"), pieces,
                             library_hparams.with_preset("vaeseq2017", SIZES))
    print(f"defaults: {first:.2f} -> {last:.2f}; vaeseq2017 after {STEPS}: {original_last:.2f}")
    assert last > first + 20, (first, last)  # Measured: -61.3 to -9.2.
    assert original_last < last - 20, (original_last, last)  # Measured: -52.3.


if __name__ == "__main__":
    testing.main(__file__)
