"""`bench.optimizer_step` times both optimizers on a tiny model."""

from bench import configs
from bench import optimizer_step
from vaeseq.examples.text import hparams as text_hparams


def test_times_both_optimizers(capsys):
    tiny = configs.QUICK_CONFIGS["small"]
    optimizer_step.main(["--hparams", tiny, "--reps", "1", "--min_seconds", "0"])
    printed = capsys.readouterr().out
    assert "vaeseq.adam.Adam" in printed and "snt.optimizers.Adam" in printed
    hparams = text_hparams.make_hparams(tiny)
    times = optimizer_step.measure(optimizer_step.model_variables(hparams),
                                   hparams.clip_gradient_norm, 1, 0.0)
    assert set(times) == {"vaeseq.adam.Adam", "snt.optimizers.Adam"}
    assert all(seconds > 0 for seconds in times.values())


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
