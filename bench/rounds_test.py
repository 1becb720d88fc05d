"""Tests of `bench.rounds.merge`."""

from bench import rounds


def _result(step_times, first_s, rss):
    return dict(rep_step_s=step_times, steps=[2] * len(step_times), step_s=0.0,
                first_s=first_s, peak_rss_mib=rss, wall_s=10.0, cores_busy=1.0,
                observations=800)


def test_merge_pools_repetitions():
    merged = rounds.merge([_result([3.0, 1.0], 5.0, 100.0), _result([2.0, 9.0], 7.0, 300.0),
                           _result([4.0, 5.0], 6.0, 200.0)])
    assert merged["rep_step_s"] == [3.0, 1.0, 2.0, 9.0, 4.0, 5.0]
    assert merged["step_s"] == 3.5
    assert merged["first_s"] == 6.0
    assert merged["peak_rss_mib"] == 300.0
    assert merged["wall_s"] == 30.0
    assert merged["rounds"] == 3
    assert merged["observations"] == 800


def test_merge_recomputes_best_flops():
    result = dict(_result([2.0, 4.0], 1.0, 1.0), flops=8.0, best_flops_per_s=2.0)
    other = dict(_result([1.0], 1.0, 1.0), flops=8.0, best_flops_per_s=8.0)
    assert rounds.merge([result, other])["best_flops_per_s"] == 8.0


def test_a_failed_round_fails_the_measurement():
    failed = {"error": "exit status 1"}
    assert rounds.merge([_result([1.0], 1.0, 1.0), failed]) is failed
    skipped = {"skipped": "import torch failed"}
    assert rounds.merge([skipped, skipped]) is skipped


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
