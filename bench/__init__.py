"""Benchmarks of vaeseq on the text example: `python -m bench.run`.

Each measurement runs in its own subprocess (`bench.worker`) so that
memory peaks and thread pools do not interfere; `bench.run` plans the
measurements, collects their results, prints a table and writes JSON.
"""
