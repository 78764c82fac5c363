"""One penalty's full-data path and its K-fold cross-validation on the same grid.

glmnet's recipe, written out because the report needs more than the CV estimators keep:
one α grid per penalty from the full data, a warm-started :func:`shrinkage.path` per fold
on that grid, and from the same fold paths

* the CV curve (mean held-out error ± standard error, min and one-standard-error α),
* the stability of the selected set (mean pairwise Jaccard of the folds' supports,
  :func:`shrinkage.recommendation.jaccard_mean`) and each feature's selection frequency
  across folds,
* out-of-fold predictions at every α, for the held-out calibration plot.

A multi-class path (``loss="multinomial"``, the classes coded 0 … K−1) has a coefficient
per feature and class; a feature is selected when its row is non-zero, so the folds keep
the row norms, and the out-of-fold predictions are the K linear predictors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..defaults import EDGE_DECADES, EDGE_EXTENSIONS, N_ALPHAS, cv_splitter
from ..path import PathResult, default_alpha_min_ratio, path
from ..penalties import Penalty
from ..recommendation import jaccard_mean
from ..selection import deviance, multinomial_deviance, one_standard_error_index, poisson_deviance

__all__ = ["PenaltyRun", "count_times", "cross_validate", "cv_folds", "held_out_errors"]


@dataclass(frozen=True)
class PenaltyRun:
    """One penalty's full-data path and its cross-validation on the same grid.

    Attributes
    ----------
    name : str
        The penalty as the report names it (:data:`~shrinkage.report.analysis.PENALTIES`).
    l1_ratio : float in [0, 1]
        Its ρ: 1 for the lasso, 0 for ridge, 0.5 for the elastic net.
    path : PathResult
        Full-data path (standardised penalty, coefficients on the original scale).
    fold_errors : ndarray of shape (n_folds, n_alphas)
        Held-out mean squared error, binomial deviance for classification, multinomial
        deviance for several classes, or mean Poisson deviance for counts.
    fold_coefs : ndarray of shape (n_folds, n_alphas, n_features) or None
        The folds' coefficients (of a multi-class path: each feature's row norm).
    oof_decision : ndarray of shape (n_samples, n_alphas) or None
        Out-of-fold linear predictor ``x_iᵀw + b`` of each sample at each α (without the
        log of a count's exposure; a multi-class path's K predictors, (n_samples,
        n_alphas, K)). Both None
        for data kept as row blocks (:mod:`shrinkage.report.distributed`), whose report
        has no section that reads them.
    index_min, index_1se : int
        Grid indices of least mean CV error and of the one-standard-error rule.
    grid_extended : int
        How many times the grid was extended because the least CV error sat at its small
        end (:mod:`shrinkage.defaults`); ``at_edge``: whether it still does.
    """

    name: str
    l1_ratio: float
    path: PathResult
    fold_errors: np.ndarray
    fold_coefs: np.ndarray | None
    oof_decision: np.ndarray | None
    index_min: int
    index_1se: int
    grid_extended: int = 0
    at_edge: bool = False

    @property
    def cv_mean(self) -> np.ndarray:
        return self.fold_errors.mean(axis=0)

    @property
    def cv_std_error(self) -> np.ndarray:
        k = self.fold_errors.shape[0]
        return self.fold_errors.std(axis=0, ddof=1) / np.sqrt(k)

    def stability(self, index: int) -> float:
        """Mean pairwise Jaccard similarity of the folds' non-zero sets at grid ``index``."""
        sets = [frozenset(np.flatnonzero(c).tolist()) for c in self.fold_coefs[:, index]]
        return jaccard_mean(sets)

    def selected_index(self, selection: str) -> int:
        """The grid index that ``selection`` picks on the CV curve: ``"min"`` (least mean
        error) or ``"1se"`` (the largest α within one standard error of it)."""
        return int(self.index_1se if selection == "1se" else self.index_min)

    def selection_frequency(self, index: int) -> np.ndarray:
        """Share of folds in which each feature is non-zero at grid ``index``."""
        return (self.fold_coefs[:, index] != 0).mean(axis=0)


def cv_folds(X, y, task, cv, random_state):
    """The folds of every surface (:func:`shrinkage.defaults.cv_splitter`)."""
    splitter = cv_splitter(cv, task in ("classification", "multiclass"), random_state)
    return list(splitter.split(X, y))


def cross_validate(name, rho, X, y, names, folds, loss, tick, exposure=None, grouped=False):
    """Full-data path, then one path per fold on the same grid (see the module docstring);
    the grid of every surface (:func:`shrinkage.path.default_alpha_min_ratio`), extended
    by ``EDGE_DECADES`` when the least CV error sits at its small end, at most
    ``EDGE_EXTENSIONS`` times, as the cross-validation estimators do. ``exposure``: the
    exposures of counts (``loss="poisson"``), for the paths and the held-out errors;
    ``grouped``: the multinomial penalty of each feature's row (``loss="multinomial"``)."""
    ratio, n_alphas = default_alpha_min_ratio(*X.shape, rho), N_ALPHAS
    for extension in range(EDGE_EXTENSIONS + 1):
        if extension:
            tick(f"extending the {name} grid ({count_times(extension)})")
        run = _cross_validate_grid(name, rho, X, y, names, folds, loss, tick, ratio, n_alphas,
                                   exposure, grouped)  # fmt: skip
        at_edge = run.index_min == run.path.alphas.size - 1
        if not at_edge or extension == EDGE_EXTENSIONS:
            return replace(run, grid_extended=extension, at_edge=at_edge)
        per_decade = (n_alphas - 1) / -np.log10(ratio)
        ratio *= 10.0**-EDGE_DECADES
        n_alphas += int(round(per_decade * EDGE_DECADES))
    raise AssertionError("unreachable")


def count_times(number):
    """ "once", "2 times", … for a progress message."""
    return "once" if number == 1 else f"{number} times"


def held_out_errors(loss, y, decision, exposure=None):
    """Each column's held-out error: the mean squared error, the binomial deviance, the
    multinomial deviance of the class codes ``y`` (``decision``: (n, n_alphas, K)), or
    the mean Poisson deviance of the log means ``decision + log(exposure)``."""
    if loss == "logistic":
        return deviance(y, decision)
    if loss == "multinomial":
        codes = y.astype(np.intp)
        return np.array([multinomial_deviance(codes, decision[:, i])
                         for i in range(decision.shape[1])])  # fmt: skip
    if loss == "poisson":
        offset = 0.0 if exposure is None else np.log(exposure)[:, None]
        return poisson_deviance(y, decision + offset)
    return np.mean((y[:, None] - decision) ** 2, axis=0)


def _rows(exposure, rows):
    return None if exposure is None else exposure[rows]


def _cross_validate_grid(name, rho, X, y, names, folds, loss, tick, ratio, n_alphas, exposure,
                         grouped):  # fmt: skip
    penalty = Penalty(rho)
    options = dict(loss=loss, standardize=True, tol=1e-6 if loss == "squared" else 1e-5)
    if grouped:
        options["grouped"] = True
    full = path(X, y, penalty, n_alphas=n_alphas, alpha_min_ratio=ratio,
                feature_names=names, exposure=exposure, **options)  # fmt: skip
    errors = np.empty((len(folds), full.alphas.size))
    coefs = np.empty((len(folds), full.alphas.size, X.shape[1]))
    decision = np.empty((X.shape[0], *full.intercepts.shape))
    for k, (train, test) in enumerate(folds):
        tick(f"cross-validating {name}: fold {k + 1} of {len(folds)}")
        fold = path(X[train], y[train], penalty, alphas=full.alphas,
                    exposure=_rows(exposure, train), **options)  # fmt: skip
        z = fold.predict(X[test]) if loss == "multinomial" else (
            X[test] @ fold.coefs.T + fold.intercepts)  # fmt: skip
        decision[test] = z
        coefs[k] = np.linalg.norm(fold.coefs, axis=2) if loss == "multinomial" else fold.coefs
        errors[k] = held_out_errors(loss, y[test], z, _rows(exposure, test))
    run = PenaltyRun(name, rho, full, errors, coefs, decision, 0, 0)
    index_min, index_1se = one_standard_error_index(run.cv_mean, run.cv_std_error)
    return PenaltyRun(name, rho, full, errors, coefs, decision, index_min, index_1se)
