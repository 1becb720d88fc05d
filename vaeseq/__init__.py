"""vaeseq: sequence models mixing deterministic RNN state with stochastic latents.

A TensorFlow 2 / Sonnet 2 / TensorFlow Probability library in the shape of
the VAE-Seq design: an `Agent` supplies contexts, an encoder flattens
observations, a decoder (`DistModule`) gives distributions over them, and
the models in `vaeseq.vae` (RNN, ISEQ, SRNN) tie these together. `TrainOps`
runs one optimisation step of the annealed ELBO; `GenCore` samples.
"""

__version__ = "0.2.0"
