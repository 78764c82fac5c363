"""A fitted model as plain files: ``model.json`` and ``coef.csv`` (never pickle).

``model.json`` holds everything needed to predict and to audit the fit: the parameters,
each coefficient by feature name, the intercept, the duality-gap certificate (relative
gap, dual gap, largest KKT residual), the data schema (columns, dtypes, one-hot encoding)
and the package version. Predictions from the file are ``X w + b`` (regression) or the
logistic model's class (classification), computed from the stored numbers alone; JSON
floats round-trip exactly, so they equal the estimator's own predictions.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .io import encode_with_schema

__all__ = ["FORMAT", "SavedModel", "coef_frame", "load_model", "model_document"]

FORMAT = "shrinkage-model"
FORMAT_VERSION = 1
MODEL_FILE = "model.json"
COEF_FILE = "coef.csv"


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None  # JSON has no NaN / inf


def model_document(estimator, schema: dict, *, parameters: dict, command: str) -> dict:
    """The JSON-ready description of a fitted estimator and the data it was fitted on."""
    from .. import __version__

    coef = np.asarray(estimator.coef_, dtype=np.float64).ravel()
    intercept = float(np.asarray(estimator.intercept_, dtype=np.float64).ravel()[0])
    certificate = estimator.certificate_
    kkt = np.asarray(certificate.kkt_residual, dtype=np.float64).ravel()
    features = schema["features"]
    if len(features) != coef.size:
        raise RuntimeError(f"{coef.size} coefficients for {len(features)} features")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package": "shrinkage",
        "package_version": __version__,
        "command": command,
        "task": schema["task"],
        "estimator": type(estimator).__name__,
        "parameters": parameters,
        "coefficients": {name: float(value) for name, value in zip(features, coef, strict=True)},
        "intercept": intercept,
        "n_nonzero": int(np.count_nonzero(coef)),
        "certificate": {
            "relative_gap": _number(certificate.relative_gap),
            "dual_gap": _number(certificate.dual_gap),
            "max_kkt_residual": _number(kkt.max()) if kkt.size else 0.0,
            "primal": _number(certificate.primal),
            "dual": _number(certificate.dual),
        },
        "kkt_residual": {name: _number(v) for name, v in zip(features, kkt, strict=True)},
        "schema": schema,
    }


def coef_frame(document: dict) -> pd.DataFrame:
    """``coef.csv``'s table: feature, coefficient, is_zero, kkt_residual (intercept first)."""
    names = list(document["coefficients"])
    coef = [document["coefficients"][name] for name in names]
    kkt = [document["kkt_residual"][name] for name in names]
    return pd.DataFrame(
        {
            "feature": ["(intercept)", *names],
            "coefficient": [document["intercept"], *coef],
            "is_zero": [False, *[value == 0.0 for value in coef]],
            "kkt_residual": [None, *kkt],
        }
    )


def document_writers(document: dict) -> dict:
    """``{file name: writer(path)}`` for :func:`shrinkage.cli.atomic.write_files_into`."""

    def write_json(path: Path):
        path.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n", "utf-8")

    def write_coef(path: Path):
        coef_frame(document).to_csv(path, index=False)

    return {MODEL_FILE: write_json, COEF_FILE: write_coef}


@dataclass(frozen=True)
class SavedModel:
    """A model read back from ``model.json``; predicts from the stored numbers."""

    document: dict

    @property
    def schema(self) -> dict:
        return self.document["schema"]

    @property
    def task(self) -> str:
        return self.document["task"]

    def encode(self, frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
        """``frame`` encoded as at fit time (schema checked, see ``encode_with_schema``)."""
        return encode_with_schema(frame, self.schema, notes)

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        coef = np.array([self.document["coefficients"][name] for name in X.columns])
        return X.to_numpy(dtype=np.float64) @ coef + self.document["intercept"]

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Regression: ``X w + b``; classification: the class of probability > 1/2."""
        decision = self.decision_function(X)
        if self.task == "regression":
            return decision
        classes = np.asarray(self.schema["classes"], dtype=object)
        return classes[(decision > 0).astype(int)]

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of the positive class ``classes[1]`` (classification only)."""
        from scipy.special import expit

        return expit(self.decision_function(X))


def load_model(folder) -> SavedModel:
    """Read ``folder/model.json`` written by ``shrinkage fit``; DataError if it is not one."""
    path = Path(folder) / MODEL_FILE if Path(folder).is_dir() else Path(folder)
    if not path.is_file():
        raise DataError(f"no model found: {str(path)!r} does not exist (run shrinkage fit).")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{str(path)!r} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DataError(f"{str(path)!r} is not a shrinkage model file.")
    if document.get("format_version", 0) > FORMAT_VERSION:
        raise DataError(
            f"{str(path)!r} has format version {document['format_version']}; this version of "
            f"shrinkage reads up to {FORMAT_VERSION}. Upgrade shrinkage."
        )
    return SavedModel(document)
