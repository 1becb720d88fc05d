"""Modelling noisy multichannel sine waves: the README's usage example.

Each sequence has `channels` sine waves, each with its own frequency and
phase, plus Gaussian noise; think of them as a few related prices. The
example brings its own `Agent` and observation encoder, trains a model with
`TrainOps` and samples new sequences with the model's `GenCore`:

    python -m vaeseq.examples.sines.sines --vae_type SRNN --steps 300
"""

import argparse
from typing import Sequence

import numpy as np
import sonnet as snt
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import codec
from vaeseq import hparams as hparams_mod
from vaeseq import train as train_mod
from vaeseq import util
from vaeseq import vae as vae_mod

NOISE_SCALE = 0.1
HELDOUT_SEQUENCES = 256


def make_data(num_sequences: int, sequence_size: int, channels: int,
              seed: int) -> np.ndarray:
    """Noisy sine waves `[N, T, C]` float32, amplitude 1, 0.2-0.5 radians per step."""
    rng = np.random.default_rng(seed)
    frequency = rng.uniform(0.2, 0.5, size=[num_sequences, 1, channels])
    phase = rng.uniform(0, 2 * np.pi, size=[num_sequences, 1, channels])
    steps = np.arange(sequence_size)[None, :, None]
    noise = rng.normal(scale=NOISE_SCALE, size=[num_sequences, sequence_size, channels])
    return (np.sin(frequency * steps + phase) + noise).astype(np.float32)


def make_hparams(**overrides) -> hparams_mod.HParams:
    """The library's hyperparameters with this example's defaults and `channels`."""
    hparams = hparams_mod.make_hparams(
        obs_encoder_fc_layers=[32], obs_decoder_fc_hidden_layers=[32],
        latent_decoder_fc_layers=[32], rnn_hidden_sizes=[32], latent_size=4,
        batch_size=16, sequence_size=20, learning_rate=3e-3,
        # A KL weight near 1 within its runs of a few hundred steps.
        divergence_schedule="hyperbolic", divergence_strength_start=0.1,
        divergence_strength_half=20.0)
    hparams.add_hparam("channels", 3)
    return hparams.override_from_dict(overrides)


class ObsEncoder(snt.Module):
    """One observation `[N, C]` -> features `[N, D]`, an MLP of `obs_encoder_fc_layers`."""

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._mlp = snt.nets.MLP(hparams.obs_encoder_fc_layers, activation=tf.tanh,
                                 activate_final=True)

    @property
    def output_size(self) -> int:
        return self._mlp.output_size

    def __call__(self, observation: tf.Tensor) -> tf.Tensor:
        return self._mlp(observation)


class PreviousObservationAgent(agent_mod.Agent):
    """Remembers x_{t-1} (zeros at first) and offers its encoding as context c_t."""

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._channels = hparams.channels
        self._encoder = ObsEncoder(hparams, name="encoder")

    @property
    def context_size(self):
        return tf.TensorShape([self._encoder.output_size])

    @property
    def state_size(self):
        return tf.TensorShape([self._channels])

    def initial_state(self, batch_size):
        return tf.zeros([batch_size, self._channels])

    def observe(self, agent_input, observation, state):
        del agent_input, state  # The new state is just the latest observation.
        return observation

    def context(self, agent_input, state):
        del agent_input
        return self._encoder(state)

    def contexts_for_observations(self, agent_inputs, observations):
        """All contexts at once: encode x_{0..T-2}, with zeros standing for x_{-1}."""
        del agent_inputs
        previous = tf.pad(observations[:, :-1], [[0, 0], [1, 0], [0, 0]])  # [B, T, C]
        return util.apply_over_time(self._encoder, previous)


def build_model(hparams) -> vae_mod.VAEBase:
    """The model named by `hparams.vae_type` over `[B, T, channels]` sequences."""
    return vae_mod.make(hparams,
                        agent=PreviousObservationAgent(hparams, name="agent"),
                        obs_encoder=ObsEncoder(hparams, name="obs_encoder"),
                        obs_decoder=codec.NormalDecoder(hparams, [hparams.channels]))


def train(hparams, steps: int, seed: int, model: vae_mod.VAEBase | None = None
          ) -> tuple[vae_mod.VAEBase, train_mod.TrainOps, list[float]]:
    """Trains on `steps` fresh batches of sine waves.

    Args:
      hparams: from `make_hparams`.
      steps: how many optimisation steps to run.
      seed: seeds TensorFlow's global generator and the training data.
      model: the model to train; a new one from `build_model` by default.
    Returns:
      (model, train_ops, history): history holds each step's training ELBO
      per sequence.
    """
    tf.random.set_seed(seed)
    if model is None:
        model = build_model(hparams)
    train_ops = train_mod.TrainOps(hparams, model)
    batch_size = hparams.batch_size
    data = make_data(steps * batch_size, hparams.sequence_size, hparams.channels, seed)
    history = []
    for step in range(steps):
        batch = data[step * batch_size:(step + 1) * batch_size]
        # contexts=None: the agent computes them inside the step, so it trains too.
        result = train_ops(contexts=None, observed=batch)
        history.append(float(result["elbo"]))
    return model, train_ops, history


def heldout_elbo(model: vae_mod.VAEBase, data: np.ndarray) -> float:
    """The ELBO of `data` `[N, T, C]` per sequence, averaged over the sequences."""
    data = tf.convert_to_tensor(data)
    inputs = agent_mod.null_inputs(data.shape[0], data.shape[1])
    contexts = model.agent.contexts_for_observations(inputs, data)
    latents, divergences = model.infer_latents(contexts, data)
    log_probs = model.log_prob_observed(contexts, latents, data)
    return float(tf.reduce_mean(tf.reduce_sum(log_probs - divergences, axis=1)))


def sample(model: vae_mod.VAEBase, num_sequences: int, sequence_size: int) -> np.ndarray:
    """Draws sequences `[N, T, C]` from the model, each step seeing the last."""
    inputs = agent_mod.null_inputs(num_sequences, sequence_size)
    observations, _, _ = model.gen_core.generate(inputs)
    return observations.numpy()


def lag1_autocorrelation(samples: np.ndarray) -> float:
    """Correlation of x_t with x_{t+1} in `[B, T, C]`, pooled over sequences and channels.

    Each (sequence, channel) series is centred on its own mean first; white
    noise scores about 0 and a slow sine wave close to 1.
    """
    centred = samples - samples.mean(axis=1, keepdims=True)
    products = np.sum(centred[:, 1:] * centred[:, :-1])
    return float(products / np.sum(centred * centred))


def main(argv: Sequence[str] | None = None) -> None:
    """Trains one model and reports held-out ELBO and sample autocorrelation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vae_type", default="SRNN", choices=sorted(vae_mod.VAE_TYPES))
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    hparams = make_hparams(vae_type=args.vae_type)
    heldout = make_data(HELDOUT_SEQUENCES, hparams.sequence_size, hparams.channels,
                        seed=args.seed + 1)  # Not the training data's seed.
    tf.random.set_seed(args.seed)
    model = build_model(hparams)
    before = heldout_elbo(model, heldout)
    model, _, _ = train(hparams, args.steps, args.seed, model=model)
    after = heldout_elbo(model, heldout)
    print(f"{args.vae_type}: held-out ELBO per sequence {before:.2f} -> {after:.2f} "
          f"after {args.steps} steps")
    samples = sample(model, HELDOUT_SEQUENCES, hparams.sequence_size)
    print(f"lag-1 autocorrelation: samples {lag1_autocorrelation(samples):.3f}, "
          f"data {lag1_autocorrelation(heldout):.3f}")


if __name__ == "__main__":
    main()
