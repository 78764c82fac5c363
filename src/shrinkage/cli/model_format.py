"""What a model folder holds: ``model.json``, ``coef.csv`` and ``path.csv`` (never
pickle), written from a fitted estimator.

``model.json`` holds everything needed to predict and to audit the fit: the parameters,
each coefficient by feature name, the intercept, the duality-gap certificate (relative
gap, dual gap, largest KKT residual), the data schema (columns, dtypes, one-hot encoding)
and the package version. JSON floats round-trip exactly, so predictions from the file
equal the estimator's own. ``path.csv`` holds the regularization path, for predictions
at another α (:mod:`.model_path`). Reading a folder back is :mod:`.model_io`'s.
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
    "PATH_FILE",
    "coef_frame",
    "document_writers",
    "model_document",
]

FORMAT = "shrinkage-model"
FORMAT_VERSION = 1
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


def model_document(estimator, schema: dict, *, parameters: dict, command: str,
                   path: StoredPath | None = None) -> dict:  # fmt: skip
    """The JSON-ready description of a fitted estimator and the data it was fitted on
    (and of its stored regularization ``path``)."""
    from .. import __version__

    coef = np.asarray(estimator.coef_, dtype=np.float64).ravel()
    intercept = float(np.asarray(estimator.intercept_, dtype=np.float64).ravel()[0])
    certificate = estimator.certificate_
    kkt = np.full(coef.size, np.nan)  # unknown: written as null
    if certificate.kkt_residual is not None:  # None: a solver that kept only the largest
        kkt = np.asarray(certificate.kkt_residual, dtype=np.float64).ravel()
    features = schema["features"]
    if len(features) != coef.size:
        raise RuntimeError(f"{coef.size} coefficients for {len(features)} features")
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "package": "shrinkage",
        "package_version": __version__,
        "command": command,
        "task": schema["task"],
        "estimator": getattr(estimator, "name", type(estimator).__name__),
        "parameters": parameters,
        "coefficients": {name: float(value) for name, value in zip(features, coef, strict=True)},
        "intercept": intercept,
        "n_nonzero": int(np.count_nonzero(coef)),
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
        writers[PATH_FILE] = path_writer(path, list(document["coefficients"]))
    return writers
