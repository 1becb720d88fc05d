"""TensorBoard summaries without the `tensorboard` package, and reading them back.

`tf.summary.scalar`, `text`, `image` and `audio` live in `tensorboard`,
which TensorFlow no longer installs. These write the records those
functions write, already encoded, with `tf.summary.write`, so TensorBoard
shows them while training needs only TensorFlow:

* scalars: a float32 scalar tagged with the scalars plugin;
* text: a string tensor `[N]` (Markdown) tagged with the text plugin;
* images: a string tensor `[2 + k]` (width, height, then k PNG files);
* audio: a string tensor `[k, 2]` (a WAV file and a Markdown label per
  clip) whose plugin metadata names the encoding.

Like the originals, they write to the default writer at its default step.

`read_scalars` reads scalar summaries back from a log directory. Every run
of a training directory appends its own `events.out.tfevents.*` file
there; together they make the whole history. Records are taken in the
order they were written (by wall time), and, as TensorBoard does, a record
at a step no later than the previous one of its tag (a run resumed from an
earlier checkpoint) discards that tag's records from that step on, so the
history is the one the model went through. A file cut short (a killed run)
gives what it holds before the damage.
"""

import glob
import os
from typing import Iterable, Iterator, NamedTuple, Sequence

import numpy as np
import tensorflow as tf

# `AudioPluginData(version=0, encoding=WAV)` serialised: field 2 (the
# encoding enum, wire type varint) set to 11, tensorboard's value for WAV.
_AUDIO_PLUGIN_CONTENT = b"\x10\x0b"


def _metadata(plugin_name: str,
              content: bytes = b"") -> tf.compat.v1.SummaryMetadata:
    return tf.compat.v1.SummaryMetadata(
        plugin_data=tf.compat.v1.SummaryMetadata.PluginData(
            plugin_name=plugin_name, content=content))


def scalar(name: str, value: float) -> None:
    """Writes a scalar summary (float32)."""
    tf.summary.write(name, tf.constant(value, tf.float32),
                     metadata=_metadata("scalars"))


def text(name: str, values: Sequence[str]) -> None:
    """Writes a text summary of strings `[N]` (shown as Markdown)."""
    tf.summary.write(name, tf.constant(list(values), tf.string),
                     metadata=_metadata("text"))


def images(name: str, pngs: Sequence[bytes], width: int, height: int) -> None:
    """Writes an image summary of PNG files of `width` x `height` pixels."""
    tensor = tf.constant([str(width).encode(), str(height).encode(), *pngs])
    tf.summary.write(name, tensor, metadata=_metadata("images"))


def audio(name: str, wavs: Sequence[bytes],
          labels: Sequence[str] | None = None) -> None:
    """Writes an audio summary of WAV files, each with a Markdown label."""
    labels = labels if labels is not None else [""] * len(wavs)
    tensor = tf.constant([[wav, label.encode("utf-8")]
                          for wav, label in zip(wavs, labels)], tf.string)
    tf.summary.write(name, tensor,
                     metadata=_metadata("audio", _AUDIO_PLUGIN_CONTENT))


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
