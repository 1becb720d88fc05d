"""TensorBoard summaries without the `tensorboard` package.

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
"""

from typing import Sequence

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
