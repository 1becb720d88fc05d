"""TensorBoard scalar and text summaries without the `tensorboard` package.

`tf.summary.scalar` and `tf.summary.text` live in `tensorboard`, which
TensorFlow no longer installs. These write the same records (a tensor
tagged with the scalars or text plugin's name) with `tf.summary.write`, so
TensorBoard shows them while training needs only TensorFlow. Like the
originals, they write to the default writer at its default step.
"""

from typing import Sequence

import tensorflow as tf


def _metadata(plugin_name: str) -> tf.compat.v1.SummaryMetadata:
    return tf.compat.v1.SummaryMetadata(
        plugin_data=tf.compat.v1.SummaryMetadata.PluginData(
            plugin_name=plugin_name))


def scalar(name: str, value: float) -> None:
    """Writes a scalar summary (float32)."""
    tf.summary.write(name, tf.constant(value, tf.float32),
                     metadata=_metadata("scalars"))


def text(name: str, values: Sequence[str]) -> None:
    """Writes a text summary of strings `[N]` (shown as Markdown)."""
    tf.summary.write(name, tf.constant(list(values), tf.string),
                     metadata=_metadata("text"))
