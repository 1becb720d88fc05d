"""Hyperparameters of the play example: the library's, plus the RL loop's.

The model's defaults are small (the CartPole state has four numbers); the
added hyperparameters size the policy and drive the training loop: how many
real episodes each iteration plays, how many model and policy steps follow,
and how imagined rollouts are scored.
"""

from vaeseq.examples.common import hparams as hparams_common

_PLAY_HPARAMS = {
    "policy_layers": ([32],
        "Hidden layer sizes of the policy MLP (normalised state -> action logit)."),
    "episodes_per_iter": (8,
        "Real episodes played (in parallel) per iteration of the training loop."),
    "replay_episodes": (200, "Most recent real episodes kept for model training."),
    "model_steps_per_iter": (40, "Model training steps (TrainOps calls) per iteration."),
    "policy_steps_per_iter": (10,
        "Policy-gradient updates per iteration, each on a fresh imagined batch."),
    "imagine_batch_size": (256,
        "Imagined rollouts per policy update, each started from a real state."),
    "imagine_steps": (150, "Steps of each imagined rollout."),
    "discount": (0.99, "Discount of imagined rewards."),
    "policy_learning_rate": (3e-3, "Learning rate of the policy (Adam)."),
    "entropy_bonus": (1e-3, "Weight of the entropy bonus that keeps the policy exploring."),
}

_PLAY_DEFAULTS = {
    "latent_size": 4,
    "sequence_size": 32,
    "batch_size": 32,
    "rnn_hidden_sizes": [64],
    "obs_encoder_fc_layers": [32],
    "obs_decoder_fc_hidden_layers": [64],
    "latent_decoder_fc_layers": [32],
    "learning_rate": 3e-3,
    # Full KL weight from the start: imagination samples latents from the
    # prior, so the posterior must not drift from it even early on.
    "divergence_strength_start": 1.0,
}

# A trained run cannot change the library's architecture hyperparameters nor
# the policy's (and its baseline's) layers.
SPEC = hparams_common.ExampleHParams(
    extra=_PLAY_HPARAMS, defaults=_PLAY_DEFAULTS,
    architecture=hparams_common.LIBRARY_ARCHITECTURE + ("policy_layers",))
make_hparams = SPEC.make
