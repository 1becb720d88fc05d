"""The SRNN paper's recipe on its own piano rolls (Fraccaro et al. 2016).

Trains a model on the `.npz` training streams with its state carried from
batch to batch (truncated backpropagation through time), keeps the
checkpoint with the best validation ELBO, and scores the test pieces the
paper's way: whole pieces, the first frame given (the agent starts from
having observed x_0), the per-step ELBO averaged over pieces. It reports,
per data set, `elbo_per_step` (total over all test steps),
`piece_mean_elbo_per_step` (the paper's figure), `iw_log_prob_per_step`
(the importance-weighted bound), `kl_per_step` and `active_units` (units of
z whose posterior mean varies over the test steps with variance > 0.01).

    python -m vaeseq.examples.midi.paper_recipe --dataset jsb.npz \\
        --vae_type SRNN --log_dir /tmp/jsb --max_seconds 3600 --output_json jsb.json

The preset (`preset`): a 300-unit GRU for d_t and for the backward a_t, which
reads [d_t, enc(x_t)]; z_t of 100 units; a shared 2 x 500 MLP encoding each
frame; prior, posterior (a residual on the prior's mean) and emission each
one 500-unit hidden layer; leaky ReLU; Adam with learning rate 1e-3 and
epsilon 1e-4, batch 16 (the streams), 100-step chunks; KL weight rising
linearly from 0.2 to 1 over the first 20 epochs; the learning rate divided by
1.2 after each epoch past the 20th; 50 epochs.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import tensorflow as tf

from vaeseq import agent as agent_mod
from vaeseq import train as train_mod
from vaeseq import vae as vae_mod
from vaeseq.examples.common import summaries
from vaeseq.examples.midi import hparams as hparams_mod
from vaeseq.examples.midi import model as model_mod
from vaeseq.examples.midi import paper_data

EPOCHS = 50
WARMUP_EPOCHS = 20
ACTIVE_UNIT_VARIANCE = 0.01


def preset(steps_per_epoch: int) -> dict:
    """The paper's hyperparameters, with its epoch-based schedules in steps."""
    return dict(
        rnn_cell="gru", rnn_hidden_sizes=[300], latent_size=100,
        obs_encoder_fc_layers=[500, 500], latent_decoder_fc_layers=[500],
        obs_decoder_fc_hidden_layers=[500], activation="leaky_relu",
        srnn_backward_input="state", srnn_use_res_q=True,
        learning_rate=1e-3, adam_epsilon=1e-4, clip_gradient_norm=10.0,
        batch_size=paper_data.NUM_STREAMS, sequence_size=100,
        divergence_schedule="linear", divergence_strength_start=0.2,
        divergence_warmup_steps=WARMUP_EPOCHS * steps_per_epoch,
        learning_rate_schedule="step_decay",
        learning_rate_decay_start=WARMUP_EPOCHS * steps_per_epoch,
        learning_rate_decay_every=steps_per_epoch, learning_rate_decay_factor=1 / 1.2)


def make_hparams(vae_type: str, steps_per_epoch: int, flag_value: str | None = None):
    """The MIDI example's hyperparameters with the preset, then `flag_value`."""
    return hparams_mod.make_hparams(flag_value, vae_type=vae_type, **preset(steps_per_epoch))


def _first_frame_state(model: vae_mod.VAEBase, rolls: tf.Tensor) -> vae_mod.CarriedState:
    """The state of a model that has observed each piece's first frame."""
    batch = tf.shape(rolls)[0]
    state = model.initial_state(batch)
    agent = model.agent.observe(tf.zeros([batch, 0]), rolls[:, 0], state.agent)
    return state._replace(agent=agent)


def _active_units(means: np.ndarray) -> int:
    """Units whose posterior mean varies with variance > 0.01; means `[N, S]`."""
    if means.shape[0] < 2 or means.shape[1] == 0:
        return 0
    return int((means.var(axis=0) > ACTIVE_UNIT_VARIANCE).sum())


class Scorer:
    """Scores validation streams and test pieces with compiled functions."""

    def __init__(self, model: vae_mod.VAEBase, num_samples: int):
        self._model = model
        self._num_samples = num_samples
        self._stream_fn = tf.function(self._stream_chunk, autograph=False)
        self._piece_fn = tf.function(self._piece_batch, autograph=False)

    def _stream_chunk(self, rolls, state, seed):
        inputs = agent_mod.null_inputs(tf.shape(rolls)[0], rolls.shape[1])
        contexts, agent_state = self._model.agent.observe_sequence(inputs, rolls, state.agent)
        terms = self._model.elbo_terms(contexts, rolls, seed=seed, initial_state=state)
        final = terms.final_state._replace(agent=agent_state)
        return (tf.reduce_sum(terms.log_probs - terms.divergences),
                tf.reduce_sum(terms.divergences), terms.posterior_means, final)

    def _piece_batch(self, rolls, mask, seed):
        state = _first_frame_state(self._model, rolls)
        inputs = agent_mod.null_inputs(tf.shape(rolls)[0], rolls.shape[1])
        contexts, _ = self._model.agent.observe_sequence(inputs, rolls, state.agent)
        terms = self._model.elbo_terms(contexts, rolls, seed=seed, mask=mask,
                                       initial_state=state)
        iw = self._model.iw_log_prob(contexts, rolls, self._num_samples, seed=seed, mask=mask,
                                     initial_state=state)
        return (tf.reduce_sum(terms.log_probs - terms.divergences, axis=1),
                tf.reduce_sum(terms.divergences, axis=1), iw, terms.posterior_means)

    def streams(self, streams: paper_data.Streams, seed: int = 0) -> dict:
        """ELBO and KL per step over carried streams, and the active units."""
        state = self._model.initial_state(streams.chunks.shape[1])
        elbo = kl = 0.0
        means = []
        for b, chunk in enumerate(streams.chunks):
            chunk_elbo, chunk_kl, chunk_means, state = self._stream_fn(
                tf.constant(chunk), state, tf.constant([seed, b]))
            elbo += float(chunk_elbo)
            kl += float(chunk_kl)
            batch_means = chunk_means.numpy()  # [S, T, Z]
            means.append(batch_means.reshape(np.prod(batch_means.shape[:2]), -1))
        steps = streams.num_steps
        return dict(elbo_per_step=elbo / steps, kl_per_step=kl / steps,
                    active_units=_active_units(np.concatenate(means)))

    def pieces(self, pieces: paper_data.Pieces, batch_size: int = 16, seed: int = 0) -> dict:
        """The test scores (see the module docstring), first frame given."""
        elbos, kls, iws, means = [], [], [], []
        for start in range(0, len(pieces.rolls), batch_size):
            rolls = tf.constant(pieces.rolls[start:start + batch_size])
            mask = pieces.mask[start:start + batch_size]
            elbo, kl, iw, batch_means = self._piece_fn(rolls, tf.constant(mask),
                                                       tf.constant([seed, start]))
            elbos.append(elbo.numpy())
            kls.append(kl.numpy())
            iws.append(iw.numpy())
            means.append(batch_means.numpy()[mask > 0])
        elbo, kl, iw = (np.concatenate(x).astype(np.float64) for x in (elbos, kls, iws))
        lengths = pieces.lengths
        steps = float(lengths.sum())
        return dict(elbo_per_step=elbo.sum() / steps,
                    piece_mean_elbo_per_step=float(np.mean(elbo / lengths)),
                    iw_log_prob_per_step=iw.sum() / steps, iw_samples=self._num_samples,
                    kl_per_step=kl.sum() / steps,
                    active_units=_active_units(np.concatenate(means)),
                    pieces=len(lengths), steps=int(steps))


def _train_epoch(ops: train_mod.TrainOps, model, streams: paper_data.Streams) -> dict:
    """One pass over the streams, the state carried from chunk to chunk."""
    state = model.initial_state(streams.chunks.shape[1])
    totals = {"elbo": 0.0, "divergence": 0.0}
    for chunk in streams.chunks:
        result = ops(None, tf.constant(chunk), initial_state=state)
        state = result["final_state"]
        for name in totals:
            totals[name] += float(result[name])
    steps_per_sequence = streams.chunks.shape[2]
    return {f"train/{name}_per_step": total / len(streams.chunks) / steps_per_sequence
            for name, total in totals.items()}


def run(dataset: str, vae_type: str, log_dir: str, epochs: int = EPOCHS,
        max_seconds: float | None = None, flag_value: str | None = None,
        seed: int = 0, num_samples: int = 10, log=print) -> dict:
    """Trains, selects on validation, scores the test pieces; returns the report.

    The best checkpoint (by validation ELBO) is kept in `log_dir/best`,
    TensorBoard summaries in `log_dir`, and the report in
    `log_dir/report.json`.
    """
    data = paper_data.load(dataset)
    steps_per_epoch = len(data.train.chunks)
    hparams = make_hparams(vae_type, steps_per_epoch, flag_value)
    tf.random.set_seed(seed)
    model = model_mod.make_model(hparams)
    model_mod.build(model)
    ops = train_mod.TrainOps(hparams, model, seed=(seed, 1))
    scorer = Scorer(model, num_samples)
    checkpoint = tf.train.Checkpoint(model=model, ops=ops)
    best = tf.train.CheckpointManager(checkpoint, os.path.join(log_dir, "best"), max_to_keep=1)
    writer = tf.summary.create_file_writer(log_dir)
    start = time.monotonic()
    best_valid, best_epoch, epoch = -np.inf, 0, 0
    with writer.as_default(step=ops.global_step):
        while epoch < epochs and (max_seconds is None
                                  or time.monotonic() - start < max_seconds):
            train_scores = _train_epoch(ops, model, data.train)
            epoch += 1
            valid = scorer.streams(data.valid, seed=epoch)
            step = int(ops.global_step.numpy())
            for name, value in {**train_scores,
                                **{f"valid/{k}": v for k, v in valid.items()}}.items():
                summaries.scalar(name, value)
            if valid["elbo_per_step"] > best_valid:
                best_valid, best_epoch = valid["elbo_per_step"], epoch
                best.save(checkpoint_number=step)
            log(f"epoch {epoch} step {step} {time.monotonic() - start:.0f}s "
                f"train ELBO {train_scores['train/elbo_per_step']:.3f} "
                f"valid ELBO {valid['elbo_per_step']:.3f} KL {valid['kl_per_step']:.3f} "
                f"active {valid['active_units']}")
    train_seconds = time.monotonic() - start
    checkpoint.restore(best.latest_checkpoint).expect_partial()
    test = scorer.pieces(data.test)
    report = dict(dataset=os.path.basename(dataset), vae_type=vae_type, epochs=epoch,
                  best_epoch=best_epoch, best_valid_elbo_per_step=best_valid,
                  train_seconds=round(train_seconds, 1), test=test,
                  hparams=hparams.values())
    with open(os.path.join(log_dir, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", required=True, help="a paper .npz file")
    parser.add_argument("--vae_type", default="SRNN", choices=sorted(vae_mod.VAE_TYPES))
    parser.add_argument("--log_dir", required=True)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--max_seconds", type=float, default=None,
                        help="stop training after this long (default: no limit)")
    parser.add_argument("--hparams", default=None, help="overrides of the preset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iw_samples", type=int, default=10)
    args = parser.parse_args(argv)
    try:
        report = run(args.dataset, args.vae_type, args.log_dir, args.epochs, args.max_seconds,
                     args.hparams, args.seed, args.iw_samples)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps(report["test"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
