"""kubelint.named_tuple.NamedTuple builds the class typing.NamedTuple builds, without
compiling each string annotation (see the module)."""

from __future__ import annotations

import pickle
import re
import typing
from pathlib import Path
from typing import Optional

import pytest

import kubelint
from kubelint.named_tuple import NamedTuple


def _position_class(base: type) -> type:
    """The same class body on either base, so that the two can be compared."""

    class Position(base):  # type: ignore[misc, valid-type]
        """A position."""

        line: int
        column: int = 1
        label: Optional[str] = None

        @property
        def twice(self) -> int:
            return self.line * 2

        def moved(self, by: int) -> "Position":
            return self._replace(line=self.line + by)

        @classmethod
        def origin(cls) -> "Position":
            return cls(1)

    return Position


Fast, Typed = _position_class(NamedTuple), _position_class(typing.NamedTuple)


class Pickled(NamedTuple):  # module level: pickle finds a class by its qualified name
    line: int
    column: int = 1


def test_same_fields_defaults_and_tuple_behaviour_as_typing() -> None:
    for cls in (Fast, Typed):
        value = cls(3, label="x")
        assert value == (3, 1, "x") and isinstance(value, tuple)
        assert cls._fields == ("line", "column", "label")
        assert cls._field_defaults == {"column": 1, "label": None}
        assert value._asdict() == {"line": 3, "column": 1, "label": "x"}
        assert value.twice == 6 and value.moved(2) == (5, 1, "x") and cls.origin() == (1, 1, None)
        line, column, label = value
        assert (line, column, label) == (3, 1, "x")
        assert cls.__doc__ == "A position." and cls.__module__ == __name__
        assert not hasattr(value, "__dict__")  # __slots__ = (): no per-instance dict
    assert repr(Fast(3)) == repr(Typed(3)) == "Position(line=3, column=1, label=None)"
    assert Fast(3) == Typed(3) and hash(Fast(3)) == hash(Typed(3))


def test_annotations_stay_strings() -> None:
    assert Fast.__annotations__ == {"line": "int", "column": "int", "label": "Optional[str]"}
    assert typing.get_type_hints(Fast) == {"line": int, "column": int, "label": Optional[str]}


def test_pickles_by_name_like_any_module_level_class() -> None:
    assert pickle.loads(pickle.dumps(Pickled(4, 2))) == Pickled(4, 2)
    assert type(pickle.loads(pickle.dumps(Pickled(4, 2)))) is Pickled


def test_nested_class_keeps_its_qualified_name() -> None:
    class Inner(NamedTuple):
        a: int

    assert Inner.__qualname__.endswith("<locals>.Inner")


def test_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="without a default follows"):
        class Misordered(NamedTuple):  # noqa: F841
            a: int = 0
            b: int

    with pytest.raises(AttributeError, match="_replace"):
        class Overwrites(NamedTuple):  # noqa: F841
            a: int

            def _replace(self) -> None: ...

    with pytest.raises(TypeError, match="inherit"):
        class Mixed(NamedTuple, dict):  # type: ignore[misc]  # noqa: F841
            a: int


def test_kubelint_defines_its_named_tuples_with_it() -> None:
    """A NamedTuple from typing costs ~220 K instructions a field on every start (see the module)."""
    package = Path(kubelint.__file__).parent
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if path.name != "named_tuple.py"
                 and re.search(r"^from typing import [^\n]*\bNamedTuple\b|^    NamedTuple,$", path.read_text(), re.M)]
    assert offenders == []
