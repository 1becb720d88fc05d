"""Baseline: a Keras character LSTM with the text model's layer sizes.

Embedding -> encoder MLP -> stacked LSTMs -> decoder MLP -> logits, trained
with Adam (global gradient norm clipped to the model's `clip_gradient_norm`)
on sparse softmax cross-entropy, one `train_on_batch` per step. `flavour`
picks the Keras: "tf_keras" (Keras 2, `import tf_keras`) or "keras3"
(`import keras`, which is what `tf.keras` means in TensorFlow 2.21).
"""

import importlib

import numpy as np
import tensorflow as tf

from bench import devices
from bench import flops
from bench import timing
from vaeseq.examples.text import hparams as text_hparams

FLAVOURS = {"tf_keras": "tf_keras", "keras3": "keras"}


def build(keras, hparams, vocab_size: int):
    """The compiled character model; input ids `[B, T]` -> logits `[B, T, V]`."""
    layers = [keras.layers.Embedding(vocab_size, hparams.embed_size)]
    layers += [keras.layers.Dense(size, activation=hparams.activation)
               for size in hparams.obs_encoder_fc_layers]
    layers += [keras.layers.LSTM(size, return_sequences=True)
               for size in hparams.rnn_hidden_sizes]
    layers += [keras.layers.Dense(size, activation=hparams.activation)
               for size in hparams.obs_decoder_fc_hidden_layers]
    layers.append(keras.layers.Dense(vocab_size))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(hparams.learning_rate,
                                        global_clipnorm=hparams.clip_gradient_norm),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def measure(params: dict) -> dict:
    """Times `train_on_batch` steps; params as `vaeseq_train.measure` plus flavour.

    Returns {"skipped": reason} when that Keras cannot be imported.
    """
    try:
        keras = importlib.import_module(FLAVOURS[params["flavour"]])
    except ImportError as err:
        return {"skipped": f"import {FLAVOURS[params['flavour']]} failed: {err}"}
    keras.utils.set_random_seed(0)
    hparams = text_hparams.make_hparams(params["hparams"])
    model = build(keras, hparams, params["vocab_size"])
    rng = np.random.default_rng(0)
    shape = (hparams.batch_size, hparams.sequence_size)
    inputs = rng.integers(0, params["vocab_size"], size=shape, dtype=np.int32)
    targets = rng.integers(0, params["vocab_size"], size=shape, dtype=np.int32)
    result = timing.time_steps(lambda: model.train_on_batch(inputs, targets),
                               params["warmup"], params["reps"], params["min_steps"],
                               params["min_seconds"])
    result["observations"] = hparams.batch_size * hparams.sequence_size
    result["flops"] = flops.train_step(hparams, "RNN", params["vocab_size"])
    result["keras_version"] = keras.__version__
    result["device"] = devices.tensorflow(tf)
    return result
