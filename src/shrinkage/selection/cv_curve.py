"""The cross-validation curve behind every CV estimator (:class:`CrossValidatedMixin`).

Every model minimises ``loss + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``. The recipe is glmnet's
``cv.glmnet``:

1. one decreasing α grid from the full data (α_max down to ``alpha_min_ratio · α_max``,
   log-spaced), shared by all folds so their curves can be averaged point by point;
2. in each fold, the whole path is fitted on the training rows with warm starts
   (:func:`shrinkage.path`) and every α is scored on the held-out rows; the folds are
   independent joblib jobs (:mod:`shrinkage.selection.cv_jobs`), so
   ``with joblib.parallel_backend("dask")`` (or ray) spreads them unchanged;
3. the CV curve is the mean fold error, its standard error ``std over folds / √K``
   (sample std, as glmnet's ``cvsd``);
4. ``selection="min"`` takes the α of least mean error, ``"1se"`` the largest α whose mean
   error is within one standard error of that minimum (glmnet's ``lambda.1se``: a sparser
   model that is statistically as good);
5. the chosen (α, ρ) is refitted on all the data, with its duality-gap certificate.

With a box (``lower`` / ``upper``) the grid, every fold path and the refit are solved on
the box (:func:`shrinkage.path` and the solvers route a boxed penalty to
:mod:`shrinkage.solvers.box`), so every fitted coefficient lies in it.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
from joblib import delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import StrOptions

from .._validation import check_fit_options, check_grid_parameters
from ..certificates import describe_gap
from ..defaults import (
    CV_FOLDS,
    EDGE_DECADES,
    EDGE_EXTENSIONS,
    N_ALPHAS,
    RANDOM_STATE,
    SELECTION,
    TOL,
    cv_splitter,
)
from ..estimators.contract import (
    BOX_OPTIONS,
    FIT_OPTIONS,
    GRID_OPTIONS,
    PENALTY_OPTIONS,
    store_parameters,
)
from ..path import warn_unconverged
from ..penalties import Penalty
from ._common import extended_grid, grid_edge, one_standard_error_index, shared_alpha_grid
from .cv_jobs import fold_errors, parallel_min_seconds, run_jobs
from .folds import check_fold_weights

__all__ = ["BOXED_CV_PARAMETERS", "CV_PARAMETERS", "CrossValidatedMixin", "fold_results"]

#: the constraints of every CV estimator's parameters
CV_PARAMETERS = {
    **GRID_OPTIONS,
    "cv": ["cv_object"],
    "selection": [StrOptions({"min", "1se"})],
    "random_state": ["random_state"],
    "scoring": [str, callable, None],
    **FIT_OPTIONS,
    **PENALTY_OPTIONS,
    "n_jobs": [Integral, None],
}
#: with the box ``lower`` / ``upper``: the CV of the squared, logistic and Poisson models
BOXED_CV_PARAMETERS = {**CV_PARAMETERS, **BOX_OPTIONS}


class CrossValidatedMixin:
    """The CV parameters and machinery; subclasses say the loss, the model a scorer
    sees (``_model``), whether ``l1_ratio`` is a grid, and how to refit."""

    _loss = "squared"
    _l1_ratio_grid = False  # True: cv_* arrays are 2-D, one row per l1_ratio
    _parameter_constraints: dict = BOXED_CV_PARAMETERS

    def __init__(
        self, *, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None, cv=CV_FOLDS,
        selection=SELECTION, random_state=RANDOM_STATE, scoring=None, fit_intercept=True,
        standardize=False, penalty_factor=None, positive=False, lower=None, upper=None,
        tol=TOL, max_iter=20_000, n_jobs=None,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _check_params(self):
        check_grid_parameters(self.alphas, self.n_alphas, self.alpha_min_ratio)
        if self.selection not in ("min", "1se"):
            raise ValueError(f"selection must be 'min' or '1se', got {self.selection!r}.")
        check_fit_options(self)
        self._scorer()
        self._penalties(self._l1_ratios())

    def _l1_ratios(self) -> np.ndarray:
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError(f"l1_ratio must be a number or a 1-D list, got {self.l1_ratio!r}.")
        if not np.all((ratios >= 0) & (ratios <= 1)):
            raise ValueError(f"every l1_ratio must be in [0, 1], got {self.l1_ratio!r}.")
        return ratios

    def _penalties(self, ratios) -> list[Penalty]:
        """One penalty per ρ of the ``l1_ratio`` grid (each with the box, if any)."""
        return [Penalty(rho, self.penalty_factor, self.positive, self.lower, self.upper)
                for rho in ratios]  # fmt: skip

    def _path_options(self) -> dict:
        """Options of the fold paths beyond the fit's (the groups of a group lasso)."""
        return {}

    def _fold_job(self):
        """The work of one (ρ, fold) job, with the signature of
        :func:`~shrinkage.selection.cv_jobs.fold_errors` (a module-level function, so
        that any joblib backend can ship it)."""
        return fold_errors

    def _scorer(self):
        if self.scoring is None:
            return None
        if isinstance(self.scoring, str):
            return get_scorer(self.scoring)
        if callable(self.scoring):
            return self.scoring
        raise TypeError(
            f"scoring must be None, a scikit-learn scorer name or a callable "
            f"scorer(estimator, X, y), got {type(self.scoring).__name__}."
        )

    def _template(self, n_features):
        """A fitted-looking model for the scorer; each α's coefficients go on a copy."""
        model = self._model(fit_intercept=self.fit_intercept)
        model.n_features_in_ = n_features
        return model

    def _folds(self, X, y, sample_weight, groups, classifier):
        """The (train, test) splits: an int ``cv`` gives shuffled folds drawn with
        ``random_state`` (:func:`shrinkage.defaults.cv_splitter`)."""
        splitter = check_cv(
            cv_splitter(self.cv, classifier, self.random_state), y, classifier=classifier
        )
        folds = list(splitter.split(X, y, groups))
        check_fold_weights(folds, sample_weight)
        return folds

    def _run_cv(self, X, y, sample_weight, groups, classifier, template, check_folds=None,
                row_options=None):  # fmt: skip
        """Fill the curve attributes and return the chosen ``(alpha, penalty)``.

        ``row_options`` are path options with one value per row (an ``offset``): the
        full arrays give the grid, each fold's paths and errors take its rows.

        Without a user grid, a curve whose minimum is at the small end of the grid (or
        at the large end while the model there is not empty, as for ridge) is computed
        again on a grid extended by ``EDGE_DECADES`` decades on that side, at most
        ``EDGE_EXTENSIONS`` times (:mod:`shrinkage.defaults`)."""
        ratios = self._l1_ratios()
        penalties = self._penalties(ratios)
        folds = self._folds(X, y, sample_weight, groups, classifier)
        if check_folds is not None:  # the caller's own checks (both classes, logistic)
            check_folds(folds)
        grid_options = dict(
            loss=self._loss, alphas=self.alphas, n_alphas=self.n_alphas,
            alpha_min_ratio=self.alpha_min_ratio, sample_weight=sample_weight,
            fit_intercept=self.fit_intercept, standardize=self.standardize,
            **self._path_options(), **(row_options or {}),
        )  # fmt: skip
        grids = np.array([shared_alpha_grid(X, y, pen, **grid_options) for pen in penalties])
        self.alpha_grid_extended_ = 0
        while True:
            errors, n_active, gaps = self._fold_curves(
                X, y, sample_weight, folds, penalties, grids, template, row_options
            )
            mean = errors.mean(axis=1)
            n_folds = len(folds)
            # glmnet's cvsd; a single split has no spread: its 1-SE rule is the minimum
            std_error = (
                errors.std(axis=1, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0 * mean
            )
            best = int(np.argmin(np.nanmin(mean, axis=1)))
            index_min, index_1se = one_standard_error_index(mean[best], std_error[best])
            edge = grid_edge(index_min, grids.shape[1], n_active[best].mean(axis=0))
            if edge is None or self.alphas is not None:
                break
            if self.alpha_grid_extended_ == EDGE_EXTENSIONS:
                warnings.warn(
                    f"{type(self).__name__}: the least CV error is still at the {edge} end "
                    f"of the alpha grid after extending it {EDGE_EXTENSIONS} times by "
                    f"{EDGE_DECADES} decades (alpha={grids[best, index_min]:.4g}); "
                    "the CV curve had not turned. Pass alphas= to look further.",
                    UserWarning,
                    stacklevel=4,  # the caller of fit, past _fit_context's wrapper
                )
                break
            grids = np.array([extended_grid(grid, edge) for grid in grids])
            self.alpha_grid_extended_ += 1
        # one warning for the fold paths of the final grid, which hold every point used
        fold_alphas = np.repeat(grids, n_folds, axis=0)
        warn_unconverged(
            f"{type(self).__name__} (fold paths)", fold_alphas, gaps, self.tol, stacklevel=5
        )
        self.alpha_at_edge_ = edge
        self.alpha_min_ = float(grids[best, index_min])
        self.alpha_1se_ = float(grids[best, index_1se])
        self.alpha_ = self.alpha_min_ if self.selection == "min" else self.alpha_1se_
        self.l1_ratio_ = float(ratios[best])
        self.n_folds_ = n_folds
        self._store_curves(grids, ratios, mean, std_error, errors, n_active)
        return self.alpha_, penalties[best]

    def _store_curves(self, grids, ratios, mean, std_error, errors, n_active):
        """The ``cv_*`` attributes (one row per ρ when ``l1_ratio`` is a grid), and
        scikit-learn's ``alphas_`` (one row per ρ, a single ρ squeezed)."""
        squeeze = (lambda a: a) if self._l1_ratio_grid else (lambda a: a[0])
        self.cv_alphas_ = squeeze(grids)
        self.cv_mean_ = squeeze(mean)
        self.cv_std_error_ = squeeze(std_error)
        self.cv_fold_errors_ = squeeze(errors)
        self.cv_n_active_ = squeeze(n_active.mean(axis=1))
        if self._l1_ratio_grid:
            self.l1_ratios_ = ratios
        self.alphas_ = grids[0] if grids.shape[0] == 1 else grids
        self._store_error_aliases(errors)

    def _fold_curves(self, X, y, sample_weight, folds, penalties, grids, template,
                     row_options=None):  # fmt: skip
        """``(errors, n_active, relative_gaps)``: one warm-started path per (ρ, fold)
        job; errors and active counts (n_ratios, n_folds, n_alphas), the paths'
        certificates one row per job."""
        options = dict(
            fit_intercept=self.fit_intercept, standardize=self.standardize, tol=self.tol,
            max_iter=self.max_iter, **self._path_options(), **(row_options or {}),
        )  # fmt: skip
        job_options = dict(
            loss=self._loss, scorer=self._scorer(), template=template, path_options=options
        )
        # Threads, when the jobs are long enough to pay for them, unless a surrounding
        # joblib.parallel_backend (loky, dask, ray) says otherwise (run_jobs)
        job = self._fold_job()
        jobs = run_jobs(
            [
                delayed(job)(X, y, sample_weight, train, test, pen, grid, **job_options)
                for pen, grid in zip(penalties, grids, strict=True)
                for train, test in folds
            ],
            self.n_jobs,
            parallel_min_seconds(self._loss),
        )
        return fold_results(jobs, len(penalties), len(folds), grids.shape[1])

    def _store_refit(self, result, stacklevel=4):
        """The fitted attributes of the refit at ``alpha_``, with a warning when it did
        not reach ``tol`` (``stacklevel`` 4: the caller of fit, past _fit_context's
        wrapper)."""
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__}: the refit at alpha={self.alpha_:.4g} did not "
                f"converge ({describe_gap(result.relative_gap, result.tol)}); increase "
                "max_iter or tol.",
                ConvergenceWarning,
                stacklevel=stacklevel,
            )
        self._store_solution(result)

    def plot_cv(self, ax=None):
        """Mean CV error ± one standard error against α, with ``alpha_min_`` and
        ``alpha_1se_`` marked (see :func:`shrinkage.plots.cv.plot_cv`); returns the ax."""
        from ..plots.cv import plot_cv  # lazy: matplotlib only when plotting

        return plot_cv(self, ax=ax)


def fold_results(jobs, n_penalties, n_folds, n_alphas):
    """The ``(errors, n_active, gaps)`` of the fold jobs (one ``(errors, n_active, gaps)``
    per penalty and fold, in that order): errors and supports (n_penalties, n_folds,
    n_alphas), the gaps one row per job."""
    shape = (n_penalties, n_folds, -1)
    errors = np.array([e for e, _, _ in jobs]).reshape(shape)
    n_active = np.array([a for _, a, _ in jobs]).reshape(shape)
    return errors, n_active, np.array([g for _, _, g in jobs]).reshape(-1, n_alphas)
