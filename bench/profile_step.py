"""Where a training step spends its time: `python -m bench.profile_step`.

Times the whole `TrainOps` step of a text model, then the model's LSTM
stack alone (forward, and forward + backward) on inputs of the same shape,
and lists the TensorFlow op types that take the most time in a profiled
step. The op table reads the profile with TensorFlow's internal
`_pywrap_profiler_plugin` (what TensorBoard's profiler uses); it is
skipped with a note if that module is unavailable.
"""

import argparse
import collections
import glob
import os
import tempfile

import vaeseq  # noqa: F401  (first: it turns oneDNN on before TensorFlow loads)
import tensorflow as tf  # pylint: disable=wrong-import-order

from bench import configs
from bench import flags
from bench import timing
from bench import vaeseq_train
from vaeseq import compat
from vaeseq import train
from vaeseq import util
from vaeseq.examples.text import model


def op_type_times(step, steps: int) -> list[tuple[str, float, float]]:
    """(op type, self milliseconds per step, occurrences per step), slowest first."""
    with tempfile.TemporaryDirectory() as log_dir:
        tf.profiler.experimental.start(log_dir)
        for _ in range(steps):
            step()
        tf.profiler.experimental.stop()
        paths = glob.glob(os.path.join(log_dir, "**", "*.xplane.pb"), recursive=True)
        rows = compat.framework_op_stats(paths)
    self_us, count = collections.Counter(), collections.Counter()
    for cells in rows:
        self_us[cells["type"]] += cells["total_self_time"]
        count[cells["type"]] += cells["occurrences"]
    return [(op, us / 1e3 / steps, count[op] / steps) for op, us in self_us.most_common()]


def lstm_steps(hparams, context_size: int):
    """Blocking callables: the LSTM stack forward, and forward + backward."""
    rnn = util.make_rnn(hparams)
    inputs = tf.random.stateless_normal(
        [hparams.batch_size, hparams.sequence_size, context_size], seed=[0, 3])

    def forward_backward(x):
        with tf.GradientTape() as tape:
            outputs, _ = rnn.unroll(x)
            loss = tf.reduce_sum(tf.square(outputs))
        return loss, tape.gradient(loss, rnn.trainable_variables)

    forward = tf.function(lambda x: rnn.unroll(x)[0], autograph=False)
    both = tf.function(forward_backward, autograph=False)
    return (lambda: forward(inputs).numpy(), lambda: both(inputs)[0].numpy())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    flags.add_text_model_flags(parser)
    parser.add_argument("--reps", type=flags.positive_int, default=3)
    parser.add_argument("--top", type=flags.positive_int, default=10, help="op types to list")
    args = parser.parse_args(argv)
    hparams = flags.text_model_hparams(parser, args)
    vae = model.make_model(hparams, configs.VOCAB_SIZE)
    ops = train.TrainOps(hparams, vae)
    batch = tf.constant(vaeseq_train.random_batch(hparams, configs.VOCAB_SIZE))

    def step():
        ops(None, batch)

    forward, both = lstm_steps(hparams, vae.obs_encoder.output_size)
    print(f"{args.vae_type} {hparams.rnn_hidden_sizes}, batch {hparams.batch_size} x "
          f"sequence {hparams.sequence_size}: median seconds per call")
    whole = timing.time_steps(step, 2, args.reps, 2, 0.0)["step_s"]
    print(f"  whole training step           {whole:.3f}")
    for name, fn in (("LSTM stack forward", forward), ("LSTM stack forward+backward", both)):
        seconds = timing.time_steps(fn, 2, args.reps, 2, 0.0)["step_s"]
        print(f"  {name:29s} {seconds:.3f}  ({100 * seconds / whole:.0f}% of the step)")
    try:
        rows = op_type_times(step, args.reps)
    except (ImportError, AttributeError, ValueError, KeyError) as err:
        print(f"op profile unavailable: {err!r}")
        return
    busy = sum(ms for op, ms, _ in rows if op != "IDLE")
    print("profiled step (profiling slows ops down; compare shares, not times):")
    for op, ms, per_step in rows[:args.top]:
        share = "" if op == "IDLE" else f"{100 * ms / busy:5.1f}% of busy"
        print(f"  {op:24s} {ms:9.1f} ms  {per_step:6.0f} ops  {share}")


if __name__ == "__main__":
    main()
