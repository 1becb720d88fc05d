"""Running a model over recorded sequences: contexts, variables, seeds.

Examples that train on recorded observations (text, piano rolls) give the
model no agent inputs, so every agent context follows from the
observations alone; these helpers do that once for every such example.
"""

from typing import Iterator

import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq.vae import VAEBase


def contexts(vae: VAEBase, observed: tf.Tensor) -> tf.Tensor:
    """The agent's contexts `[B, T, C]` for observations `[B, T, ...]`.

    The agent gets null inputs `[B, T, 0]`.
    """
    shape = tf.shape(observed)
    return agent_mod.contexts_for_static_observations(
        observed, vae.agent, agent_mod.null_inputs(shape[0], shape[1]))


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
