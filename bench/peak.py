"""The machine's measured matmul peak: FLOP/s of a large float32 `tf.matmul`.

This is what TensorFlow achieves on an N x N x N matmul on this machine
(the best of several repetitions), not a datasheet peak, on the device
TensorFlow runs ops on by default.
"""

from bench import devices
from bench import timing


def measure(params: dict) -> dict:
    """Times `matmul_size`-square matmuls; params also holds warmup and reps.

    Returns:
        `timing.time_steps`'s figures, flops (per matmul), best_flops_per_s
        (the fastest repetition) and device; {"skipped": reason} when
        TensorFlow cannot be imported.
    """
    try:
        import tensorflow as tf  # pylint: disable=import-outside-toplevel
    except ImportError as err:
        return {"skipped": f"import tensorflow failed: {err}"}
    n = params["matmul_size"]
    a = tf.random.stateless_normal([n, n], seed=[0, 1])
    b = tf.random.stateless_normal([n, n], seed=[0, 2])
    matmul = tf.function(tf.matmul)

    def step():
        return matmul(a, b)[0, 0].numpy()

    result = timing.time_steps(step, params["warmup"], params["reps"], 3, 1.0)
    result["flops"] = 2 * n ** 3
    result["best_flops_per_s"] = result["flops"] / min(result["rep_step_s"])
    result["device"] = devices.tensorflow(tf)
    return result
