"""Benchmarks RNN, ISEQ and SRNN on JSB Chorales and Nottingham, both data versions.

    python -m vaeseq.examples.midi.benchmark --work_dir /tmp/bench \\
        --out docs/polyphonic_benchmark.md [--only jsb_npz:SRNN,...]

Every run follows the SRNN paper's recipe (`paper_recipe`, preset
"srnn_paper": carried streams, the checkpoint with the best validation ELBO,
at most `--epochs` epochs and `--max_seconds` of training) on one of four
data files in `$VAESEQ_DATA_DIR/polyphonic`: the SRNN paper's own piano rolls
(`srnn/*.npz`, scored as the paper scores them: the first frame given, the
per-step ELBO averaged over pieces) and the Boulanger-Lewandowski `.mat`
splits (scored from an empty start). Each run's result is kept in
`work_dir/<data>_<model>.json`, so runs can be made one at a time (`--only`)
and the table, written from every result in `work_dir`, grows with them.
"""

import argparse
import glob
import json
import os
import platform
import shlex
import sys
import time
from types import MappingProxyType
from typing import Mapping, NamedTuple

from vaeseq.examples.common import files
from vaeseq.examples.midi import data as midi_data
from vaeseq.examples.midi import paper_recipe

MODELS = ("RNN", "ISEQ", "SRNN")


class Data(NamedTuple):
    """One benchmark file and the published figures comparable on it."""

    name: str
    path: str  # Under $VAESEQ_DATA_DIR/polyphonic.
    hparams: str  # Beside the preset, for every model; chosen on validation data.
    published: str
    # K of the test IW bound: the published figures' where comparable.
    iw_samples: int = 10
    # A model's own settings after `hparams`, chosen on its own validation data.
    model_hparams: Mapping[str, str] = MappingProxyType({})


# The samples of the DMM's importance-sampling estimate on the test set (its
# published code's final evaluation), so that the IW bound compares with it.
DMM_IS_SAMPLES = 2000

DATA = {
    "jsb_npz": Data("JSB Chorales (SRNN paper's .npz)", "srnn/jsb_raw_batchsize16_seqlen100.npz",
                    "", "SRNN -4.74 (piece-mean ELBO; Fraccaro et al. 2016)"),
    # SRNN's best validation ELBO per step (seed 0): -2.88 with an LSTM in
    # place of the GRU, -3.06 with the GRU. The other models keep the GRU
    # (the LSTM not tried on them).
    "nottingham_npz": Data("Nottingham (SRNN paper's .npz)",
                           "srnn/nottingham_raw_batchsize16_seqlen100.npz", "",
                           "SRNN -2.94 (piece-mean ELBO; Fraccaro et al. 2016)",
                           model_hparams=MappingProxyType({"SRNN": "rnn_cell=lstm"})),
    # Chosen on validation (best validation ELBO per step, SRNN, seed 0;
    # seeds 0 and 1 where two figures): the preset as it is -7.42; 25-step
    # chunks -7.75; 25-step chunks, z of 32 and every layer of 128 units
    # -7.22 / -7.26, of 256 units -6.99 / -7.01, of 384 -7.14,
    # of 64 -8.69. Beside the 128-unit setting: chunks of 10, 15, 20, 50
    # steps -7.17, -7.12 / -7.13, -7.09 / -7.19, -8.01; z of 16 or 64
    # -7.27, -7.27; an L2 weight of 1e-3, 1e-2, 3e-2, 1e-1 -7.22, -7.22,
    # -7.35, -8.90; a learning rate of 5e-4 or 2e-3 -8.15, -7.31. Beside
    # the 256-unit one: 20-step chunks -7.47, z of 64 -7.42, a 192-unit GRU
    # -7.03, an LSTM in place of the GRU -6.89 / -6.93 (kept), the KL
    # warm-up over 1,850 steps -6.98 (with the LSTM -6.96), from 0.01 -7.01,
    # the learning-rate decay from step 370 -6.99, the backward RNN reading
    # the context -7.08. The LSTM on the other models' own validation (seed
    # 0): ISEQ -7.73 against -6.91 with the GRU (not kept), RNN -8.42
    # against -8.44 (kept).
    "jsb_mat": Data("JSB_Chorales.mat", "JSB_Chorales.mat",
                    "sequence_size=25,rnn_hidden_sizes=[256],latent_size=32,"
                    "obs_encoder_fc_layers=[256,256],latent_decoder_fc_layers=[256],"
                    "obs_decoder_fc_hidden_layers=[256]",
                    "DMM ELBO -6.93, IS -6.39 (Krishnan et al. 2017, Table 3); "
                    "RNN -8.71 (Boulanger-Lewandowski et al. 2012)",
                    iw_samples=DMM_IS_SAMPLES,
                    model_hparams=MappingProxyType(
                        {"RNN": "rnn_cell=lstm", "SRNN": "rnn_cell=lstm"})),
    "nottingham_mat": Data("Nottingham.mat", "Nottingham.mat", "",
                           "DMM ELBO -2.96, IS -2.77 (Krishnan et al. 2017, Table 3); "
                           "RNN -4.46 (Boulanger-Lewandowski et al. 2012)"),
}


def run_one(key: str, model: str, data_dir: str, work_dir: str, epochs: int,
            max_seconds: float | None, seed: int, hparams: str = "") -> dict:
    """Trains and scores one model on one data file; writes and returns its result."""
    data = DATA[key]
    path = os.path.join(data_dir, "polyphonic", data.path)
    log_dir = os.path.join(work_dir, f"{key}_{model}")
    overrides = ",".join(x for x in (f"vae_type={model}", data.hparams,
                                     data.model_hparams.get(model, ""), hparams) if x)
    start = time.monotonic()
    trained = paper_recipe.train(log_dir, path, preset="srnn_paper", hparams=overrides,
                                 epochs=epochs, max_seconds=max_seconds, seed=seed)
    train_seconds = time.monotonic() - start
    with open(os.path.join(log_dir, paper_recipe.BEST_DIR, paper_recipe.BEST_SCORE_FILE),
              encoding="utf-8") as f:
        best = json.load(f)
    start = time.monotonic()
    scores = paper_recipe.evaluate(log_dir, path, seed=seed,
                                   hparams=f"log_prob_samples={data.iw_samples}")[
        midi_data.score_key(path, "test")]
    result = dict(data=key, model=model, hparams=overrides, epochs=epochs,
                  max_seconds=max_seconds, steps=trained.step,
                  stopped_by=trained.stopped_by, best_step=best["step"],
                  best_valid_elbo_per_step=round(best["valid_elbo_per_step"], 4),
                  train_seconds=round(train_seconds), eval_seconds=round(time.monotonic() - start),
                  test=scores)
    files.write_atomically(os.path.join(work_dir, f"{key}_{model}.json"),
                           (json.dumps(result, indent=1) + "\n").encode("utf-8"))
    return result


def table(results: list[dict]) -> str:
    """The Markdown table of `results`, in the order of DATA and MODELS."""
    order = {(key, model): i for i, (key, model) in
             enumerate((k, m) for k in DATA for m in MODELS)}
    lines = ["| Data | Model | Piece-mean ELBO | ELBO | IW bound (K) | KL | Active units "
             "| Steps (best) | Ended by | Train / eval time | Published |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |"]
    for r in sorted(results, key=lambda r: order[(r["data"], r["model"])]):
        t = r["test"]
        lines.append(
            f"| {DATA[r['data']].name} | {r['model']} | {t['piece_mean_elbo_per_step']:.3f} "
            f"| {t['elbo_per_step']:.3f} | {t['iw_log_prob_per_step']:.3f} ({t['iw_samples']}) "
            f"| {t['kl_per_step']:.3f} | {t['active_units']} | {r['steps']} ({r['best_step']}) "
            f"| {_ended_by(r)} | {r['train_seconds']} s / {r['eval_seconds']} s "
            f"| {DATA[r['data']].published} |")
    return "\n".join(lines)


def _ended_by(result: dict) -> str:
    """How a run's training ended: its epochs, or its time limit."""
    if result["stopped_by"] == "time limit":
        limit = result.get("max_seconds")
        return f"time limit ({limit:g} s)" if limit else "time limit"
    if result["stopped_by"]:
        return result["stopped_by"]
    return f"{result['epochs']} epochs" if "epochs" in result else "all epochs"


def _own_settings(results: list[dict]) -> str:
    """Markdown lines naming the settings each data set's runs used beside the preset,
    and the models that used them where not all did."""
    lines = []
    for key in DATA:
        models_by_setting = {}
        for r in results:
            if r["data"] == key:
                # `run_one` writes each run's overrides as "vae_type=MODEL" then its own.
                setting = r["hparams"].removeprefix(f"vae_type={r['model']}").lstrip(",")
                models_by_setting.setdefault(setting, set()).add(r["model"])
        for setting, models in sorted(models_by_setting.items()):
            if not setting:
                continue
            which = ("" if len(models_by_setting) == 1 else
                     f" ({', '.join(m for m in MODELS if m in models)})")
            lines.append(f"- {DATA[key].name}{which}: `{setting}`")
    return "\n".join(lines) if lines else "- none"


def document(results: list[dict], command: str) -> str:
    """The whole of docs/polyphonic_benchmark.md."""
    return f"""# Polyphonic music benchmark (JSB Chorales, Nottingham)

Test-set bounds on the log-likelihood in nats per time step (a step's
log-likelihood is the sum over the 88 keys; higher is better). Every run
follows the SRNN paper's recipe (`vaeseq-midi train --preset srnn_paper`,
see `vaeseq/examples/midi/paper_recipe.py`): a 300-unit GRU, z of 100
units, 500-unit MLPs (separate ones for the mean and the scale of the
prior and the posterior) with the paper's clipped leaky rectifier (slope
1/3 below zero, clipped to [-3, 3]), training on 16 carried streams of 100-step
chunks, the KL weight rising linearly from 0.2 to 1 over 20 epochs, the
learning rate divided by 1.2 per epoch after the 20th, and the checkpoint
with the best validation ELBO scored once on the test pieces.

- On the SRNN paper's `.npz` files (JSB at twice the `.mat` frame rate) the
  test pieces are scored as the paper does: the first frame given,
  "piece-mean" averaging each piece's ELBO per step over the pieces (the
  paper's figure). On the `.mat` files (Boulanger-Lewandowski splits, whose
  pieces are laid out into the 16 streams whole) every step is scored from
  an empty start.
- ELBO and IW bound are totals over all scored steps; IW is the
  importance-weighted bound with K posterior samples: K = {DMM_IS_SAMPLES} on
  JSB_Chorales.mat, as many as the DMM's importance-sampling estimate drew.
- KL is the KL term per step; active units count the units of z whose
  posterior mean varies over the test steps with variance > 0.01 (at most
  100; RNN has none).
- Published figures are given only where they were measured on the same
  data: on the `.npz`, SRNN's; on the `.mat`, the Deep Markov Model's and
  Boulanger-Lewandowski et al.'s RNN.

Settings beside the preset, for every model of a data set unless models
are named (chosen on validation data):

{_own_settings(results)}

{table(results)}

Machine: {platform.machine()}, {os.cpu_count()} CPU cores, shared with other
work; train time includes tracing and each epoch's validation; "Ended by"
says whether a run trained all its epochs or stopped at its time limit.
The whole table is remade by the command below (`--only DATA:MODEL` runs
one row, with its own `--epochs` and `--max_seconds`, and rewrites the table
from every result kept in the work directory):

```
{command}
```
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work_dir", required=True,
                        help="where each run's log directory and result go")
    parser.add_argument("--out", help="write the Markdown document here")
    parser.add_argument("--only", default="",
                        help="comma-separated DATA:MODEL runs (e.g. jsb_npz:SRNN); "
                        "all 12 by default; 'none' only remakes the document")
    parser.add_argument("--epochs", type=int, default=paper_recipe.EPOCHS)
    parser.add_argument("--max_seconds", type=float, default=3600.0,
                        help="training time limit of each run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hparams", default="",
                        help="overrides for every run, after the data set's (e.g. tiny sizes "
                        "for a smoke test)")
    args = parser.parse_args(argv)
    data_dir = os.environ.get("VAESEQ_DATA_DIR")
    if not data_dir:
        parser.error("set VAESEQ_DATA_DIR to the shared data directory")
    if args.only == "none":
        runs = []
    elif args.only:
        runs = [tuple(item.split(":")) for item in args.only.split(",")]
        for run in runs:
            if len(run) != 2 or run[0] not in DATA or run[1] not in MODELS:
                parser.error(f"--only: bad run {':'.join(run)!r}; DATA is one of "
                             f"{', '.join(DATA)}, MODEL one of {', '.join(MODELS)}")
    else:
        runs = [(key, model) for key in DATA for model in MODELS]
    os.makedirs(args.work_dir, exist_ok=True)
    for key, model in runs:
        result = run_one(key, model, data_dir, args.work_dir, args.epochs, args.max_seconds,
                         args.seed, args.hparams)
        print(json.dumps(result["test"]), flush=True)
    results = []
    for path in sorted(glob.glob(os.path.join(args.work_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            results.append(json.load(f))
    if args.out:
        command = " ".join(shlex.quote(a) for a in [
            "python", "-m", "vaeseq.examples.midi.benchmark", "--work_dir", args.work_dir,
            "--out", args.out, "--epochs", str(args.epochs),
            "--max_seconds", f"{args.max_seconds:g}", "--seed", str(args.seed)])
        files.write_atomically(args.out, document(results, command).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
