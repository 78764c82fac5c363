"""What a model folder holds: ``model.json``, ``coef.csv`` and ``path.csv`` (never
pickle), written from a fitted estimator.

``model.json`` holds everything needed to predict and to audit the fit: the parameters,
each coefficient by feature name, the intercept, the duality-gap certificate (relative
gap, dual gap, largest KKT residual), the data schema (columns, dtypes, one-hot encoding)
and the package version. JSON floats round-trip exactly, so predictions from the file
equal the estimator's own. ``path.csv`` holds the regularization path, for predictions
at another α (:mod:`.model_path`). Reading a folder back is :mod:`.model_io`'s.

A multi-class model (task ``multiclass``, K ≥ 3 classes listed in ``schema.classes``)
has one coefficient per feature and class: ``coefficients`` maps each feature to the list
of its K coefficients and ``intercept`` is the list of the K intercepts, both in the order
of ``schema.classes``; ``n_nonzero`` counts the features with a non-zero coefficient in
some class, and ``kkt_residual`` is per feature (the largest over the classes). Its
document has format version 2, so that a version of shrinkage that predates the task says
to upgrade; the other tasks' documents keep version 1. ``coef.csv`` has one column of
coefficients per class (``coefficient_<class>``).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .model_path import PATH_FILE, StoredPath, path_summary, path_writer

__all__ = [
    "COEF_FILE",
    "FORMAT",
    "FORMAT_VERSION",
    "MODEL_FILE",
    "MULTICLASS_FORMAT_VERSION",
    "PATH_FILE",
    "class_column",
    "coef_frame",
    "document_writers",
    "model_document",
]

FORMAT = "shrinkage-model"
#: The latest version of the format that this package reads.
FORMAT_VERSION = 2
#: The version of a multi-class model's document (the task came with version 2); the
#: other tasks' documents are written as version 1, which every version reads.
MULTICLASS_FORMAT_VERSION = 2
MODEL_FILE = "model.json"
COEF_FILE = "coef.csv"


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None  # JSON has no NaN / inf


def _largest_kkt(certificate, kkt) -> float:
    """The largest KKT residual: of the per-feature vector, else the certificate's own
    (NaN when neither is known)."""
    if certificate.kkt_residual is not None:
        return float(kkt.max()) if kkt.size else 0.0
    largest = getattr(certificate, "largest_kkt", None)
    return np.nan if largest is None else float(largest)


def class_column(prefix: str, label) -> str:
    """The name of a per-class column: ``coefficient_virginica``, ``probability_3``.

    Examples
    --------
    >>> class_column("probability", "yes"), class_column("coefficient", 2)
    ('probability_yes', 'coefficient_2')
    """
    return f"{prefix}_{label}"


def _coefficients(estimator, schema: dict) -> tuple[dict, float | list, int]:
    """``(coefficients, intercept, n_nonzero)`` as ``model.json`` holds them: a number
    per feature, or for a multi-class model a list per feature in the order of
    ``schema.classes`` (checked against the estimator's ``classes_``)."""
    from ..advice import n_features_kept

    features = schema["features"]
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    intercept = np.asarray(estimator.intercept_, dtype=np.float64).ravel()
    if schema["task"] != "multiclass":
        coef = coef.ravel()
        if len(features) != coef.size:
            raise RuntimeError(f"{coef.size} coefficients for {len(features)} features")
        coefficients = {name: float(value) for name, value in zip(features, coef, strict=True)}
        return coefficients, float(intercept[0]), int(np.count_nonzero(coef))
    fitted = [str(label) for label in estimator.classes_]
    if fitted != [str(label) for label in schema["classes"]] or coef.shape != (
            len(fitted), len(features)):  # fmt: skip
        raise RuntimeError(f"coefficients of shape {coef.shape} for the classes {fitted} and "
                           f"{len(features)} features of the schema")  # fmt: skip
    coefficients = {name: column.tolist() for name, column in zip(features, coef.T, strict=True)}
    return coefficients, intercept.tolist(), n_features_kept(coef)


def model_document(estimator, schema: dict, *, parameters: dict, command: str,
                   path: StoredPath | None = None) -> dict:  # fmt: skip
    """The JSON-ready description of a fitted estimator and the data it was fitted on
    (and of its stored regularization ``path``)."""
    from .. import __version__

    coefficients, intercept, n_nonzero = _coefficients(estimator, schema)
    features = schema["features"]
    certificate = estimator.certificate_
    kkt = np.full(len(features), np.nan)  # unknown: written as null
    if certificate.kkt_residual is not None:  # None: a solver that kept only the largest
        kkt = np.asarray(certificate.kkt_residual, dtype=np.float64).ravel()
    multiclass = schema["task"] == "multiclass"
    document = {
        "format": FORMAT,
        "format_version": MULTICLASS_FORMAT_VERSION if multiclass else 1,
        "package": "shrinkage",
        "package_version": __version__,
        "command": command,
        "task": schema["task"],
        "estimator": getattr(estimator, "name", type(estimator).__name__),
        "parameters": parameters,
        "coefficients": coefficients,
        "intercept": intercept,
        "n_nonzero": n_nonzero,
        "certificate": {
            "relative_gap": _number(certificate.relative_gap),
            "dual_gap": _number(certificate.dual_gap),
            "max_kkt_residual": _number(_largest_kkt(certificate, kkt)),
            "primal": _number(certificate.primal),
            "dual": _number(certificate.dual),
        },
        "kkt_residual": {name: _number(v) for name, v in zip(features, kkt, strict=True)},
        "schema": schema,
    }
    if path is not None:
        document["path"] = path_summary(path)
    return document


def coef_frame(document: dict) -> pd.DataFrame:
    """``coef.csv``'s table: feature, coefficient (one column per class for a multi-class
    model), is_zero (in every class), kkt_residual; the intercept first."""
    names = list(document["coefficients"])
    rows = np.array([document["coefficients"][name] for name in names], dtype=np.float64)
    intercept = np.asarray(document["intercept"], dtype=np.float64)
    kkt = [document["kkt_residual"][name] for name in names]
    frame = pd.DataFrame({"feature": ["(intercept)", *names]})
    if document["task"] == "multiclass":
        rows = rows.reshape(len(names), intercept.size)
        for k, label in enumerate(document["schema"]["classes"]):
            frame[class_column("coefficient", label)] = [intercept[k], *rows[:, k]]
        zero = [bool(np.all(row == 0.0)) for row in rows]
    else:
        frame["coefficient"] = [float(intercept), *rows]
        zero = [value == 0.0 for value in rows]
    frame["is_zero"] = [False, *zero]
    frame["kkt_residual"] = [None, *kkt]
    return frame


def document_writers(document: dict, path: StoredPath | None = None) -> dict:
    """``{file name: writer(path)}`` for :func:`shrinkage.cli.atomic.write_files_into`;
    ``path.csv`` too when the stored ``path`` is given."""

    def write_json(path: Path):
        path.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", "utf-8")

    def write_coef(path: Path):
        # The csv writer leaves a carriage return unquoted (it only quotes "\n"), which
        # readers take for a line break: quote every text field when a name has one.
        carriage_return = any("\r" in name for name in document["coefficients"])
        quoting = csv.QUOTE_NONNUMERIC if carriage_return else csv.QUOTE_MINIMAL
        coef_frame(document).to_csv(path, index=False, quoting=quoting)

    writers = {MODEL_FILE: write_json, COEF_FILE: write_coef}
    if path is not None:
        classes = document["schema"]["classes"] if document["task"] == "multiclass" else None
        writers[PATH_FILE] = path_writer(path, list(document["coefficients"]), classes)
    return writers
