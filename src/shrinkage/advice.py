"""``advise``: should this problem use L1, L2 or the elastic net? A cross-validated answer.

For each penalty (lasso, ridge, elastic net) a K-fold cross-validation over an α grid
picks the α with the lowest mean held-out error — the squared error for a regression,
the binomial deviance for a 0/1 target (the task is detected as on the command line,
:func:`shrinkage.defaults.detect_task`, and recorded in the result) — and reports

* the least CV error and its standard error across folds, and the standard error of the
  per-fold difference from the best penalty (the penalties share the folds, so a penalty
  is *competitive* when the paired difference is within one standard error);
* at the α of the package's selection rule (:data:`shrinkage.defaults.SELECTION`, the
  one-standard-error α: the CV minimum lets the lasso keep noise features),
  the number of features the model refitted on all data keeps (non-zero coefficients)
  and the *stability* of the selection: the mean Jaccard similarity of the sets chosen on
  the two halves of ``STABILITY_PAIRS`` complementary pairs of half-samples
  (:func:`shrinkage.selection.stability_selection`; disjoint halves, where K-fold
  training sets share most of their rows and look steadier than they are; ridge keeps
  every feature, so its stability is 1).

The recommendation is :func:`shrinkage.recommendation.recommend`'s: the usual practical
advice (L1 for feature selection and interpretability, L2 when all features are useful)
made concrete with the CV error, its standard error, the model size and the stability.

Every fit minimises ``1/(2n)‖y − Xw − b‖² + α·penalty(w)`` (the mean log-loss in place of
the squared error for classification; standardised coefficients by default). A CV
estimator with the one-standard-error rule comes with ``LassoCV``; this is the small loop
a student can read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import binary_target, check_matrix, check_non_numeric
from .defaults import SELECTION, detect_task
from .estimators import (
    ElasticNet,
    Lasso,
    PoissonElasticNet,
    PoissonLasso,
    Ridge,
    SparseLogisticRegression,
)
from .estimators.poisson import PoissonModel
from .path.grid import RIDGE_GRID_L1_RATIO, default_alpha_min_ratio
from .penalties import Penalty
from .recommendation import PenaltySummary, jaccard_mean, recommend
from .selection import (
    deviance,
    one_standard_error_index,
    poisson_deviance,
    shared_alpha_grid,
    stability_selection,
)
from .solvers.poisson import solve_poisson

__all__ = ["STABILITY_PAIRS", "Advice", "PenaltySummary", "advise",
           "count_half_sample_stability", "half_sample_stability"]  # fmt: skip

#: Complementary pairs of half-samples that measure the stability of a selection.
STABILITY_PAIRS = 10


@dataclass(frozen=True)
class Advice:
    """Result of :func:`advise`.

    The recommended penalty, the reasons for it and the cross-validated summary of each
    candidate; ``print(advice)`` shows them as a table.

    Attributes
    ----------
    recommendation : {"lasso", "ridge", "elastic net"}
        The penalty to use, chosen by :func:`~shrinkage.recommendation.recommend` from
        ``summaries``.
    reasons : tuple of str
        Plain-language reasons, most important first.
    summaries : tuple of PenaltySummary
        Lasso, ridge, elastic net, in this order; ``advice["ridge"]`` picks one by name.
    n_splits : int
        Number of cross-validation folds behind every CV error and its standard error.
    task : {"regression", "classification", "count"}
        What was fitted: squared loss, logistic loss with the deviance as CV error, or
        Poisson loss with the Poisson deviance.
    selection : {"min", "1se"}
        The α rule at which model sizes and stabilities were measured.
    """

    recommendation: str
    reasons: tuple[str, ...]
    summaries: tuple[PenaltySummary, ...]
    n_splits: int
    task: str = "regression"
    selection: str = SELECTION

    def __getitem__(self, name: str) -> PenaltySummary:
        for summary in self.summaries:
            if summary.name == name:
                return summary
        raise KeyError(f"no penalty named {name!r}; have {[s.name for s in self.summaries]}.")

    def __str__(self) -> str:
        error = "CV error" if self.task == "regression" else "deviance"
        lines = [
            f"{self.task} ({_LOSSES[self.task]} loss)",
            f"{'penalty':<12}{'alpha min':>10}{error:>10}{'± SE':>8}{'± SE diff':>10}"
            f"{'alpha ' + self.selection:>10}{'kept':>7}{'stability':>10}",
        ]
        for s in self.summaries:
            alpha = s.alpha if s.selection_alpha is None else s.selection_alpha
            lines.append(
                f"{s.name:<12}{s.alpha:>10.3g}{s.cv_error:>10.4g}{s.cv_error_se:>8.2g}"
                f"{s.difference_se or 0.0:>10.2g}{alpha:>10.3g}"
                f"{f'{s.n_features_kept}/{s.n_features}':>7}{s.stability:>10.2f}"
            )
        lines.append(
            f"(SE diff: of the per-fold difference from the best; kept and stability at "
            f"the {self.selection} alpha, stability over complementary half-samples)"
        )
        lines.append(f"Recommendation: {self.recommendation}")
        lines.extend(f"  - {reason}" for reason in self.reasons)
        return "\n".join(lines)


_LOSSES = {"regression": "squared", "classification": "logistic", "count": "poisson"}


def _cross_validate(model, X, y, alphas, folds):
    """Held-out errors (n_folds, n_alphas): the mean squared error, the deviance for a
    classifier, the Poisson deviance for counts."""
    errors = np.empty((len(folds), len(alphas)))
    for k, (train, test) in enumerate(folds):
        model.set_params(warm_start=False)
        for i, alpha in enumerate(alphas):  # descending α, warm-started
            model.set_params(alpha=float(alpha))
            model.fit(X[train], y[train])
            model.set_params(warm_start=True)
            if isinstance(model, SparseLogisticRegression):
                errors[k, i] = deviance(y[test], model.decision_function(X[test])[:, None])[0]
            elif isinstance(model, PoissonModel):
                log_mean = X[test] @ model.coef_ + model.intercept_
                errors[k, i] = poisson_deviance(y[test], log_mean[:, None])[0]
            else:
                errors[k, i] = np.mean((y[test] - model.predict(X[test])) ** 2)
    return errors


def half_sample_stability(X, y, l1_ratio, alpha, standardize, random_state):
    """Mean Jaccard similarity of the two sets selected at ``alpha`` on each of
    ``STABILITY_PAIRS`` complementary pairs of half-samples (NaN below 4 samples).

    Each :func:`~shrinkage.selection.stability_selection` call with two subsamples fits
    one random half and its complement, so a feature's selection probability is 1 (both
    halves select it), ½ (one) or 0: ``|A ∩ B| / |A ∪ B|`` is the count of ones over the
    count of non-zeros. A 0/1 target is selected by the squared-loss fit on the labels,
    as in the report's stability selection: its α_max is the logistic one (the gradients
    at w = 0 agree) and, to first order about the null model, so is its path of supports.
    """
    if X.shape[0] < 4:
        return float("nan")
    state = np.random.RandomState(random_state)  # successive calls draw new pairs
    scores = []
    for _ in range(STABILITY_PAIRS):
        result = stability_selection(
            X, y, alphas=[alpha], n_subsamples=2, penalty=Penalty(l1_ratio),
            standardize=standardize, tol=1e-6, random_state=state,
        )  # fmt: skip
        share = result.selection_probabilities[0]
        either = np.count_nonzero(share)
        scores.append(np.count_nonzero(share == 1.0) / either if either else 1.0)
    return float(np.mean(scores))


def count_half_sample_stability(X, y, exposure, l1_ratio, alpha, standardize, random_state,
                                n_pairs=STABILITY_PAIRS) -> float:  # fmt: skip
    """Mean Jaccard similarity of the sets that the Poisson fit at ``alpha`` selects on
    the two halves of ``n_pairs`` complementary pairs of half-samples, as
    :func:`half_sample_stability` measures the other tasks' selections (``exposure``:
    the rows' exposures, or None).

    A half whose counts are all 0 has no fit (its intercept would be −∞): its pair is
    left out. NaN below 4 samples, or when every pair is left out.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 4))
    >>> y = rng.poisson(np.exp(0.3 + 0.8 * X[:, 0])).astype(float)
    >>> round(count_half_sample_stability(X, y, None, 1.0, 0.1, True, random_state=0), 2)
    0.68
    """
    n = X.shape[0]
    if n < 4:
        return float("nan")
    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(n_pairs):
        order = rng.permutation(n)
        halves = (order[: n // 2], order[n // 2 :])
        if not all(np.any(y[rows] > 0) for rows in halves):
            continue
        supports = [frozenset(np.flatnonzero(solve_poisson(
            X[rows], y[rows], alpha, Penalty(l1_ratio), standardize=standardize, tol=1e-6,
            exposure=None if exposure is None else exposure[rows]).coef).tolist())
            for rows in halves]  # fmt: skip
        scores.append(jaccard_mean(supports))
    return float(np.mean(scores)) if scores else float("nan")


def advise(
    X, y, *, task: str = "auto", l1_ratio: float = 0.5, n_splits: int = 5, n_alphas: int = 20,
    alpha_min_ratio: float | None = None, standardize: bool = True, random_state: int = 0,
) -> Advice:  # fmt: skip
    """Compare lasso, ridge and elastic net by K-fold CV and recommend one, with reasons.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        A numeric target, counts, or two classes (any two values).
    task : {"auto", "regression", "classification", "count"}
        "auto": classification (logistic loss, deviance) when y has exactly two
        distinct values, counts (Poisson loss, Poisson deviance) for non-negative
        integers with a 0 among at least three values, as the command line decides
        (:func:`shrinkage.defaults.detect_task`); the result says which was used.
    l1_ratio : float in (0, 1)
        ρ of the elastic net compared.
    n_splits : int
        Number of folds (shuffled, seeded by ``random_state``).
    n_alphas, alpha_min_ratio : int, float or None
        α grid per penalty: from that penalty's α_max on the full data (the rule of
        :func:`shrinkage.path`) down to ``alpha_min_ratio`` times the *lasso's* α_max,
        so that every grid ends at the same α (None: the default ratio of
        :func:`shrinkage.path.default_alpha_min_ratio`).
    standardize : bool
        Penalise standardised coefficients.
    random_state : int

    Returns
    -------
    Advice

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import advise
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 10))
    >>> y = 3 * X[:, 0] - 2 * X[:, 1] + rng.standard_normal(100)
    >>> advice = advise(X, y, n_alphas=10)
    >>> advice.recommendation, advice["lasso"].n_features_kept < 10
    ('lasso', True)
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    check_non_numeric(X)  # a text column is named, as on the command line
    X = check_matrix(np.asarray(X) if not hasattr(X, "dtypes") else X.to_numpy())
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    if task not in ("auto", *_LOSSES):
        raise ValueError(f"task must be 'auto', 'regression', 'classification' or 'count', "
                         f"got {task!r}.")  # fmt: skip
    task = detect_task(y) if task == "auto" else task
    if task == "classification":
        _, y = binary_target(y, X.shape[0])
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"need X (n, p) and y (n,) with the same n; got {X.shape}, {y.shape}.")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (no NaN or infinity).")
    if not 0.0 < l1_ratio < 1.0:
        raise ValueError(f"l1_ratio must be strictly between 0 and 1, got {l1_ratio!r}.")
    if int(n_splits) != n_splits or not 2 <= n_splits <= X.shape[0]:
        raise ValueError(f"n_splits must be an integer in [2, n_samples], got {n_splits!r}.")
    splitter = StratifiedKFold if task == "classification" else KFold
    folds = list(splitter(int(n_splits), shuffle=True, random_state=random_state).split(X, y))
    options = dict(standardize=standardize, tol=1e-6)
    if task == "classification":
        candidates = tuple(
            (name, rho, SparseLogisticRegression(l1_ratio=rho, max_iter=200, **options))
            for name, rho in (("lasso", 1.0), ("ridge", 0.0), ("elastic net", l1_ratio))
        )
    elif task == "count":
        if np.any(y < 0) or not np.any(y > 0):
            raise ValueError("counts must be >= 0, with some positive.")
        candidates = (
            ("lasso", 1.0, PoissonLasso(max_iter=200, **options)),
            ("ridge", 0.0, PoissonElasticNet(l1_ratio=0.0, max_iter=200, **options)),
            ("elastic net", l1_ratio, PoissonElasticNet(l1_ratio=l1_ratio, max_iter=200,
                                                        **options)),
        )  # fmt: skip
    else:
        options["max_iter"] = 5000
        candidates = (
            ("lasso", 1.0, Lasso(**options)),
            ("ridge", 0.0, Ridge(**options)),
            ("elastic net", l1_ratio, ElasticNet(l1_ratio=l1_ratio, **options)),
        )
    loss = _LOSSES[task]
    end = alpha_min_ratio or default_alpha_min_ratio(*X.shape, 1.0)
    runs, fold_errors = [], {}
    for name, rho, model in candidates:
        # each grid starts at its penalty's α_max (α_max of the lasso / ρ, ridge's at
        # ρ = 1e-3) and all end at the same α, so the penalties are compared on one range
        alphas = shared_alpha_grid(
            X, y, Penalty(rho), loss=loss, n_alphas=n_alphas,
            alpha_min_ratio=end * max(rho, RIDGE_GRID_L1_RATIO), standardize=standardize,
        )  # fmt: skip
        errors = _cross_validate(model, X, y, alphas, folds)
        index_min, index_1se = one_standard_error_index(
            errors.mean(axis=0), errors.std(axis=0, ddof=1) / np.sqrt(len(folds))
        )
        selected = index_1se if SELECTION == "1se" else index_min
        fold_errors[name] = errors[:, index_min]
        runs.append((name, rho, model, float(alphas[index_min]), float(alphas[selected])))
    # the penalties share the folds: a penalty is judged by the per-fold difference of
    # its held-out errors from the best penalty's (paired), not by the best's own spread
    best = min(fold_errors.values(), key=np.mean)
    summaries = []
    for name, rho, model, alpha_min, alpha in runs:
        errors, difference = fold_errors[name], fold_errors[name] - best
        model.set_params(alpha=alpha, warm_start=False).fit(X, y)
        if rho == 0.0:
            stability = 1.0
        elif task == "count":
            stability = count_half_sample_stability(X, y, None, rho, alpha, standardize,
                                                    random_state)  # fmt: skip
        else:
            stability = half_sample_stability(X, y, rho, alpha, standardize, random_state)
        summaries.append(
            PenaltySummary(
                name,
                rho,
                alpha_min,
                float(errors.mean()),
                float(errors.std(ddof=1) / np.sqrt(len(folds))),
                int(np.count_nonzero(np.ravel(model.coef_))),
                X.shape[1],
                stability,
                difference_se=float(difference.std(ddof=1) / np.sqrt(len(folds))),
                selection=SELECTION,
                selection_alpha=alpha,
            )  # fmt: skip
        )
    recommendation, reasons = recommend(summaries)
    return Advice(recommendation, reasons, tuple(summaries), int(n_splits), task, SELECTION)
