"""The MIDI model, a trained run of it, and the piano rolls it samples.

The model is a sequence VAE over piano-roll steps. Each observation is one
step of a piano roll, a float32 vector of the 88 keys holding 0 or 1 (event
shape `[88]`). The agent's context at step t is the encoding of step t - 1
(the `obs_encoder_fc_layers` MLP), and the decoder is an independent
Bernoulli per key (`codec.BernoulliDecoder`, a `tfd.Independent`), so
log p(x_t) is the sum over the keys.

A training directory (`--log_dir`) holds what
`vaeseq.examples.common.rundir` describes, with no extras: `hparams.json`,
checkpoints and TensorBoard event files. `load_trained` restores the model
from it, and `generate` writes the pieces it samples as MIDI, audio and
pictures.
"""

import os

import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import codec
from vaeseq import vae as vae_mod
from vaeseq.examples.common import errors
from vaeseq.examples.common import files
from vaeseq.examples.common import rundir
from vaeseq.examples.common import sampler
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import pianoroll
from vaeseq.examples.midi import render
from vaeseq.hparams import HParams

# What `generate` writes per sample, in this order.
SUFFIXES = (".mid", ".wav", ".png")


def make_model(hparams: HParams) -> vae_mod.VAEBase:
    """The model named by `hparams.vae_type` over piano-roll steps, built.

    Its variables exist (`VAEBase.build` on one silent step), so a
    checkpoint can be restored into it; under a `tf.distribute` strategy,
    call it in the strategy's scope.

    Raises:
        ValueError: an unknown `vae_type`, activation or projection, or no
            `obs_encoder_fc_layers`.
    """
    obs_encoder = codec.MLPObsEncoder(hparams, name="obs_encoder")
    agent = agent_mod.EncodeObsAgent(obs_encoder, name="agent")
    obs_decoder = codec.BernoulliDecoder(
        hparams, [pianoroll.NUM_KEYS], name="obs_decoder")
    vae = vae_mod.make(hparams, agent, obs_encoder, obs_decoder, name="vae")
    vae.build(tf.zeros([1, 1, pianoroll.NUM_KEYS]))
    return vae


def load_trained(log_dir: str,
                 flag_value: str | None) -> tuple[HParams, vae_mod.VAEBase]:
    """The hyperparameters and restored model of a training run.

    Args:
        log_dir: the training directory.
        flag_value: hyperparameter overrides; the architecture cannot change.

    Raises:
        LogDirError: no checkpoint, or a missing or corrupt file.
        ValueError: bad `flag_value`.
    """
    hparams, path = rundir.trained(log_dir, hparams_mod.SPEC, flag_value)
    vae = make_model(hparams)
    rundir.restore(tf.train.Checkpoint(model=vae), path)
    return hparams, vae


def write_sample(roll: np.ndarray, rate: float, prefix: str) -> list[str]:
    """Writes `roll` `[T, 88]` as `prefix` + `.mid`, `.wav` and `.png`.

    The MIDI file at `rate` steps per second, the audio synthesised by
    pretty_midi from it, the picture the piano roll drawn with time and
    pitch axes (`render.picture`). Each file is written atomically.

    Returns:
        The paths, in `SUFFIXES` order.
    """
    contents = (render.midi_bytes(roll, rate),
                render.wav_bytes(render.waveform(roll, rate)),
                render.png_bytes(roll, rate, os.path.basename(prefix)))
    paths = []
    for suffix, data in zip(SUFFIXES, contents):
        files.write_atomically(prefix + suffix, data)
        paths.append(prefix + suffix)
    return paths


def generate(
    log_dir: str,
    out_dir: str,
    *,
    samples: int,
    hparams: str | None = None,
    seed: int | None = None,
) -> list[str]:
    """Samples piano rolls from the latest checkpoint and writes them out.

    Args:
        log_dir: a training directory.
        out_dir: where the files go; created if missing.
        samples: how many rolls to draw.
        hparams: overrides in `HParams.parse` syntax: `sequence_size` sets
            the steps of each sample, `batch_size` how many are drawn at
            once, and `rate` the steps per second of the MIDI and audio
            files (for the benchmark files, sampled per quarter or eighth
            note, try `rate=4`). The architecture cannot change.
        seed: makes the samples repeatable.

    Returns:
        The paths written (`write_sample`): `sample_NNN.mid`, `.wav` and
        `.png` per sample.

    Raises:
        InputError: bad arguments or a missing, corrupt or mismatched
            training directory (`LogDirError`); nothing is written.
    """
    if not out_dir:
        raise errors.InputError("generate needs --out_dir.")
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise errors.InputError(f"--out_dir {out_dir} is not a directory.")
    with errors.bad_input():
        model_hparams, vae = load_trained(log_dir, hparams)
    rolls = sampler.Sampler(vae).sample(
        samples, model_hparams.sequence_size, model_hparams.batch_size, seed)
    digits = max(3, len(str(samples - 1)))
    paths = []
    for index, roll in enumerate(rolls):
        prefix = os.path.join(out_dir, f"sample_{index:0{digits}d}")
        paths.extend(write_sample(roll, model_hparams.rate, prefix))
    return paths
