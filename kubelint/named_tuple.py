"""typing.NamedTuple's class syntax, without typing's check of each field's annotation.

Under `from __future__ import annotations` every annotation is a string, and typing.NamedTuple
checks each one by compiling it into a typing.ForwardRef: about 220 K instructions a field, so a
three-field class costs 1 M against collections.namedtuple's 0.35 M. A one-file check defines
about 45 of these classes, and that check was a tenth of its run. This builds the same class
(collections.namedtuple with the body's defaults, methods and docstring) and keeps the
annotations as the strings they are; type checkers see typing.NamedTuple itself.

    from ..named_tuple import NamedTuple

    class Position(NamedTuple):
        line: int
        column: int = 1
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any, Dict, Tuple

# What a NamedTuple's body may not define, and what it defines that is not copied onto the
# class: typing's own sets (typing._prohibited, typing._special).
_PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
                         "_make", "_replace", "_asdict", "_source"})
_SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})


class _NamedTupleMeta(type):
    def __new__(mcs, typename: str, bases: Tuple[type, ...], namespace: Dict[str, Any]) -> Any:
        if bases != (_NamedTuple,):
            raise TypeError("can only inherit from NamedTuple")
        annotations: Dict[str, Any] = namespace.get("__annotations__", {})
        defaulted = [name for name in annotations if name in namespace]
        if defaulted and list(annotations)[-len(defaulted):] != defaulted:
            # collections.namedtuple gives defaults to the last fields, whichever had them.
            raise TypeError(f"{typename}: a field without a default follows one with a default")
        cls = collections.namedtuple(typename, list(annotations), defaults=[namespace[n] for n in defaulted],
                                     module=namespace["__module__"])
        cls.__annotations__ = cls.__new__.__annotations__ = dict(annotations)
        for key, value in namespace.items():
            if key in _PROHIBITED:
                raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
            if key not in _SPECIAL and key not in cls._fields:
                setattr(cls, key, value)
        return cls


_NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    NamedTuple = _NamedTuple
