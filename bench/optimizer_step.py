"""One Adam update of a text model's variables: `python -m bench.optimizer_step`.

Times `vaeseq.adam.Adam` (one fused kernel per variable) against
`snt.optimizers.Adam` (the same update in elementwise ops) applying random
gradients, clipped by their global norm as `TrainOps` does (to the
model's `clip_gradient_norm`, if positive), to the
variables of the text example's model (3x512 RNN by default).
"""

import argparse

import vaeseq  # noqa: F401  (first: it turns oneDNN on before TensorFlow loads)
import sonnet as snt  # pylint: disable=wrong-import-order
import tensorflow as tf  # pylint: disable=wrong-import-order

from bench import configs
from bench import flags
from bench import timing
from bench import vaeseq_train
from vaeseq import adam
from vaeseq import train
from vaeseq.examples.text import model


def model_variables(hparams) -> list[tf.Variable]:
    """The trainable variables of a freshly built text model of `hparams`."""
    vae = model.make_model(hparams, configs.VOCAB_SIZE)
    ops = train.TrainOps(hparams, vae)
    ops(None, tf.constant(vaeseq_train.random_batch(hparams, configs.VOCAB_SIZE)[:, :2]))
    return list(vae.trainable_variables)


def measure(variables: list[tf.Variable], clip_norm: float, reps: int,
            min_seconds: float) -> dict:
    """Median seconds per update, by optimizer name (no clipping if `clip_norm` <= 0)."""
    grads = [tf.random.stateless_normal(v.shape, seed=[0, i]) for i, v in enumerate(variables)]
    result = {}
    for name, optimizer in (("vaeseq.adam.Adam", adam.Adam()),
                            ("snt.optimizers.Adam", snt.optimizers.Adam())):
        def update(grads, optimizer=optimizer):
            if clip_norm > 0:
                grads, _ = tf.clip_by_global_norm(grads, clip_norm)
            optimizer.apply(grads, variables)
            return tf.constant(0)

        step = tf.function(update, autograph=False)
        result[name] = timing.time_steps(lambda step=step: step(grads).numpy(), warmup=2,
                                         reps=reps, min_steps=2,
                                         min_seconds=min_seconds)["step_s"]
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    flags.add_text_model_flags(parser)
    parser.add_argument("--reps", type=flags.positive_int, default=5)
    parser.add_argument("--min_seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    hparams = flags.text_model_hparams(parser, args)
    variables = model_variables(hparams)
    count = sum(v.shape.num_elements() for v in variables)
    print(f"{args.vae_type} text model, {count:,} parameters: ms per update")
    for name, seconds in measure(variables, hparams.clip_gradient_norm, args.reps,
                                 args.min_seconds).items():
        print(f"  {name:22s} {1e3 * seconds:8.2f}")


if __name__ == "__main__":
    main()
