"""Per-step LSTM matmuls in each weight layout: `python -m bench.matmul_layouts`.

A training or generation step of an LSTM multiplies a `[B, H]` hidden state
by its recurrent weights, and the backward pass a `[B, 4H]` gate gradient by
their transpose. The weights can be stored input-major (`[H, 4H]`) or
output-major (`[4H, H]`, as cuDNN and PyTorch do, and as `vaeseq.lstm`
does); this times each product in both, as chains of dependent matmuls in
one `tf.function`, which is how the LSTM's time loop runs them.
"""

import argparse

import vaeseq  # noqa: F401  (first: it turns oneDNN on before TensorFlow loads)
import tensorflow as tf  # pylint: disable=wrong-import-order

from bench import flags
from bench import timing


def _chain(product, steps: int):
    """A function running `steps` dependent products `x <- product(x, w)`."""

    def run(x, w):
        for _ in range(steps):
            x = product(x, w)
        return tf.reduce_sum(x)

    return tf.function(run, autograph=False)


def cases(batch: int, hidden: int) -> dict:
    """Name -> (product, x, w): each product keeps x's shape."""
    gates = 4 * hidden
    state = tf.random.stateless_normal([batch, hidden], seed=[0, 1])
    d_gates = tf.random.stateless_normal([batch, gates], seed=[0, 2])
    input_major = tf.random.stateless_normal([hidden, gates], seed=[0, 3]) * 0.02
    output_major = tf.transpose(input_major)
    return {
        "forward h x W, W [H, 4H]": (
            lambda x, w: tf.matmul(x, w)[:, :hidden], state, input_major),
        "forward h x W^T, W [4H, H]": (
            lambda x, w: tf.matmul(x, w, transpose_b=True)[:, :hidden], state, output_major),
        "backward dg x W^T, W [H, 4H]": (
            lambda x, w: tf.tile(tf.matmul(x, w, transpose_b=True), [1, 4]), d_gates,
            input_major),
        "backward dg x W, W [4H, H]": (
            lambda x, w: tf.tile(tf.matmul(x, w), [1, 4]), d_gates, output_major),
    }


def measure(batch: int, hidden: int, steps: int, reps: int) -> dict:
    """Milliseconds per matmul of each case (median of `reps` chains)."""
    result = {}
    for name, (product, x, w) in cases(batch, hidden).items():
        run = _chain(product, steps)
        result[name] = timing.ms_per_iteration(lambda run=run, x=x, w=w: run(x, w).numpy(),
                                               steps, reps)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=flags.positive_int, default=20)
    parser.add_argument("--hidden", type=flags.positive_int, default=512)
    parser.add_argument("--steps", type=flags.positive_int, default=40, help="matmuls per chain")
    parser.add_argument("--reps", type=flags.positive_int, default=9)
    args = parser.parse_args(argv)
    flops = 2 * args.batch * args.hidden * 4 * args.hidden
    print(f"[{args.batch}, {args.hidden}] state, {args.hidden} units: ms per matmul (GFLOP/s)")
    for name, ms in measure(args.batch, args.hidden, args.steps, args.reps).items():
        print(f"  {name:30s} {ms:7.3f}  ({flops / ms / 1e6:6.1f})")


if __name__ == "__main__":
    main()
