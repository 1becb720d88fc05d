"""Merges the results of one measurement repeated over several rounds.

`bench.run --rounds N` runs every job N times, round-robin, so that a
burst of load from other processes on a shared machine hits a few
repetitions of every measurement rather than all repetitions of one. The
merged result pools the repetitions of all rounds.
"""

import statistics


def merge(results: list[dict]) -> dict:
    """One result from the per-round results of a job (in round order).

    A failure or skip in any round is the result. Otherwise: rep_step_s
    and steps are concatenated, step_s is their median, first_s the median
    first call, peak_rss_mib the largest, wall_s the total, cores_busy the
    mean; best_flops_per_s (the matmul peak) is recomputed from the fastest
    repetition. Other figures are the first round's.
    """
    for result in results:
        if "error" in result or "skipped" in result:
            return result
    merged = dict(results[0])
    merged["rep_step_s"] = [s for r in results for s in r["rep_step_s"]]
    merged["steps"] = [n for r in results for n in r["steps"]]
    merged["step_s"] = statistics.median(merged["rep_step_s"])
    merged["first_s"] = statistics.median(r["first_s"] for r in results)
    merged["peak_rss_mib"] = max(r["peak_rss_mib"] for r in results)
    merged["wall_s"] = sum(r["wall_s"] for r in results)
    merged["cores_busy"] = statistics.mean(r["cores_busy"] for r in results)
    if "best_flops_per_s" in merged:
        merged["best_flops_per_s"] = merged["flops"] / min(merged["rep_step_s"])
    merged["rounds"] = len(results)
    return merged
