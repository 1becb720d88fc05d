"""Abstract members are checked at construction, where Sonnet hides them from abc."""

import pytest

from vaeseq import dist_module
from vaeseq import testing


def test_dist_module_and_core_name_what_they_lack():
    class NoDist(dist_module.DistModule):
        event_size = event_dtype = None

        def __call__(self, *inputs):
            return inputs

    with pytest.raises(TypeError, match=r"^NoDist must define dist \(abstract in DistModule\)$"):
        NoDist()

    class NoState(dist_module.DistCore):
        event_size = event_dtype = None

        def __call__(self, inputs, state):
            return inputs, state

        def dist(self, params, name=None):
            return params

    with pytest.raises(TypeError, match=r"NoState must define state_size, initial_state"):
        NoState()


if __name__ == "__main__":
    testing.main(__file__)
