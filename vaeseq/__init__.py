"""vaeseq: sequence models mixing deterministic RNN state with stochastic latents.

A TensorFlow 2 / Sonnet 2 / TensorFlow Probability library in the shape of
the VAE-Seq design: an `Agent` supplies contexts, an encoder flattens
observations, a decoder (`DistModule`) gives distributions over them, and
the models in `vaeseq.vae` (RNN, ISEQ, SRNN) tie these together. `TrainOps`
runs one optimisation step of the annealed ELBO; `GenCore` samples.
"""

import os
import sys

# oneDNN runs the LSTMs' small [B, H] x [H, 4H] matmuls about twice as fast
# as Eigen on CPUs where TensorFlow leaves it off by default (AMD, Intel
# without AVX-512 VNNI); see docs/performance.md. TensorFlow reads this once
# when it is imported, so it takes effect only if vaeseq is imported first;
# TF_ENABLE_ONEDNN_OPTS=0 in the environment keeps it off.
if "tensorflow" not in sys.modules:
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

__version__ = "0.2.0"
