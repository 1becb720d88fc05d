"""Runs every reliability case and writes the table of docs/reliability.md.

    python -m reliability.report --doc docs/reliability.md [--only NAME,...]

The table between the markers `<!-- cases -->` and `<!-- /cases -->` is
replaced by one row per case: the fault, the promise, what was seen and
whether the promise held. Exit status 1 if any promise failed.
"""

import argparse
import sys
import tempfile
import time
import pathlib

from reliability import cases

BEGIN, END = "<!-- cases -->", "<!-- /cases -->"


def run_cases(selected: list[cases.Case]) -> list[tuple[cases.Case, cases.Findings, float]]:
    """Runs each case in a scratch directory of its own."""
    results = []
    for case in selected:
        findings = cases.Findings()
        start = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"reliability-{case.name}-") as work:
            try:
                case.run(pathlib.Path(work), findings)
            except Exception as err:  # pylint: disable=broad-except
                findings.expect(False, f"the case itself failed: {err!r}")
        results.append((case, findings, time.monotonic() - start))
        print(f"{case.name}: {verdict(findings)} ({time.monotonic() - start:.0f} s)",
              file=sys.stderr)
    return results


def verdict(findings: cases.Findings) -> str:
    if findings.unavailable:
        return f"not run ({findings.unavailable})"
    if findings.failures:
        return "FAILED: " + "; ".join(findings.failures)
    return "holds"


def table(results) -> str:
    rows = ["| Case | Fault | Promise | Seen | Result |", "|---|---|---|---|---|"]
    for case, findings, _ in results:
        seen = "<br>".join(text.replace("|", "\\|") for text in findings.observed)
        rows.append(f"| `{case.name}` | {case.fault} | {case.promise} | {seen} | "
                    f"{verdict(findings)} |")
    return "\n".join(rows) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", required=True, help="the Markdown file holding the markers")
    parser.add_argument("--only", default="", help="comma-separated case names")
    args = parser.parse_args(argv)
    names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(names) - {case.name for case in cases.CASES})
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)}")
    selected = [case for case in cases.CASES if not names or case.name in names]
    doc = pathlib.Path(args.doc)
    text = doc.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        parser.error(f"{doc} lacks the markers {BEGIN} and {END}")
    results = run_cases(selected)
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(f"{head}{BEGIN}\n{table(results)}{END}{tail}", encoding="utf-8")
    return 1 if any(findings.failures for _, findings, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
