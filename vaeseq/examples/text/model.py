"""The text model: a sequence VAE over character ids.

Each observation is one character id (int32, event shape `[]`). The agent's
context at step t is the encoding of character t - 1 (an embedding followed
by the `obs_encoder_fc_layers` MLP), and the decoder is a categorical over
the vocabulary.
"""

import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import codec
from vaeseq import vae as vae_mod
from vaeseq.hparams import HParams


def make_model(hparams: HParams, vocab_size: int) -> vae_mod.VAEBase:
    """The model named by `hparams.vae_type` over `vocab_size` ids, built.

    Its variables exist (`VAEBase.build` on one dummy character), so a
    checkpoint can be restored into it; under a `tf.distribute` strategy,
    call it in the strategy's scope.

    Raises:
        ValueError: an unknown `vae_type`, activation or projection.
    """
    obs_encoder = codec.EmbedObsEncoder(
        hparams, vocab_size, hparams.embed_size, name="obs_encoder")
    agent = agent_mod.EncodeObsAgent(obs_encoder, name="agent")
    obs_decoder = codec.CategoricalDecoder(
        hparams, vocab_size, name="obs_decoder")
    vae = vae_mod.make(hparams, agent, obs_encoder, obs_decoder, name="vae")
    vae.build(tf.zeros([1, 1], tf.int32))
    return vae
