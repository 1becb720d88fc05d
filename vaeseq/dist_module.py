"""Modules that parameterise distributions, optionally recurrently.

A `DistModule` maps features to distribution parameters (a tensor nest) and
builds the `tfd.Distribution` from them; keeping the two apart lets models
pass parameters through `tf.scan` / RNN cores, which cannot carry
distribution objects. A `DistCore` is the recurrent version: its state may
depend on the sampled (or observed) event.
"""

import abc

import sonnet as snt
import tensorflow as tf
import tensorflow_probability as tfp

from vaeseq import abstract

tfd = tfp.distributions


class DistModule(snt.Module, abc.ABC):
    """Features -> parameters -> a distribution over one event.

    A subclass defines `event_size`, `event_dtype`, `__call__` and `dist`
    (a `DistCore` also `state_size` and `initial_state`); constructing one
    that lacks any raises a TypeError naming them.
    """

    ABSTRACT = ("event_size", "event_dtype", "__call__", "dist")

    def __init__(self, name: str | None = None):
        super().__init__(name=name)
        abstract.check_defined(self, DistModule, DistModule.ABSTRACT)

    @property
    @abc.abstractmethod
    def event_size(self) -> tf.TensorShape:
        """Shape of one event (the distribution's `event_shape`)."""

    @property
    @abc.abstractmethod
    def event_dtype(self) -> tf.DType:
        """Dtype of a sample."""

    @abc.abstractmethod
    def __call__(self, *inputs):
        """Maps features to a nest of parameter tensors with a leading batch dimension."""

    @abc.abstractmethod
    def dist(self, params, name: str | None = None) -> tfd.Distribution:
        """The distribution for `params`: batch shape `[N]`, event shape `event_size`."""

    def check_events(self, events, batch_dims: int = 2) -> None:
        """Raises ValueError unless `events` `[*batch, *event_size]` fit this module.

        Args:
          events: a tensor or array of observations.
          batch_dims: how many leading dimensions are batch/time.
        """
        events = tf.convert_to_tensor(events)
        shape = events.shape[batch_dims:]
        if not shape.is_compatible_with(self.event_size):
            raise ValueError(
                f"observations of shape {events.shape.as_list()} do not match "
                f"{type(self).__name__}: expected [{', '.join(['batch', 'time'][:batch_dims])}"
                f"{''.join(', ' + str(d) for d in self.event_size.as_list())}]")
        if (events.dtype.is_integer != self.event_dtype.is_integer or events.dtype.is_bool
                or (self.event_dtype.is_floating and events.dtype != self.event_dtype)):
            raise ValueError(
                f"observations of dtype {events.dtype.name} do not match "
                f"{type(self).__name__}, which models {self.event_dtype.name} events")


class DistCore(DistModule):
    """A recurrent `DistModule`.

    `__call__(input, state) -> (dist_params, state_arg)` computes the
    distribution of this step; once the event is known (sampled or
    observed) `_next_state(state_arg, event)` gives the next state.
    """

    def __init__(self, name: str | None = None):
        super().__init__(name=name)
        abstract.check_defined(self, DistCore, ("state_size", "initial_state"))

    @property
    @abc.abstractmethod
    def state_size(self):
        """Nest of state shapes without the batch dimension."""

    @abc.abstractmethod
    def initial_state(self, batch_size):
        """The state before the first step."""

    @abc.abstractmethod
    def __call__(self, inputs, state):
        """Returns (dist_params, state_arg)."""

    def _next_state(self, state_arg, event):
        """The state after `event` `[B, *event_size]` was drawn or observed.

        By default the state does not depend on the event: `state_arg` is the
        next state. Cores whose state tracks the event override this.
        """
        del event
        return state_arg

    @property
    def samples(self) -> snt.RNNCore:
        """An RNN core `(input, state) -> (sampled event, state)`."""
        return _SamplesCore(self)

    @property
    def log_probs(self) -> snt.RNNCore:
        """An RNN core `((input, observed event), state) -> (log p(event) [B], state)`."""
        return _LogProbsCore(self)


class StatelessDistCore(DistCore):
    """A `DistCore` with no state: each step's distribution depends on its input alone."""

    @property
    def state_size(self):
        return ()

    def initial_state(self, batch_size):
        del batch_size
        return ()


class _SamplesCore(snt.RNNCore):
    """Draws one event per step from a `DistCore`."""

    def __init__(self, dist_core: DistCore):
        super().__init__(name=dist_core.name + "_samples")
        self._dist_core = dist_core

    def initial_state(self, batch_size):
        return self._dist_core.initial_state(batch_size)

    def __call__(self, inputs, state, seed=None):
        """`seed`: an optional stateless seed `[2]` for this step's draw."""
        params, state_arg = self._dist_core(inputs, state)
        event = self._dist_core.dist(params).sample(seed=seed)
        return event, self._dist_core._next_state(state_arg, event)  # pylint: disable=protected-access


class _LogProbsCore(snt.RNNCore):
    """Scores one observed event per step under a `DistCore`."""

    def __init__(self, dist_core: DistCore):
        super().__init__(name=dist_core.name + "_log_probs")
        self._dist_core = dist_core

    def initial_state(self, batch_size):
        return self._dist_core.initial_state(batch_size)

    def __call__(self, inputs, state):
        inputs, observed = inputs
        params, state_arg = self._dist_core(inputs, state)
        log_prob = self._dist_core.dist(params).log_prob(observed)
        return log_prob, self._dist_core._next_state(state_arg, observed)  # pylint: disable=protected-access


# Whole-sequence and step-wise RNN paths agree to float rounding, not bit for
# bit; a point mass scored on the other path's value must still count as a hit.
POINT_MASS_ATOL = 1e-4


def point_mass(value: tf.Tensor, name: str | None = None) -> tfd.Distribution:
    """A point mass on `value` `[N, D]`: batch shape `[N]`, event shape `[D]`."""
    return tfd.Independent(tfd.Deterministic(value, atol=POINT_MASS_ATOL),
                           reinterpreted_batch_ndims=1, name=name or "point_mass")
