"""Model sizes and repetition counts of a benchmark run.

Sizes are overrides of the text example's hyperparameters, so the default
configuration is exactly the text example's defaults (3x512 LSTM, batch 20,
sequence 40, embedding 100, encoder [64, 32], decoder hidden [64], latent
16). `--quick` swaps in tiny sizes and counts for tests.
"""

import dataclasses

from vaeseq.examples.text import hparams as text_hparams

# Model sizes by configuration name: overrides in `HParams.parse` syntax.
FULL_CONFIGS = {
    "default": "",
    "small": "rnn_hidden_sizes=[128]",
}
_TINY = ("sequence_size=8,batch_size=4,embed_size=8,obs_encoder_fc_layers=[8],"
         "obs_decoder_fc_hidden_layers=[8],latent_decoder_fc_layers=[8],"
         "latent_size=4,log_prob_samples=2")
QUICK_CONFIGS = {
    "default": "rnn_hidden_sizes=[16,16]," + _TINY,
    "small": "rnn_hidden_sizes=[8]," + _TINY,
}

# Ids of the text example's default vocabulary: 100 characters + 1 OOV bucket.
VOCAB_SIZE = 101


@dataclasses.dataclass(frozen=True)
class Counts:
    """How much work each measurement does.

    Attributes:
        warmup: untimed calls before timing (the first one traces).
        reps: timed repetitions; the median is reported.
        min_steps: training steps per repetition, at least.
        min_seconds: a repetition runs more steps until it lasts this long.
        gen_sequences: sequences sampled per generation repetition.
        gen_length: characters per sampled sequence.
        eval_windows: windows of `sequence_size` characters scored per
            evaluation repetition.
        matmul_size: N of the N x N x N matmul that measures peak FLOP/s.
    """

    warmup: int
    reps: int
    min_steps: int
    min_seconds: float
    gen_sequences: int
    gen_length: int
    eval_windows: int
    matmul_size: int


FULL_COUNTS = Counts(warmup=2, reps=3, min_steps=2, min_seconds=1.5, gen_sequences=20,
                     gen_length=1000, eval_windows=20, matmul_size=2048)
QUICK_COUNTS = Counts(warmup=1, reps=2, min_steps=2, min_seconds=0.0, gen_sequences=2,
                      gen_length=20, eval_windows=8, matmul_size=128)


def describe(quick: bool) -> dict:
    """Each configuration's overrides, label (such as "3x512") and sizes."""
    described = {}
    for name, overrides in (QUICK_CONFIGS if quick else FULL_CONFIGS).items():
        h = text_hparams.make_hparams(overrides)
        sizes = h.rnn_hidden_sizes
        label = (f"{len(sizes)}x{sizes[0]}" if len(set(sizes)) == 1
                 else "+".join(map(str, sizes)))
        described[name] = dict(
            overrides=overrides, label=label, rnn_hidden_sizes=sizes,
            batch_size=h.batch_size, sequence_size=h.sequence_size, embed_size=h.embed_size,
            obs_encoder_fc_layers=h.obs_encoder_fc_layers,
            obs_decoder_fc_hidden_layers=h.obs_decoder_fc_hidden_layers,
            latent_size=h.latent_size, latent_decoder_fc_layers=h.latent_decoder_fc_layers,
            log_prob_samples=h.log_prob_samples, vocab_size=VOCAB_SIZE)
    return described
