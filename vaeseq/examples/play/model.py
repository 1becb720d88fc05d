"""The play model: an SRNN (by default) over CartPole steps.

Each observation `[OBS_SIZE]` is the change of the state and the terminated
flag (see `environment`); the decoder is a diagonal Normal over the scaled
change and a Bernoulli over termination, joined by `tfd.Blockwise` into one
distribution with event shape `[OBS_SIZE]`. The agent (`PolicyAgent`) gives
the model the last observation and the action as context.
"""

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import codec
from vaeseq import dist_module
from vaeseq import util
from vaeseq import vae as vae_mod
from vaeseq.examples.common import rundir
from vaeseq.examples.play import environment
from vaeseq.examples.play import hparams as hparams_mod
from vaeseq.examples.play import policy
from vaeseq.hparams import HParams

tfd = tfp.distributions


class StepDecoder(dist_module.DistModule):
    """Features `[N, F]` -> p(delta, terminated): batch `[N]`, event `[OBS_SIZE]`.

    The first `STATE_SIZE` numbers are a diagonal Normal; the last is a
    Bernoulli (float32 0/1).
    """

    def __init__(self, hparams, name: str | None = None):
        super().__init__(name=name)
        self._hidden = util.make_mlp(hparams, hparams.obs_decoder_fc_hidden_layers,
                                     name="hidden")
        # loc and scale of each state number, then the termination logit.
        self._project = snt.Linear(2 * environment.STATE_SIZE + 1, name="params")
        self._positive = util.positive_projection(hparams)

    @property
    def event_size(self) -> tf.TensorShape:
        return tf.TensorShape([environment.OBS_SIZE])

    @property
    def event_dtype(self) -> tf.DType:
        return tf.float32

    def __call__(self, *inputs):
        """Returns (loc `[N, 4]`, scale `[N, 4]`, termination logit `[N, 1]`)."""
        raw = self._project(self._hidden(util.concat_features(inputs)))
        loc, raw_scale, logit = tf.split(raw, [environment.STATE_SIZE] * 2 + [1], axis=-1)
        return loc, self._positive(raw_scale), logit

    def dist(self, params, name=None) -> tfd.Distribution:
        loc, scale, logit = params
        return tfd.Blockwise(
            [tfd.Independent(tfd.Normal(loc, scale), reinterpreted_batch_ndims=1),
             tfd.Independent(tfd.Bernoulli(logits=logit, dtype=tf.float32),
                             reinterpreted_batch_ndims=1)],
            name=name or "step")


def make_model(hparams: HParams) -> vae_mod.VAEBase:
    """The model named by `hparams.vae_type` with a fresh policy agent, built.

    The policy is `model.agent.policy`. Every variable exists
    (`VAEBase.build` on one step of zeros and greedy agent inputs), so a
    checkpoint can be restored into it.

    Raises:
        ValueError: an unknown `vae_type`, activation or projection.
    """
    agent = policy.PolicyAgent(policy.Policy(hparams, name="policy"), name="agent")
    obs_encoder = codec.MLPObsEncoder(hparams, name="obs_encoder")
    vae = vae_mod.make(hparams, agent, obs_encoder,
                       StepDecoder(hparams, name="obs_decoder"), name="vae")
    vae.build(tf.zeros([1, 1, environment.OBS_SIZE]), policy.greedy_inputs(1, 1))
    return vae


def load_trained(log_dir: str, flag_value: str | None
                 ) -> tuple[HParams, vae_mod.VAEBase, policy.BestPolicy]:
    """The hyperparameters, restored model (with its policy) and best policy of a run.

    Raises:
        LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: `flag_value` is malformed or changes the architecture.
    """
    hparams, path = rundir.trained(log_dir, hparams_mod.SPEC, flag_value)
    vae = make_model(hparams)
    best = policy.BestPolicy(hparams, name="best")
    rundir.restore(tf.train.Checkpoint(model=vae, best=best), path)
    return hparams, vae, best
