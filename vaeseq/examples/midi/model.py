"""The MIDI model: a sequence VAE over piano-roll steps.

Each observation is one step of a piano roll, a float32 vector of the 88
keys holding 0 or 1 (event shape `[88]`). The agent's context at step t is
the encoding of step t - 1 (the `obs_encoder_fc_layers` MLP), and the
decoder is an independent Bernoulli per key (`codec.BernoulliDecoder`, a
`tfd.Independent`), so log p(x_t) is the sum over the keys.
"""

import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import codec
from vaeseq import vae as vae_mod
from vaeseq.examples.midi import pianoroll
from vaeseq.hparams import HParams


def make_model(hparams: HParams) -> vae_mod.VAEBase:
    """The model named by `hparams.vae_type` over piano-roll steps, built.

    Its variables exist (`VAEBase.build` on one silent step), so a
    checkpoint can be restored into it; under a `tf.distribute` strategy,
    call it in the strategy's scope.

    Raises:
        ValueError: an unknown `vae_type`, activation or projection, or no
            `obs_encoder_fc_layers`.
    """
    obs_encoder = codec.MLPObsEncoder(hparams, name="obs_encoder")
    agent = agent_mod.EncodeObsAgent(obs_encoder, name="agent")
    obs_decoder = codec.BernoulliDecoder(
        hparams, [pianoroll.NUM_KEYS], name="obs_decoder")
    vae = vae_mod.make(hparams, agent, obs_encoder, obs_decoder, name="vae")
    vae.build(tf.zeros([1, 1, pianoroll.NUM_KEYS]))
    return vae
