"""TensorBoard image and audio summaries without the `tensorboard` package.

`tf.summary.image` and `tf.summary.audio` live in `tensorboard`, which
TensorFlow no longer installs (see `vaeseq.examples.text.summaries` for
scalars and text). These write the records those functions write, already
encoded, with `tf.summary.write`: the images plugin reads a string tensor
`[2 + k]` (width, height, then k PNG files), the audio plugin a string
tensor `[k, 2]` (a WAV file and a Markdown label per clip) whose metadata
names the encoding. Like the originals, they write to the default writer at
its default step.
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
