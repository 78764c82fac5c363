"""The schema of ``model.json``, written once, and the check of a document against it.

A model file is data from disk, perhaps edited by hand or damaged: every field that
prediction reads is checked for presence, type and shape, every number for finiteness
(JSON from other tools may hold ``NaN``, ``Infinity`` or ``1e999``), and the fields that
must agree (the features, the encoding, the coefficients, the classes) are compared.
Any failure raises :class:`InvalidModel` with the field's location and what is wrong.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

__all__ = ["MODEL_SCHEMA", "PATH_FILE", "InvalidModel", "check_model"]

TASKS = ("regression", "classification")
KINDS = ("numeric", "boolean", "categorical")
LARGEST_INTEGER = 2**63 - 1


class InvalidModel(ValueError):
    """What is wrong with a model document, and where."""


def _shown(value, limit: int = 40) -> str:
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
            raise InvalidModel(f"{where} must be finite, got {_shown(value)}")
        if self.minimum is not None and number < self.minimum:
            raise InvalidModel(f"{where} must be >= {self.minimum:g}, got {_shown(value)}")


class Integer(Field):
    """A JSON integer between ``minimum`` and ``maximum``."""

    def __init__(self, *, minimum: int = 0, maximum: int = LARGEST_INTEGER):
        self.minimum, self.maximum = minimum, maximum

    def _check(self, value, where):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidModel(f"{where} must be an integer, got {_kind(value)}")
        if not self.minimum <= value <= self.maximum:
            shown = _shown(value) if abs(value) < 10**40 else "a huge integer"
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
            raise InvalidModel(f"{where} must be one of {allowed}, got {_shown(value)}")


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


_DATA_SCHEMA = Record({
    "columns": ListOf(Record({"name": Text(), "dtype": Text(), "kind": Choice(*KINDS)})),
    "encoding": MapOf(Record({"categories": ListOf(Text()), "indicators": ListOf(Text()),
                              "columns": ListOf(Text())})),
    "features": ListOf(Text()),
    "target": Text(),
    "task": Choice(*TASKS),
    "classes": ListOf(Scalar(nullable=False), length=2, nullable=True),
}, optional={"id": Text(nullable=True)})  # fmt: skip

PATH_FILE = "path.csv"

# The regularization path beside the model (path.csv, read by predict --alpha): how many
# rows it has and its α range, checked against the file when it is read.
_PATH_SCHEMA = Record({
    "file": Choice(PATH_FILE),
    "n_alphas": Integer(minimum=1),
    "alpha_max": Number(minimum=0.0),
    "alpha_min": Number(minimum=0.0),
})  # fmt: skip

MODEL_SCHEMA = Record(
    required={
        "format": Text(),
        "format_version": Integer(minimum=1),
        "task": Choice(*TASKS),
        "coefficients": MapOf(Number()),
        "intercept": Number(),
        "schema": _DATA_SCHEMA,
    },
    optional={
        "package": Text(),
        "package_version": Text(),
        "command": Text(),
        "estimator": Text(),
        "parameters": MapOf(Scalar()),
        "n_nonzero": Integer(),
        "certificate": MapOf(Number(nullable=True)),
        "kkt_residual": MapOf(Number(nullable=True)),
        "n_rows": Integer(minimum=1),
        "fit_seconds": Number(minimum=0.0),
        "path": _PATH_SCHEMA,
    },
)
"""Every field of ``model.json``: name → type, shape and range (see :func:`check_model`)."""


def _same_names(found, expected, where: str) -> None:
    if list(found) != list(expected):
        for index, (a, b) in enumerate(zip(found, expected, strict=False)):
            if a != b:
                raise InvalidModel(
                    f"{where} do not match schema.features: item {index} is {_shown(a)}, "
                    f"expected {_shown(b)}"
                )
        raise InvalidModel(f"{where} has {len(found)} names, schema.features has {len(expected)}")


def _check_consistency(document: dict) -> None:
    schema = document["schema"]
    if schema["task"] != document["task"]:
        raise InvalidModel(f"task is {document['task']!r} but schema.task is {schema['task']!r}")
    classes = schema["classes"]
    if document["task"] == "classification":
        if classes is None or classes[0] == classes[1]:
            raise InvalidModel("schema.classes must list two different classes")
    elif classes is not None:
        raise InvalidModel("schema.classes must be null for regression")
    names = [column["name"] for column in schema["columns"]]
    if len(set(names)) != len(names):
        raise InvalidModel("schema.columns names a column twice")
    if schema["target"] in set(names):
        raise InvalidModel(f"the target {schema['target']!r} is also a feature column")
    if schema.get("id") is not None and schema["id"] in set(names) | {schema["target"]}:
        raise InvalidModel(f"the id column {schema['id']!r} is also a feature or the target")
    encoding = schema["encoding"]
    expanded = []
    for column in schema["columns"]:
        name, categorical = column["name"], column["kind"] == "categorical"
        if categorical != (name in encoding):
            raise InvalidModel(
                f"column {name!r} is {column['kind']} but "
                f"{'has no' if categorical else 'has an'} entry in schema.encoding"
            )
        if not categorical:
            expanded.append(name)
            continue
        levels = encoding[name]
        if not set(levels["indicators"]) <= set(levels["categories"]):
            raise InvalidModel(f"schema.encoding[{name!r}].indicators are not all categories")
        if len(levels["columns"]) != len(levels["indicators"]):
            raise InvalidModel(
                f"schema.encoding[{name!r}] has {len(levels['columns'])} columns for "
                f"{len(levels['indicators'])} indicators"
            )
        expanded.extend(levels["columns"])
    if len(encoding) != sum(column["kind"] == "categorical" for column in schema["columns"]):
        raise InvalidModel("schema.encoding names columns that are not in schema.columns")
    features = schema["features"]
    _same_names(features, expanded, "the encoded columns")
    if len(set(features)) != len(features):
        raise InvalidModel("schema.features names a feature twice")
    _same_names(document["coefficients"], features, "the coefficients")
    if "kkt_residual" in document:
        _same_names(document["kkt_residual"], features, "kkt_residual")
    if "path" in document and document["path"]["alpha_min"] > document["path"]["alpha_max"]:
        raise InvalidModel("path.alpha_min is larger than path.alpha_max")
    if "n_nonzero" in document:
        count = sum(value != 0 for value in document["coefficients"].values())
        if document["n_nonzero"] != count:
            raise InvalidModel(f"n_nonzero is {document['n_nonzero']} but {count} coefficients "
                               "are non-zero")  # fmt: skip


def check_model(document) -> None:
    """Check a parsed ``model.json`` against :data:`MODEL_SCHEMA` and for consistency.

    Raises
    ------
    InvalidModel
        Naming the first field that is missing, of the wrong type or shape, not a finite
        number, or inconsistent with another field.

    Examples
    --------
    >>> check_model({"format": "shrinkage-model", "format_version": 1, "task": "regression",
    ...              "coefficients": {"x": float("nan")}, "intercept": 0.0, "schema": {}})
    Traceback (most recent call last):
    ...
    shrinkage.cli.model_schema.InvalidModel: coefficients['x'] must be finite, got nan
    """
    MODEL_SCHEMA.check(document, "")
    _check_consistency(document)
