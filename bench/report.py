"""Derived figures of a run: throughputs, FLOP fractions, ratios and targets.

Every measurement that ran gets `throughput` and `unit`: observations/s
for training (batch x sequence x steps / s, from the median step time),
characters/s for generation and evaluation, FLOP/s for the matmul peak.
"""

from bench import devices

# The project's speed targets (docs/performance.md):
# (what, numerator measurement, denominator measurement, threshold on the ratio)
TARGETS = (
    ("vaeseq RNN training >= 1.0x PyTorch nn.LSTM (default sizes)",
     "train/vaeseq-RNN/default", "train/torch-LSTM/default", 1.0),
    ("vaeseq RNN training >= 2.0x tf_keras LSTM (Keras 2, default sizes)",
     "train/vaeseq-RNN/default", "train/tf_keras-LSTM/default", 2.0),
    ("vaeseq RNN training >= 2.0x tf_keras LSTM without oneDNN (TensorFlow's default here)",
     "train/vaeseq-RNN/default", "train/tf_keras-LSTM-eigen/default", 2.0),
    ("vaeseq RNN training >= 2.0x keras 3 LSTM (= tf.keras in TF 2.21, default sizes)",
     "train/vaeseq-RNN/default", "train/keras3-LSTM/default", 2.0),
    ("vaeseq SRNN training >= 0.6x vaeseq RNN (default sizes)",
     "train/vaeseq-SRNN/default", "train/vaeseq-RNN/default", 0.6),
    # With --ablations: the same targets for the step compiled with XLA.
    ("with jit_compile: vaeseq RNN training >= 1.0x PyTorch nn.LSTM",
     "ablation/vaeseq-RNN-xla/default", "train/torch-LSTM/default", 1.0),
    ("with jit_compile: vaeseq RNN training >= 2.0x tf_keras LSTM",
     "ablation/vaeseq-RNN-xla/default", "train/tf_keras-LSTM/default", 2.0),
    ("with jit_compile: vaeseq SRNN training >= 0.6x vaeseq RNN",
     "ablation/vaeseq-SRNN-xla/default", "ablation/vaeseq-RNN-xla/default", 0.6),
)
GENERATION_TARGET = 5000.0
TRAIN_BASELINES = ("torch-LSTM", "tf_keras-LSTM", "tf_keras-LSTM-eigen", "keras3-LSTM")


def ran(measurement: dict | None) -> bool:
    """Whether a measurement produced figures (it was neither skipped nor failed)."""
    return bool(measurement) and "skipped" not in measurement and "error" not in measurement


def derive(measurements: dict) -> float | None:
    """Adds throughput, unit and (training) flops_per_s and fraction_of_peak in place.

    fraction_of_peak is set only where the measurement ran on the device
    the peak was measured on.

    Returns:
        The measured matmul peak in FLOP/s, or None if it did not run.
    """
    peak = measurements.get("peak/matmul")
    peak_flops = peak["best_flops_per_s"] if ran(peak) else None
    for m in measurements.values():
        if not ran(m):
            continue
        section = m["section"]
        if section == "peak":
            m.update(throughput=m["best_flops_per_s"], unit="FLOP/s")
        elif section in ("train", "ablation"):
            m.update(throughput=m["observations"] / m["step_s"], unit="obs/s",
                     flops_per_s=m["flops"] / m["step_s"])
            if peak_flops and devices.of(m) == devices.of(peak):
                m["fraction_of_peak"] = m["flops_per_s"] / peak_flops
        else:
            m.update(throughput=m["characters"] / m["step_s"], unit="chars/s")
    return peak_flops


def ratio(measurements: dict, numerator: str, denominator: str) -> float | None:
    """Throughput of one measurement over another's.

    None if either did not run, or if they ran on different devices (a
    PyTorch baseline on a GPU that TensorFlow does not see, say).
    """
    top, bottom = measurements.get(numerator), measurements.get(denominator)
    if not (ran(top) and ran(bottom)) or devices.of(top) != devices.of(bottom):
        return None
    return top["throughput"] / bottom["throughput"]


def training_ratios(measurements: dict, config_names) -> dict:
    """For each config: every vaeseq model over each baseline and over vaeseq RNN."""
    ratios = {}
    for config in config_names:
        table = {}
        for name, m in measurements.items():
            what = name.split("/")[1]
            if m["section"] != "train" or m["config"] != config or not what.startswith("vaeseq"):
                continue
            for other in TRAIN_BASELINES + ("vaeseq-RNN",):
                if other != what:
                    table[f"{what}/{other}"] = ratio(
                        measurements, name, f"train/{other}/{config}")
        ratios[config] = table
    return ratios


def targets(measurements: dict) -> list[dict]:
    """`TARGETS` and the generation target: measured values, and whether each is met."""
    rows = []
    for what, numerator, denominator, threshold in TARGETS:
        value = ratio(measurements, numerator, denominator)
        rows.append(dict(target=what, value=value, threshold=threshold,
                         met=None if value is None else value >= threshold))
    generation = [m for m in measurements.values() if m["section"] == "generate"]
    value = generation[0]["throughput"] if generation and ran(generation[0]) else None
    rows.append(dict(target=f"generation >= {GENERATION_TARGET:,.0f} chars/s (default model)",
                     value=value, threshold=GENERATION_TARGET,
                     met=None if value is None else value >= GENERATION_TARGET))
    return rows
