"""The regularization path stored beside a model (``path.csv``), and coefficients at any α.

``shrinkage fit`` writes, next to ``model.json`` and ``coef.csv``, the path of the fitted
penalty on the full data: one row per α of the grid (decreasing; the CV grid for
``--cv``), with the columns ``alpha``, ``intercept`` and one coefficient per feature, in
the order of ``model.json``. ``model.json`` records the number of rows and the α range,
and the file is checked against them when it is read: the header, every row's length,
finite numbers, a strictly decreasing grid.

A multi-class model's file has a row per α and class: the columns ``alpha``, ``class``
(the class as written in the data), ``intercept`` and the features, the classes of each α
in the order of ``schema.classes``; ``model.json``'s ``n_alphas`` counts the α.

``shrinkage predict --alpha A`` takes the coefficients at ``A``: the row itself at a grid
point, and between two grid points the linear interpolation in α of their coefficients
and intercepts, glmnet's ``predict(fit, s=A, exact=FALSE)``. An ``A`` outside the grid's
range is an error naming the range (a refit with ``--alpha A`` is then exact).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataError
from .model_schema import PATH_FILE

__all__ = ["PATH_FILE", "StoredPath", "path_summary", "path_writer", "read_path"]

GRID_POINT = 1e-10  # relative distance at which an α is taken as that grid point


@dataclass(frozen=True)
class StoredPath:
    """A path as stored: ``alphas`` (decreasing), ``intercepts`` and ``coefs`` (one row
    per α, one column per feature); for a multi-class model ``intercepts`` (n_alphas, K)
    and ``coefs`` (n_alphas, n_features, K), one last index per class."""

    alphas: np.ndarray
    intercepts: np.ndarray
    coefs: np.ndarray

    @classmethod
    def from_result(cls, result) -> StoredPath:
        """From a :class:`shrinkage.path.PathResult` (or a multinomial one)."""
        intercepts = np.asarray(result.intercepts, dtype=np.float64)
        coefs = np.asarray(result.dense_coefs(), dtype=np.float64)
        if coefs.ndim == 2:
            intercepts = intercepts.ravel()
        return cls(np.asarray(result.alphas, dtype=np.float64), intercepts, coefs)

    def at(self, alpha: float) -> tuple[np.ndarray, float | np.ndarray, str]:
        """``(coef, intercept, how)`` at ``alpha``: a grid row, or the linear interpolation
        between the two neighbouring rows; a DataError outside the grid's range. A
        multi-class path gives a coefficient matrix (n_features, K) and K intercepts.

        Examples
        --------
        >>> stored = StoredPath(np.array([1.0, 0.5]), np.array([0.0, 1.0]),
        ...                     np.array([[0.0, 0.0], [2.0, -1.0]]))
        >>> coef, intercept, how = stored.at(0.75)
        >>> coef.tolist(), intercept
        ([1.0, -0.5], 0.5)
        >>> stored.at(2.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        shrinkage.cli.errors.DataError: --alpha 2 is outside the stored path's range [0.5, 1]...
        """
        alphas = self.alphas
        high, low = float(alphas[0]), float(alphas[-1])
        if not low * (1 - GRID_POINT) <= alpha <= high * (1 + GRID_POINT):
            raise DataError(
                f"--alpha {alpha:g} is outside the stored path's range [{low:.6g}, "
                f"{high:.6g}]; refit with shrinkage fit --alpha {alpha:g} for that α."
            )
        nearest = int(np.argmin(np.abs(alphas - alpha)))
        if abs(alphas[nearest] - alpha) <= GRID_POINT * alphas[nearest]:
            how = f"α = {alpha:g} is point {nearest + 1} of the stored path's {alphas.size}"
            return self.coefs[nearest].copy(), _intercept(self.intercepts[nearest]), how
        right = int(np.searchsorted(-alphas, -alpha))  # first grid α below alpha
        left = right - 1
        fraction = (alphas[left] - alpha) / (alphas[left] - alphas[right])
        coef = (1 - fraction) * self.coefs[left] + fraction * self.coefs[right]
        intercept = (1 - fraction) * self.intercepts[left] + fraction * self.intercepts[right]
        how = (
            f"α = {alpha:g} lies between the path's grid points {alphas[left]:.6g} and "
            f"{alphas[right]:.6g}: coefficients interpolated linearly (glmnet's exact=FALSE); "
            f"shrinkage fit --alpha {alpha:g} gives the exact solution"
        )
        return coef, _intercept(intercept), how


def _intercept(value) -> float | np.ndarray:
    """One intercept as a float; a multi-class model's K as an array."""
    return float(value) if np.ndim(value) == 0 else np.array(value, dtype=np.float64)


def path_summary(stored: StoredPath) -> dict:
    """What ``model.json`` records of the path (checked when ``path.csv`` is read)."""
    return {
        "file": PATH_FILE,
        "n_alphas": int(stored.alphas.size),
        "alpha_max": float(stored.alphas[0]),
        "alpha_min": float(stored.alphas[-1]),
    }


def path_writer(stored: StoredPath, features: list[str], classes=None):
    """The writer of ``path.csv`` for :func:`shrinkage.cli.atomic.write_files_into`; with
    ``classes`` (a multi-class model's), a row per α and class.

    Numbers are written as Python floats (shortest round-trip text), so reading them back
    gives the same floats.
    """

    def rows():
        if classes is None:
            for alpha, intercept, row in zip(stored.alphas, stored.intercepts, stored.coefs,
                                             strict=True):  # fmt: skip
                yield [float(alpha), float(intercept), *row.tolist()]
            return
        for alpha, intercepts, matrix in zip(stored.alphas, stored.intercepts, stored.coefs,
                                             strict=True):  # fmt: skip
            for k, label in enumerate(classes):
                yield [float(alpha), str(label), float(intercepts[k]), *matrix[:, k].tolist()]

    def write(path: Path) -> None:
        # as coef.csv: quote every text field when a name holds a carriage return
        carriage_return = any("\r" in str(name) for name in [*features, *(classes or [])])
        quoting = csv.QUOTE_NONNUMERIC if carriage_return else csv.QUOTE_MINIMAL
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, quoting=quoting)
            writer.writerow(_header(features, classes))
            writer.writerows(rows())

    return write


def _header(features, classes) -> list[str]:
    return ["alpha", *([] if classes is None else ["class"]), "intercept", *features]


def _invalid(path: Path, what: str) -> DataError:
    return DataError(f"{str(path)!r} is not a valid model file: {what}.")


def _number(text: str, path: Path, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _invalid(path, f"{where} is {text[:40]!r}, not a number") from None
    if not math.isfinite(value):
        raise _invalid(path, f"{where} is {text!r}, not a finite number")
    return value


def read_path(path: Path, document: dict) -> StoredPath:
    """Read ``path.csv`` and check it against ``document`` (``model.json``)."""
    summary = document["path"]
    features = list(document["coefficients"])
    classes = document["schema"]["classes"] if document["task"] == "multiclass" else None
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise _invalid(path, f"it is missing, but model.json records a {PATH_FILE}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _invalid(path, f"cannot be read ({exc})") from None
    header = _header(features, classes)
    if not rows or rows[0] != header:
        listed = "alpha, intercept" if classes is None else "alpha, class, intercept"
        raise _invalid(path, f"its header is not {listed} and the {len(features)} features of "
                             "model.json")  # fmt: skip
    body = rows[1:]
    per_alpha = 1 if classes is None else len(classes)
    if len(body) != summary["n_alphas"] * per_alpha:
        raise _invalid(path, f"it has {len(body)} rows, model.json says "
                             f"{summary['n_alphas'] * per_alpha}")  # fmt: skip
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise _invalid(path, f"row {i + 2} has {len(row)} fields, not {len(header)}")
    if classes is not None:
        _check_class_column(path, body, classes)
    numeric = [j for j in range(len(header)) if classes is None or j != 1]  # not the class
    values = np.empty((len(body), len(numeric)))
    for i, row in enumerate(body):
        values[i] = [_number(row[j], path, f"row {i + 2}, field {j + 1}") for j in numeric]
    alphas = values[::per_alpha, 0]
    if not (np.all(alphas > 0) and np.all(np.diff(alphas) < 0)):
        raise _invalid(path, "its alphas are not positive and strictly decreasing")
    if np.any(values[:, 0] != np.repeat(alphas, per_alpha)):
        raise _invalid(path, "the rows of one α do not all give the same α")
    if alphas[0] != summary["alpha_max"] or alphas[-1] != summary["alpha_min"]:
        raise _invalid(path, "its α range differs from the one model.json records")
    if classes is None:
        return StoredPath(alphas, values[:, 1], values[:, 2:])
    n_alphas = alphas.size
    intercepts = values[:, 1].reshape(n_alphas, per_alpha)
    coefs = values[:, 2:].reshape(n_alphas, per_alpha, len(features)).transpose(0, 2, 1)
    return StoredPath(alphas, intercepts, np.ascontiguousarray(coefs))


def _check_class_column(path: Path, body: list[list[str]], classes) -> None:
    """Each α's rows of a multi-class path name the classes in their order."""
    labels = [str(label) for label in classes]
    for i, row in enumerate(body):
        expected = labels[i % len(labels)]
        if row[1] != expected:
            raise _invalid(path, f"row {i + 2} names class {row[1][:40]!r}, not {expected!r}")
