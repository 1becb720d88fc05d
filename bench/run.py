"""Runs the benchmark: `python -m bench.run --out_json docs/performance.json`.

Every measurement of `bench.plan` runs in its own `bench.worker`
subprocess, one after the other; the results are printed as tables
(`bench.table`) and written as JSON. Exits with status 1 if a measurement
failed (the JSON is written all the same).
"""

import argparse
import dataclasses
import datetime
import json
import os
import resource
import sys
import time

from bench import configs
from bench import machine
from bench import plan
from bench import report
from bench import rounds as rounds_mod
from bench import table
from bench import worker


def summary(result: dict) -> str:
    """One line on how a job ended."""
    return table.status(result) or f"done in {result['wall_s']:.0f} s"


def selected(jobs: list[plan.Job], only: str | None) -> list[plan.Job]:
    """The peak and the jobs whose name contains one of the comma-separated `only`."""
    if not only:
        return jobs
    parts = only.split(",")
    return [job for job in jobs
            if job.section == "peak" or any(part in job.name for part in parts)]


def run(command: str, quick: bool, ablations: bool, only: str | None, rounds: int,
        timeout: float, log=print) -> dict:
    """Runs the planned jobs and returns the results document.

    Args:
        command: the command line, recorded in the document.
        quick: tiny sizes (see `plan.make`).
        ablations: add the ablation jobs.
        only: if set, run only some jobs (see `selected`).
        rounds: how many times to run every job, round-robin (see `bench.rounds`).
        timeout: seconds each job may take.
        log: prints progress.
    """
    started = time.time()
    loadavg_start = list(os.getloadavg())
    jobs = selected(plan.make(quick=quick, ablations=ablations), only)
    per_round = {job.name: [] for job in jobs}
    loadavgs = {job.name: [] for job in jobs}
    for round_index in range(rounds):
        for job in jobs:
            log(f"running {job.name} (round {round_index + 1} of {rounds}) ...", flush=True)
            loadavgs[job.name].append(os.getloadavg()[0])
            per_round[job.name].append(worker.launch(job.kind, job.params, timeout))
            log("  " + summary(per_round[job.name][-1]), flush=True)
    measurements = {}
    for job in jobs:
        result = rounds_mod.merge(per_round[job.name])
        result.update(section=job.section, kind=job.kind, config=job.config,
                      params=job.params, loadavg_1min_before=loadavgs[job.name])
        measurements[job.name] = result
    peak_flops = report.derive(measurements)
    rss = [m["peak_rss_mib"] for m in measurements.values() if report.ran(m)]
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    described = configs.describe(quick)
    return dict(
        schema_version=1,
        command=command,
        quick=quick,
        rounds=rounds,
        started=datetime.datetime.fromtimestamp(started).isoformat(timespec="seconds"),
        duration_s=time.time() - started,
        machine=machine.describe(worker.environment()),
        loadavg_start=loadavg_start,
        loadavg_end=list(os.getloadavg()),
        counts=dataclasses.asdict(configs.QUICK_COUNTS if quick else configs.FULL_COUNTS),
        configs=described,
        matmul_peak_flops_per_s=peak_flops,
        peak_rss_mib=max(rss) if rss else None,
        children_max_rss_mib=children,
        measurements=measurements,
        ratios=report.training_ratios(measurements, described),
        targets=report.targets(measurements),
    )


def _write(path: str, text: str) -> None:
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out_json", help="where to write the results as JSON")
    parser.add_argument("--out_table", help="where to write the tables (Markdown)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and counts (for tests; the figures mean nothing)")
    parser.add_argument("--ablations", action="store_true",
                        help="also time steps compiled with XLA and with while-loop LSTMs")
    parser.add_argument("--only", help="run only the measurements whose names contain one "
                        "of these comma-separated strings (and the matmul peak)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every measurement this many times, round-robin, and pool "
                        "the repetitions (for a machine shared with other work)")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a single measurement may take")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    document = run(" ".join(["python -m bench.run"] + argv), args.quick, args.ablations,
                   args.only, args.rounds, args.timeout)
    tables = table.format_run(document)
    print()
    print(tables, end="")
    if args.out_json:
        _write(args.out_json, json.dumps(document, indent=2) + "\n")
    if args.out_table:
        _write(args.out_table, tables)
    failed = [name for name, m in document["measurements"].items() if "error" in m]
    for name in failed:
        print(f"FAILED: {name}: {document['measurements'][name]['error']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
