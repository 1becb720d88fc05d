"""Hyperparameters: a typed name/value container and the library defaults.

`HParams` replaces TF1's removed `tf.contrib.training.HParams`. Every
hyperparameter has a fixed type, taken from its default value, and new values
(parsed from a flag string, read from a dict or assigned as attributes) are
checked and coerced to that type::

    hparams = make_hparams("vae_type=RNN,rnn_hidden_sizes=[64,64]")
    hparams.latent_size        # 4
    hparams.rnn_hidden_sizes   # [64, 64]

This module is pure Python so that it can be imported without TensorFlow.
"""

import copy
import dataclasses
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

# Every hyperparameter of the library: its default and what it means. The
# optimisation defaults, a
# linear KL warm-up from 0.5 to 1 over 1,000 steps and Adam at 1e-3, improve
# held-out ELBO and samples from the first hundred steps
# (docs/hyperparameters.md); the original VAE-Seq settings are the preset
# "vaeseq2017" (`PRESETS`).
_HPARAMS: dict[str, tuple[Any, str]] = {
    "vae_type": ("SRNN", "Which sequence model to build: 'RNN', 'ISEQ' or 'SRNN'."),
    "latent_size": (4, "Dimensionality of the latent variable at each timestep."),
    "obs_encoder_fc_layers": ([256, 128],
        "Hidden layer sizes of the MLP that encodes each observation."),
    "obs_decoder_fc_hidden_layers": ([256],
        "Hidden layer sizes of the MLP that decodes observation distributions."),
    "latent_decoder_fc_layers": ([256],
        "Layer sizes of the MLP that decodes latent distributions."),
    "latent_decoder_separate_heads": (False,
        "Whether the latent distributions' mean and scale each have their own "
        "hidden layers (Fraccaro et al. 2016) instead of sharing them."),
    "rnn_hidden_sizes": ([32], "Hidden sizes of the stacked RNN cells."),
    "rnn_cell": ("lstm", "The recurrent cell of every RNN in the models: 'lstm' or 'gru'."),
    "rnn_init": ("joint",
        "How the recurrent layers' weights start (`vaeseq.rnn_init`): 'joint' (one "
        "orthogonal recurrent map for all gates) or 'orthogonal_gates' (each gate's "
        "input and recurrent weights orthogonal, Fraccaro et al. 2016)."),
    "activation": ("relu", "Activation function of the hidden layers, by name."),
    "positive_projection": ("softplus",
        "Function mapping unconstrained outputs to positive scales, by name."),
    "positive_eps": (1e-5, "Added to positive projections to keep scales away from zero."),
    "divergence_schedule": ("linear",
        "How the KL weight anneals towards 1 (`vaeseq.schedules`): 'linear' "
        "(exactly 1 after `divergence_warmup_steps` steps) or 'hyperbolic' (the "
        "original VAE-Seq's: halfway after `divergence_strength_half` steps, 1 only "
        "in the limit)."),
    "divergence_strength_start": (0.5,
        "Weight of the KL divergence term at step 0 of the annealing schedule."),
    "divergence_strength_half": (1e5,
        "Hyperbolic schedule: the KL weight rises from `divergence_strength_start` "
        "to 1 and is halfway there after this many training steps."),
    "divergence_warmup_steps": (1000,
        "Linear schedule: steps from `divergence_strength_start` to exactly 1."),
    "use_monte_carlo_kl": (False,
        "Estimate the KL divergence by sampling instead of analytically."),
    "srnn_use_res_q": (True, "Whether the SRNN posterior predicts a residual on top of the prior."),
    "srnn_backward_input": ("context",
        "What SRNN's backward RNN a_t reads at step t: 'context' ([enc(x_t), c_t], "
        "the original VAE-Seq) or 'state' ([d_t, enc(x_t)], Fraccaro et al. 2016)."),
    "learning_rate": (1e-3, "Optimizer learning rate (Adam), before `learning_rate_schedule`."),
    "adam_epsilon": (1e-8, "Adam's epsilon."),
    "learning_rate_schedule": ("constant",
        "'constant', or 'step_decay': after `learning_rate_decay_start` steps the "
        "rate is multiplied by `learning_rate_decay_factor` every "
        "`learning_rate_decay_every` steps."),
    "learning_rate_decay_start": (0,
        "Step decay: the step at which the learning rate starts to decay."),
    "learning_rate_decay_every": (1000,
        "Step decay: steps between two decays of the learning rate."),
    "learning_rate_decay_factor": (0.5,
        "Step decay: what each decay multiplies the learning rate by."),
    "batch_size": (20, "Number of sequences per training batch."),
    "sequence_size": (5, "Number of timesteps per training sequence."),
    "clip_gradient_norm": (1.0, "Gradients are clipped to this global norm."),
    "l2_regularization": (0.0, "Weight of the L2 penalty on the trainable variables."),
    "jit_compile": (False,
        "Compile the training step with XLA: faster steps for a first step that "
        "compiles for minutes at the 3x512 size (docs/performance.md)."),
    "check_numerics": (True, "Add numeric checks (NaN/Inf) on the loss and gradients."),
    "log_prob_samples": (10,
        "Number of samples used to estimate the log-probability of observations."),
}

# The hyperparameters that fix a model's variables or what it computes: a
# trained model cannot change them (the others, such as `batch_size`,
# `sequence_size` or `learning_rate`, may differ from run to run).
ARCHITECTURE = (
    "activation",
    "latent_decoder_fc_layers",
    "latent_decoder_separate_heads",
    "latent_size",
    "obs_decoder_fc_hidden_layers",
    "obs_encoder_fc_layers",
    "positive_eps",
    "positive_projection",
    "rnn_cell",
    "rnn_hidden_sizes",
    "srnn_backward_input",
    "srnn_use_res_q",
    "vae_type",
)

# Library defaults. Examples extend them with `HParams.add_hparam`.
_DEFAULTS: dict[str, Any] = {name: default for name, (default, _) in _HPARAMS.items()}

# What each hyperparameter means, for help texts (`vaeseq-<example> hparams`).
MEANINGS: dict[str, str] = {name: meaning for name, (_, meaning) in _HPARAMS.items()}



@dataclasses.dataclass(frozen=True)
class Preset:
    """A named set of values: `values` in `HParams.parse` syntax, and what
    they are (`description`, for help texts)."""

    values: str
    description: str


# Applied over the defaults by `make_hparams(preset=...)` and by the
# examples' `--preset` (before any other override).
PRESETS: dict[str, Preset] = {
    # Kept to reproduce the original; a short run with it gets worse, not
    # better, as the posterior drifts from the prior that sampling draws from.
    "vaeseq2017": Preset(
        "divergence_schedule=hyperbolic,divergence_strength_start=1e-5,"
        "divergence_strength_half=1e5,learning_rate=1e-4",
        "the original VAE-Seq optimisation: KL weight from 1e-5, halfway to 1 "
        "after 100,000 steps; learning rate 1e-4"),
}

_SCALAR_TYPES = (bool, int, float, str)
# Element types tried, in order, for a list whose default is empty.
_INFERRED_ELEMENT_TYPES = (int, float, str)
_QUOTES = "'\""


def _malformed(text: str, problem: str) -> ValueError:
    return ValueError(f"Malformed hyperparameter string {text!r}: {problem}.")


def _split_top_level(text: str, separator: str) -> list[str]:
    """Splits `text` at `separator`s outside brackets and quotes."""
    parts = []
    start = 0
    depth = 0
    quote = None
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in _QUOTES:
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth < 0:
                raise _malformed(text, "unbalanced brackets")
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if quote:
        raise _malformed(text, f"unterminated quote {quote}")
    if depth:
        raise _malformed(text, "unbalanced brackets")
    parts.append(text[start:])
    return parts


def _parse_assignments(text: str) -> dict[str, str]:
    """Splits "name=value,..." into a dict of stripped names and values."""
    assignments: dict[str, str] = {}
    if not text.strip():
        return assignments
    for piece in _split_top_level(text, ","):
        parts = _split_top_level(piece, "=")
        if len(parts) != 2:
            raise _malformed(
                text, f"expected name=value, got {piece.strip()!r}")
        name, value = parts[0].strip(), parts[1].strip()
        if not name.isidentifier():
            raise _malformed(text, f"invalid name {name!r}")
        if name in assignments:
            raise _malformed(text, f"duplicated name {name!r}")
        assignments[name] = value
    return assignments


def _scalar_from_text(text: str, kind: type) -> Any:
    """Parses `text` as a `kind`; strings may be quoted."""
    text = text.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ValueError(text)
    if kind is str:
        if len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]:
            return text[1:-1]
        return text
    return kind(text)


def _scalar_from_value(value: Any, kind: type) -> Any:
    """Checks a Python `value` against `kind`; non-`str` kinds parse strings."""
    if isinstance(value, str) and kind is not str:
        return _scalar_from_text(value, kind)
    if kind is float and type(value) is int:
        return float(value)
    if type(value) is kind:
        return value
    raise ValueError(value)


@dataclasses.dataclass(frozen=True)
class _Type:
    """The type of a hyperparameter.

    Attributes:
        kind: One of bool, int, float, str or list.
        element: For lists, the element type; None if the default list was
            empty, in which case it is inferred from each new value.
    """

    kind: type
    element: type | None = None

    @classmethod
    def of(cls, value: Any) -> Self:
        """Returns the type of a default; raises ValueError if unsupported."""
        if type(value) in _SCALAR_TYPES:
            return cls(type(value))
        if type(value) in (list, tuple):
            kinds = {type(item) for item in value}
            if not kinds:
                return cls(list)
            if kinds == {int, float}:
                return cls(list, float)
            if len(kinds) == 1 and kinds <= set(_SCALAR_TYPES):
                return cls(list, kinds.pop())
        raise ValueError(value)

    def __str__(self) -> str:
        if self.kind is not list:
            return self.kind.__name__
        if self.element is not None:
            return f"list of {self.element.__name__}"
        return "list of int, float or str"

    def from_text(self, text: str) -> Any:
        """Parses `text`, as written in a flag string; raises ValueError."""
        if self.kind is not list:
            return _scalar_from_text(text, self.kind)
        text = text.strip()
        if not (text.startswith("[") and text.endswith("]")):
            raise ValueError(text)
        inner = text[1:-1]
        items = _split_top_level(inner, ",") if inner.strip() else []
        return self._convert_items(items, _scalar_from_text)

    def from_value(self, value: Any) -> Any:
        """Checks and coerces a Python `value`; raises ValueError."""
        if self.kind is not list:
            return _scalar_from_value(value, self.kind)
        if isinstance(value, str):
            return self.from_text(value)
        if not isinstance(value, (list, tuple)):
            raise ValueError(value)
        return self._convert_items(value, _scalar_from_value)

    def _convert_items(self, items: Sequence[Any],
                       convert: Callable[[Any, type], Any]) -> list[Any]:
        if self.element is not None:
            candidates = (self.element,)
        else:
            candidates = _INFERRED_ELEMENT_TYPES
        for element in candidates:
            try:
                return [convert(item, element) for item in items]
            except ValueError:
                continue
        raise ValueError(items)


class HParams:
    """A set of named, typed hyperparameters.

    Each hyperparameter's type (bool, int, float, str or a list of one of
    those) is fixed by its default value. Values are read as attributes and
    set by attribute assignment, `parse`, or `override_from_dict`, which all
    check and coerce new values to that type.
    """

    def __init__(self, **values: Any) -> None:
        """Creates hyperparameters with the given defaults.

        Args:
            **values: Default value of each hyperparameter.

        Raises:
            ValueError: If a name is reserved or a value has an unsupported
                type.
        """
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_types", {})
        for name, value in values.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        """Adds a new hyperparameter whose type is that of `value`.

        Raises:
            ValueError: If `name` exists already or is reserved, or `value` has
                an unsupported type.
        """
        if name in self._values:
            raise ValueError(f"Hyperparameter {name!r} already exists.")
        if (not name.isidentifier() or name.startswith("_")
                or hasattr(HParams, name)):
            raise ValueError(f"Invalid hyperparameter name {name!r}.")
        try:
            hparam_type = _Type.of(value)
        except ValueError:
            raise ValueError(
                f"Hyperparameter {name!r} has unsupported value {value!r}; "
                "expected a bool, int, float, str or a list of them.") from None
        self._types[name] = hparam_type
        self._values[name] = hparam_type.from_value(value)

    def parse(self, values: str) -> Self:
        """Sets hyperparameters from a string such as "a=1,b=[2,3],c='x'".

        Assignments are separated by commas, except inside brackets and quotes.
        Whitespace around names and values is ignored and an empty string sets
        nothing. Booleans are true/false/1/0 (any case); strings may be quoted.
        Either every assignment is applied or, on error, none.

        Args:
            values: The assignments.

        Returns:
            self.

        Raises:
            ValueError: If the string is malformed, a name is unknown or a value
                does not convert to its hyperparameter's type.
        """
        assignments = _parse_assignments(values)
        updates = {}
        for name, text in assignments.items():
            self._check_known(name)
            updates[name] = self._convert(
                name, text, self._types[name].from_text)
        self._values.update(updates)
        return self

    def override_from_dict(self, values: Mapping[str, Any]) -> Self:
        """Sets hyperparameters from a dict; all are set or, on error, none.

        Non-string hyperparameters also accept strings, parsed as by `parse`.

        Returns:
            self.

        Raises:
            ValueError: If a name is unknown or a value does not convert to its
                hyperparameter's type.
        """
        updates = {}
        for name, value in values.items():
            self._check_known(name)
            updates[name] = self._convert(
                name, value, self._types[name].from_value)
        self._values.update(updates)
        return self

    # Alias kept from `tf.contrib.training.HParams`.
    set_from_dict = override_from_dict

    def values(self) -> dict[str, Any]:
        """Returns a copy of the hyperparameters as a dict."""
        return copy.deepcopy(self._values)

    def get(self, name: str, default: Any = None) -> Any:
        """Returns the value of `name`, or `default` if there is none."""
        if name not in self._values:
            return default
        return copy.copy(self._values[name])

    def to_json(self) -> str:
        """Serializes the hyperparameters as JSON with sorted keys."""
        return json.dumps(self._values, sort_keys=True)

    @classmethod
    def from_json(cls, serialized: str) -> Self:
        """Creates hyperparameters from the output of `to_json`."""
        values = json.loads(serialized)
        if not isinstance(values, dict):
            raise ValueError(
                "Expected a JSON object of hyperparameters, got "
                f"{serialized!r}.")
        return cls(**values)

    def __getattr__(self, name: str) -> Any:
        # Looked up through __dict__ so that copying and unpickling, which
        # create instances without calling __init__, don't recurse.
        values = self.__dict__.get("_values", {})
        if name not in values:
            raise AttributeError(
                f"{name!r} is not a hyperparameter; valid names: "
                f"{', '.join(sorted(values))}.")
        return copy.copy(values[name])

    def __setattr__(self, name: str, value: Any) -> None:
        self.override_from_dict({name: value})

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HParams):
            return NotImplemented
        # JSON tells 1 from 1.0 and True, so equal values must have equal types.
        return self.to_json() == other.to_json()

    def __repr__(self) -> str:
        items = ", ".join(
            f"{name}={value!r}" for name, value in sorted(self._values.items()))
        return f"HParams({items})"

    def _check_known(self, name: str) -> None:
        if name not in self._values:
            raise ValueError(
                f"Unknown hyperparameter {name!r}; valid names: "
                f"{', '.join(sorted(self._values))}.")

    def _convert(self, name: str, value: Any,
                 convert: Callable[[Any], Any]) -> Any:
        try:
            return convert(value)
        except ValueError:
            raise ValueError(
                f"Hyperparameter {name!r}: cannot convert {value!r} to "
                f"{self._types[name]}.") from None


# Layer widths of the library's models: each a positive int, or a list of them.
MODEL_SIZES = ("latent_size", "rnn_hidden_sizes", "obs_encoder_fc_layers",
               "obs_decoder_fc_hidden_layers", "latent_decoder_fc_layers")


def check_model_sizes(hparams: HParams) -> None:
    """Raises ValueError naming the first of `MODEL_SIZES` that is not positive.

    A zero or negative width would otherwise fail inside TensorFlow (or
    abort the process) at the first step.
    """
    for name in MODEL_SIZES:
        value = getattr(hparams, name)
        sizes = value if isinstance(value, list) else [value]
        if any(size < 1 for size in sizes):
            raise ValueError(f"{name} must hold positive sizes, got {value}")


def with_preset(preset: str, flag_value: str | None) -> str:
    """`flag_value` on top of the values of `PRESETS[preset]`, as one string.

    Names in `flag_value` win over the preset's: `with_preset("vaeseq2017",
    "learning_rate=1e-3")` keeps the preset's schedule at another rate.

    Raises:
        ValueError: an unknown preset, or a malformed `flag_value`.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; valid: {', '.join(sorted(PRESETS))}")
    values = {**_parse_assignments(PRESETS[preset].values),
              **_parse_assignments(flag_value or "")}
    return ",".join(f"{name}={value}" for name, value in values.items())


def check_optimizer(hparams: HParams) -> None:
    """Refuses values that would make the first update non-finite or meaningless.

    A NaN or infinite learning rate passes a training step's own check (the
    loss and gradients are finite) and writes non-finite variables.

    Raises:
        ValueError: naming the first such hyperparameter.
    """
    for name in ("learning_rate", "adam_epsilon", "learning_rate_decay_factor"):
        value = getattr(hparams, name)
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive finite number, got {value}")
    for name in ("clip_gradient_norm", "l2_regularization"):
        value = getattr(hparams, name)
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value}")


def make_hparams(flag_value: str | None = None, preset: str | None = None,
                 **overrides: Any) -> HParams:
    """Returns the library's default hyperparameters, overridden.

    Args:
        flag_value: Assignments in `HParams.parse` syntax, applied last.
        preset: the name of a set of values in `PRESETS`, applied first.
        **overrides: Values applied after the preset, before `flag_value`.

    Raises:
        ValueError: If a name is unknown or a value is malformed or mistyped,
            or the preset is unknown.
    """
    hparams = HParams(**_DEFAULTS)
    if preset is not None:
        hparams.parse(with_preset(preset, None))
    hparams.override_from_dict(overrides)
    if flag_value is not None:
        hparams.parse(flag_value)
    return hparams
