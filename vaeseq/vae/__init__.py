"""The sequence models and a registry to pick one by `hparams.vae_type`."""

from vaeseq.vae.base import (CarriedState, ElboTerms, EvalCore, GenCore, ModelState,
                             PosteriorSample, VAEBase)
from vaeseq.vae.independent_sequence import IndependentSequence, IndependentVAE
from vaeseq.vae.rnn import RNN
from vaeseq.vae.srnn import SRNN

VAE_TYPES = {
    "RNN": RNN,
    "ISEQ": IndependentSequence,
    "SRNN": SRNN,
}


def make(hparams, agent, obs_encoder, obs_decoder, name: str | None = None) -> VAEBase:
    """Builds the model named by `hparams.vae_type` (one of `VAE_TYPES`)."""
    if hparams.vae_type not in VAE_TYPES:
        raise ValueError(f"unknown vae_type {hparams.vae_type!r}; "
                         f"valid: {', '.join(sorted(VAE_TYPES))}")
    return VAE_TYPES[hparams.vae_type](hparams, agent, obs_encoder, obs_decoder, name=name)


__all__ = ["VAE_TYPES", "make", "VAEBase", "GenCore", "EvalCore", "PosteriorSample",
           "CarriedState", "ElboTerms", "ModelState",
           "RNN", "IndependentSequence", "IndependentVAE", "SRNN"]
