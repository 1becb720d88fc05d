"""The README's library example, whole: noisy sine waves with your own Agent.

Run it with `python -m vaeseq.examples.quickstart.quickstart`; its test
runs it as it stands, and checks that README.md shows exactly this file.
"""

import numpy as np
import sonnet as snt
import tensorflow as tf

from vaeseq import agent, codec, hparams, train, vae

CHANNELS = 3  # Observations are [B, T, CHANNELS] float32: three noisy sines.
FEATURES = 32  # The encoders' output width.


def make_data(num: int, steps: int, seed: int) -> np.ndarray:
    """`num` sequences `[num, steps, CHANNELS]` of sines with random frequencies."""
    rng = np.random.default_rng(seed)
    time = np.arange(steps)[None, :, None]
    frequency = rng.uniform(0.2, 0.6, (num, 1, CHANNELS))
    phase = rng.uniform(0, 2 * np.pi, (num, 1, CHANNELS))
    noise = 0.1 * rng.standard_normal((num, steps, CHANNELS))
    return (np.sin(frequency * time + phase) + noise).astype(np.float32)


class Encoder(snt.Module):
    """One observation `[N, CHANNELS]` -> features `[N, FEATURES]`."""

    output_size = FEATURES

    def __init__(self, name=None):
        super().__init__(name=name)
        self._mlp = snt.nets.MLP([FEATURES], activation=tf.tanh, activate_final=True)

    def __call__(self, observation):
        return self._mlp(observation)


class PreviousObservation(agent.Agent):
    """State: x_{t-1} `[B, CHANNELS]` (zeros at first); context c_t: its encoding."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self._encoder = Encoder(name="encoder")

    @property
    def context_size(self):
        return tf.TensorShape([FEATURES])

    @property
    def state_size(self):
        return tf.TensorShape([CHANNELS])

    def initial_state(self, batch_size):
        return tf.zeros([batch_size, CHANNELS])

    def observe(self, agent_input, observation, state):
        return observation

    def context(self, agent_input, state):
        return self._encoder(state)


def heldout_elbo(model, data):
    """The ELBO of `data` `[N, T, CHANNELS]` in nats per sequence, averaged."""
    contexts = model.agent.contexts_for_observations(
        agent.null_inputs(data.shape[0], data.shape[1]), data)    # [N, T, FEATURES]
    latents, divergences = model.infer_latents(contexts, data)    # [N, T, H + Z], [N, T]
    log_probs = model.log_prob_observed(contexts, latents, data)  # [N, T]
    return float(tf.reduce_mean(tf.reduce_sum(log_probs - divergences, axis=1)))


def main(steps=300, batch_size=16, vae_type="SRNN"):
    """Trains a model for `steps` steps; returns its held-out ELBO before and after."""
    tf.random.set_seed(0)
    params = hparams.make_hparams(
        vae_type=vae_type, rnn_hidden_sizes=[32], latent_size=4, sequence_size=20,
        obs_decoder_fc_hidden_layers=[32], latent_decoder_fc_layers=[32])
    model = vae.make(params, agent=PreviousObservation(name="agent"),
                     obs_encoder=Encoder(name="obs_encoder"),
                     obs_decoder=codec.NormalDecoder(params, [CHANNELS]))
    train_ops = train.TrainOps(params, model)
    data = make_data(steps * batch_size, params.sequence_size, seed=0)
    heldout = make_data(256, params.sequence_size, seed=1)
    before = heldout_elbo(model, heldout)
    for step in range(steps):
        # contexts=None: the agent computes them inside the step, so it trains too.
        train_ops(contexts=None, observed=data[step * batch_size:(step + 1) * batch_size])
    after = heldout_elbo(model, heldout)
    print(f"held-out ELBO per sequence: {before:.1f} before training, {after:.1f} after")
    samples, _, _ = model.gen_core.generate(agent.null_inputs(4, params.sequence_size))
    print("a sampled sequence's first channel:", np.round(samples[0, :, 0].numpy(), 2))
    return before, after


if __name__ == "__main__":
    main()
