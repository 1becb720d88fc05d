"""The README's library example runs, learns, and is shown in README.md as it is."""

import os
import pathlib

import pytest

from vaeseq import testing
from vaeseq.examples.quickstart import quickstart

HERE = pathlib.Path(os.path.abspath(__file__)).parent
README = HERE.parents[2] / "README.md"


@pytest.mark.slow
def test_the_example_learns(capsys):
    before, after = quickstart.main(steps=150)
    assert after > before + 40, (before, after)  # Measured: -71.8 to -2.0.
    assert "held-out ELBO per sequence" in capsys.readouterr().out


def test_the_readme_shows_this_file():
    code = (HERE / "quickstart.py").read_text(encoding="utf-8")
    assert f"```python\n{code}```\n" in README.read_text(encoding="utf-8")


if __name__ == "__main__":
    testing.main(__file__)
