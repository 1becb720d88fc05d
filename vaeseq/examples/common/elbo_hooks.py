"""Training hooks for `TrainOps`: mean scalar summaries and nats per step.

`ElboHooks.after_step` sums the scalars `TrainOps` returns and, when
summaries are due, writes their means (`log_prob`, `divergence`, `elbo`,
`divergence_strength`, `grad_norm`) and the training loss per step
(`train/nats_per_<unit>`, and `train/bits_per_<unit>` with `in_bits`). The
progress bar shows that loss smoothed over recent steps. Examples subclass
it and add `periodic` (validation, samples).
"""

import math
from typing import Any, Mapping

from vaeseq.examples.common import summaries
from vaeseq.examples.common import training

LOGGED = ("log_prob", "divergence", "elbo", "divergence_strength",
          "grad_norm")
# Weight of the past in the running training loss that is shown.
_SMOOTHING = 0.9


class ElboHooks(training.TrainHooks):
    """Summaries of a run of `TrainOps` steps.

    Args:
        sequence_size: T, the steps per training sequence (the ELBO of a
            sequence divided by T is the loss per step).
        unit: what one step is, for the summary names (`"char"`, `"step"`).
        in_bits: also write the loss in bits, and show it in bits (as
            `train_bits`) rather than nats (`train_nats`).
    """

    def __init__(self, sequence_size: int, unit: str = "step",
                 in_bits: bool = False):
        self._sequence_size = sequence_size
        self._unit = unit
        self._in_bits = in_bits
        self._sums = dict.fromkeys(LOGGED, 0.0)
        self._count = 0
        self._shown = None

    def after_step(self, step: int, results: Mapping[str, Any],
                   log_due: bool) -> Mapping[str, float]:
        del step
        for name in LOGGED:
            self._sums[name] += float(results[name])
        self._count += 1
        if log_due:
            means = {name: total / self._count
                     for name, total in self._sums.items()}
            for name, value in means.items():
                summaries.scalar(name, value)
            nats = -means["elbo"] / self._sequence_size
            summaries.scalar(f"train/nats_per_{self._unit}", nats)
            if self._in_bits:
                summaries.scalar(f"train/bits_per_{self._unit}",
                                 nats / math.log(2))
            self._sums, self._count = dict.fromkeys(LOGGED, 0.0), 0
        loss = -float(results["elbo"]) / self._sequence_size
        if self._in_bits:
            loss /= math.log(2)
        if self._shown is not None:
            loss = _SMOOTHING * self._shown + (1 - _SMOOTHING) * loss
        self._shown = loss
        return {"train_bits" if self._in_bits else "train_nats": loss}
