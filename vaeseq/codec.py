"""Observation encoders (Sonnet modules) and decoders (`DistModule`s).

Encoders map one observation per batch element, `[N, ...]`, to flat
features `[N, D]` and expose `output_size` (D) so agents can size their
state. Decoders map features `[N, F]` to a distribution whose batch shape
is `[N]` and whose event shape is one observation.
"""

import math
from typing import Sequence

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import dist_module
from vaeseq import util

tfd = tfp.distributions


class FlattenEncoder(snt.Module):
    """`[N, *input_shape]` -> `[N, prod(input_shape)]` float32, no parameters."""

    def __init__(self, input_shape: Sequence[int], name: str | None = None):
        super().__init__(name=name)
        self._output_size = math.prod(input_shape)

    @property
    def output_size(self) -> int:
        return self._output_size

    def __call__(self, observation: tf.Tensor) -> tf.Tensor:
        return util.concat_features([observation])


class MLPObsEncoder(snt.Module):
    """Flattens `[N, ...]` and applies the `obs_encoder_fc_layers` MLP -> `[N, D]`."""

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        if not hparams.obs_encoder_fc_layers:
            raise ValueError("obs_encoder_fc_layers must name at least one layer")
        self._output_size = hparams.obs_encoder_fc_layers[-1]
        self._mlp = util.make_mlp(hparams, hparams.obs_encoder_fc_layers, name="mlp")

    @property
    def output_size(self) -> int:
        return self._output_size

    def __call__(self, observation: tf.Tensor) -> tf.Tensor:
        return self._mlp(util.concat_features([observation]))


class EmbedObsEncoder(snt.Module):
    """Integer ids `[N]` -> embedding `[N, embed_size]` -> `obs_encoder_fc_layers` MLP."""

    def __init__(self, hparams, vocab_size: int, embed_size: int, name: str | None = None):
        super().__init__(name=name)
        self._embed = snt.Embed(vocab_size, embed_size, name="embed")
        self._mlp = util.make_mlp(hparams, hparams.obs_encoder_fc_layers, name="mlp")
        layers = hparams.obs_encoder_fc_layers
        self._output_size = layers[-1] if layers else embed_size

    @property
    def output_size(self) -> int:
        return self._output_size

    def __call__(self, ids: tf.Tensor) -> tf.Tensor:
        return self._mlp(self._embed(ids))


class MLPDecoder(dist_module.DistModule):
    """Base of the observation decoders: features -> hidden MLP -> raw parameters.

    Subclasses say how many raw parameters one event needs and how to turn
    them into a distribution.

    Args:
      hparams: supplies `obs_decoder_fc_hidden_layers` and `activation`.
      event_shape: the shape of one observation.
    """

    def __init__(self, hparams, event_shape: Sequence[int], params_per_unit: int = 1,
                 name: str | None = None):
        super().__init__(name=name)
        self._event_shape = tf.TensorShape(event_shape)
        self._params_per_unit = params_per_unit
        self._hidden = util.make_mlp(hparams, hparams.obs_decoder_fc_hidden_layers,
                                     name="hidden")
        self._project = snt.Linear(params_per_unit * max(1, self._event_shape.num_elements()),
                                   name="params")

    @property
    def event_size(self) -> tf.TensorShape:
        return self._event_shape

    def _raw_params(self, inputs) -> tf.Tensor:
        """Features -> `[N, *event_shape, params_per_unit]`."""
        raw = self._project(self._hidden(util.concat_features(inputs)))
        shape = tf.concat([tf.shape(raw)[:1], self._event_shape, [self._params_per_unit]], 0)
        return tf.reshape(raw, shape)


class CategoricalDecoder(MLPDecoder):
    """A categorical over integer ids `[N]` in `[0, num_classes)`."""

    def __init__(self, hparams, num_classes: int, name: str | None = None):
        super().__init__(hparams, [num_classes], name=name)

    @property
    def event_size(self) -> tf.TensorShape:
        return tf.TensorShape([])

    @property
    def event_dtype(self) -> tf.DType:
        return tf.int32

    def __call__(self, *inputs) -> tf.Tensor:
        """Returns logits `[N, num_classes]`."""
        return self._raw_params(inputs)[..., 0]

    def dist(self, params, name=None) -> tfd.Distribution:
        return tfd.Categorical(logits=params, dtype=tf.int32, name=name or "categorical")


class OneHotCategoricalDecoder(CategoricalDecoder):
    """A categorical over one-hot vectors `[N, num_classes]` (float32)."""

    @property
    def event_size(self) -> tf.TensorShape:
        return self._event_shape

    @property
    def event_dtype(self) -> tf.DType:
        return tf.float32

    def dist(self, params, name=None) -> tfd.Distribution:
        return tfd.OneHotCategorical(logits=params, dtype=tf.float32,
                                     name=name or "one_hot_categorical")


class BernoulliDecoder(MLPDecoder):
    """Independent Bernoullis over a binary array `[N, *event_shape]` (piano rolls)."""

    @property
    def event_dtype(self) -> tf.DType:
        return tf.float32

    def __call__(self, *inputs) -> tf.Tensor:
        """Returns logits `[N, *event_shape]`."""
        return self._raw_params(inputs)[..., 0]

    def dist(self, params, name=None) -> tfd.Distribution:
        return tfd.Independent(tfd.Bernoulli(logits=params, dtype=tf.float32),
                               reinterpreted_batch_ndims=self._event_shape.rank,
                               name=name or "bernoulli")


class NormalDecoder(MLPDecoder):
    """A diagonal Normal over real arrays `[N, *event_shape]`."""

    def __init__(self, hparams, event_shape: Sequence[int], name: str | None = None):
        super().__init__(hparams, event_shape, params_per_unit=2, name=name)
        self._positive = util.positive_projection(hparams)

    @property
    def event_dtype(self) -> tf.DType:
        return tf.float32

    def __call__(self, *inputs):
        """Returns (loc, scale), each `[N, *event_shape]`."""
        raw = self._raw_params(inputs)
        return raw[..., 0], self._positive(raw[..., 1])

    def dist(self, params, name=None) -> tfd.Distribution:
        loc, scale = params
        return tfd.Independent(tfd.Normal(loc, scale),
                               reinterpreted_batch_ndims=self._event_shape.rank,
                               name=name or "normal")
