"""`bench.report`: ratios and peak fractions only between runs on one device."""

from bench import report


def _train(obs_per_s: float, device: str | None) -> dict:
    m = dict(section="train", observations=800, step_s=800 / obs_per_s, flops=4e9)
    if device is not None:
        m["device"] = device
    return m


def _peak(device: str) -> dict:
    return dict(section="peak", best_flops_per_s=1e11, device=device)


def test_ratio_on_one_device():
    measurements = {"peak/matmul": _peak("cpu"), "a": _train(3000.0, "cpu"),
                    "b": _train(1500.0, "cpu")}
    assert report.derive(measurements) == 1e11
    assert report.ratio(measurements, "a", "b") == 2.0
    assert measurements["a"]["fraction_of_peak"] == 4e9 / (800 / 3000.0) / 1e11


def test_no_ratio_or_peak_fraction_across_devices():
    measurements = {"peak/matmul": _peak("cpu"), "vaeseq": _train(3000.0, "cpu"),
                    "torch": _train(90000.0, "gpu: NVIDIA H200")}
    report.derive(measurements)
    assert report.ratio(measurements, "vaeseq", "torch") is None
    assert report.ratio(measurements, "torch", "vaeseq") is None
    assert "fraction_of_peak" in measurements["vaeseq"]
    assert "fraction_of_peak" not in measurements["torch"]


def test_results_without_a_device_compare_with_each_other():
    # JSON written before devices were recorded: every measurement ran on the CPU.
    measurements = {"a": _train(3000.0, None), "b": _train(1000.0, None)}
    report.derive(measurements)
    assert report.ratio(measurements, "a", "b") == 3.0


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
