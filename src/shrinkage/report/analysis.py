"""The numbers behind the report: data summary, L1 / L2 / elastic-net comparison by
K-fold cross-validation, the chosen model with its certificate, held-out calibration.

Every model minimises ``1/(2n)‖y − Xw − b‖² + α·penalty(w)`` (squared loss), the mean
log-loss plus ``α·penalty(w)`` (classification), the mean cross-entropy of the softmax
plus ``α·penalty(W)`` (multiclass: three or more classes, see
:mod:`shrinkage.report.multiclass`) or half the mean Poisson deviance plus
``α·penalty(w)`` (counts, log link, with the log of an optional exposure as offset; see
:mod:`shrinkage.report.counts`), with standardised coefficients (glmnet's
``standardize=TRUE``) so that features in different units are penalised alike.

Each penalty's path and cross-validation is a :class:`~shrinkage.report.runs.PenaltyRun`;
the recommendation applies :func:`shrinkage.recommendation.recommend` to their summaries;
stability selection and bootstrap intervals of the chosen features' refit say how sure
the selection and the coefficients are (:mod:`shrinkage.report.confidence`); the
held-out calibration is :mod:`shrinkage.report.calibration`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import binary_target
from ..advice import (
    count_half_sample_stability,
    half_sample_stability,
    multiclass_half_sample_stability,
)
from ..defaults import CV_FOLDS, EDGE_EXTENSIONS, RANDOM_STATE, SELECTION
from ..penalties import Penalty
from ..recommendation import PenaltySummary, recommend
from ..selection import StabilityResult
from ..selection.folds import check_fold_classes
from ..selection.poisson_cv import check_fold_counts
from . import counts
from .confidence import RefitIntervals, bootstrap_refit, stable_features
from .runs import PenaltyRun, cross_validate, cv_folds

__all__ = ["ReportData", "PenaltyRun", "Chosen", "analyse", "summarise", "LOSSES", "PENALTIES"]

#: (name, l1_ratio) of the penalties compared, in the report's order.
PENALTIES = (("lasso", 1.0), ("ridge", 0.0), ("elastic net", 0.5))
#: The loss of each task (:func:`shrinkage.path`'s names).
LOSSES = {"regression": "squared", "classification": "logistic", "multiclass": "multinomial",
          "count": "poisson"}  # fmt: skip
TASKS = tuple(LOSSES)


@dataclass(frozen=True)
class Chosen:
    """The recommended penalty refitted at its cross-validated α, with its certificate.

    ``kkt_residual`` is the per-feature distance of ``−∇loss`` to ``α ∂penalty(w)`` (in
    the standardised coordinates the solver works in): 0 at an exact optimum. A
    multi-class model's ``coef`` is (n_features, K), one column per class, and its
    ``intercept`` an array of K (its ``kkt_residual`` is the largest over the classes).
    """

    name: str
    l1_ratio: float
    selection: str
    index: int
    alpha: float
    coef: np.ndarray
    intercept: float | np.ndarray
    relative_gap: float
    dual_gap: float
    kkt_residual: np.ndarray
    n_iter: int


class PenaltyRuns:
    """The lookup of one penalty's run, shared by the report's data classes (which hold
    ``runs`` and ``chosen``)."""

    def run(self, name: str) -> PenaltyRun:
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(f"no penalty named {name!r}.")

    @property
    def chosen_run(self) -> PenaltyRun:
        return self.run(self.chosen.name)


@dataclass(frozen=True)
class ReportData(PenaltyRuns):
    """Everything the report shows, as numbers (see :func:`analyse`).

    ``stability`` and ``refit`` answer "how sure": stability selection with its error
    bound, and bootstrap intervals of the chosen features' unpenalised refit
    (:mod:`shrinkage.report.confidence`); both None for a multi-class model, whose
    report leaves them out (:mod:`shrinkage.report.multiclass`). ``exposure`` holds a
    count task's exposures (None without), ``exposure_name`` the name of their column.
    ``y`` holds the classes coded 0/1 (classification) or 0 … K−1 (multiclass), the
    classes themselves in ``classes``; ``grouped``: a multi-class model's penalty is of
    each feature's row of coefficients.
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
    stability: StabilityResult | None
    refit: RefitIntervals | None
    exposure: np.ndarray | None = None
    exposure_name: str | None = None
    grouped: bool = False

    @property
    def loss(self) -> str:
        return LOSSES[self.task]

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def _check_counts(target, exposure, n_samples):
    """Counts ≥ 0 with some positive; exposures > 0 (as an array, or None)."""
    if np.any(target < 0):
        raise ValueError("y has negative values: counts must be >= 0.")
    if not np.any(target > 0):
        raise ValueError("every count of y is 0: a count model needs some positive counts.")
    if exposure is None:
        return None
    exposure = np.asarray(exposure, dtype=np.float64)
    if exposure.shape != (n_samples,) or not np.all(np.isfinite(exposure) & (exposure > 0)):
        raise ValueError(f"exposure must hold {n_samples} positive numbers, one per row.")
    return exposure


def _check_inputs(X, y, task, cv, exposure=None, grouped=False):
    import pandas as pd

    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}.")
    if grouped and task != "multiclass":
        raise ValueError(f"grouped=True penalises each feature's coefficients of all classes "
                         f"together: it is for task='multiclass', not {task!r}.")  # fmt: skip
    if exposure is not None and task != "count":
        raise ValueError(f"an exposure is for counts (task='count'), not for {task!r}.")
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
    if task in ("classification", "multiclass"):
        classes, target = _classes(np.asarray(y), values.shape[0], task)
        return values, target, [c.item() if hasattr(c, "item") else c for c in classes], None
    target = np.asarray(y, dtype=np.float64)
    if not np.all(np.isfinite(target)):
        raise ValueError("y has missing or infinite values.")
    if task == "count":
        exposure = _check_counts(target, exposure, values.shape[0])
    if np.ptp(target) == 0:
        raise ValueError("y is constant: there is nothing to predict.")
    return values, target, None, exposure


def _classes(y, n_samples, task):
    """``(classes, codes)``: two classes as 0/1, or three or more as 0 … K−1."""
    if task == "classification":
        return binary_target(y, n_samples)
    if y.shape != (n_samples,) or (y.dtype.kind == "f" and not np.all(np.isfinite(y))):
        raise ValueError(f"y must hold {n_samples} labels, without missing values.")
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 3:
        raise ValueError(f"a multi-class report needs three or more classes; y has "
                         f"{classes.size}: {classes.tolist()}.")  # fmt: skip
    return classes, codes.reshape(-1).astype(np.float64)


def summarise(runs, n_features, selection, stability) -> list[PenaltySummary]:
    """Each penalty as :func:`shrinkage.advise` judges it: CV error at its least-error α,
    compared with the best penalty's through the per-fold differences (the penalties
    share the folds), and the model size and the stability at the α the ``selection``
    rule picks.

    ``stability(run, alpha)`` is the mean Jaccard similarity of the penalty's selections
    on resamples at ``alpha`` (ridge selects nothing: 1 without calling it).

    Examples
    --------
    >>> from shrinkage.report.runs import cross_validate, cv_folds
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(80, 4)); y = X @ [2.0, 0, 0, -1.0] + rng.normal(size=80)
    >>> folds = cv_folds(X, y, "regression", 3, 0)
    >>> runs = [cross_validate(name, rho, X, y, list("abcd"), folds, "squared",
    ...                        lambda _: None) for name, rho in PENALTIES]
    >>> summaries = summarise(runs, 4, "1se", lambda run, alpha: 0.9)
    >>> [s.stability for s in summaries], summaries[0].n_features
    ([0.9, 1.0, 0.9], 4)
    """
    best = min((run.fold_errors[:, run.index_min] for run in runs), key=np.mean)
    summaries = []
    for run in runs:
        index, chosen = run.index_min, run.selected_index(selection)
        errors, alpha = run.fold_errors[:, index], float(run.path.alphas[chosen])
        summaries.append(
            PenaltySummary(
                run.name,
                run.l1_ratio,
                float(run.path.alphas[index]),
                float(run.cv_mean[index]),
                float(run.cv_std_error[index]),
                int(run.path.n_active[chosen]),
                int(n_features),
                1.0 if run.l1_ratio == 0 else float(stability(run, alpha)),
                difference_se=float((errors - best).std(ddof=1) / np.sqrt(errors.size)),
                selection=selection,
                selection_alpha=alpha,
            )  # fmt: skip
        )
    return summaries


def _summaries(runs, X, y, selection, random_state, exposure, loss, grouped):
    """:func:`summarise` with the stability on complementary half-samples of the rows
    (for counts, of the Poisson fits: :func:`shrinkage.advice.count_half_sample_stability`)."""

    def stability(run, alpha):
        if loss == "poisson":
            return count_half_sample_stability(X, y, exposure, run.l1_ratio, alpha, True,
                                                random_state)  # fmt: skip
        if loss == "multinomial":
            return multiclass_half_sample_stability(X, y.astype(np.intp), run.l1_ratio,
                                                    alpha, True, random_state,
                                                    grouped=grouped)  # fmt: skip
        return half_sample_stability(X, y, run.l1_ratio, alpha, True, random_state)

    return summarise(runs, X.shape[1], selection, stability)


def _refit(run, index, X, y, loss, selection, exposure, grouped):
    """Certified refit at the grid α, warm-started from the path (tighter tolerance)."""
    from ..solvers import solve
    from ..solvers.logistic import solve_logistic
    from ..solvers.multinomial import solve_multinomial
    from ..solvers.poisson import solve_poisson

    alpha = float(run.path.alphas[index])
    penalty = Penalty(run.l1_ratio)
    warm = run.path.coefs[index]
    intercept = run.path.intercepts[index]  # a float, or a multi-class model's K
    newton = dict(standardize=True, tol=1e-7, max_iter=200, coef_init=warm,
                  intercept_init=float(intercept) if np.ndim(intercept) == 0
                  else np.array(intercept))  # fmt: skip
    if loss == "logistic":
        result = solve_logistic(X, y, alpha, penalty, **newton)
    elif loss == "multinomial":
        result = solve_multinomial(X, y, alpha, penalty, grouped=grouped, **newton)
    elif loss == "poisson":
        result = solve_poisson(X, y, alpha, penalty, exposure=exposure, **newton)
    else:
        result = solve(X, y, alpha, penalty, standardize=True, tol=1e-9, max_iter=100_000,
                       coef_init=warm)  # fmt: skip
    certificate = result.certificate
    intercept = np.asarray(result.intercept, dtype=np.float64)
    return Chosen(
        run.name, run.l1_ratio, selection, int(index), alpha, np.asarray(result.coef),
        float(intercept) if intercept.ndim == 0 else intercept,
        float(certificate.relative_gap), float(certificate.dual_gap),
        np.asarray(certificate.kkt_residual, dtype=np.float64), int(result.n_iter),
    )  # fmt: skip


def analyse(
    X, y, *, task, cv=CV_FOLDS, random_state=RANDOM_STATE, selection=SELECTION, progress=None,
    exposure=None, grouped=False,
):  # fmt: skip
    """Compute the report's numbers.

    Parameters
    ----------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Numeric, no missing values, no constant column.
    y : pandas.Series or array-like of shape (n_samples,)
        Real target (regression), two classes (classification), three or more
        (multiclass) or counts ≥ 0, some positive (count).
    task : {"regression", "classification", "multiclass", "count"}
    cv : int
        Number of folds (shuffled, seeded; stratified for classification).
    random_state : int
    selection : {"min", "1se"}
        The α of the chosen model: least mean CV error, or the largest α within one
        standard error of it (a sparser model that is statistically as good).
    progress : callable(str, float), optional
        Called with a description and the fraction of the work done (0 to 1).
    exposure : pandas.Series or array-like of shape (n_samples,), optional
        Positive exposures of the counts (``task="count"``): every fit, path and
        held-out error uses their log as offset. A Series names them in the report.
    grouped : bool, default False
        ``task="multiclass"``: penalise each feature's coefficients of all classes
        together (the norm of its row; glmnet's ``type.multinomial = "grouped"``), so
        that a feature enters every class's model or none.

    Returns
    -------
    ReportData

    Examples
    --------
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
    exposure_name = getattr(exposure, "name", None)
    values, target, classes, exposure = _check_inputs(X, y, task, cv, exposure, grouped)
    names = [str(c) for c in X.columns]
    loss = LOSSES[task]
    splits = cv_folds(values, target, task, int(cv), random_state)
    if loss == "poisson":
        check_fold_counts(splits, target)
    if loss == "multinomial":
        codes = target.astype(np.intp)
        check_fold_classes(splits, codes, np.asarray(classes, dtype=object))
    # each penalty's share of the bar allows for its grid's extensions; one that needs
    # none skips the rest of its share, so the bar only moves forward
    share = (len(splits) + 1) * (EDGE_EXTENSIONS + 1)
    total_steps = len(PENALTIES) * share + 3
    done = [0]

    def tick(description):
        if progress is not None:
            progress(description, 0.05 + 0.75 * done[0] / total_steps)
        done[0] += 1

    runs = []
    for k, (name, rho) in enumerate(PENALTIES):
        tick(f"fitting the {name} path")
        runs.append(cross_validate(name, rho, values, target, names, splits, loss, tick,
                                   exposure, grouped))  # fmt: skip
        done[0] = (k + 1) * share
    summaries = _summaries(runs, values, target, selection, random_state, exposure, loss,
                           grouped)  # fmt: skip
    recommendation, reasons = recommend(summaries)
    tick("certifying the chosen model")
    best = next(run for run in runs if run.name == recommendation)
    chosen = _refit(best, best.selected_index(selection), values, target, loss, selection,
                    exposure, grouped)  # fmt: skip
    stability = refit = None
    if loss != "multinomial":
        tick("stability selection")
        stability = _stability(values, target, chosen, loss, exposure, random_state, names)
        tick("bootstrapping the refit of the chosen features")
        refit = bootstrap_refit(values, target, np.flatnonzero(chosen.coef), task,
                                random_state=random_state, exposure=exposure)  # fmt: skip
    return ReportData(
        task=task, feature_names=names, X=values, y=target, classes=classes,
        feature_mean=values.mean(axis=0), feature_std=values.std(axis=0), runs=tuple(runs),
        summaries=tuple(summaries), recommendation=recommendation, reasons=tuple(reasons),
        chosen=chosen, n_splits=len(splits), random_state=int(random_state),
        stability=stability, refit=refit, exposure=exposure,
        exposure_name=None if exposure_name is None else str(exposure_name),
        grouped=bool(grouped),
    )  # fmt: skip


def _stability(X, y, chosen, loss, exposure, random_state, names):
    """Stability selection with the chosen penalty (ridge selects nothing: the lasso's);
    for counts on the squared-loss problem of :func:`shrinkage.report.counts.selection_problem`."""
    target, weight = (counts.selection_problem(y, exposure) if loss == "poisson"
                      else (y, None))  # fmt: skip
    return stable_features(X, target, chosen.l1_ratio if chosen.l1_ratio > 0 else 1.0,
                           random_state=random_state, feature_names=names,
                           sample_weight=weight)  # fmt: skip
