"""Analytic FLOP counts of one training step of the text models.

Only matmuls are counted (2 FLOPs per multiply-add); the embedding lookup,
gate nonlinearities, sampling and the optimizer update are left out. The
backward pass is taken as twice the forward pass, so a training step costs
about 3x the forward matmuls. The counts follow the code of `vaeseq.vae`
(for instance ISEQ and SRNN encode the observations twice: once for the
contexts and once for the posterior).
"""

from typing import Sequence

TRAIN_FORWARD_MULTIPLIER = 3


def mlp(in_size: int, layers: Sequence[int]) -> tuple[int, int]:
    """(FLOPs per row, output size) of linear layers `layers` on `in_size` inputs."""
    flops = 0
    for size in layers:
        flops += 2 * in_size * size
        in_size = size
    return flops, in_size


def lstm_stack(in_size: int, hidden_sizes: Sequence[int]) -> tuple[int, int]:
    """(FLOPs per row and step, output size) of stacked LSTM layers."""
    flops = 0
    for size in hidden_sizes:
        flops += 2 * (in_size + size) * 4 * size  # input and recurrent gate matmuls
        in_size = size
    return flops, in_size


def forward_per_observation(hparams, vae_type: str, vocab_size: int) -> int:
    """Forward-pass matmul FLOPs per observation (one character of one sequence).

    `vae_type` is "RNN" (also the plain LSTM baselines), "ISEQ" or "SRNN".
    """
    hidden = hparams.rnn_hidden_sizes
    latent = hparams.latent_size
    encoder, context = mlp(hparams.embed_size, hparams.obs_encoder_fc_layers)
    decoder_layers = list(hparams.obs_decoder_fc_hidden_layers) + [vocab_size]
    latent_layers = list(hparams.latent_decoder_fc_layers) + [2 * latent]
    if vae_type == "RNN":
        rnn, top = lstm_stack(context, hidden)
        return encoder + rnn + mlp(top, decoder_layers)[0]
    if vae_type == "ISEQ":
        fwd, top = lstm_stack(2 * context, hidden)
        bwd, _ = lstm_stack(top, hidden)
        emission, _ = lstm_stack(context + latent, hidden)
        return (2 * encoder + fwd + bwd + mlp(top, latent_layers)[0] + emission
                + mlp(top, decoder_layers)[0])
    if vae_type == "SRNN":
        d_chain, top = lstm_stack(context, hidden)
        backward, _ = lstm_stack(2 * context, hidden)
        prior_and_posterior = 2 * mlp(top + latent, latent_layers)[0]
        return (2 * encoder + d_chain + backward + prior_and_posterior
                + mlp(top + latent, decoder_layers)[0])
    raise ValueError(f"unknown vae_type {vae_type!r}")


def train_step(hparams, vae_type: str, vocab_size: int) -> int:
    """Approximate FLOPs of one training step on a `[batch_size, sequence_size]` batch."""
    observations = hparams.batch_size * hparams.sequence_size
    return (TRAIN_FORWARD_MULTIPLIER * observations
            * forward_per_observation(hparams, vae_type, vocab_size))
