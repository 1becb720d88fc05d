"""Adam whose update of each variable is one fused kernel.

The update is Kingma & Ba's Algorithm 1, as `snt.optimizers.Adam` writes it:

    m <- b1 m + (1 - b1) g            v <- b2 v + (1 - b2) g^2
    w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

Sonnet spells this as about ten elementwise ops per variable, each a pass
over memory; TensorFlow's `ResourceApplyAdam` kernel does the three updates
in one pass (with its epsilon scaled by sqrt(1 - b2^t) so that the formula is
the same), which makes the optimizer step of the 3x512 text model about twice
as fast on a CPU (docs/performance.md).

Every gradient is applied densely, as in tf.keras and PyTorch: an
embedding's `IndexedSlices` gradient becomes a dense one, so rows absent from
a batch still move with their moments.

Under a `tf.distribute` strategy, create the slots (`create_slots`) inside
`strategy.scope()` and call `apply` in replica context with gradients that
are already summed over the replicas: each replica updates its own copy.
"""

from typing import Sequence

import sonnet as snt
import tensorflow as tf


class Adam(snt.Module):
    """Adam with fused per-variable updates.

    Attributes:
      learning_rate, beta1, beta2, epsilon: the hyperparameters (floats).
      step: int64 variable, the number of updates applied.
      m, v: the first and second moment estimates, one variable per parameter.
    """

    def __init__(self, learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, name: str | None = None):
        super().__init__(name=name)
        self.learning_rate = learning_rate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.step = tf.Variable(0, trainable=False, dtype=tf.int64, name="step")
        self.m = []
        self.v = []

    def create_slots(self, parameters: Sequence[tf.Variable]) -> None:
        """Creates zero moments for `parameters`, once (later calls do nothing)."""
        if self.m:
            return
        def zeros(p, name):
            return tf.Variable(tf.zeros(p.shape, p.dtype), trainable=False, name=name)
        with tf.name_scope("m"):
            self.m.extend(zeros(p, p.name.split(":")[0].replace("/", "_")) for p in parameters)
        with tf.name_scope("v"):
            self.v.extend(zeros(p, p.name.split(":")[0].replace("/", "_")) for p in parameters)

    def apply(self, gradients: Sequence[tf.Tensor], parameters: Sequence[tf.Variable],
              learning_rate: tf.Tensor | None = None) -> None:
        """Applies one update; a None gradient leaves its parameter alone.

        Args:
          gradients: one per parameter (or None).
          parameters: the variables.
          learning_rate: this update's rate (a scalar, e.g. from a schedule);
            `self.learning_rate` if None.

        Raises:
          ValueError: `gradients` and `parameters` differ in length, or the
            slots were created for a different number of parameters.
        """
        if len(gradients) != len(parameters):
            raise ValueError(f"{len(gradients)} gradients for {len(parameters)} parameters")
        self.create_slots(parameters)
        if len(self.m) != len(parameters):
            raise ValueError(f"Adam has moments for {len(self.m)} parameters, "
                             f"got {len(parameters)}")
        step = tf.cast(self.step.assign_add(1), tf.float32)
        beta1_power = tf.pow(tf.constant(self.beta1, tf.float32), step)
        beta2_power = tf.pow(tf.constant(self.beta2, tf.float32), step)
        # The kernel adds epsilon to sqrt(v) before the bias correction of v.
        epsilon = self.epsilon * tf.sqrt(1.0 - beta2_power)
        lr = tf.cast(self.learning_rate if learning_rate is None else learning_rate, tf.float32)
        for grad, param, m, v in zip(gradients, parameters, self.m, self.v):
            if grad is None:
                continue
            tf.raw_ops.ResourceApplyAdam(
                var=param.handle, m=m.handle, v=v.handle, beta1_power=beta1_power,
                beta2_power=beta2_power, lr=lr,
                beta1=tf.constant(self.beta1, tf.float32),
                beta2=tf.constant(self.beta2, tf.float32), epsilon=epsilon,
                grad=tf.convert_to_tensor(grad))
