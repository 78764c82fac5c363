"""The field types of a JSON schema, each with a check that names where a value is wrong.

A model file is data from disk, perhaps edited by hand or damaged: each field is checked
for presence, type and shape, every number for finiteness (JSON from other tools may
hold ``NaN``, ``Infinity`` or ``1e999``). :mod:`.model_schema` builds ``model.json``'s
schema from these.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

__all__ = ["Choice", "Field", "Integer", "InvalidModel", "ListOf", "MapOf", "Number",
           "Record", "Scalar", "Text", "abbreviated"]  # fmt: skip

LARGEST_INTEGER = 2**63 - 1


class InvalidModel(ValueError):
    """What is wrong with a model document, and where."""


def abbreviated(value, limit: int = 40) -> str:
    """``repr(value)``, cut to ``limit`` characters, for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _kind(value) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
             type(None): "null", int: "an integer", float: "a number"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


class Field(ABC):
    """One node of the schema: ``check(value, where)`` raises :class:`InvalidModel`."""

    nullable = False

    def check(self, value, where: str) -> None:
        if value is None and self.nullable:
            return
        self._check(value, where)

    @abstractmethod
    def _check(self, value, where: str) -> None:
        """Raise :class:`InvalidModel` naming ``where`` when ``value`` does not fit."""


class Number(Field):
    """A finite JSON number (not true/false), optionally at least ``minimum``."""

    def __init__(self, *, minimum: float | None = None, nullable: bool = False):
        self.minimum, self.nullable = minimum, nullable

    def _check(self, value, where):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidModel(f"{where} must be a number, got {_kind(value)}")
        try:
            number = float(value)
        except OverflowError:
            raise InvalidModel(f"{where} is too large for a 64-bit float") from None
        if not math.isfinite(number):
            raise InvalidModel(f"{where} must be finite, got {abbreviated(value)}")
        if self.minimum is not None and number < self.minimum:
            raise InvalidModel(f"{where} must be >= {self.minimum:g}, got {abbreviated(value)}")


class Integer(Field):
    """A JSON integer between ``minimum`` and ``maximum``."""

    def __init__(self, *, minimum: int = 0, maximum: int = LARGEST_INTEGER):
        self.minimum, self.maximum = minimum, maximum

    def _check(self, value, where):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidModel(f"{where} must be an integer, got {_kind(value)}")
        if not self.minimum <= value <= self.maximum:
            shown = abbreviated(value) if abs(value) < 10**40 else "a huge integer"
            raise InvalidModel(
                f"{where} must be between {self.minimum} and {self.maximum}, got {shown}"
            )


class Text(Field):
    """A JSON string."""

    def __init__(self, *, nullable: bool = False):
        self.nullable = nullable

    def _check(self, value, where):
        if not isinstance(value, str):
            raise InvalidModel(f"{where} must be a string, got {_kind(value)}")


class Choice(Field):
    """One of a few strings."""

    def __init__(self, *values: str):
        self.values = values

    def _check(self, value, where):
        if not isinstance(value, str) or value not in self.values:
            allowed = ", ".join(repr(v) for v in self.values)
            raise InvalidModel(f"{where} must be one of {allowed}, got {abbreviated(value)}")


class Scalar(Field):
    """A string, true/false, a finite number or null: a class label or a parameter."""

    def __init__(self, *, nullable: bool = True):
        self.nullable = nullable

    def _check(self, value, where):
        if isinstance(value, (str, bool)):
            return
        if isinstance(value, (int, float)):
            Number().check(value, where)
            return
        raise InvalidModel(f"{where} must be a string, number or true/false, got {_kind(value)}")


class ListOf(Field):
    """A JSON list whose items all match ``item``; optionally of a fixed ``length``."""

    def __init__(self, item: Field, *, length: int | None = None, nullable: bool = False):
        self.item, self.length, self.nullable = item, length, nullable

    def _check(self, value, where):
        if not isinstance(value, list):
            raise InvalidModel(f"{where} must be a list, got {_kind(value)}")
        if self.length is not None and len(value) != self.length:
            raise InvalidModel(f"{where} must have {self.length} items, got {len(value)}")
        for index, item in enumerate(value):
            self.item.check(item, f"{where}[{index}]")


class MapOf(Field):
    """A JSON object whose values all match ``value``."""

    def __init__(self, value: Field):
        self.value = value

    def _check(self, value, where):
        if not isinstance(value, dict):
            raise InvalidModel(f"{where} must be an object, got {_kind(value)}")
        for key, item in value.items():
            self.value.check(item, f"{where}[{key!r}]")


class Record(Field):
    """A JSON object with ``required`` fields and ``optional`` ones (checked if present);
    other keys are allowed (files written by a later version of the same format)."""

    def __init__(self, required: dict[str, Field], optional: dict[str, Field] | None = None):
        self.required, self.optional = required, optional or {}

    def _check(self, value, where):
        if not isinstance(value, dict):
            raise InvalidModel(f"{where or 'the file'} must be an object, got {_kind(value)}")
        prefix = f"{where}." if where else ""
        missing = [name for name in self.required if name not in value]
        if missing:
            raise InvalidModel(f"missing field(s) {', '.join(prefix + m for m in missing)}")
        for name, field in {**self.required, **self.optional}.items():
            if name in value:
                field.check(value[name], prefix + name)
