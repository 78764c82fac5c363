"""A model folder read back (:func:`load_model`), trusting nothing: the JSON is parsed
strictly, checked against :data:`~shrinkage.cli.model_schema.MODEL_SCHEMA`, and
``coef.csv`` must hold the same numbers. Predictions from the file are ``X w + b``
(regression), the logistic model's class (classification), the most probable class of
the softmax of ``X W + b`` (multiclass) or the mean count ``exp(X w + b) · exposure``
(count), computed from the stored numbers alone. What the files hold, and writing them,
is :mod:`.model_format`'s (re-exported here).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .encoding import encode_with_schema
from .errors import DataError
from .model_format import (
    COEF_FILE,
    FORMAT,
    FORMAT_VERSION,
    MODEL_FILE,
    PATH_FILE,
    class_column,
    coef_frame,
    document_writers,
    model_document,
)
from .model_path import StoredPath, read_path
from .model_schema import InvalidModel, check_model

__all__ = [
    "COEF_FILE",
    "FORMAT",
    "MODEL_FILE",
    "PATH_FILE",
    "SavedModel",
    "coef_frame",
    "document_writers",
    "load_model",
    "model_document",
]


@dataclass(frozen=True)
class SavedModel:
    """A model read back from ``model.json``; predicts from the stored numbers.

    ``path`` is the stored regularization path when it was asked for (:func:`load_model`).
    """

    document: dict
    path: StoredPath | None = None

    @property
    def schema(self) -> dict:
        return self.document["schema"]

    @property
    def task(self) -> str:
        return self.document["task"]

    @property
    def alpha(self) -> float | None:
        """The model's own α (as recorded in its parameters)."""
        value = self.document.get("parameters", {}).get("alpha")
        return float(value) if isinstance(value, (int, float)) else None

    def encode(self, frame: pd.DataFrame, notes: list[str], **options) -> pd.DataFrame:
        """``frame`` encoded as at fit time (schema checked, see ``encode_with_schema``)."""
        return encode_with_schema(frame, self.schema, notes, **options)

    def at_alpha(self, alpha: float) -> tuple[SavedModel, str]:
        """The model with the coefficients at ``alpha`` (the model's own at its α, else
        from the stored path), and a sentence saying how they were found."""
        own = self.alpha
        if own is not None and abs(alpha - own) <= 1e-12 * abs(own):
            return self, f"α = {alpha:g} is the model's own α: its coefficients"
        if self.path is None:
            raise DataError(
                "this model folder has no stored path (path.csv): refit it with this "
                "version of shrinkage fit to predict at another --alpha."
            )
        coef, intercept, how = self.path.at(alpha)
        names = list(self.document["coefficients"])
        document = {
            **self.document,
            "coefficients": dict(zip(names, coef.tolist(), strict=True)),
            "intercept": np.asarray(intercept).tolist(),
        }
        return replace(self, document=document), how

    @property
    def exposure(self) -> str | None:
        """The exposure column of a count model fitted with one, else None."""
        return self.schema.get("exposure")

    @property
    def classes(self) -> np.ndarray | None:
        """The classes of a classification (two) or multi-class model, else None."""
        classes = self.schema["classes"]
        return None if classes is None else np.asarray(classes, dtype=object)

    def decision_function(self, X: pd.DataFrame, exposure=None) -> np.ndarray:
        """``X w + b``, plus ``log(exposure)`` when given (a count model's log mean); for a
        multi-class model ``X W + b`` (n, K), a column per class; a DataError if it
        overflows (huge coefficients or values)."""
        coefficients = self.document["coefficients"]
        coef = np.array([coefficients[name] for name in X.columns], dtype=np.float64)
        intercept = np.asarray(self.document["intercept"], dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            decision = X.to_numpy(dtype=np.float64) @ coef + intercept
        if exposure is not None:
            decision = decision + np.log(exposure)
        return _finite(decision)

    def predict(self, X: pd.DataFrame, exposure=None) -> np.ndarray:
        """Regression: ``X w + b``; classification: the class of probability > 1/2;
        multiclass: the most probable class (the first of a tie); count: the mean count
        ``exp(X w + b) · exposure`` (the rate without an exposure)."""
        decision = self.decision_function(X, exposure)
        if self.task == "regression":
            return decision
        if self.task == "count":
            with np.errstate(over="ignore"):
                return _finite(np.exp(decision))
        if self.task == "multiclass":
            return self.classes[np.argmax(decision, axis=1)]
        return self.classes[(decision > 0).astype(int)]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of the positive class ``classes[1]`` (classification), or of each
        class (multiclass: (n, K), the softmax of the linear predictors)."""
        from scipy.special import expit, softmax

        if self.task == "multiclass":
            return softmax(self.decision_function(X), axis=1)
        return expit(self.decision_function(X))


def _finite(predictions: np.ndarray) -> np.ndarray:
    """``predictions``, or a DataError when some overflow (huge coefficients or values)."""
    bad = int(np.count_nonzero(~np.isfinite(predictions)))
    if bad:
        raise DataError(
            f"{bad} of {predictions.size} predictions overflow (not finite numbers): the "
            "model's coefficients times the data's values exceed the float range."
        )
    return predictions


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs):
    document = {}
    for key, value in pairs:
        if key in document:  # json would keep the last silently
            raise ValueError(f"key {key!r} appears twice in one object")
        document[key] = value
    return document


def _parse(path: Path) -> dict:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise DataError(f"could not read {str(path)!r}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise _invalid(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise _invalid(path, "nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, NaN / Infinity, over-long integers
        raise _invalid(path, f"not JSON ({exc})") from None


def _invalid(path: Path, what: str) -> DataError:
    return DataError(f"{str(path)!r} is not a valid model file: {what}.")


def _read_coef_table(path: Path, columns: list[str]) -> tuple[list[str], list[list[str]]]:
    """The feature names and the fields of the coefficient ``columns`` (the header's
    first fields after ``feature``) of ``coef.csv``."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = next(rows, [])
        expected = ["feature", *columns]
        if header[: len(expected)] != expected:
            raise ValueError(f"its header starts with {header[: len(expected)]}, not "
                             f"{', '.join(expected)}")  # fmt: skip
        features, values = [], []
        for row in rows:
            if len(row) < len(expected):
                raise ValueError(f"row {len(features) + 2} has {len(row)} field(s)")
            features.append(row[0])
            values.append(row[1 : len(expected)])
    return features, values


def _coef_columns(document: dict) -> tuple[list[str], list[list[float]]]:
    """The coefficient columns of ``coef.csv`` and, for each row (the intercept, then the
    features), the numbers of ``model.json`` that they hold."""
    rows = [document["intercept"], *document["coefficients"].values()]
    if document["task"] != "multiclass":
        return ["coefficient"], [[number] for number in rows]
    columns = [class_column("coefficient", label) for label in document["schema"]["classes"]]
    return columns, rows


def _check_coef_file(path: Path, document: dict) -> None:
    """``coef.csv`` must hold the intercept and the coefficients of ``model.json``."""
    columns, numbers = _coef_columns(document)
    try:
        features, values = _read_coef_table(path, columns)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        raise _invalid(path, f"cannot be read ({exc})") from None
    expected = ["(intercept)", *document["coefficients"]]
    if features != expected:
        raise _invalid(
            path,
            f"its {len(features)} rows do not name the intercept and the {len(expected) - 1} "
            f"features of {MODEL_FILE}",
        )
    for name, texts, row in zip(features, values, numbers, strict=True):
        for text, number in zip(texts, row, strict=True):
            _check_coef_value(path, name, text, number)


def _check_coef_value(path: Path, name: str, text: str, number: float) -> None:
    try:
        value = float(text)
    except ValueError:
        raise _invalid(path, f"the coefficient of {name!r} is {text!r}") from None
    # Both files are written from the same floats (shortest round-trip text).
    if not (value == number or abs(value - number) <= 1e-12 * abs(number)):
        raise _invalid(
            path, f"the coefficient of {name!r} is {text} but {number!r} in {MODEL_FILE}"
        )


def _document(path: Path) -> dict:
    document = _parse(path)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid(path, f"it is not a {FORMAT!r} document")
    version = document.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise _invalid(
            path,
            f"its format version {version if version < 10**9 else 'is huge and'} is newer "
            f"than {FORMAT_VERSION}, the latest this version of shrinkage reads; upgrade "
            "shrinkage",
        )
    try:
        check_model(document)
    except InvalidModel as exc:
        raise _invalid(path, str(exc)) from None
    return document


def load_model(folder, *, with_path: bool = False) -> SavedModel:
    """Read ``folder/model.json`` written by ``shrinkage fit``; DataError if it is not one.

    The document is checked against :data:`shrinkage.cli.model_schema.MODEL_SCHEMA`, and
    ``coef.csv`` beside it, when present, must hold the same numbers; with ``with_path``
    the stored path (``path.csv``) is read and checked too. The files are read again
    once if they disagree, since ``shrinkage fit --force`` may have replaced the folder
    between two reads.
    """
    folder = Path(folder)
    path = folder / MODEL_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise DataError(f"no model found: {str(path)!r} does not exist (run shrinkage fit).")
    coef = folder / COEF_FILE if folder.is_dir() else None
    stored = None
    for attempt in range(2):
        document = _document(path)
        try:
            if coef is not None and coef.exists():
                _check_coef_file(coef, document)
            if with_path and "path" in document:
                stored = read_path(path.parent / PATH_FILE, document)
            break
        except DataError:
            if attempt:
                raise
    return SavedModel(document, stored)
