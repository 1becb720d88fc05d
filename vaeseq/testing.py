"""Test entry point shared by pytest and `bazel test`.

Every `*_test.py` ends with::

      if __name__ == "__main__":
          testing.main(__file__)

so that Bazel's `py_test` (which runs the file as a script) executes the same
pytest tests that `make test` collects.
"""

import sys

import pytest


def main(test_file: str) -> None:
    """Runs the pytest tests in `test_file` and exits with pytest's status."""
    sys.exit(pytest.main([test_file, "-q", "-p", "no:cacheprovider"]))


# Tiny, pairwise distinct sizes so that a swapped axis fails a shape check.
BATCH, STEPS, OBS, LATENT = 2, 3, 4, 5


def tiny_hparams(vae_type: str = "SRNN", **overrides):
    """Hyperparameters with tiny, distinct layer sizes for fast tests."""
    from vaeseq import hparams as hparams_mod  # pylint: disable=import-outside-toplevel
    values = dict(vae_type=vae_type, latent_size=LATENT, rnn_hidden_sizes=[6, 7],
                  obs_encoder_fc_layers=[8], obs_decoder_fc_hidden_layers=[9],
                  latent_decoder_fc_layers=[10], batch_size=BATCH, sequence_size=STEPS)
    values.update(overrides)
    return hparams_mod.make_hparams(**values)


def tiny_model(vae_type: str = "SRNN", **overrides):
    """A model over real vectors `[B, T, OBS]` with an `EncodeObsAgent`."""
    from vaeseq import agent, codec, vae  # pylint: disable=import-outside-toplevel
    hparams = tiny_hparams(vae_type, **overrides)
    encoder = codec.MLPObsEncoder(hparams, name="encoder")
    decoder = codec.NormalDecoder(hparams, [OBS], name="decoder")
    return hparams, vae.make(hparams, agent.EncodeObsAgent(encoder), encoder, decoder)
