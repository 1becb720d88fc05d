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
    With `latent_decoder_separate_heads` (and at least one hidden layer) the
    mean and the scale each have their own hidden layers, as in Fraccaro et
    al. (2016): the two first layers are kept as one `snt.Linear` of twice
    the width `[F, 2 * U]` (each half one head's), which computes the same.
    """

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._latent_size = hparams.latent_size
        hidden = list(hparams.latent_decoder_fc_layers)
        self._separate = bool(hparams.latent_decoder_separate_heads and hidden)
        if self._separate:
            self._first = snt.Linear(2 * hidden[0], name="linear_0")
            self._activation = util.activation(hparams)
            self._loc_head, self._scale_head = (
                self._head(hparams, hidden[1:], head) for head in ("loc_head", "scale_head"))
        else:
            layers = [*util.mlp_modules(hparams, hidden),
                      snt.Linear(2 * self._latent_size, name="loc_scale")]
            self._first = layers[0]
            self._rest = snt.Sequential(layers[1:], name="rest")
        self._positive = util.positive_projection(hparams)

    def _head(self, hparams, hidden, name: str) -> snt.Sequential:
        """One head's hidden layers after the first, then its linear map to `[N, Z]`."""
        with tf.name_scope(name):
            return snt.Sequential([*util.mlp_modules(hparams, hidden),
                                   snt.Linear(self._latent_size, name="out")], name=name)

    @property
    def event_size(self) -> tf.TensorShape:
        return tf.TensorShape([self._latent_size])

    @property
    def event_dtype(self) -> tf.DType:
        return tf.float32

    def __call__(self, *inputs):
        """Returns (loc, scale), each `[N, Z]`."""
        return self._from_first_layer(self._first(util.concat_features(inputs)))

    def _from_first_layer(self, first: tf.Tensor):
        """(loc, scale) `[N, Z]` from the first layer's pre-activations `[N, U]`."""
        if self._separate:
            loc_hidden, scale_hidden = tf.split(self._activation(first), 2, axis=-1)
            loc, raw_scale = self._loc_head(loc_hidden), self._scale_head(scale_hidden)
        else:
            loc, raw_scale = tf.split(self._rest(first), 2, axis=-1)
        return loc, self._positive(raw_scale)

    def split_inputs(self, static: tf.Tensor, step_size: int):
        """Takes the first layer's work on `static` out of a time loop.

        In a loop whose decoder input at step t is (static_t, step_t), with
        every static_t known beforehand, the first layer's share of static_t
        becomes one matmul over all steps instead of one per step.

        Args:
          static: `[..., S]`, the static inputs of all steps.
          step_size: the width of the per-step input.
        Returns:
          (partial `[..., U]`, finish): `finish(partial_t, step_t)` with
          partial_t `[B, U]` and step_t `[B, step_size]` returns what
          `self(static_t, step_t)` does.
        """
        static_size = static.shape[-1]
        if not hasattr(self._first, "w"):
            self._first(tf.zeros([0, static_size + step_size]))  # Builds its variables only.
        w_static, w_step = tf.split(self._first.w, [static_size, step_size], axis=0)
        flat = tf.matmul(tf.reshape(static, [-1, static_size]), w_static) + self._first.b
        partial = tf.reshape(flat, tf.concat([tf.shape(static)[:-1], tf.shape(flat)[-1:]], 0))

        def finish(partial_t, step_t):
            return self._from_first_layer(partial_t + tf.matmul(step_t, w_step))

        return partial, finish

    def sample(self, params, seed) -> tf.Tensor:
        """A reparameterised draw from `dist(params)`: loc + scale * noise, `[..., Z]`.

        The noise comes from `tf.random.stateless_normal` in the parameters'
        own layout, so a prefix of the leading axis draws the same noise for
        any length of that axis (TFP's `sample` does not promise this).
        """
        loc, scale = params
        return loc + scale * tf.random.stateless_normal(tf.shape(loc), seed)

    def dist(self, params, name=None) -> tfd.Distribution:
        loc, scale = params
        return tfd.MultivariateNormalDiag(loc, scale, name=name or "latent")
