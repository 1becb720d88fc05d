"""The measurements of a benchmark run, in the order they run.

Each `Job` names one measurement and says which `bench.worker` kind runs
it with which parameters. Names read "section/what/config", for instance
"train/vaeseq-RNN/default" or "train/torch-LSTM/small".
"""

import dataclasses

from bench import configs
from vaeseq.examples.text import hparams as text_hparams

VAE_TYPES = ("RNN", "ISEQ", "SRNN")
# Baseline training measurements: name -> (worker kind, extra parameters).
# "environment" holds a worker's settings that differ from `bench.worker`'s.
# The "-eigen" Keras 2 job runs with oneDNN off (TensorFlow's Eigen kernels),
# TensorFlow's default on CPUs without AVX-512 such as this project's AMD
# EPYC: what a user who installs tf_keras and changes nothing gets there.
BASELINES = {
    "tf_keras-LSTM": ("keras_train", {"flavour": "tf_keras"}),
    "tf_keras-LSTM-eigen": ("keras_train", {"flavour": "tf_keras",
                                            "environment": {"TF_ENABLE_ONEDNN_OPTS": "0"}}),
    "keras3-LSTM": ("keras_train", {"flavour": "keras3"}),
    "torch-LSTM": ("torch_train", {}),
}
# (model, variant of its step) measured by `--ablations` (`vaeseq_train.VARIANTS`).
ABLATIONS = (("RNN", "xla"), ("SRNN", "xla"), ("RNN", "scan"))


@dataclasses.dataclass(frozen=True)
class Job:
    """One measurement: `section`, a unique `name`, the worker `kind` and its `params`."""

    section: str
    name: str
    kind: str
    config: str | None
    params: dict


def default_vae_type() -> str:
    """The text example's default model (`vae_type`)."""
    return text_hparams.make_hparams().vae_type


def make(quick: bool = False, ablations: bool = False) -> list[Job]:
    """The jobs of a run: peak, training, generation, evaluation[, ablations].

    Args:
        quick: tiny sizes and counts (`configs.QUICK_*`), for tests.
        ablations: also time the steps of `ABLATIONS`, in the default
            configuration.
    """
    sizes = configs.QUICK_CONFIGS if quick else configs.FULL_CONFIGS
    counts = dataclasses.asdict(configs.QUICK_COUNTS if quick else configs.FULL_COUNTS)
    steps = {key: counts[key] for key in ("warmup", "reps", "min_steps", "min_seconds")}
    once = dict(warmup=1, reps=counts["reps"])
    vocab = {"vocab_size": configs.VOCAB_SIZE}
    jobs = [Job("peak", "peak/matmul", "peak", None,
                dict(matmul_size=counts["matmul_size"], **once))]
    for config, overrides in sizes.items():
        for vae_type in VAE_TYPES:
            jobs.append(Job("train", f"train/vaeseq-{vae_type}/{config}", "vaeseq_train", config,
                            dict(vae_type=vae_type, variant="library", hparams=overrides,
                                 **vocab, **steps)))
        for name, (kind, extra) in BASELINES.items():
            jobs.append(Job("train", f"train/{name}/{config}", kind, config,
                            dict(hparams=overrides, **extra, **vocab, **steps)))
    model = dict(vae_type=default_vae_type(), hparams=sizes["default"])
    jobs.append(Job("generate", f"generate/vaeseq-{model['vae_type']}/default", "generation",
                    "default", dict(gen_sequences=counts["gen_sequences"],
                                    gen_length=counts["gen_length"], reps=counts["reps"],
                                    **model)))
    for label, iw in (("elbo", False), ("elbo+iw", True)):
        jobs.append(Job("evaluate", f"evaluate/vaeseq-{model['vae_type']}-{label}/default",
                        "evaluation", "default",
                        dict(iw=iw, eval_windows=counts["eval_windows"], **model, **vocab,
                             **once)))
    if ablations:
        for vae_type, variant in ABLATIONS:
            jobs.append(Job("ablation", f"ablation/vaeseq-{vae_type}-{variant}/default",
                            "vaeseq_train", "default",
                            dict(vae_type=vae_type, variant=variant, hparams=sizes["default"],
                                 **vocab, **steps)))
    return jobs
