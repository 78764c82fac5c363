"""From command-line choices to the library's estimators, paths and CV curves.

Every model minimises ``loss + α Σ_j (ρ|w_j| + ½(1 − ρ) w_j²)`` with the squared loss
``1/(2n)‖y − Xw − b‖²`` (regression) or the mean log-loss (classification, two classes);
``--penalty l1`` is ρ = 1, ``l2`` is ρ = 0 and ``enet`` takes ``--l1-ratio``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import DataError

__all__ = ["build_estimator", "cv_table", "fit_quietly", "l1_ratio_for", "run_path"]

PENALTIES = ("l1", "l2", "enet")


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
    from sklearn.model_selection import KFold, StratifiedKFold

    if folds < 2 or folds > n_rows:
        raise DataError(f"--cv must be between 2 and the number of rows ({n_rows}), got {folds}.")
    kind = StratifiedKFold if task == "classification" else KFold
    # Shuffled: files are often sorted (by date, by outcome), and unshuffled folds would
    # then each see a different population.
    return kind(n_splits=folds, shuffle=True, random_state=random_state)


def build_estimator(
    task: str, *, l1_ratio: float, alpha: float | None, folds: int | None, select: str,
    standardize: bool, n_alphas: int, n_rows: int, random_state: int,
):  # fmt: skip
    """The estimator for the choices: a fixed α, or α chosen by ``folds``-fold CV."""
    from ..estimators import ElasticNet, Lasso, Ridge, SparseLogisticRegression
    from ..selection import ElasticNetCV, LassoCV, SparseLogisticRegressionCV

    common = dict(standardize=standardize)
    if alpha is not None:
        if task == "classification":
            return SparseLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, **common)
        if l1_ratio == 1.0:
            return Lasso(alpha=alpha, **common)
        if l1_ratio == 0.0:
            return Ridge(alpha=alpha, **common)
        return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, **common)
    cv = _splitter(task, folds, n_rows, random_state)
    options = dict(cv=cv, selection=select, n_alphas=n_alphas, **common)
    if task == "classification":
        return SparseLogisticRegressionCV(l1_ratio=l1_ratio, **options)
    if l1_ratio == 1.0:
        return LassoCV(**options)
    # ρ = 0 is ridge over the path grid (which starts at the α_max of ρ = 1e-3, glmnet)
    return ElasticNetCV(l1_ratio=l1_ratio, **options)


def fit_quietly(estimator, X: pd.DataFrame, y: pd.Series) -> list[str]:
    """Fit; return the warnings as notes; a library ValueError becomes a DataError."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            estimator.fit(X, y.to_numpy())
        except ValueError as exc:
            message = str(exc).replace("standardize=False", "--no-standardize")
            raise DataError(f"the fit failed: {message}") from None
    return sorted({str(w.message) for w in caught})


def run_path(X: pd.DataFrame, y: pd.Series, task: str, classes, *, l1_ratio: float,
             n_alphas: int, standardize: bool):  # fmt: skip
    """The regularization path (:func:`shrinkage.path`) for the table."""
    from ..path import path
    from ..penalties import Penalty

    target = y.to_numpy()
    loss = "squared"
    if task == "classification":
        target, loss = (target == classes[1]).astype(np.float64), "logistic"
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        try:
            return path(
                X.to_numpy(dtype=np.float64), target, Penalty(l1_ratio), loss=loss,
                n_alphas=n_alphas, standardize=standardize, feature_names=list(X.columns),
            )  # fmt: skip
        except ValueError as exc:
            raise DataError(f"the path failed: {exc}") from None


def cv_table(estimator) -> pd.DataFrame:
    """The CV curve of a fitted CV estimator: alpha, mean and standard error of the
    held-out error, mean number of non-zeros, and which rows the min / 1-SE rules chose."""
    row = 0
    if np.ndim(estimator.cv_mean_) == 2:  # an l1_ratio grid: the chosen ρ's curve
        ratios = np.atleast_1d(estimator.l1_ratios_)
        row = int(np.flatnonzero(ratios == estimator.l1_ratio_)[0])

    def pick(values):
        return values[row] if np.ndim(values) == 2 else values

    alphas = pick(estimator.cv_alphas_)
    table = pd.DataFrame(
        {
            "alpha": alphas,
            "mean_error": pick(estimator.cv_mean_),
            "std_error": pick(estimator.cv_std_error_),
            "n_nonzero": pick(estimator.cv_n_active_),
        }
    )
    choice = np.full(alphas.size, "", dtype=object)
    choice[alphas == estimator.alpha_1se_] = "1se"
    choice[alphas == estimator.alpha_min_] = "min"
    if estimator.alpha_min_ == estimator.alpha_1se_:
        choice[alphas == estimator.alpha_min_] = "min,1se"
    table["choice"] = choice
    return table
