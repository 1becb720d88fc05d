"""`bench.matmul_layouts` times every layout on tiny sizes."""

import numpy as np

from bench import matmul_layouts


def test_cases_keep_shapes_and_layouts_agree():
    products = matmul_layouts.cases(batch=3, hidden=4)
    for product, x, w in products.values():
        assert product(x, w).shape == x.shape
    # Both layouts of a product compute the same thing.
    for pair in (("forward h x W, W [H, 4H]", "forward h x W^T, W [4H, H]"),
                 ("backward dg x W^T, W [H, 4H]", "backward dg x W, W [4H, H]")):
        outputs = [product(x, w) for product, x, w in (products[name] for name in pair)]
        np.testing.assert_allclose(outputs[0], outputs[1], rtol=1e-5, atol=1e-6)


def test_measure_reports_every_case(capsys):
    matmul_layouts.main(["--batch", "2", "--hidden", "4", "--steps", "2", "--reps", "1"])
    printed = capsys.readouterr().out
    for name in matmul_layouts.cases(2, 4):
        assert name in printed
    times = matmul_layouts.measure(batch=2, hidden=4, steps=2, reps=1)
    assert set(times) == set(matmul_layouts.cases(2, 4))
    assert all(np.isfinite(ms) and ms > 0 for ms in times.values())


if __name__ == "__main__":
    from vaeseq import testing
    testing.main(__file__)
