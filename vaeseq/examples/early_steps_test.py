"""The first steps of training are numerically safe in every example, at any size.

A probe once saw the MIDI example log a divergence of 1.6e13 and a
gradient norm of 1.4e13 at step 10 (an SRNN of 64 units). Here the text
and MIDI examples train an SRNN for `STEPS` steps at small and at default
sizes, logging every step, and the logged KL per time step and gradient
norm must stay finite and bounded.
"""

import json
import os

import numpy as np
import pytest
from pydoc_data import topics

from vaeseq import testing
from vaeseq.examples.common import summaries
from vaeseq.examples.midi import testdata
from vaeseq.examples.midi import train as midi_train
from vaeseq.examples.text import train as text_train

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).

STEPS = 30
# Bounds with a wide margin over the largest values measured (printed by
# the test: KL 1.3 / 1.1 nats per step for text, 14.6 / 3.0 for MIDI, small
# / default; gradient norm, before clipping, 98 / 181 and 7.1e3 / 1.7e3).
MAX_KL_PER_STEP = 100.0
MAX_GRAD_NORM = 1e5
SIZES = {
    "text": {"small": "rnn_hidden_sizes=[64],sequence_size=40", "default": ""},
    "midi": {"small": "rnn_hidden_sizes=[64]", "default": ""},
}


def text_corpus(directory) -> str:
    path = os.path.join(directory, "corpus.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(topics.topics[key] for key in sorted(topics.topics))[:60_000])
    return path


@pytest.mark.parametrize("size", ["small", "default"])
@pytest.mark.parametrize("example", ["text", "midi"])
def test_the_first_steps_stay_bounded(example, size, tmp_path):
    log_dir = str(tmp_path / "run")
    flag = ",".join(part for part in ("vae_type=SRNN", SIZES[example][size]) if part)
    devnull = open(os.devnull, "w", encoding="utf-8")
    if example == "text":
        schedule = text_train.Schedule(STEPS, log_every=1, valid_every=10**6,
                                       save_every=10**6)
        text_train.train(log_dir, text_corpus(tmp_path), schedule, hparams=flag, seed=1,
                         progress_stream=devnull)
    else:
        schedule = midi_train.Schedule(STEPS, log_every=1, valid_every=10**6,
                                       save_every=10**6)
        midi_train.train(log_dir, testdata.chorale_json(tmp_path / "pieces.json"),
                         schedule, hparams=flag, seed=1, progress_stream=devnull)
    with open(os.path.join(log_dir, "hparams.json"), encoding="utf-8") as f:
        sequence_size = json.load(f)["sequence_size"]
    scalars = summaries.read_scalars(log_dir, ["divergence", "grad_norm"])
    kl_per_step = scalars["divergence"].values / sequence_size
    grad_norm = scalars["grad_norm"].values
    print(f"{example} {size}: KL per step max {kl_per_step.max():.3g}, "
          f"grad norm max {grad_norm.max():.3g}")
    assert list(scalars["divergence"].steps) == list(range(1, STEPS + 1))
    assert np.all(np.isfinite(kl_per_step)) and np.all(np.isfinite(grad_norm))
    assert kl_per_step.max() < MAX_KL_PER_STEP
    assert grad_norm.max() < MAX_GRAD_NORM


if __name__ == "__main__":
    testing.main(__file__)
