"""Runs every reliability case (`cases.CASES`) on tiny runs of the commands."""

import pytest

from reliability import cases

pytestmark = pytest.mark.slow  # End to end: the slow tier (make test-slow).


@pytest.mark.parametrize("case", cases.CASES, ids=lambda case: case.name)
def test_case(case, tmp_path):
    findings = cases.Findings()
    case.run(tmp_path, findings)
    if findings.unavailable:
        pytest.skip(findings.unavailable)
    assert not findings.failures, f"{case.promise}: failed {findings.failures}; saw {findings.observed}"
    assert findings.observed, "a case records what it saw"
