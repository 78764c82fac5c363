"""The regularization path stored beside a model (``path.csv``), and coefficients at any α.

``shrinkage fit`` writes, next to ``model.json`` and ``coef.csv``, the path of the fitted
penalty on the full data: one row per α of the grid (decreasing; the CV grid for
``--cv``), with the columns ``alpha``, ``intercept`` and one coefficient per feature, in
the order of ``model.json``. ``model.json`` records the number of rows and the α range,
and the file is checked against them when it is read: the header, every row's length,
finite numbers, a strictly decreasing grid.

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
    per α, one column per feature)."""

    alphas: np.ndarray
    intercepts: np.ndarray
    coefs: np.ndarray

    @classmethod
    def from_result(cls, result) -> StoredPath:
        """From a :class:`shrinkage.path.PathResult`."""
        return cls(
            np.asarray(result.alphas, dtype=np.float64),
            np.asarray(result.intercepts, dtype=np.float64).ravel(),
            np.asarray(result.dense_coefs(), dtype=np.float64),
        )

    def at(self, alpha: float) -> tuple[np.ndarray, float, str]:
        """``(coef, intercept, how)`` at ``alpha``: a grid row, or the linear interpolation
        between the two neighbouring rows; a DataError outside the grid's range.

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
            return self.coefs[nearest].copy(), float(self.intercepts[nearest]), how
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
        return coef, float(intercept), how


def path_summary(stored: StoredPath) -> dict:
    """What ``model.json`` records of the path (checked when ``path.csv`` is read)."""
    return {
        "file": PATH_FILE,
        "n_alphas": int(stored.alphas.size),
        "alpha_max": float(stored.alphas[0]),
        "alpha_min": float(stored.alphas[-1]),
    }


def path_writer(stored: StoredPath, features: list[str]):
    """The writer of ``path.csv`` for :func:`shrinkage.cli.atomic.write_files_into`.

    Numbers are written as Python floats (shortest round-trip text), so reading them back
    gives the same floats.
    """

    def write(path: Path) -> None:
        # as coef.csv: quote every text field when a name holds a carriage return
        carriage_return = any("\r" in name for name in features)
        quoting = csv.QUOTE_NONNUMERIC if carriage_return else csv.QUOTE_MINIMAL
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, quoting=quoting)
            writer.writerow(["alpha", "intercept", *features])
            for alpha, intercept, row in zip(stored.alphas, stored.intercepts, stored.coefs,
                                             strict=True):  # fmt: skip
                writer.writerow([float(alpha), float(intercept), *row.tolist()])

    return write


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
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise _invalid(path, f"it is missing, but model.json records a {PATH_FILE}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _invalid(path, f"cannot be read ({exc})") from None
    if not rows or rows[0] != ["alpha", "intercept", *features]:
        raise _invalid(path, f"its header is not alpha, intercept and the {len(features)} "
                             "features of model.json")  # fmt: skip
    body = rows[1:]
    if len(body) != summary["n_alphas"]:
        raise _invalid(path, f"it has {len(body)} rows, model.json says {summary['n_alphas']}")
    values = np.empty((len(body), len(features) + 2))
    for i, row in enumerate(body):
        if len(row) != len(features) + 2:
            raise _invalid(path, f"row {i + 2} has {len(row)} fields, not {len(features) + 2}")
        values[i] = [_number(text, path, f"row {i + 2}, field {j + 1}")
                     for j, text in enumerate(row)]  # fmt: skip
    alphas = values[:, 0]
    if not (np.all(alphas > 0) and np.all(np.diff(alphas) < 0)):
        raise _invalid(path, "its alphas are not positive and strictly decreasing")
    if alphas[0] != summary["alpha_max"] or alphas[-1] != summary["alpha_min"]:
        raise _invalid(path, "its α range differs from the one model.json records")
    return StoredPath(alphas, values[:, 1], values[:, 2:])
