"""Reliability cases: bad input and faults, run against the real commands.

`cases.CASES` reproduces each case on tiny models in a scratch directory
and checks what the project promises (docs/reliability.md);
`cases_test.py` runs them under pytest, and `python -m reliability.report`
remakes the table of docs/reliability.md from a fresh run.
"""
