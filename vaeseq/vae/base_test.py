"""The VAEBase contract, checked for every model type with tiny distinct sizes."""

import numpy as np
import pytest
import tensorflow as tf

from vaeseq import agent
from vaeseq import testing
from vaeseq import vae
from vaeseq.testing import BATCH, LATENT, OBS, STEPS

VAE_TYPES = sorted(vae.VAE_TYPES)
# Every model with the default cell, with a GRU, and SRNN with the paper's
# backward-RNN input.
CASES = ([(vae_type, {}) for vae_type in VAE_TYPES]
         + [(vae_type, {"rnn_cell": "gru"}) for vae_type in VAE_TYPES]
         + [("SRNN", {"srnn_backward_input": "state"})])
# Per-step latent sizes: RNN exposes d_t (top RNN layer, 7), SRNN [d_t, z_t].
LATENT_SIZES = {"RNN": 7, "ISEQ": LATENT, "SRNN": 7 + LATENT}


def _data(seed=0):
    observed = tf.random.stateless_normal([BATCH, STEPS, OBS], seed=[seed, 1])
    return observed, agent.null_inputs(BATCH, STEPS)


def _contexts(model, observed, inputs):
    return agent.contexts_for_static_observations(observed, model.agent, inputs)


def _outputs(model, seed=(3, 4)):
    """Everything the model computes, with fixed stateless seeds."""
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    latents, divergences = model.infer_latents(contexts, observed, seed=seed)
    return dict(
        latents=latents, divergences=divergences,
        log_probs=model.log_prob_observed(contexts, latents, observed),
        iw=model.iw_log_prob(contexts, observed, num_samples=3, seed=seed),
        generated=model.gen_core.generate(inputs, seed=seed)[0],
        eval=model.eval_core.log_probs(inputs, observed, seed=seed))


@pytest.mark.parametrize("vae_type, options", CASES)
def test_shapes(vae_type, options):
    _, model = testing.tiny_model(vae_type, **options)
    out = _outputs(model)
    assert model.latent_size == LATENT_SIZES[vae_type]
    assert out["latents"].shape == (BATCH, STEPS, LATENT_SIZES[vae_type])
    assert out["divergences"].shape == (BATCH, STEPS)
    assert out["log_probs"].shape == (BATCH, STEPS)
    assert out["iw"].shape == (BATCH,)
    assert out["generated"].shape == (BATCH, STEPS, OBS)
    assert out["eval"].shape == (BATCH, STEPS)
    for name, value in out.items():
        assert np.all(np.isfinite(value)), name


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_divergence_non_negative(vae_type):
    _, model = testing.tiny_model(vae_type)
    divergences = _outputs(model)["divergences"].numpy()
    assert np.all(divergences >= -1e-6)
    if vae_type == "RNN":
        np.testing.assert_array_equal(divergences, 0.0)
    else:
        assert np.all(divergences > 0.0)


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_monte_carlo_kl_is_log_ratio(vae_type):
    _, model = testing.tiny_model(vae_type, use_monte_carlo_kl=True)
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    _, divergences = model.infer_latents(contexts, observed, seed=(1, 2))
    post = model._sample_posterior(contexts, observed, tf.constant([1, 2]))  # pylint: disable=protected-access
    np.testing.assert_allclose(divergences, post.log_q - post.log_prior, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("vae_type, options", CASES)
def test_every_variable_gets_a_finite_gradient(vae_type, options):
    _, model = testing.tiny_model(vae_type, **options)
    observed, inputs = _data()
    with tf.GradientTape() as tape:
        contexts = _contexts(model, observed, inputs)
        latents, divergences = model.infer_latents(contexts, observed)
        elbo = tf.reduce_sum(model.log_prob_observed(contexts, latents, observed) - divergences)
    variables = model.trainable_variables
    assert variables
    for var, grad in zip(variables, tape.gradient(elbo, variables)):
        assert grad is not None, var.name
        assert np.all(np.isfinite(grad)), var.name


@pytest.mark.parametrize("vae_type, options", CASES)
def test_checkpoint_restores_into_fresh_instance(vae_type, options, tmp_path):
    _, model = testing.tiny_model(vae_type, **options)
    before = _outputs(model)
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    _, fresh = testing.tiny_model(vae_type, **options)
    _outputs(fresh, seed=(9, 9))  # Builds the variables with different values.
    tf.train.Checkpoint(model=fresh).restore(path).assert_existing_objects_matched()
    after = _outputs(fresh)
    for name in before:
        np.testing.assert_allclose(after[name], before[name], rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("vae_type, options", CASES)
def test_build_creates_every_variable_once(vae_type, options):
    _, model = testing.tiny_model(vae_type, **options)
    model.build(tf.zeros([1, 1, OBS]))
    names = sorted(v.name for v in model.variables)
    assert names
    _outputs(model)  # Scoring and sampling whole batches create nothing new.
    model.build(tf.zeros([2, 5, OBS]))
    assert sorted(v.name for v in model.variables) == names


def test_build_with_given_contexts_restores_a_checkpoint(tmp_path):
    _, model = testing.tiny_model("SRNN")
    before = _outputs(model)
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    _, fresh = testing.tiny_model("SRNN")
    observed, inputs = _data()
    fresh.build(observed, inputs, contexts=tf.zeros([BATCH, STEPS, 8]))
    tf.train.Checkpoint(model=fresh).restore(path).assert_consumed()
    np.testing.assert_allclose(_outputs(fresh)["iw"], before["iw"], rtol=1e-5)


@pytest.mark.parametrize("vae_type, options", CASES)
def test_eager_and_tf_function_agree(vae_type, options):
    _, model = testing.tiny_model(vae_type, **options)
    eager = _outputs(model)
    compiled = tf.function(_outputs)(model)
    for name in eager:
        np.testing.assert_allclose(compiled[name], eager[name], rtol=1e-5, atol=1e-5,
                                   err_msg=name)


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_importance_weighted_bound_tightens_with_samples(vae_type):
    tf.random.set_seed(0)  # The initial weights too: the same model whatever ran before.
    _, model = testing.tiny_model(vae_type)
    observed, inputs = _data()
    replicas = 64  # Average many independent estimates of each bound.
    observed = tf.concat([observed] * replicas, 0)
    contexts = _contexts(model, observed, agent.null_inputs(BATCH * replicas, STEPS))
    latents, divergences = model.infer_latents(contexts, observed, seed=(5, 5))
    elbo = tf.reduce_mean(tf.reduce_sum(
        model.log_prob_observed(contexts, latents, observed) - divergences, axis=1))
    bounds = [tf.reduce_mean(model.iw_log_prob(contexts, observed, num_samples=k, seed=(k, 0)))
              for k in (1, 4, 16)]
    if vae_type == "RNN":  # No stochastic latents: every bound is the exact likelihood.
        np.testing.assert_allclose(bounds, [elbo] * 3, rtol=1e-5)
        return
    np.testing.assert_allclose(bounds[0], elbo, rtol=0.05)  # K=1 estimates the ELBO.
    assert bounds[0] < bounds[1] < bounds[2]


@pytest.mark.parametrize("vae_type", ["ISEQ", "SRNN"])
def test_importance_weights_in_passes(vae_type):
    """K draws in passes of S are the first K draws of passes seeded fold_in(seed, p)."""
    _, model = testing.tiny_model(vae_type)
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    seed = tf.constant([7, 8])
    weights = model.iw_log_weights(contexts, observed, num_samples=5, seed=seed,
                                   samples_per_pass=2)
    passes = [model.iw_log_weights(contexts, observed, num_samples=2,
                                   seed=tf.random.experimental.stateless_fold_in(seed, p))
              for p in range(3)]
    assert weights.shape == (5, BATCH)
    np.testing.assert_allclose(weights, tf.concat(passes, 0)[:5], rtol=1e-6)
    # Compiled, the passes run in a loop, and draw the same.
    compiled = tf.function(lambda: model.iw_log_weights(
        contexts, observed, num_samples=5, seed=seed, samples_per_pass=2))
    np.testing.assert_allclose(compiled(), weights, rtol=1e-5)
    # A pass as large as K is one draw of all K with the seed itself.
    np.testing.assert_array_equal(
        model.iw_log_weights(contexts, observed, num_samples=5, seed=seed, samples_per_pass=9),
        model.iw_log_weights(contexts, observed, num_samples=5, seed=seed))
    # The bound is the log mean of the weights.
    np.testing.assert_allclose(
        model.iw_log_prob(contexts, observed, num_samples=5, seed=seed, samples_per_pass=2),
        tf.reduce_logsumexp(weights, axis=0) - np.log(5.0), rtol=1e-6)
    assert len(set(np.round(weights[:, 0].numpy(), 5))) == 5  # Five different draws.


@pytest.mark.parametrize("vae_type, options", CASES)
def test_step_wise_prior_scores_inferred_latents_like_the_sequence_path(vae_type, options):
    """The latent prior's DistCore (used by generation) agrees with training's terms."""
    _, model = testing.tiny_model(vae_type, **options)
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    post = model._sample_posterior(contexts, observed, tf.constant([2, 3]))  # pylint: disable=protected-access
    core = model.latent_prior_distcore.log_probs
    state = core.initial_state(BATCH)
    steps = []
    for t in range(STEPS):
        log_prior, state = core((contexts[:, t], post.latents[:, t]), state)
        steps.append(log_prior)
    np.testing.assert_allclose(tf.stack(steps, 1), post.log_prior, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("vae_type, options", CASES)
def test_step_wise_emission_scores_observations_like_the_sequence_path(vae_type, options):
    """Training's fused whole-sequence log p(x_t | ...) equals the step-wise emission's.

    With the prior test above this covers both terms of log p(x, z): the
    fast path (RNN chains unrolled over the sequence, with their own
    gradient) computes what generation's step-wise cores compute.
    """
    _, model = testing.tiny_model(vae_type, **options)
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    latents, _ = model.infer_latents(contexts, observed, seed=(4, 5))
    core = model.observed_distcore.log_probs
    state = core.initial_state(BATCH)
    steps = []
    for t in range(STEPS):
        log_prob, state = core(((contexts[:, t], latents[:, t]), observed[:, t]), state)
        steps.append(log_prob)
    np.testing.assert_allclose(tf.stack(steps, 1),
                               model.log_prob_observed(contexts, latents, observed),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("vae_type, options", [c for c in CASES if c[0] != "ISEQ"])
def test_step_wise_deterministic_chain_matches_the_sequence_path(vae_type, options):
    """d_t of the latent prior's step-wise core equals the fused unroll's, to rounding.

    The prior's point mass on d_t only tells hit from miss (within
    `POINT_MASS_ATOL`), so compare the states themselves.
    """
    _, model = testing.tiny_model(vae_type, **options)
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    latents, _ = model.infer_latents(contexts, observed, seed=(6, 7))
    core = model.latent_prior_distcore
    state, steps = core.initial_state(BATCH), []
    for t in range(STEPS):
        params, state_arg = core(contexts[:, t], state)
        steps.append(tf.nest.flatten(params)[0])  # d_t [B, H]: RNN's params, SRNN's first.
        state = core._next_state(state_arg, latents[:, t])  # pylint: disable=protected-access
    hidden = LATENT_SIZES["RNN"]
    np.testing.assert_allclose(tf.stack(steps, 1), latents[..., :hidden], rtol=1e-5, atol=1e-6)


def test_eval_core_matches_sequence_log_likelihood_for_rnn():
    _, model = testing.tiny_model("RNN")
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    latents, _ = model.infer_latents(contexts, observed)
    np.testing.assert_allclose(model.eval_core.log_probs(inputs, observed),
                               model.log_prob_observed(contexts, latents, observed),
                               rtol=1e-5, atol=1e-5)


def test_srnn_backward_input_sets_what_the_backward_rnn_reads():
    """"state" reads [d_t, enc(x_t)] (7 + 8 inputs), "context" [enc(x_t), c_t] (8 + 8)."""
    for choice, width in (("state", 15), ("context", 16)):
        _, model = testing.tiny_model("SRNN", srnn_backward_input=choice)
        _outputs(model)
        w_x = model._a_core.layers[0].w_x  # pylint: disable=protected-access
        assert w_x.shape[1] == width, choice
    with pytest.raises(ValueError, match="srnn_backward_input 'd'; valid: context, state"):
        testing.tiny_model("SRNN", srnn_backward_input="d")


@pytest.mark.parametrize("override, name", [
    (dict(latent_size=0), "latent_size"),
    (dict(rnn_hidden_sizes=[4, 0]), "rnn_hidden_sizes"),
    (dict(obs_decoder_fc_hidden_layers=[-3]), "obs_decoder_fc_hidden_layers"),
    (dict(latent_decoder_fc_layers=[0]), "latent_decoder_fc_layers"),
])
def test_non_positive_sizes_are_refused_when_the_model_is_built(override, name):
    with pytest.raises(ValueError, match=f"^{name} must hold positive sizes"):
        testing.tiny_model("SRNN", **override)


def test_input_mistakes_are_value_errors_naming_the_argument():
    _, model = testing.tiny_model("SRNN")
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    cases = [
        (lambda: model.infer_latents(tf.cast(contexts, tf.float64), observed),
         "contexts must be float32, got float64"),
        (lambda: model.infer_latents(contexts, tf.cast(observed, tf.float64)),
         "observations of dtype float64"),
        (lambda: model.infer_latents(contexts[:1], observed), r"contexts must have shape \[2, 3"),
        (lambda: model.log_prob_observed(contexts[:, :2], contexts, observed),
         r"contexts must have shape \[2, 3"),
        (lambda: model.infer_latents(contexts[:, :0], observed[:, :0]), "at least one step"),
        (lambda: model.iw_log_prob(contexts, observed, num_samples=0), "num_samples must be >= 1"),
        (lambda: model.iw_log_prob(contexts, observed, num_samples=2, samples_per_pass=0),
         "samples_per_pass must be >= 1, got 0"),
    ]
    for call, match in cases:
        with pytest.raises(ValueError, match=match):
            call()


def test_unknown_vae_type():
    hparams = testing.tiny_hparams("LSTM")
    with pytest.raises(ValueError, match="unknown vae_type 'LSTM'; valid: ISEQ, RNN, SRNN"):
        vae.make(hparams, None, None, None)


@pytest.mark.parametrize("vae_type", VAE_TYPES)
def test_observations_that_do_not_fit_the_decoder(vae_type):
    _, model = testing.tiny_model(vae_type)
    observed, inputs = _data()
    contexts = _contexts(model, observed, inputs)
    with pytest.raises(ValueError, match=r"shape \[2, 3, 6\] do not match"):
        model.infer_latents(contexts, tf.zeros([BATCH, STEPS, 6]))
    with pytest.raises(ValueError, match="dtype int32 do not match"):
        model.iw_log_prob(contexts, tf.zeros([BATCH, STEPS, OBS], tf.int32))


if __name__ == "__main__":
    testing.main(__file__)
