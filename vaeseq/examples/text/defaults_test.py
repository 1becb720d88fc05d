"""The default optimisation learns: a short run's held-out ELBO improves.

The original VAE-Seq settings (the preset `vaeseq2017`: KL weight from
1e-5, learning rate 1e-4) made such runs worse; the defaults (a linear KL
warm-up from 0.5 to 1 over 1,000 steps, learning rate 1e-3) must not.
"""

from pydoc_data import topics

import pytest

from vaeseq import hparams as library_hparams
from vaeseq import testing
from vaeseq.examples.text import evaluate
from vaeseq.examples.text import train

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

# Small widths, every optimisation hyperparameter at its default.
SIZES = ("rnn_hidden_sizes=[32],sequence_size=16,batch_size=8,latent_size=4,"
         "embed_size=16,obs_encoder_fc_layers=[32],obs_decoder_fc_hidden_layers=[32],"
         "latent_decoder_fc_layers=[32]")
STEPS = 200


@pytest.fixture(name="corpora", scope="module")
def fixture_corpora(tmp_path_factory):
    text = "\n".join(topics.topics[key] for key in sorted(topics.topics))
    directory = tmp_path_factory.mktemp("corpora")
    (directory / "train.txt").write_text(text[:40_000], encoding="utf-8")
    (directory / "valid.txt").write_text(text[40_000:44_000], encoding="utf-8")
    return str(directory / "train.txt"), str(directory / "valid.txt")


def held_out_elbo(log_dir, valid):
    scores = evaluate.evaluate(log_dir, [valid], seed=3, progress_stream=open("/dev/null", "w"))
    return scores[valid]["elbo_per_step"]


def elbos(tmp_path, corpora, flag):
    """Held-out ELBO (nats/char) after 1 and after `STEPS` training steps."""
    train_corpus, valid = corpora
    log_dir = str(tmp_path / "run")
    got = []
    for steps in (1, STEPS):
        train.train(log_dir, train_corpus, train.Schedule(steps, valid_every=10**6), hparams=flag,
                    seed=1, progress_stream=open("/dev/null", "w"))
        got.append(held_out_elbo(log_dir, valid))
    return got


def test_a_short_run_with_the_defaults_improves(tmp_path, corpora):
    first, last = elbos(tmp_path / "defaults", corpora, SIZES)
    original_first, original_last = elbos(
        tmp_path / "original", corpora,
        library_hparams.with_preset("vaeseq2017", SIZES))
    assert last > first + 0.5, (first, last)
    # The original settings do not learn as much in as many steps.
    assert original_last < last - 0.5, (original_first, original_last, last)


if __name__ == "__main__":
    testing.main(__file__)
