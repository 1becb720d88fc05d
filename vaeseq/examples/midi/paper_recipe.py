"""The SRNN paper's recipe (Fraccaro et al. 2016): carried streams, validation, paper scoring.

Trains on the training streams of a paper `.npz` file with the model's state
carried from batch to batch (truncated backpropagation through time), keeps
the checkpoint with the best validation ELBO (`best/` in the log
directory), and scores the test pieces the paper's way: whole pieces, the
first frame given (the agent starts from having observed x_0), the
per-step ELBO averaged over pieces. Other sources of the MIDI example (the
`.mat` benchmarks, ...) are laid out as streams too
(`paper_data.from_pieces`) and their test pieces scored from an empty
start, as Boulanger-Lewandowski et al. and Krishnan et al. score them.
`evaluate` reports `elbo_per_step` (total over all scored steps),
`piece_mean_elbo_per_step` (the paper's figure), `iw_log_prob_per_step`
(the importance-weighted bound), `kl_per_step` and `active_units` (units of
z whose posterior mean varies over the scored steps with variance > 0.01).
The MIDI command line runs it for a `.npz` dataset or a `--preset`:

    vaeseq-midi train --dataset jsb.npz --preset srnn_paper --log_dir /tmp/jsb \
        --max_seconds 3600
    vaeseq-midi evaluate --dataset jsb.npz --split test --log_dir /tmp/jsb \
        --output_json scores.json

The preset "srnn_paper" (`preset_values`): a 300-unit GRU for d_t and for the backward a_t, which
reads [d_t, enc(x_t)]; z_t of 100 units; a shared 2 x 500 MLP encoding each
frame; prior, posterior (a residual on the prior's mean) and emission each
one 500-unit hidden layer, the prior and the posterior one for their mean
and another for their scale; the paper's clipped leaky rectifier (a slope of
1/3 below zero, clipped to [-3, 3]); Adam with learning rate 1e-3 and
epsilon 1e-4, batch 16 (the streams), 100-step chunks; KL weight rising
linearly from 0.2 to 1 over the first 20 epochs; the learning rate divided by
1.2 after each epoch past the 20th; 50 epochs. One departure from the
paper's code, chosen on validation: its recurrent weights start with every
gate orthogonal (`rnn_init=orthogonal_gates`), which scored worse than the
library's default (`joint`); best validation ELBO per step of SRNN on the
paper's JSB -4.845 against -4.671 (seed 0) and -4.800 against -4.623
(seed 1), on JSB_Chorales.mat with 128-unit layers -7.255 against -7.218
(seed 0).
"""

import json
import os
from typing import Any, Mapping, TextIO

import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import masks
from vaeseq import train as train_mod
from vaeseq import vae as vae_mod
from vaeseq.examples.common import elbo_hooks
from vaeseq.examples.common import errors
from vaeseq.examples.common import files
from vaeseq.examples.common import rundir
from vaeseq.examples.common import scoring
from vaeseq.examples.common import summaries
from vaeseq.examples.common import training
from vaeseq.examples.midi import data as midi_data
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model as model_mod
from vaeseq.examples.midi import paper_data

# Presets by name (the values depend on the number of steps per epoch).
PRESETS = ("srnn_paper",)
EPOCHS = 50
WARMUP_EPOCHS = 20


def preset_values(steps_per_epoch: int) -> dict:
    """The paper's hyperparameters, with its epoch-based schedules in steps."""
    return dict(
        rnn_cell="gru", rnn_hidden_sizes=[300], latent_size=100,
        obs_encoder_fc_layers=[500, 500], latent_decoder_fc_layers=[500],
        latent_decoder_separate_heads=True,
        obs_decoder_fc_hidden_layers=[500], activation="clipped_leaky_relu",
        srnn_backward_input="state", srnn_use_res_q=True,
        learning_rate=1e-3, adam_epsilon=1e-4, clip_gradient_norm=10.0,
        batch_size=paper_data.NUM_STREAMS, sequence_size=100,
        divergence_schedule="linear", divergence_strength_start=0.2,
        divergence_warmup_steps=WARMUP_EPOCHS * steps_per_epoch,
        learning_rate_schedule="step_decay",
        learning_rate_decay_start=WARMUP_EPOCHS * steps_per_epoch,
        learning_rate_decay_every=steps_per_epoch, learning_rate_decay_factor=1 / 1.2)


def _first_frame_state(model: vae_mod.VAEBase, rolls: tf.Tensor) -> vae_mod.CarriedState:
    """The state of a model that has observed each piece's first frame."""
    batch = tf.shape(rolls)[0]
    state = model.initial_state(batch)
    agent = model.agent.observe(tf.zeros([batch, 0]), rolls[:, 0], state.agent)
    return state._replace(agent=agent)


# The most piece steps the importance-weighted bound draws latents for at
# once (K times batch times padded length): a batch of test pieces draws its
# K samples in as many passes as this needs. Nottingham's 16 longest test
# pieces with K = 10 fit in one pass.
MAX_DRAWN_STEPS = 300_000


class Scorer:
    """Scores validation streams and test pieces with compiled functions."""

    def __init__(self, model: vae_mod.VAEBase, num_samples: int):
        self._model = model
        self._num_samples = num_samples
        self._stream_fn = tf.function(self._stream_chunk, autograph=False)
        self._piece_fn = tf.function(self._piece_batch, autograph=False)

    def _stream_chunk(self, rolls, mask, state, seed):
        inputs = agent_mod.null_inputs(tf.shape(rolls)[0], rolls.shape[1])
        contexts, agent_state = self._model.agent.observe_sequence(
            inputs, rolls, state.agent, masks.lengths(mask))
        terms = self._model.elbo_terms(contexts, rolls, seed=seed, mask=mask,
                                       initial_state=state)
        final = terms.final_state._replace(agent=agent_state)
        return (tf.reduce_sum(terms.log_probs - terms.divergences),
                tf.reduce_sum(terms.divergences), terms.posterior_means, final)

    def _piece_batch(self, rolls, mask, seed, first_frame_given, samples_per_pass):
        if first_frame_given:
            state = _first_frame_state(self._model, rolls)
        else:
            state = self._model.initial_state(tf.shape(rolls)[0])
        inputs = agent_mod.null_inputs(tf.shape(rolls)[0], rolls.shape[1])
        contexts, _ = self._model.agent.observe_sequence(inputs, rolls, state.agent)
        terms = self._model.elbo_terms(contexts, rolls, seed=seed, mask=mask,
                                       initial_state=state)
        iw = self._model.iw_log_prob(contexts, rolls, self._num_samples, seed=seed, mask=mask,
                                     initial_state=state, samples_per_pass=samples_per_pass)
        return (tf.reduce_sum(terms.log_probs - terms.divergences, axis=1),
                tf.reduce_sum(terms.divergences, axis=1), iw, terms.posterior_means)

    def streams(self, streams: paper_data.Streams, seed: int = 0) -> dict:
        """ELBO and KL per step over carried streams, and the active units."""
        state = self._model.initial_state(streams.chunks.shape[1])
        elbo = kl = 0.0
        units = scoring.UnitVariance()
        for b, (chunk, mask) in enumerate(zip(streams.chunks, streams.chunk_masks)):
            chunk_elbo, chunk_kl, chunk_means, state = self._stream_fn(
                tf.constant(chunk), tf.constant(mask), state, tf.constant([seed, b]))
            elbo += float(chunk_elbo)
            kl += float(chunk_kl)
            units.add(chunk_means.numpy()[mask > 0])  # [real steps, Z]
        steps = streams.num_steps
        return dict(elbo_per_step=elbo / steps, kl_per_step=kl / steps,
                    active_units=units.active_units())

    def pieces(self, pieces: paper_data.Pieces, first_frame_given: bool, batch_size: int = 16,
               seed: int = 0) -> dict:
        """The test scores (see the module docstring)."""
        elbos, kls, iws = [], [], []
        units = scoring.UnitVariance()
        for start in range(0, len(pieces.rolls), batch_size):
            rolls = tf.constant(pieces.rolls[start:start + batch_size])
            mask = pieces.mask[start:start + batch_size]
            samples_per_pass = max(1, MAX_DRAWN_STEPS // (rolls.shape[0] * rolls.shape[1]))
            elbo, kl, iw, batch_means = self._piece_fn(rolls, tf.constant(mask),
                                                       tf.constant([seed, start]),
                                                       first_frame_given, samples_per_pass)
            elbos.append(elbo.numpy())
            kls.append(kl.numpy())
            iws.append(iw.numpy())
            units.add(batch_means.numpy()[mask > 0])
        elbo, kl, iw = (np.concatenate(x).astype(np.float64) for x in (elbos, kls, iws))
        lengths = pieces.lengths
        steps = float(lengths.sum())
        return dict(elbo_per_step=elbo.sum() / steps,
                    piece_mean_elbo_per_step=float(np.mean(elbo / lengths)),
                    iw_log_prob_per_step=iw.sum() / steps, iw_samples=self._num_samples,
                    kl_per_step=kl.sum() / steps,
                    active_units=units.active_units(),
                    pieces=len(lengths), steps=int(steps),
                    first_frame_given=first_frame_given)


def load(dataset: str, chunk_size: int) -> paper_data.PaperData:
    """A paper `.npz` file (its own chunks), or any MIDI-example source in chunks.

    Raises:
        ValueError: an unreadable or unusable source (one line).
    """
    if dataset.endswith(".npz"):
        return paper_data.load(dataset)
    return paper_data.from_pieces(
        *(midi_data.load_sequences(dataset, split) for split in midi_data.SPLITS),
        chunk_size=chunk_size)


class _StreamSteps:
    """The training step on carried streams: chunk after chunk, epoch after epoch.

    The state is carried from each batch of the streams to the next and
    starts from zeros at every epoch (the streams' start). A resumed run
    starts its first (partial) epoch from zeros too: the carried state is
    not checkpointed.
    """

    def __init__(self, ops: train_mod.TrainOps, model: vae_mod.VAEBase,
                 streams: paper_data.Streams):
        self._ops = ops
        self._model = model
        self._chunks = [tf.constant(chunk) for chunk in streams.chunks]
        self._masks = [tf.constant(mask) for mask in streams.chunk_masks]
        self._state = None

    def __call__(self) -> dict:
        batch = int(self._ops.global_step.numpy()) % len(self._chunks)
        if batch == 0 or self._state is None:
            self._state = self._model.initial_state(self._chunks[0].shape[0])
        result = self._ops(None, self._chunks[batch], mask=self._masks[batch],
                           initial_state=self._state)
        self._state = result.pop("final_state")
        return result


class _Hooks(elbo_hooks.ElboHooks):
    """Training summaries, and each epoch the validation scores and the best checkpoint.

    The best validation ELBO so far is kept in `best/score.json` beside the
    best checkpoint, so that a resumed run keeps selecting against it.
    """

    def __init__(self, scorer: Scorer, valid: paper_data.Streams,
                 best: tf.train.CheckpointManager, sequence_size: int):
        super().__init__(sequence_size)
        self._scorer = scorer
        self._valid = valid
        self._best = best
        self._score_path = os.path.join(best.directory, BEST_SCORE_FILE)
        self._best_score = _read_best_score(best.directory)

    def periodic(self, step: int) -> Mapping[str, float]:
        scores = self._scorer.streams(self._valid, seed=step)
        for name, value in scores.items():
            summaries.scalar(f"valid/{name}", value)
        if self._best_score is None or scores["elbo_per_step"] > self._best_score:
            self._best_score = scores["elbo_per_step"]
            self._best.save(checkpoint_number=step)
            files.write_atomically(self._score_path, json.dumps(
                dict(step=step, valid_elbo_per_step=self._best_score)).encode("utf-8"))
        return {"valid_elbo": scores["elbo_per_step"]}


BEST_DIR = "best"
BEST_SCORE_FILE = "score.json"


def _read_best_score(best_dir: str) -> float | None:
    path = os.path.join(best_dir, BEST_SCORE_FILE)
    if tf.train.latest_checkpoint(best_dir) is None or not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return float(json.load(f)["valid_elbo_per_step"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise rundir.LogDirError(f"Corrupt {path}: {err}") from None


def train(log_dir: str, source: str, *, preset: str | None = None,
          hparams: str | None = None, epochs: int = EPOCHS, iters: int | None = None,
          max_seconds: float | None = None, log_every: int = 10, save_every: int = 100,
          seed: int | None = None, progress_stream: TextIO | None = None
          ) -> training.TrainResult:
    """Trains (or resumes) on carried streams, keeping the best checkpoint.

    Args:
        log_dir: the training directory (`vaeseq.examples.common.rundir`),
            with the best checkpoint by validation ELBO in `log_dir/best`.
        source: a paper `.npz` file, or any source `load` reads, cut into
            chunks of `sequence_size` steps.
        preset: "srnn_paper" (`preset`) for a new run, under `hparams`.
        hparams: overrides in `HParams.parse` syntax.
        epochs: passes over the training streams.
        iters: if set, stop at this global step if it comes first.
        max_seconds: if set, stop (and save) after training this long.
        log_every, save_every: steps between summaries, checkpoints.
        seed: makes initialisation and sampling repeatable.
        progress_stream: where the progress bar goes; stderr by default.

    Raises:
        InputError: bad arguments, data or log directory; nothing is
            written then.
    """
    with errors.bad_input():
        if preset is not None and preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; valid: {', '.join(PRESETS)}")
        run_hparams, checkpoint_path = rundir.resume(log_dir, hparams_mod.SPEC, hparams)
        new_preset = preset is not None and checkpoint_path is None
        if new_preset:  # Its sequence_size first: the chunks fix the steps per epoch.
            run_hparams = hparams_mod.make_hparams(hparams, **preset_values(1))
        data = load(source, run_hparams.sequence_size)
        steps_per_epoch = len(data.train.chunks)
        if new_preset:
            run_hparams = hparams_mod.make_hparams(hparams, **preset_values(steps_per_epoch))
        schedule = training.Schedule(
            iters=min(epochs * steps_per_epoch, iters or epochs * steps_per_epoch),
            log_every=log_every, valid_every=steps_per_epoch, save_every=save_every,
            max_seconds=max_seconds)
        schedule.check()
        if seed is not None:
            tf.random.set_seed(seed)
        model = model_mod.make_model(run_hparams)
        ops = train_mod.TrainOps(run_hparams, model,
                                 seed=None if seed is None else (seed, 1))
        checkpoint = tf.train.Checkpoint(model=model, train_ops=ops)
        if checkpoint_path is not None:
            rundir.restore(checkpoint, checkpoint_path)
        best = tf.train.CheckpointManager(checkpoint, os.path.join(log_dir, BEST_DIR),
                                          max_to_keep=1, checkpoint_name="ckpt")
        hooks = _Hooks(Scorer(model, run_hparams.log_prob_samples), data.valid, best,
                       data.train.chunks.shape[2])
    rundir.save_hparams(log_dir, hparams_mod.SPEC, run_hparams)
    return training.run(log_dir, checkpoint, ops.global_step,
                        _StreamSteps(ops, model, data.train), schedule, hooks,
                        progress_stream)


def evaluate(log_dir: str, source: str, *, split: str = "test", hparams: str | None = None,
             seed: int | None = None) -> dict[str, dict[str, Any]]:
    """Scores a split with the best checkpoint (the latest if there is none).

    Test pieces are scored whole (`Scorer.pieces`; the first frame given
    for a paper `.npz`), training and validation streams carried
    (`Scorer.streams`).

    Returns:
        `{key: scores}`, keyed by `midi_data.score_key(source, split)`
        (`"path:split"`; the path alone for MIDI files), the scores holding
        the split's name too.

    Raises:
        InputError: bad arguments, data or log directory.
    """
    with errors.bad_input():
        if split not in midi_data.SPLITS:
            raise ValueError(f"unknown split {split!r}; valid: {', '.join(midi_data.SPLITS)}")
        run_hparams, path = rundir.trained(log_dir, hparams_mod.SPEC, hparams)
        path = tf.train.latest_checkpoint(os.path.join(log_dir, BEST_DIR)) or path
        model = model_mod.make_model(run_hparams)
        rundir.restore(tf.train.Checkpoint(model=model), path)
        data = load(source, run_hparams.sequence_size)
    scorer = Scorer(model, run_hparams.log_prob_samples)
    seed = 0 if seed is None else seed
    if split == "test":
        scores = scorer.pieces(data.test, source.endswith(".npz"), seed=seed)
    else:
        scores = scorer.streams(getattr(data, split), seed=seed)
    scores = {name: round(value, 4) if isinstance(value, float) else value
              for name, value in scores.items()}
    return {midi_data.score_key(source, split):
            dict(scores, split=split, checkpoint=os.path.basename(path))}
