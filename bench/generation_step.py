"""What bounds a generation step: `python -m bench.generation_step`.

Generation advances the text model's LSTM stack one time step at a time
for a small batch. This runs such steps in a compiled while loop three
ways: the stack's real step (`StackedRNN.__call__`); the same matmuls
with the cell arithmetic left out; and those matmuls all reading one
shared weight matrix, which stays in the CPU's caches. The first two being
alike means the matmuls bound the step; the third being faster means the
weights' memory traffic bounds the matmuls.
"""

import argparse

import vaeseq  # noqa: F401  (first: it turns oneDNN on before TensorFlow loads)
import tensorflow as tf  # pylint: disable=wrong-import-order

from bench import flags
from bench import timing
from vaeseq import lstm
from vaeseq import stacked_rnn


def _matmuls_only(stack: stacked_rnn.StackedRNN, shared: bool):
    """A step with each layer's matmuls but none of its cell arithmetic."""

    def step(inputs, state):
        first = stack.layers[0]
        new_state = []
        for layer, layer_state in zip(stack.layers, state):
            w_x = first.w_h if shared and inputs.shape[-1] == layer.hidden_size else layer.w_x
            w_h = first.w_h if shared else layer.w_h
            gates = (tf.matmul(inputs, w_x, transpose_b=True)
                     + tf.matmul(layer_state.hidden, w_h, transpose_b=True))
            inputs = gates[:, :layer.hidden_size]
            new_state.append(lstm.LSTMState(inputs, layer_state.cell))
        return inputs, tuple(new_state)

    return step


def variants(stack: stacked_rnn.StackedRNN) -> dict:
    """Name -> step function `(inputs [B, D], state) -> (outputs [B, H], state)`."""
    return {
        "LSTM step": stack,
        "matmuls only": _matmuls_only(stack, shared=False),
        "matmuls only, one shared weight": _matmuls_only(stack, shared=True),
    }


def _loop(step, stack: stacked_rnn.StackedRNN, inputs: tf.Tensor):
    """A compiled function running `num_steps` dependent steps of `step`."""

    @tf.function
    def run(num_steps):
        state = stack.initial_state(inputs.shape[0])
        outputs = tf.zeros([inputs.shape[0], stack.output_size])
        for _ in tf.range(num_steps):
            # Feed the outputs back (times zero) so that steps cannot overlap.
            outputs, state = step(inputs + 0.0 * outputs[:, :1], state)
        return tf.reduce_sum(outputs)

    return run


def measure(batch: int, input_size: int, hidden_sizes: list[int], steps: int,
            reps: int) -> dict:
    """Milliseconds per step of each variant (median of `reps` loops of `steps`)."""
    stack = stacked_rnn.StackedRNN("lstm", hidden_sizes)
    inputs = tf.random.stateless_normal([batch, input_size], seed=[0, 1])
    stack(inputs, stack.initial_state(batch))  # Creates the variables.
    result = {}
    for name, step in variants(stack).items():
        run = _loop(step, stack, inputs)
        result[name] = timing.ms_per_iteration(lambda run=run: run(tf.constant(steps)).numpy(),
                                               steps, reps)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=flags.positive_int, default=20)
    parser.add_argument("--input_size", type=flags.positive_int, default=32,
                        help="the text model's encoded observation size")
    parser.add_argument("--hidden_sizes", type=flags.positive_ints, default=[512, 512, 512],
                        help="comma-separated layer sizes")
    parser.add_argument("--steps", type=flags.positive_int, default=1000)
    parser.add_argument("--reps", type=flags.positive_int, default=5)
    args = parser.parse_args(argv)
    sizes = args.hidden_sizes
    megabytes = sum(4 * 4 * h * (d + h) for d, h in zip([args.input_size] + sizes, sizes)) / 2**20
    print(f"LSTM {sizes}, batch {args.batch}, {megabytes:.1f} MiB of weights: ms per step")
    for name, ms in measure(args.batch, args.input_size, sizes, args.steps, args.reps).items():
        print(f"  {name:32s} {ms:7.3f}")


if __name__ == "__main__":
    main()
