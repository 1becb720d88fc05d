"""Abstract members that a subclass must define, checked when it is constructed.

Sonnet's module metaclass wraps every method and property of a module class
(to enter its name scope), which drops `abc.abstractmethod`'s marker: a
subclass of an abstract `snt.Module` that misses a member is constructed
without complaint and fails later, deep inside a model. The base classes of
this library call `check_defined` from their constructors instead.
"""

from typing import Sequence


def check_defined(instance: object, base: type, names: Sequence[str]) -> None:
    """Raises TypeError naming the `names` that `instance`'s class leaves as `base` has them.

    Args:
      instance: the object under construction.
      base: the abstract class whose members `names` must be overridden.
      names: the abstract members (methods or properties) of `base`.
    """
    cls = type(instance)
    missing = [name for name in names if getattr(cls, name, None) is getattr(base, name)]
    if missing:
        raise TypeError(f"{cls.__name__} must define {', '.join(missing)} "
                        f"(abstract in {base.__name__})")
