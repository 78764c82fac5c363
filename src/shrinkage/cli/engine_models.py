"""Fits, paths and CV of ``--engine`` data, with the fitted attributes the commands read.

:func:`fit_model` returns a :class:`DistributedFit` carrying the attribute names of the
in-memory estimators (``coef_``, ``intercept_``, ``certificate_``, ``alpha_`` and, after
CV, ``alpha_min_``, ``alpha_1se_``, ``cv_alphas_``, ``cv_mean_``, ``cv_std_error_``), so
that ``model.json``, the summaries and the CV table are written by the same code as in
memory. The work is :class:`shrinkage.distributed.DistributedProblem`'s, called from
this one module.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .. import defaults
from . import models
from .errors import DataError

__all__ = ["DistributedFit", "fit_model", "run_path"]


@dataclass(frozen=True)
class DistributedFit:
    """A fit on engine data, named as the in-memory estimator it stands for (``name``)."""

    name: str
    tol: float
    coef_: np.ndarray
    intercept_: float
    certificate_: object
    alpha_: float
    path: object
    alpha_min_: float | None = None
    alpha_1se_: float | None = None
    cv_alphas_: np.ndarray | None = None
    cv_mean_: np.ndarray | None = None
    cv_std_error_: np.ndarray | None = None
    cv_n_active_: np.ndarray | None = None
    alpha_grid_extended_: int | None = None


def _problem(source, folds, seed):
    from ..distributed import DistributedProblem

    return DistributedProblem(source.data, loss=source.loss, n_folds=folds or 0, seed=seed)


def _quietly(output, names, what, call, *args, **kwargs):
    """``call(*args, **kwargs)`` with the library's warnings as notes (not the deprecation
    warnings of the engines' own dependencies) and its ValueError as a DataError."""
    from ..distributed import DistributedDataError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call(*args, **kwargs)
        except DistributedDataError:
            raise  # reported with the data's name by engines.open_data
        except ValueError as exc:
            raise DataError(f"the {what} failed: {models.with_column_names(str(exc), names)}"
                            ) from None  # fmt: skip
    deprecations = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
    shown = {str(w.message) for w in caught if not issubclass(w.category, deprecations)}
    for message in sorted(shown):
        output.note(models.with_column_names(message, names))
    return result


def run_path(source, output, *, l1_ratio, n_alphas=defaults.N_ALPHAS, standardize,
             alpha_min_ratio=None):  # fmt: skip
    """The regularization path of engine data (:class:`~shrinkage.path.PathResult`)."""
    from ..penalties import Penalty

    problem = _problem(source, 0, defaults.RANDOM_STATE)
    return _quietly(output, source.schema["features"], "path", problem.path, Penalty(l1_ratio),
                    n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                    standardize=standardize)  # fmt: skip


def fit_model(source, output, *, l1_ratio, alpha, folds, select, standardize, n_alphas,
              alpha_min_ratio, seed) -> DistributedFit:  # fmt: skip
    """A fit at ``alpha``, or α chosen by ``folds``-fold CV, with the full-data path
    (``path``: the CV grid, or the library's grid for a fixed α).

    Examples
    --------
    >>> from shrinkage.cli.engines import EngineData
    >>> from shrinkage.cli.output import Output
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 4)); y = X @ [2.0, 0, 0, -1.0] + rng.normal(size=300)
    >>> source = EngineData(ArrayBlocks(X, y, n_partitions=3),
    ...                     {"features": ["a", "b", "c", "d"]}, "regression", 300)
    >>> model = fit_model(source, Output(quiet=True), l1_ratio=1.0, alpha=None, folds=5,
    ...                   select="min", standardize=True, n_alphas=50, alpha_min_ratio=None,
    ...                   seed=0)
    >>> model.name, model.alpha_ in model.cv_alphas_, np.flatnonzero(model.coef_).tolist()
    ('LassoCV', True, [0, 3])
    """
    from ..penalties import Penalty

    estimator = models.build_estimator(
        source.task, l1_ratio=l1_ratio, alpha=alpha, folds=folds, select=select,
        standardize=standardize, n_alphas=n_alphas, n_rows=source.n_rows, random_state=seed,
        alpha_min_ratio=alpha_min_ratio,
    )  # fmt: skip
    penalty, names = Penalty(l1_ratio), source.schema["features"]
    problem = _problem(source, folds, seed)
    grid = dict(n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, standardize=standardize,
                tol=estimator.tol)  # fmt: skip
    cv = None
    if alpha is None:
        cv = _quietly(output, names, "fit", problem.cv, penalty, n_folds=folds,
                      selection=select, **grid)  # fmt: skip
        alpha, path = cv.alpha_, cv.path
    else:
        path = _quietly(output, names, "path", problem.path, penalty, **grid)
    fit = _quietly(output, names, "fit", problem.fit, alpha, penalty, standardize=standardize,
                   tol=estimator.tol)  # fmt: skip
    common = dict(name=type(estimator).__name__, tol=estimator.tol, coef_=fit.coef,
                  intercept_=fit.intercept, certificate_=fit.certificate, alpha_=float(alpha),
                  path=path)  # fmt: skip
    if cv is None:
        return DistributedFit(**common)
    return DistributedFit(
        **common, alpha_min_=float(cv.alphas[cv.index_min]),
        alpha_1se_=float(cv.alphas[cv.index_1se]), cv_alphas_=cv.alphas, cv_mean_=cv.mean,
        cv_std_error_=cv.std_error, cv_n_active_=cv.fold_n_active.mean(axis=0),
        alpha_grid_extended_=cv.alpha_grid_extended,
    )  # fmt: skip
