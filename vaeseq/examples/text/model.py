"""The text model: a sequence VAE over character ids.

Each observation is one character id (int32, event shape `[]`). The agent's
context at step t is the encoding of character t - 1 (an embedding followed
by the `obs_encoder_fc_layers` MLP), and the decoder is a categorical over
the vocabulary.
"""

from typing import Iterator

import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import codec
from vaeseq import vae as vae_mod
from vaeseq.hparams import HParams


def make_model(hparams: HParams, vocab_size: int) -> vae_mod.VAEBase:
    """Builds the model named by `hparams.vae_type` over `vocab_size` ids.

    The model's variables are created on first use; call `build` to create
    them before restoring a checkpoint.

    Raises:
        ValueError: an unknown `vae_type`, activation or projection.
    """
    obs_encoder = codec.EmbedObsEncoder(
        hparams, vocab_size, hparams.embed_size, name="obs_encoder")
    agent = agent_mod.EncodeObsAgent(obs_encoder, name="agent")
    obs_decoder = codec.CategoricalDecoder(
        hparams, vocab_size, name="obs_decoder")
    return vae_mod.make(hparams, agent, obs_encoder, obs_decoder, name="vae")


def contexts(vae: vae_mod.VAEBase, observed: tf.Tensor) -> tf.Tensor:
    """The agent's contexts `[B, T, C]` for character ids `[B, T]`."""
    shape = tf.shape(observed)
    return agent_mod.contexts_for_static_observations(
        observed, vae.agent, agent_mod.null_inputs(shape[0], shape[1]))


def build(vae: vae_mod.VAEBase) -> None:
    """Creates every variable of `vae` by scoring one dummy character."""
    observed = tf.zeros([1, 1], tf.int32)
    vae.iw_log_prob(contexts(vae, observed), observed, num_samples=1)
    vae.gen_core.generate(agent_mod.null_inputs(1, 1))


def seed_stream(seed: int | None) -> Iterator[tf.Tensor]:
    """Endless stateless seeds (`[2]` int32) for the model's sampling methods.

    The same `seed` gives the same seeds; None gives fresh ones.
    """
    if seed is None:
        rng = tf.random.Generator.from_non_deterministic_state()
    else:
        rng = tf.random.Generator.from_seed(seed)
    while True:
        yield tf.cast(rng.make_seeds(1)[:, 0], tf.int32)
