"""Reads scalar summaries back from a log directory: `read_scalars(...)`.

Every run of a training directory appends its own
`events.out.tfevents.*` file there; together they make the whole history.
Records are taken in the order they were written (by wall time), and, as
TensorBoard does, a record at a step no later than the previous one of
its tag (a run resumed from an earlier checkpoint) discards that tag's
records from that step on, so the history is the one the model went
through. A file cut short (a killed run) gives what it holds before the
damage.
"""

import glob
import os
from typing import Iterable, Iterator, NamedTuple

import numpy as np
import tensorflow as tf

PATTERN = "events.out.tfevents.*"


class Series(NamedTuple):
    """One scalar's history: `steps` `[N]` int64, increasing, and `values` `[N]` float64."""

    steps: np.ndarray
    values: np.ndarray


def read_scalars(log_dir: str, tags: Iterable[str]) -> dict[str, Series]:
    """The history of each of `tags` logged in `log_dir`'s own event files.

    Event files in subdirectories are not read. A tag never logged is
    left out of the result.
    """
    wanted = set(tags)
    records = sorted(
        (record for path in glob.glob(os.path.join(log_dir, PATTERN))
         for record in _records(path, wanted)),
        key=lambda record: record[0])
    histories = {}
    for _, tag, step, value in records:
        history = histories.setdefault(tag, {})
        # Steps stay increasing, so the last one is the latest.
        if history and step <= next(reversed(history)):
            for later in [old for old in history if old >= step]:
                del history[later]
        history[step] = value
    return {tag: Series(np.array(list(history), np.int64),
                        np.array(list(history.values()), np.float64))
            for tag, history in histories.items()}


def _records(path: str,
             tags: set[str]) -> Iterator[tuple[float, str, int, float]]:
    """(wall time, tag, step, value) of the scalars of `tags` in one file."""
    try:
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag in tags:
                    yield (event.wall_time, value.tag, event.step,
                           float(tf.make_ndarray(value.tensor)))
    except tf.errors.DataLossError:
        return  # A truncated last record: keep what came before.
