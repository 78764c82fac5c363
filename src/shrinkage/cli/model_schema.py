"""The schema of ``model.json``, written once, and the check of a document against it.

A model file is data from disk, perhaps edited by hand or damaged: every field that
prediction reads is checked for presence, type and shape, every number for finiteness
(JSON from other tools may hold ``NaN``, ``Infinity`` or ``1e999``), and the fields that
must agree (the features, the encoding, the coefficients, the classes) are compared.
Any failure raises :class:`InvalidModel` with the field's location and what is wrong.
The field types are :mod:`.schema_fields`'. A multi-class model's document
(:data:`MULTICLASS_SCHEMA`) differs in two fields: each coefficient is a list of K numbers,
one per class of ``schema.classes`` (K ≥ 3), and so is the intercept.
"""

from __future__ import annotations

from .schema_fields import (
    Choice,
    Integer,
    InvalidModel,
    ListOf,
    MapOf,
    Number,
    Record,
    Scalar,
    Text,
    abbreviated,
)

__all__ = ["MODEL_SCHEMA", "MULTICLASS_SCHEMA", "PATH_FILE", "InvalidModel", "check_model"]

TASKS = ("regression", "classification", "multiclass", "count")
#: The least number of classes of a multi-class model (two are a classification).
MIN_CLASSES = 3
KINDS = ("numeric", "boolean", "categorical")


_DATA_SCHEMA = Record({
    "columns": ListOf(Record({"name": Text(), "dtype": Text(), "kind": Choice(*KINDS)})),
    "encoding": MapOf(Record({"categories": ListOf(Text()), "indicators": ListOf(Text()),
                              "columns": ListOf(Text())})),
    "features": ListOf(Text()),
    "target": Text(),
    "task": Choice(*TASKS),
    "classes": ListOf(Scalar(nullable=False), nullable=True),
}, optional={"id": Text(nullable=True), "exposure": Text(nullable=True)})  # fmt: skip

PATH_FILE = "path.csv"

# The regularization path beside the model (path.csv, read by predict --alpha): how many
# rows it has and its α range, checked against the file when it is read.
_PATH_SCHEMA = Record({
    "file": Choice(PATH_FILE),
    "n_alphas": Integer(minimum=1),
    "alpha_max": Number(minimum=0.0),
    "alpha_min": Number(minimum=0.0),
})  # fmt: skip


def _model_schema(coefficient, intercept) -> Record:
    """The document's schema with one type for a coefficient and one for the intercept."""
    return Record(
        required={
            "format": Text(),
            "format_version": Integer(minimum=1),
            "task": Choice(*TASKS),
            "coefficients": MapOf(coefficient),
            "intercept": intercept,
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


MODEL_SCHEMA = _model_schema(Number(), Number())
"""Every field of ``model.json``: name → type, shape and range (see :func:`check_model`)."""

MULTICLASS_SCHEMA = _model_schema(ListOf(Number()), ListOf(Number()))
"""The fields of a multi-class model's ``model.json``: a list of numbers per coefficient
and for the intercept (their length, the number of classes, checked by
:func:`check_model`)."""


def _same_names(found, expected, where: str) -> None:
    if list(found) != list(expected):
        for index, (a, b) in enumerate(zip(found, expected, strict=False)):
            if a != b:
                raise InvalidModel(
                    f"{where} do not match schema.features: item {index} is {abbreviated(a)}, "
                    f"expected {abbreviated(b)}"
                )
        raise InvalidModel(f"{where} has {len(found)} names, schema.features has {len(expected)}")


def _check_exposure(schema: dict, task: str, names: list) -> None:
    """An exposure column only for a count model, and not a feature, the target or the
    id."""
    exposure = schema.get("exposure")
    if exposure is None:
        return
    if task != "count":
        raise InvalidModel(f"schema.exposure is set but the task is {task!r}, not 'count'")
    if exposure in set(names) | {schema["target"], schema.get("id")}:
        raise InvalidModel(
            f"the exposure column {exposure!r} is also a feature, the target or the id"
        )


def _check_consistency(document: dict) -> None:
    schema = document["schema"]
    if schema["task"] != document["task"]:
        raise InvalidModel(f"task is {document['task']!r} but schema.task is {schema['task']!r}")
    _check_classes(schema["classes"], document["task"])
    names = [column["name"] for column in schema["columns"]]
    if len(set(names)) != len(names):
        raise InvalidModel("schema.columns names a column twice")
    if schema["target"] in set(names):
        raise InvalidModel(f"the target {schema['target']!r} is also a feature column")
    if schema.get("id") is not None and schema["id"] in set(names) | {schema["target"]}:
        raise InvalidModel(f"the id column {schema['id']!r} is also a feature or the target")
    _check_exposure(schema, document["task"], names)
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
    if document["task"] == "multiclass":
        _check_class_lists(document, len(schema["classes"]))
    if "kkt_residual" in document:
        _same_names(document["kkt_residual"], features, "kkt_residual")
    if "path" in document and document["path"]["alpha_min"] > document["path"]["alpha_max"]:
        raise InvalidModel("path.alpha_min is larger than path.alpha_max")
    if "n_nonzero" in document:
        count = sum(_nonzero(value) for value in document["coefficients"].values())
        if document["n_nonzero"] != count:
            raise InvalidModel(f"n_nonzero is {document['n_nonzero']} but {count} coefficients "
                               "are non-zero")  # fmt: skip


def _nonzero(coefficient) -> bool:
    """A feature's coefficient is non-zero (for a multi-class model: in some class)."""
    if isinstance(coefficient, list):
        return any(value != 0 for value in coefficient)
    return coefficient != 0


def _check_classes(classes, task: str) -> None:
    """Two different classes for a classification, :data:`MIN_CLASSES` or more different
    ones for a multi-class model, none for the other tasks."""
    if task not in ("classification", "multiclass"):
        if classes is not None:
            raise InvalidModel(f"schema.classes must be null for {task}")
        return
    binary = task == "classification"
    counted = classes is not None and (len(classes) == 2 if binary
                                       else len(classes) >= MIN_CLASSES)  # fmt: skip
    if not counted or len({repr(label) for label in classes}) != len(classes):
        wanted = "two" if binary else f"{MIN_CLASSES} or more"
        raise InvalidModel(f"schema.classes must list {wanted} different classes for {task}")


def _check_class_lists(document: dict, n_classes: int) -> None:
    """A multi-class model's intercept and each feature's coefficients: one per class."""
    if len(document["intercept"]) != n_classes:
        raise InvalidModel(f"intercept has {len(document['intercept'])} numbers for "
                           f"{n_classes} classes")  # fmt: skip
    for name, values in document["coefficients"].items():
        if len(values) != n_classes:
            raise InvalidModel(f"coefficients[{name!r}] has {len(values)} numbers for "
                               f"{n_classes} classes")  # fmt: skip


def check_model(document) -> None:
    """Check a parsed ``model.json`` against :data:`MODEL_SCHEMA` (a multi-class model's
    against :data:`MULTICLASS_SCHEMA`) and for consistency.

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
    shrinkage.cli.schema_fields.InvalidModel: coefficients['x'] must be finite, got nan
    """
    multiclass = isinstance(document, dict) and document.get("task") == "multiclass"
    (MULTICLASS_SCHEMA if multiclass else MODEL_SCHEMA).check(document, "")
    _check_consistency(document)
