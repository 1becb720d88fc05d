"""Baseline: a PyTorch `nn.LSTM` character model with the text model's sizes.

Embedding -> encoder MLP -> `nn.LSTM` (stacked) -> decoder MLP -> logits,
cross-entropy, Adam with the gradient norm clipped like the vaeseq step.
It trains on CUDA when PyTorch sees a GPU (`nn.LSTM` then runs cuDNN's
kernels), else on the CPU with as many threads as the machine has cores.
"""

import os

from bench import devices
from bench import flops
from bench import timing
from vaeseq.examples.text import hparams as text_hparams

_ACTIVATIONS = {"relu": "ReLU", "elu": "ELU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                "softplus": "Softplus", "swish": "SiLU", "gelu": "GELU"}


def build(torch, hparams, vocab_size: int):
    """The model; ids `[B, T]` (int64) -> logits `[B, T, V]`."""
    nn = torch.nn
    activation = getattr(nn, _ACTIVATIONS[hparams.activation])

    class CharModel(nn.Module):
        """Embedding, encoder MLP, stacked LSTM, decoder MLP."""

        def __init__(self):
            super().__init__()
            encoder, size = [nn.Embedding(vocab_size, hparams.embed_size)], hparams.embed_size
            for out in hparams.obs_encoder_fc_layers:
                encoder += [nn.Linear(size, out), activation()]
                size = out
            self.encoder = nn.Sequential(*encoder)
            hidden = hparams.rnn_hidden_sizes
            if len(set(hidden)) != 1:
                raise ValueError(f"nn.LSTM stacks equal sizes only, got {hidden}")
            self.lstm = nn.LSTM(size, hidden[0], num_layers=len(hidden), batch_first=True)
            decoder, size = [], hidden[0]
            for out in hparams.obs_decoder_fc_hidden_layers:
                decoder += [nn.Linear(size, out), activation()]
                size = out
            self.decoder = nn.Sequential(*decoder, nn.Linear(size, vocab_size))

        def forward(self, ids):
            hidden, _ = self.lstm(self.encoder(ids))
            return self.decoder(hidden)

    return CharModel()


def measure(params: dict) -> dict:
    """Times training steps; params as `vaeseq_train.measure` (no variant).

    Returns {"skipped": reason} when PyTorch cannot be imported.
    """
    try:
        import torch  # pylint: disable=import-outside-toplevel
    except ImportError as err:
        return {"skipped": f"import torch failed: {err}"}
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    device, label = devices.torch_device(torch)
    hparams = text_hparams.make_hparams(params["hparams"])
    vocab_size = params["vocab_size"]
    model = build(torch, hparams, vocab_size).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=hparams.learning_rate)
    loss_fn = torch.nn.CrossEntropyLoss()
    shape = (hparams.batch_size, hparams.sequence_size)
    inputs = torch.randint(0, vocab_size, shape, device=device)
    targets = torch.randint(0, vocab_size, shape, device=device)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(inputs).reshape(-1, vocab_size), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), hparams.clip_gradient_norm)
        optimizer.step()
        return loss.item()  # waits for the device, as the TensorFlow steps do

    result = timing.time_steps(step, params["warmup"], params["reps"], params["min_steps"],
                               params["min_seconds"])
    result["observations"] = hparams.batch_size * hparams.sequence_size
    result["flops"] = flops.train_step(hparams, "RNN", vocab_size)
    result["torch_version"] = torch.__version__
    result["torch_threads"] = threads
    result["device"] = label
    if device.type == "cuda":
        result["cudnn_version"] = torch.backends.cudnn.version()
    return result
