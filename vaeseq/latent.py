"""LatentDecoder: features -> a diagonal Gaussian over the stochastic latent z_t."""

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import dist_module
from vaeseq import util

tfd = tfp.distributions


class LatentDecoder(dist_module.DistModule):
    """Features `[N, F]` -> `tfd.MultivariateNormalDiag` with event shape `[Z]`.

    The MLP has `latent_decoder_fc_layers`, then a linear map to the mean and
    the pre-activation scale; `positive_projection` keeps the scale positive.
    """

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._latent_size = hparams.latent_size
        self._mlp = util.make_mlp(hparams, hparams.latent_decoder_fc_layers, name="mlp")
        self._project = snt.Linear(2 * self._latent_size, name="loc_scale")
        self._positive = util.positive_projection(hparams)

    @property
    def event_size(self) -> tf.TensorShape:
        return tf.TensorShape([self._latent_size])

    @property
    def event_dtype(self) -> tf.DType:
        return tf.float32

    def __call__(self, *inputs):
        """Returns (loc, scale), each `[N, Z]`."""
        raw = self._project(self._mlp(util.concat_features(inputs)))
        loc, raw_scale = tf.split(raw, 2, axis=-1)
        return loc, self._positive(raw_scale)

    def dist(self, params, name=None) -> tfd.Distribution:
        loc, scale = params
        return tfd.MultivariateNormalDiag(loc, scale, name=name or "latent")
