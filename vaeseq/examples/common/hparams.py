"""An example's hyperparameters: the library's, extended, with JSON and overrides.

Every example adds hyperparameters of its own to `vaeseq.hparams`'s, sets
its own defaults, saves the values with a trained model (`hparams.json`)
and lets later runs override the values that do not fix the model's
variables. `ExampleHParams` does all of that from three tables::

    SPEC = ExampleHParams(
        extra={"rate": (32.0, "Steps per second.")},  # new names: default, meaning
        defaults={"latent_size": 32},              # the library's, changed
        architecture=("latent_size", "rate", ...)) # fixed once trained
    hparams = SPEC.make("vae_type=SRNN,batch_size=8")
    resumed = SPEC.override(SPEC.from_json(saved_json), "batch_size=4")
"""

import json
import textwrap
from typing import Any, Callable, Mapping, Sequence

from vaeseq import hparams as hparams_mod

# The most steps one batch may hold (batch_size x sequence_size): about
# 16 KB of memory each while training even the smallest model (2 GB at
# 4 x 20,000, measured), so a mistyped size fails here rather than by
# exhausting memory minutes later.
MAX_STEPS_PER_BATCH = 2 ** 17

# The library's hyperparameters that fix a model's variables or what it
# computes (`vaeseq.hparams.ARCHITECTURE`); an example's `architecture`
# usually starts from these.
LIBRARY_ARCHITECTURE = hparams_mod.ARCHITECTURE


class ExampleHParams:
    """Makes, reads and overrides one example's hyperparameters.

    Args:
        extra: the example's own hyperparameters: `(default, meaning)` by
            name.
        defaults: new defaults for the library's hyperparameters.
        architecture: names that a trained model cannot change (the rest,
            such as `batch_size` or `sequence_size`, may differ per run).
        check: called on every made `HParams`; raises `ValueError` for
            values that parse but are unusable (a rate <= 0, say).
            Every example's `batch_size` and `sequence_size`
            (`check_batch_shape`), the model's widths and the optimizer's
            values (`vaeseq.hparams.check_model_sizes`, `check_optimizer`)
            are checked anyway.

    Raises:
        ValueError: an `architecture` name that is not a hyperparameter.
    """

    def __init__(self, extra: Mapping[str, Any], defaults: Mapping[str, Any],
                 architecture: Sequence[str],
                 check: Callable[[hparams_mod.HParams], None] | None = None):
        self._extra = {name: default for name, (default, _) in extra.items()}
        self._meanings = {**hparams_mod.MEANINGS,
                          **{name: meaning for name, (_, meaning) in extra.items()}}
        self._defaults = dict(defaults)
        self._check = check
        self.architecture = tuple(architecture)
        known = self.make().values()
        unknown = [name for name in self.architecture if name not in known]
        if unknown:
            raise ValueError(f"Unknown architecture hyperparameters: {unknown}.")

    def make(self, flag_value: str | None = None,
             **overrides: Any) -> hparams_mod.HParams:
        """Returns the example's default hyperparameters, overridden.

        Args:
            flag_value: assignments in `HParams.parse` syntax, applied last.
            **overrides: values applied before `flag_value`.

        Raises:
            ValueError: a name is unknown, a value is malformed or mistyped,
                or `check` rejects the result.
        """
        hparams = hparams_mod.make_hparams()
        for name, value in self._extra.items():
            hparams.add_hparam(name, value)
        hparams.override_from_dict(self._defaults)
        hparams.override_from_dict(overrides)
        if flag_value is not None:
            hparams.parse(flag_value)
        check_batch_shape(hparams)
        hparams_mod.check_model_sizes(hparams)
        hparams_mod.check_optimizer(hparams)
        if self._check is not None:
            self._check(hparams)
        return hparams

    def from_json(self, saved_json: str) -> hparams_mod.HParams:
        """Reads hyperparameters written by `HParams.to_json`.

        Values missing from `saved_json` take the example's defaults.

        Raises:
            ValueError: `saved_json` is not a JSON object of known,
                well-typed hyperparameters.
        """
        try:
            values = json.loads(saved_json)
        except json.JSONDecodeError as err:
            raise ValueError(f"not JSON: {err}") from None
        if not isinstance(values, dict):
            raise ValueError("not a JSON object")
        return self.make(**values)

    def describe(self) -> str:
        """Every hyperparameter, its default and meaning, as a text table.

        One line per name, in alphabetical order: `name = default`, an
        asterisk for those that fix a trained model (`architecture`), then
        the meaning on the next line, indented.
        """
        defaults = self.make().values()
        lines = []
        for name in sorted(defaults):
            mark = "  *" if name in self.architecture else ""
            lines.append(f"{name} = {_as_flag_text(defaults[name])}{mark}")
            lines.append(textwrap.fill(self._meanings[name], 78, initial_indent="    ",
                                       subsequent_indent="    "))
        return "\n".join(lines) + "\n"

    def override(self, saved: hparams_mod.HParams,
                 flag_value: str | None) -> hparams_mod.HParams:
        """Returns a copy of a trained model's hyperparameters, overridden.

        Args:
            saved: the hyperparameters the model was trained with.
            flag_value: assignments in `HParams.parse` syntax. They may
                change any hyperparameter except those in `architecture`,
                which they may only restate.

        Raises:
            ValueError: `flag_value` is malformed or changes the architecture.
        """
        hparams = self.make(flag_value, **saved.values())
        changed = [
            f"{name} (trained with {saved.get(name)!r}, "
            f"given {hparams.get(name)!r})"
            for name in self.architecture
            if hparams.get(name) != saved.get(name)]
        if changed:
            raise ValueError(
                "--hparams cannot change the architecture of a trained model: "
                + "; ".join(changed) + ".")
        return hparams


def check_batch_shape(hparams: hparams_mod.HParams) -> None:
    """Raises `ValueError` unless a batch of `hparams` is usable.

    `batch_size` and `sequence_size` must be >= 1 and their product at most
    `MAX_STEPS_PER_BATCH`.
    """
    for name in ("batch_size", "sequence_size"):
        if hparams.get(name) < 1:
            raise ValueError(f"{name} must be >= 1, got {hparams.get(name)}.")
    steps = hparams.batch_size * hparams.sequence_size
    if steps > MAX_STEPS_PER_BATCH:
        raise ValueError(
            f"batch_size x sequence_size = {hparams.batch_size} x "
            f"{hparams.sequence_size} = {steps} steps per batch exceeds the "
            f"limit of {MAX_STEPS_PER_BATCH} (memory); lower one of them.")


def _as_flag_text(value: Any) -> str:
    """`value` as `--hparams` takes it: lists as `[1,2]`, bools lowercase."""
    if isinstance(value, list):
        return "[" + ",".join(_as_flag_text(item) for item in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
