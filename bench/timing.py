"""Wall-clock timing with warm-up and repetitions, and peak memory."""

import resource
import statistics
import sys
import time
from typing import Callable


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (`ru_maxrss`), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (2 ** 20 if sys.platform == "darwin" else 2 ** 10)


def time_call(fn: Callable[[], object]) -> float:
    """Seconds one call of `fn` takes (`fn` must block until its work is done)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_steps(step: Callable[[], object], warmup: int, reps: int, min_steps: int,
               min_seconds: float) -> dict:
    """Times a blocking `step`: `warmup` untimed calls, then `reps` repetitions.

    Each repetition runs at least `min_steps` steps and keeps going until it
    has lasted `min_seconds`.

    Returns:
        first_s: the first warm-up call (tracing included; None without
        warm-up); step_s: the median seconds per step over the
        repetitions; rep_step_s: seconds per step of each repetition;
        steps: steps per repetition;
        cores_busy: CPU seconds of this process per wall second while timed
        (below the core count when threads wait or the machine is shared).
    """
    first_s = time_call(step) if warmup else None
    for _ in range(warmup - 1):
        step()
    rep_step_s, rep_steps = [], []
    cpu_start, wall = time.process_time(), 0.0
    for _ in range(reps):
        start = time.perf_counter()
        count = 0
        while count < min_steps or time.perf_counter() - start < min_seconds:
            step()
            count += 1
        elapsed = time.perf_counter() - start
        wall += elapsed
        rep_step_s.append(elapsed / count)
        rep_steps.append(count)
    return dict(first_s=first_s, step_s=statistics.median(rep_step_s),
                rep_step_s=rep_step_s, steps=rep_steps,
                cores_busy=(time.process_time() - cpu_start) / wall)


def ms_per_iteration(loop: Callable[[], object], iterations: int, reps: int) -> float:
    """Milliseconds per iteration of a blocking `loop` of `iterations` iterations.

    One untimed call (tracing), then the median of `reps` timed calls.
    """
    seconds = time_steps(loop, warmup=1, reps=reps, min_steps=1, min_seconds=0.0)["step_s"]
    return 1e3 * seconds / iterations
