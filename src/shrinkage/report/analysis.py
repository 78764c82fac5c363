"""The numbers behind the report: data summary, L1 / L2 / elastic-net comparison by
K-fold cross-validation, the chosen model with its certificate, held-out calibration.

Every model minimises ``1/(2n)‖y − Xw − b‖² + α·penalty(w)`` (squared loss) or the mean
log-loss plus ``α·penalty(w)`` (classification), with standardised coefficients
(glmnet's ``standardize=TRUE``) so that features in different units are penalised alike.

The cross-validation is glmnet's recipe, written out here because the report needs more
than the CV estimators keep: one α grid per penalty from the full data, a warm-started
:func:`shrinkage.path` per fold on that grid, and from the same fold paths

* the CV curve (mean held-out error ± standard error, min and one-standard-error α),
* the stability of the selected set (mean pairwise Jaccard of the folds' supports, as
  :func:`shrinkage.advise`) and each feature's selection frequency across folds,
* out-of-fold predictions at every α, for the held-out calibration plot.

The recommendation applies the rules of :mod:`shrinkage.advice` to these summaries;
stability selection and bootstrap intervals of the chosen features' refit say how sure
the selection and the coefficients are (:mod:`shrinkage.report.confidence`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..advice import PenaltySummary, _jaccard_mean, _recommend
from ..defaults import (
    CV_FOLDS,
    EDGE_DECADES,
    EDGE_EXTENSIONS,
    N_ALPHAS,
    RANDOM_STATE,
    SELECTION,
    cv_splitter,
)
from ..path import PathResult, default_alpha_min_ratio, path
from ..penalties import Penalty
from ..selection import StabilityResult
from ..selection._common import binary_target, deviance, one_standard_error_index
from .confidence import RefitIntervals, bootstrap_refit, stable_features

__all__ = ["ReportData", "PenaltyRun", "Chosen", "analyse", "PENALTIES"]

#: (name, l1_ratio) of the penalties compared, in the report's order.
PENALTIES = (("lasso", 1.0), ("ridge", 0.0), ("elastic net", 0.5))
TASKS = ("regression", "classification")


@dataclass(frozen=True)
class PenaltyRun:
    """One penalty's full-data path and its cross-validation on the same grid.

    Attributes
    ----------
    name : str
    l1_ratio : float
    path : PathResult
        Full-data path (standardised penalty, coefficients on the original scale).
    fold_errors : ndarray of shape (n_folds, n_alphas)
        Held-out mean squared error, or binomial deviance for classification.
    fold_coefs : ndarray of shape (n_folds, n_alphas, n_features)
    oof_decision : ndarray of shape (n_samples, n_alphas)
        Out-of-fold linear predictor ``x_iᵀw + b`` of each sample at each α.
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
    fold_coefs: np.ndarray
    oof_decision: np.ndarray
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
        return _jaccard_mean(sets)

    def selected_index(self, selection: str) -> int:
        """The grid index that ``selection`` picks on the CV curve: ``"min"`` (least mean
        error) or ``"1se"`` (the largest α within one standard error of it)."""
        return int(self.index_1se if selection == "1se" else self.index_min)

    def selection_frequency(self, index: int) -> np.ndarray:
        """Share of folds in which each feature is non-zero at grid ``index``."""
        return (self.fold_coefs[:, index] != 0).mean(axis=0)


@dataclass(frozen=True)
class Chosen:
    """The recommended penalty refitted at its cross-validated α, with its certificate.

    ``kkt_residual`` is the per-feature distance of ``−∇loss`` to ``α ∂penalty(w)`` (in
    the standardised coordinates the solver works in): 0 at an exact optimum.
    """

    name: str
    l1_ratio: float
    selection: str
    index: int
    alpha: float
    coef: np.ndarray
    intercept: float
    relative_gap: float
    dual_gap: float
    kkt_residual: np.ndarray
    n_iter: int


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, as numbers (see :func:`analyse`).

    ``stability`` and ``refit`` answer "how sure": stability selection with its error
    bound, and bootstrap intervals of the chosen features' unpenalised refit
    (:mod:`shrinkage.report.confidence`).
    """

    task: str
    feature_names: list
    X: np.ndarray
    y: np.ndarray
    classes: list | None
    feature_mean: np.ndarray
    feature_std: np.ndarray
    runs: tuple
    summaries: tuple
    recommendation: str
    reasons: tuple
    chosen: Chosen
    n_splits: int
    random_state: int
    stability: StabilityResult
    refit: RefitIntervals

    def run(self, name: str) -> PenaltyRun:
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(f"no penalty named {name!r}.")

    @property
    def chosen_run(self) -> PenaltyRun:
        return self.run(self.chosen.name)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def _check_inputs(X, y, task, cv):
    import pandas as pd

    if task not in TASKS:
        raise ValueError(f"task must be 'regression' or 'classification', got {task!r}.")
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame, got {type(X).__name__}.")
    if isinstance(cv, bool) or not isinstance(cv, int | np.integer) or cv < 2:
        raise ValueError(f"cv must be an integer >= 2 (number of folds), got {cv!r}.")
    if X.shape[0] != len(y):
        raise ValueError(f"X has {X.shape[0]} rows but y has {len(y)} values.")
    if X.shape[1] == 0 or X.shape[0] < cv:
        raise ValueError(f"need at least one feature and {cv} rows, got shape {X.shape}.")
    not_numeric = [str(c) for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    if not_numeric:
        raise TypeError(f"X has non-numeric columns (encode them first): {not_numeric[:10]}.")
    values = X.to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(values)):
        bad = [
            str(c)
            for c, ok in zip(X.columns, np.isfinite(values).all(axis=0), strict=True)
            if not ok
        ]
        raise ValueError(f"X has missing or infinite values in columns {bad[:10]}.")
    constant = [str(c) for c, s in zip(X.columns, values.std(axis=0), strict=True) if s == 0]
    if constant:
        raise ValueError(f"X has constant columns (nothing to learn from): {constant[:10]}.")
    if task == "classification":
        classes, target = binary_target(np.asarray(y), values.shape[0])
        return values, target, [c.item() if hasattr(c, "item") else c for c in classes]
    target = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(target)):
        raise ValueError("y has missing or infinite values.")
    if np.ptp(target) == 0:
        raise ValueError("y is constant: there is nothing to predict.")
    return values, target, None


def _folds(X, y, task, cv, random_state):
    """The folds of every surface (:func:`shrinkage.defaults.cv_splitter`)."""
    splitter = cv_splitter(cv, task == "classification", random_state)
    return list(splitter.split(X, y))


def _cross_validate(name, rho, X, y, names, folds, loss, tick):
    """Full-data path, then one path per fold on the same grid (see module docstring);
    the grid of every surface (:func:`shrinkage.path.default_alpha_min_ratio`), extended
    by ``EDGE_DECADES`` when the least CV error sits at its small end, at most
    ``EDGE_EXTENSIONS`` times, as the cross-validation estimators do."""
    ratio, n_alphas = default_alpha_min_ratio(*X.shape, rho), N_ALPHAS
    for extension in range(EDGE_EXTENSIONS + 1):
        if extension:
            tick(f"extending the {name} grid ({count_times(extension)})")
        run = _cross_validate_grid(name, rho, X, y, names, folds, loss, tick, ratio, n_alphas)
        at_edge = run.index_min == run.path.alphas.size - 1
        if not at_edge or extension == EDGE_EXTENSIONS:
            return replace(run, grid_extended=extension, at_edge=at_edge)
        per_decade = (n_alphas - 1) / -np.log10(ratio)
        ratio *= 10.0**-EDGE_DECADES
        n_alphas += int(round(per_decade * EDGE_DECADES))
    raise AssertionError("unreachable")


def count_times(number):
    return "once" if number == 1 else f"{number} times"


def _cross_validate_grid(name, rho, X, y, names, folds, loss, tick, ratio, n_alphas):
    penalty = Penalty(rho)
    options = dict(loss=loss, standardize=True, tol=1e-6 if loss == "squared" else 1e-5)
    full = path(X, y, penalty, n_alphas=n_alphas, alpha_min_ratio=ratio,
                feature_names=names, **options)  # fmt: skip
    errors = np.empty((len(folds), full.alphas.size))
    coefs = np.empty((len(folds), full.alphas.size, X.shape[1]))
    decision = np.empty((X.shape[0], full.alphas.size))
    for k, (train, test) in enumerate(folds):
        tick(f"cross-validating {name}: fold {k + 1} of {len(folds)}")
        fold = path(X[train], y[train], penalty, alphas=full.alphas, **options)
        z = X[test] @ fold.coefs.T + fold.intercepts
        decision[test] = z
        coefs[k] = fold.coefs
        if loss == "logistic":
            errors[k] = deviance(y[test], z)
        else:
            errors[k] = np.mean((y[test][:, None] - z) ** 2, axis=0)
    run = PenaltyRun(name, rho, full, errors, coefs, decision, 0, 0)
    index_min, index_1se = one_standard_error_index(run.cv_mean, run.cv_std_error)
    return PenaltyRun(name, rho, full, errors, coefs, decision, index_min, index_1se)


def _refit(run, index, X, y, loss, selection):
    """Certified refit at the grid α, warm-started from the path (tighter tolerance)."""
    from ..solvers import solve
    from ..solvers.logistic import solve_logistic

    alpha = float(run.path.alphas[index])
    penalty = Penalty(run.l1_ratio)
    warm = run.path.coefs[index]
    if loss == "logistic":
        result = solve_logistic(
            X, y, alpha, penalty, standardize=True, tol=1e-7, max_iter=200, coef_init=warm,
            intercept_init=float(run.path.intercepts[index]),
        )  # fmt: skip
    else:
        result = solve(X, y, alpha, penalty, standardize=True, tol=1e-9, max_iter=100_000,
                       coef_init=warm)  # fmt: skip
    certificate = result.certificate
    return Chosen(
        run.name, run.l1_ratio, selection, int(index), alpha, np.asarray(result.coef),
        float(result.intercept), float(certificate.relative_gap), float(certificate.dual_gap),
        np.asarray(certificate.kkt_residual, dtype=np.float64), int(result.n_iter),
    )  # fmt: skip


def analyse(
    X, y, *, task, cv=CV_FOLDS, random_state=RANDOM_STATE, selection=SELECTION, progress=None
):
    """Compute the report's numbers.

    Parameters
    ----------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Numeric, no missing values, no constant column.
    y : pandas.Series or array-like of shape (n_samples,)
        Real target (regression) or two classes (classification).
    task : {"regression", "classification"}
    cv : int
        Number of folds (shuffled, seeded; stratified for classification).
    random_state : int
    selection : {"min", "1se"}
        The α of the chosen model: least mean CV error, or the largest α within one
        standard error of it (a sparser model that is statistically as good).
    progress : callable(str, float), optional
        Called with a description and the fraction of the work done (0 to 1).

    Returns
    -------
    ReportData

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.datasets import load_diabetes
    >>> data = load_diabetes(as_frame=True)
    >>> report = analyse(data.data, data.target, task="regression", cv=3)
    >>> report.recommendation in ("lasso", "ridge", "elastic net"), report.n_features
    (True, 10)
    >>> bool(report.chosen.relative_gap <= 1e-6)
    True
    """
    if selection not in ("min", "1se"):
        raise ValueError(f"selection must be 'min' or '1se', got {selection!r}.")
    values, target, classes = _check_inputs(X, y, task, cv)
    names = [str(c) for c in X.columns]
    loss = "logistic" if task == "classification" else "squared"
    folds = _folds(values, target, task, int(cv), random_state)
    # each penalty's share of the bar allows for its grid's extensions; one that needs
    # none skips the rest of its share, so the bar only moves forward
    share = (len(folds) + 1) * (EDGE_EXTENSIONS + 1)
    total_steps = len(PENALTIES) * share + 3
    done = [0]

    def tick(description):
        if progress is not None:
            progress(description, 0.05 + 0.75 * done[0] / total_steps)
        done[0] += 1

    runs = []
    for k, (name, rho) in enumerate(PENALTIES):
        tick(f"fitting the {name} path")
        runs.append(_cross_validate(name, rho, values, target, names, folds, loss, tick))
        done[0] = (k + 1) * share
    summaries = []
    for run in runs:
        index = run.index_min
        summaries.append(
            PenaltySummary(
                run.name,
                run.l1_ratio,
                float(run.path.alphas[index]),
                float(run.cv_mean[index]),
                float(run.cv_std_error[index]),
                int(run.path.n_active[index]),
                values.shape[1],
                run.stability(index),
            )  # fmt: skip
        )
    recommendation, reasons = _recommend(summaries)
    tick("certifying the chosen model")
    best = next(run for run in runs if run.name == recommendation)
    chosen = _refit(best, best.selected_index(selection), values, target, loss, selection)
    tick("stability selection")
    # ridge selects nothing: its stability is the lasso's
    stability = stable_features(values, target, chosen.l1_ratio if chosen.l1_ratio > 0 else 1.0,
                                random_state=random_state, feature_names=names)  # fmt: skip
    tick("bootstrapping the refit of the chosen features")
    refit = bootstrap_refit(values, target, np.flatnonzero(chosen.coef), task,
                            random_state=random_state)  # fmt: skip
    return ReportData(
        task=task, feature_names=names, X=values, y=target, classes=classes,
        feature_mean=values.mean(axis=0), feature_std=values.std(axis=0), runs=tuple(runs),
        summaries=tuple(summaries), recommendation=recommendation, reasons=tuple(reasons),
        chosen=chosen, n_splits=len(folds), random_state=int(random_state),
        stability=stability, refit=refit,
    )  # fmt: skip


def calibration_regression(data: ReportData):
    """Held-out calibration of the chosen model: slope and intercept of ``y`` regressed on
    the out-of-fold predictions (slope 1 is perfect; < 1 means over-confident predictions).

    Returns ``(predictions, slope, intercept)``.
    """
    predictions = data.chosen_run.oof_decision[:, data.chosen.index]
    if np.ptp(predictions) == 0:  # all coefficients zero: the fold means only
        return predictions, float("nan"), float("nan")
    slope, intercept = np.polyfit(predictions, data.y, 1)
    return predictions, float(slope), float(intercept)


def reliability_curve(data: ReportData, n_bins: int = 10):
    """Held-out reliability of the chosen classifier: out-of-fold probabilities in
    ``n_bins`` quantile bins, with each bin's mean probability and observed frequency.

    Returns ``(mean_predicted, observed, counts, brier)``.
    """
    from scipy.special import expit

    probability = expit(data.chosen_run.oof_decision[:, data.chosen.index])
    edges = np.unique(np.quantile(probability, np.linspace(0, 1, n_bins + 1)))
    which = np.clip(np.searchsorted(edges, probability, side="right") - 1, 0, edges.size - 2)
    if edges.size < 2:
        which = np.zeros(probability.size, dtype=int)
    counts = np.bincount(which)
    keep = counts > 0
    mean_predicted = np.bincount(which, probability)[keep] / counts[keep]
    observed = np.bincount(which, data.y)[keep] / counts[keep]
    brier = float(np.mean((probability - data.y) ** 2))
    return mean_predicted, observed, counts[keep], brier
