"""Formats a run's results (the JSON document of `bench.run`) as Markdown tables."""

from bench import devices
from bench import report


def _num(value, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def _ratio(value) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _loads(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _on(m: dict | None) -> str:
    return f", on {devices.of(m)}" if report.ran(m) else ""


def status(m: dict) -> str | None:
    """One line for a measurement that was skipped or failed; None if it ran."""
    if "skipped" in m:
        return "skipped: " + m["skipped"]
    if "error" in m:
        return "error: " + m["error"].strip().splitlines()[-1] if m["error"].strip() else "error"
    return None


def _rows(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def training(run: dict) -> list[str]:
    """Training and ablation rows, with ratios to the baselines of the same config."""
    header = ["measurement", "sizes", "device", "obs/s", "step s", "first step s", "GFLOP/s",
              "of peak", "cores busy", "peak RSS MiB"] + [
                  f"x {b}" for b in report.TRAIN_BASELINES]
    rows = []
    measurements = run["measurements"]
    for name, m in measurements.items():
        if m["section"] not in ("train", "ablation"):
            continue
        what, config = name.split("/")[1], m["config"]
        label = run["configs"][config]["label"]
        failed = status(m)
        if failed:
            rows.append([what, label, failed] + [""] * (len(header) - 3))
            continue
        fraction = m.get("fraction_of_peak")
        rows.append([
            what, label, devices.of(m), _num(m["throughput"]), _num(m["step_s"], 3),
            _num(m["first_s"], 1),
            _num(m["flops_per_s"] / 1e9, 1),
            "n/a" if fraction is None else f"{100 * fraction:.0f}%",
            _num(m["cores_busy"], 2), _num(m["peak_rss_mib"])] + [
                _ratio(report.ratio(measurements, name, f"train/{b}/{config}"))
                for b in report.TRAIN_BASELINES])
    return _rows(header, rows)


def inference(run: dict) -> list[str]:
    """Generation and evaluation rows."""
    header = ["measurement", "device", "chars/s", "chars per call", "call s", "first call s",
              "cores busy", "peak RSS MiB"]
    rows = []
    for name, m in run["measurements"].items():
        if m["section"] not in ("generate", "evaluate"):
            continue
        failed = status(m)
        if failed:
            rows.append([name, failed] + [""] * (len(header) - 2))
            continue
        rows.append([name, devices.of(m), _num(m["throughput"]), _num(m["characters"]),
                     _num(m["step_s"], 2), _num(m["first_s"], 1), _num(m["cores_busy"], 2),
                     _num(m["peak_rss_mib"])])
    return _rows(header, rows)


def targets(run: dict) -> list[str]:
    """One row per target: the measured value and whether it is met."""
    rows = []
    for t in run["targets"]:
        value = t["value"]
        shown = "n/a" if value is None else (
            f"{value:.2f}x" if t["threshold"] < 100 else f"{value:,.0f}")
        met = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        rows.append([t["target"], shown, met])
    return _rows(["target", "measured", "status"], rows)


def _job_environments(measurements: dict) -> dict:
    """Measurement name -> the settings its worker ran with beyond the common ones."""
    return {name: m["params"]["environment"] for name, m in measurements.items()
            if m.get("params", {}).get("environment")}


def format_run(run: dict) -> str:
    """The whole report: machine, load, peak, then the three tables."""
    machine = run["machine"]
    peak = run["matmul_peak_flops_per_s"]
    lines = [
        f"Machine: {machine['cpu_model']}, {machine['cpu_count']} cores"
        + "".join(f", {gpu}" for gpu in machine.get("gpus", [])) + "; "
        f"TensorFlow {machine['versions'].get('tensorflow')}, "
        f"PyTorch {machine['versions'].get('torch')}; workers run with "
        + ", ".join(f"{k}={v}" for k, v in machine["env"].items())
        + "".join(f"; {name} with " + ", ".join(f"{k}={v}" for k, v in env.items())
                  for name, env in _job_environments(run["measurements"]).items()) + ".",
        f"Load average (1, 5, 15 min) at start {_loads(run['loadavg_start'])}, "
        f"at end {_loads(run['loadavg_end'])}.",
        f"Measured matmul peak (float32 tf.matmul, best repetition"
        f"{_on(run['measurements'].get('peak/matmul'))}): "
        f"{_num(None if peak is None else peak / 1e9, 1)} GFLOP/s. "
        f"Peak RSS of any measurement: {_num(run['peak_rss_mib'])} MiB.",
        "", f"Training: median of {run['counts']['reps']} repetitions x {run['rounds']} "
        "round(s); observations = batch x sequence x steps; FLOP/s counted analytically; "
        "x baseline = obs/s over the baseline's at the same sizes, on the same device:", ""]
    lines += training(run)
    lines += ["", "Generation and evaluation:", ""] + inference(run)
    lines += ["", "Targets:", ""] + targets(run)
    return "\n".join(lines) + "\n"
