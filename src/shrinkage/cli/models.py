"""From command-line choices to the library's estimators, paths and CV curves.

Every model minimises ``loss + α Σ_j (ρ|w_j| + ½(1 − ρ) w_j²)`` with the squared loss
``1/(2n)‖y − Xw − b‖²`` (regression), the mean log-loss (classification, two classes),
the mean cross-entropy of the softmax (multiclass, K ≥ 3 classes, one coefficient per
feature and class; ``|w_j|`` summed over the classes, or with ``--grouped`` the norm of
the feature's K coefficients) or half the mean Poisson deviance with a log link (count;
with an exposure e, the offset log e); ``--penalty l1`` is ρ = 1, ``l2`` is ρ = 0 and
``enet`` takes ``--l1-ratio``.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from .. import defaults
from ..losses import NonIntegerCountWarning
from .errors import DataError
from .io import CLASSIFIERS
from .reading import names_listed

__all__ = [
    "CV_ERRORS",
    "LOSSES",
    "build_estimator",
    "check_cv_classes",
    "chosen_curve",
    "cv_table",
    "edge_report",
    "fit_quietly",
    "l1_ratio_for",
    "path_frame",
    "run_path",
]

PENALTIES = ("l1", "l2", "enet")
#: The loss of each task (:func:`shrinkage.path`'s names) and the CV error that scores it.
LOSSES = {"regression": "squared", "classification": "logistic",
          "multiclass": "multinomial", "count": "poisson"}  # fmt: skip
CV_ERRORS = {"regression": "mean squared error", "classification": "deviance",
             "multiclass": "multinomial deviance", "count": "mean Poisson deviance"}  # fmt: skip


def l1_ratio_for(penalty: str, l1_ratio: float | None) -> float:
    """ρ for a ``--penalty`` name; ``--l1-ratio`` only with ``enet`` (default 0.5).

    Examples
    --------
    >>> l1_ratio_for("l1", None), l1_ratio_for("l2", None), l1_ratio_for("enet", 0.3)
    (1.0, 0.0, 0.3)
    """
    if penalty not in PENALTIES:
        raise DataError(f"--penalty must be one of {PENALTIES}, got {penalty!r}.")
    if penalty != "enet":
        if l1_ratio is not None:
            raise DataError(
                f"--l1-ratio only applies to --penalty enet (got --penalty {penalty})."
            )
        return 1.0 if penalty == "l1" else 0.0
    l1_ratio = 0.5 if l1_ratio is None else float(l1_ratio)
    if not 0.0 < l1_ratio < 1.0:
        raise DataError(
            f"--l1-ratio must be strictly between 0 and 1 for enet, got {l1_ratio} "
            "(use --penalty l1 or l2 for the ends)."
        )
    return l1_ratio


def _splitter(task: str, folds: int, n_rows: int, random_state: int):
    if folds < 2 or folds > n_rows:
        raise DataError(f"--cv must be between 2 and the number of rows ({n_rows}), got {folds}.")
    # the package's one rule: shuffled folds (stratified for a classifier) from the seed
    return defaults.cv_splitter(folds, task in CLASSIFIERS, random_state)


def check_grouped(grouped: bool, task: str) -> None:
    """``--grouped`` only for a multi-class task (a DataError otherwise)."""
    if grouped and task != "multiclass":
        raise DataError(
            f"--grouped penalises each feature's coefficients of all classes together: it "
            f"applies to multi-class targets (--task multiclass), not to {task}."
        )


def check_cv_classes(y: pd.Series, task: str) -> None:
    """Before cross-validating a classifier: every class needs at least two rows, so that
    each training part of the stratified folds holds it (a DataError naming the rare
    classes otherwise).

    Examples
    --------
    >>> check_cv_classes(pd.Series(list("aabbbcc")), "multiclass")
    >>> check_cv_classes(pd.Series(list("aabbbc")), "multiclass")
    Traceback (most recent call last):
    ...
    shrinkage.cli.errors.DataError: class 'c' of the target has a single row: cross-validation needs at least 2 rows of every class (each training part must hold every class). Drop or merge the rare class(es), or fit a fixed --alpha.
    """  # noqa: E501
    if task not in CLASSIFIERS:
        return
    counts = y.value_counts(sort=False)
    rare = [str(label) for label, number in counts.items() if number < 2]
    if rare:
        which = f"class {rare[0]!r}" if len(rare) == 1 else f"classes {names_listed(rare)}"
        verb = "has a single row" if len(rare) == 1 else "have a single row each"
        raise DataError(
            f"{which} of the target {verb}: cross-validation needs at least 2 rows of "
            "every class (each training part must hold every class). Drop or merge the rare "
            "class(es), or fit a fixed --alpha."
        )


def build_estimator(
    task: str, *, l1_ratio: float, alpha: float | None, folds: int | None, select: str,
    standardize: bool, n_alphas: int, n_rows: int, random_state: int,
    alpha_min_ratio: float | None = None, grouped: bool = False,
):  # fmt: skip
    """The estimator for the choices: a fixed α, or α chosen by ``folds``-fold CV."""
    from ..estimators import ElasticNet, Lasso, Ridge, SparseLogisticRegression
    from ..selection import ElasticNetCV, LassoCV, SparseLogisticRegressionCV

    check_grouped(grouped, task)
    common = dict(standardize=standardize)
    if task == "multiclass":
        return _multiclass_estimator(l1_ratio, alpha, folds, select, n_alphas, n_rows,
                                     random_state, alpha_min_ratio, grouped, common)  # fmt: skip
    if task == "count":
        return _count_estimator(l1_ratio, alpha, folds, select, n_alphas, n_rows,
                                random_state, alpha_min_ratio, common)  # fmt: skip
    if alpha is not None:
        if task == "classification":
            return SparseLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, **common)
        if l1_ratio == 1.0:
            return Lasso(alpha=alpha, **common)
        if l1_ratio == 0.0:
            return Ridge(alpha=alpha, **common)
        return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **common)
    cv = _splitter(task, folds, n_rows, random_state)
    options = dict(cv=cv, selection=select, n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                   **common)  # fmt: skip
    if task == "classification":
        return SparseLogisticRegressionCV(l1_ratio=l1_ratio, **options)
    if l1_ratio == 1.0:
        return LassoCV(**options)
    # ρ = 0 is ridge over the path grid (which starts at the α_max of ρ = 1e-3, glmnet)
    return ElasticNetCV(l1_ratio=l1_ratio, **options)


def _count_estimator(l1_ratio, alpha, folds, select, n_alphas, n_rows, random_state,
                     alpha_min_ratio, common):  # fmt: skip
    """Poisson regression: PoissonLasso or PoissonElasticNet (ρ = 0 for ``l2``), or
    their CV estimators, with the folds, grid and rule of the other tasks."""
    from ..estimators import PoissonElasticNet, PoissonLasso
    from ..selection import PoissonElasticNetCV, PoissonLassoCV

    if alpha is not None:
        if l1_ratio == 1.0:
            return PoissonLasso(alpha=alpha, **common)
        return PoissonElasticNet(alpha=alpha, l1_ratio=l1_ratio, **common)
    options = dict(cv=_splitter("count", folds, n_rows, random_state), selection=select,
                   n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, **common)  # fmt: skip
    if l1_ratio == 1.0:
        return PoissonLassoCV(**options)
    return PoissonElasticNetCV(l1_ratio=l1_ratio, **options)


def _multiclass_estimator(l1_ratio, alpha, folds, select, n_alphas, n_rows, random_state,
                          alpha_min_ratio, grouped, common):  # fmt: skip
    """Multinomial logistic regression (ρ = 0 for ``l2``), or its CV estimator with the
    stratified folds, grid and rule of binary classification."""
    from ..estimators import MultinomialLogisticRegression
    from ..selection import MultinomialLogisticRegressionCV

    common = dict(common, l1_ratio=l1_ratio, grouped=grouped)
    if alpha is not None:
        return MultinomialLogisticRegression(alpha=alpha, **common)
    return MultinomialLogisticRegressionCV(
        cv=_splitter("multiclass", folds, n_rows, random_state), selection=select,
        n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, **common,
    )  # fmt: skip


_POSITION = re.compile(r"X\[:, (\d+)\]")
# the library's warning when the CV minimum stays at an end of the extended grid; the
# command line says it in its own words (edge_report), with the option to pass
_EDGE_WARNING = "end of the alpha grid"


def with_column_names(message: str, names) -> str:
    """``X[:, 2]`` in a library message → the column's name.

    Examples
    --------
    >>> with_column_names("zero variance: X[:, 1], X[:, 0]", ["a", "k"])
    'zero variance: k, a'
    """

    def name(match):
        j = int(match.group(1))
        return str(names[j]) if j < len(names) else match.group(0)

    return _POSITION.sub(name, message)


def fit_quietly(estimator, X: pd.DataFrame, y: pd.Series, exposure=None) -> list[str]:
    """Fit (with the ``exposure`` of a count model); return the warnings as notes; a
    library ValueError becomes a DataError whose columns are named as in the table."""
    options = {} if exposure is None else {"exposure": exposure}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", NonIntegerCountWarning)  # noted by io, by name
        try:
            estimator.fit(X, y.to_numpy(), **options)
        except ValueError as exc:
            message = str(exc).replace("standardize=False", "--no-standardize")
            message = with_column_names(message, list(X.columns))
            raise DataError(f"the fit failed: {message}") from None
    edge = getattr(estimator, "alpha_at_edge_", None) is not None
    return sorted({with_column_names(str(w.message), list(X.columns)) for w in caught
                   if not (edge and _EDGE_WARNING in str(w.message))})  # fmt: skip


def edge_report(estimator) -> tuple[list[str], list[str]]:
    """``(notes, warnings)`` on the α grid's automatic extension by the CV estimators
    (``alpha_grid_extended_``, ``alpha_at_edge_``); both empty where the estimator does
    not record it."""
    extended = getattr(estimator, "alpha_grid_extended_", None)
    edge = getattr(estimator, "alpha_at_edge_", None)
    notes, warned = [], []
    if extended:
        side = {"low": "smaller", "high": "larger"}.get(edge, "")
        notes.append(
            f"the least CV error was at an end of the α grid: grid extended {extended} "
            f"time(s) by {defaults.EDGE_DECADES} decades" + (f" towards {side} α" if side else "")
        )
    if edge is not None:
        advice = ("a smaller --alpha-min-ratio looks further" if edge == "low" else
                  "the data may need more regularisation than the grid reaches")  # fmt: skip
        warned.append(
            f"the least CV error is still at the {edge} end of the α grid "
            f"(α = {estimator.alpha_min_:.4g}) after {extended or 0} extension(s): the CV "
            f"curve had not turned, so that α is a bound, not a minimum; {advice}."
        )
    return notes, warned


def run_path(X: pd.DataFrame, y: pd.Series, task: str, classes, *, l1_ratio: float,
             n_alphas: int = defaults.N_ALPHAS, standardize: bool,
             alpha_min_ratio: float | None = None, alphas=None, exposure=None,
             grouped: bool = False):  # fmt: skip
    """The regularization path (:func:`shrinkage.path`) for the table: on the library's
    grid, or on ``alphas`` (a CV grid); a count model's with its ``exposure``; a
    multi-class model's (``grouped`` or not) with one coefficient per feature and class."""
    from ..path import path
    from ..penalties import Penalty

    check_grouped(grouped, task)
    target = y.to_numpy()
    if task == "classification":
        target = (target == classes[1]).astype(np.float64)
    options = {"grouped": True} if grouped else {}
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        try:
            return path(
                X.to_numpy(dtype=np.float64), target, Penalty(l1_ratio), loss=LOSSES[task],
                alphas=alphas, n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                standardize=standardize, feature_names=list(X.columns), exposure=exposure,
                **options,
            )  # fmt: skip
        except ValueError as exc:
            message = with_column_names(str(exc), list(X.columns))
            raise DataError(f"the path failed: {message}") from None


def chosen_curve(estimator, values):
    """The row of a CV attribute for the chosen ρ (attributes are 2-D over a ρ grid)."""
    if np.ndim(values) != 2:
        return np.asarray(values)
    ratios = np.atleast_1d(estimator.l1_ratios_)
    return np.asarray(values)[int(np.flatnonzero(ratios == estimator.l1_ratio_)[0])]


def cv_table(estimator, full_path=None) -> pd.DataFrame:
    """The CV curve of a fitted CV estimator: alpha, mean and standard error of the
    held-out error, the number of non-zeros of the full-data path (``full_path``, a
    :class:`~shrinkage.path.PathResult` on the same grid; glmnet's ``nzero``) and their
    mean over the fold fits (where the estimator kept them), and which rows the min / 1-SE
    rules chose."""
    alphas = chosen_curve(estimator, estimator.cv_alphas_)
    table = pd.DataFrame(
        {
            "alpha": alphas,
            "mean_error": chosen_curve(estimator, estimator.cv_mean_),
            "std_error": chosen_curve(estimator, estimator.cv_std_error_),
        }
    )
    if full_path is not None:
        table["n_nonzero"] = np.asarray(full_path.n_active, dtype=np.int64)
    if getattr(estimator, "cv_n_active_", None) is not None:  # not kept by distributed CV
        table["mean_nonzero_over_folds"] = chosen_curve(estimator, estimator.cv_n_active_)
    choice = np.full(alphas.size, "", dtype=object)
    choice[alphas == estimator.alpha_1se_] = "1se"
    choice[alphas == estimator.alpha_min_] = "min"
    if estimator.alpha_min_ == estimator.alpha_1se_:
        choice[alphas == estimator.alpha_min_] = "min,1se"
    table["choice"] = choice
    return table


def path_frame(result) -> pd.DataFrame:
    """The path as a table with ``n_nonzero`` and ``relative_gap`` first: one row per α,
    or for a multi-class path one row per α and class (index ``alpha``, ``class``; the
    classes named as in the data), the counts repeated on each class's row."""
    frame = result.to_frame()
    classes = getattr(result, "classes", None)
    if classes is None:
        frame.insert(0, "n_nonzero", result.n_active)
        frame.insert(1, "relative_gap", result.relative_gaps)
        return frame
    n_classes = len(classes)
    frame.index = pd.MultiIndex.from_product([result.alphas, np.asarray(classes).tolist()],
                                             names=["alpha", "class"])  # fmt: skip
    frame.insert(0, "n_nonzero", np.repeat(result.n_active, n_classes))
    frame.insert(1, "relative_gap", np.repeat(result.relative_gaps, n_classes))
    return frame
