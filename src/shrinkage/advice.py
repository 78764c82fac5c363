"""``advise``: should this problem use L1, L2 or the elastic net? A cross-validated answer.

For each penalty (lasso, ridge, elastic net) a K-fold cross-validation over an α grid
picks the α with the lowest mean held-out error — the squared error for a regression,
the binomial deviance for a 0/1 target, the multinomial deviance for three or more
classes, the Poisson deviance for counts (the task is detected as on the command line,
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
  every feature, so its stability is 1). A multi-class model selects a feature when its
  row of K coefficients (one per class) is non-zero (:func:`n_features_kept`).

The recommendation is :func:`shrinkage.recommendation.recommend`'s: the usual practical
advice (L1 for feature selection and interpretability, L2 when all features are useful)
made concrete with the CV error, its standard error, the model size and the stability.

Every fit minimises ``1/(2n)‖y − Xw − b‖² + α·penalty(w)`` (the mean log-loss in place of
the squared error for classification, the mean cross-entropy of the softmax for several
classes, half the mean Poisson deviance for counts; standardised coefficients by
default). A CV
estimator with the one-standard-error rule comes with ``LassoCV``; this is the small loop
a student can read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import binary_target, check_matrix, check_non_numeric
from .defaults import SELECTION, cv_splitter, detect_task
from .estimators import (
    ElasticNet,
    Lasso,
    MultinomialLogisticRegression,
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
    multinomial_deviance,
    one_standard_error_index,
    poisson_deviance,
    shared_alpha_grid,
    stability_selection,
)
from .selection.folds import check_fold_classes
from .solvers.multinomial import solve_multinomial
from .solvers.poisson import solve_poisson

__all__ = ["STABILITY_PAIRS", "Advice", "PenaltySummary", "advise",
           "count_half_sample_stability", "half_sample_stability",
           "multiclass_half_sample_stability", "n_features_kept"]  # fmt: skip

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
    task : {"regression", "classification", "multiclass", "count"}
        What was fitted: squared loss, logistic loss with the deviance as CV error,
        multinomial loss with the multinomial deviance, or Poisson loss with the Poisson
        deviance.
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


_LOSSES = {"regression": "squared", "classification": "logistic", "multiclass": "multinomial",
           "count": "poisson"}  # fmt: skip


def n_features_kept(coef) -> int:
    """The features a model keeps: non-zero coefficients of a vector, non-zero rows of a
    multi-class model's coefficients (K classes × p features: a column of ``coef``).

    Examples
    --------
    >>> n_features_kept([0.0, 1.5, 0.0]), n_features_kept([[0.0, 1.0, 0.0], [0.0, -2.0, 3.0]])
    (1, 2)
    """
    return int(np.count_nonzero(np.any(np.atleast_2d(coef) != 0, axis=0)))


def _cross_validate(model, X, y, alphas, folds):
    """Held-out errors (n_folds, n_alphas): the mean squared error, the deviance for a
    classifier (multinomial for several classes, coded 0 … K−1 in ``y``), the Poisson
    deviance for counts."""
    errors = np.empty((len(folds), len(alphas)))
    for k, (train, test) in enumerate(folds):
        model.set_params(warm_start=False)
        for i, alpha in enumerate(alphas):  # descending α, warm-started
            model.set_params(alpha=float(alpha))
            model.fit(X[train], y[train])
            model.set_params(warm_start=True)
            if isinstance(model, MultinomialLogisticRegression):
                codes = y[test].astype(np.intp)
                errors[k, i] = multinomial_deviance(codes, model.predict_log_proba(X[test]))
            elif isinstance(model, SparseLogisticRegression):
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


def _halves_jaccard(n, support, random_state, n_pairs) -> float:
    """Mean Jaccard similarity of ``support(rows)`` (a frozenset of features, or None for
    a half that has no fit) on the two halves of ``n_pairs`` random complementary pairs
    of half-samples of ``n`` rows; a pair with a half without a fit is left out (NaN
    when all are, or below 4 rows)."""
    if n < 4:
        return float("nan")
    rng = np.random.default_rng(random_state)
    scores = []
    for _ in range(n_pairs):
        order = rng.permutation(n)
        supports = [support(rows) for rows in (order[: n // 2], order[n // 2 :])]
        if all(chosen is not None for chosen in supports):
            scores.append(jaccard_mean(supports))
    return float(np.mean(scores)) if scores else float("nan")


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

    def support(rows):
        if not np.any(y[rows] > 0):
            return None
        exposed = None if exposure is None else exposure[rows]
        coef = solve_poisson(X[rows], y[rows], alpha, Penalty(l1_ratio), standardize=standardize,
                             tol=1e-6, exposure=exposed).coef  # fmt: skip
        return frozenset(np.flatnonzero(coef).tolist())

    return _halves_jaccard(X.shape[0], support, random_state, n_pairs)


def multiclass_half_sample_stability(X, codes, l1_ratio, alpha, standardize, random_state,
                                     n_pairs=STABILITY_PAIRS, grouped=False) -> float:  # fmt: skip
    """Mean Jaccard similarity of the features that the multinomial fit at ``alpha``
    selects (a non-zero row of coefficients: the feature enters the model of some
    class) on the two halves of ``n_pairs`` complementary pairs of half-samples, as
    :func:`half_sample_stability` measures the other tasks' selections (``codes``: the
    classes coded 0 … K−1; ``grouped``: the penalty of each feature's row).

    A half that misses a class has no comparable fit: its pair is left out. NaN below 4
    samples, or when every pair is left out.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((150, 4))
    >>> codes = np.argmax(np.c_[2 * X[:, 0], -2 * X[:, 0], np.zeros(150)]
    ...                   + rng.gumbel(size=(150, 3)), axis=1)
    >>> round(multiclass_half_sample_stability(X, codes, 1.0, 0.15, True, random_state=0), 2)
    1.0
    """
    n_classes = np.unique(codes).size

    def support(rows):
        if np.unique(codes[rows]).size < n_classes:
            return None
        coef = solve_multinomial(X[rows], codes[rows], alpha, Penalty(l1_ratio),
                                 grouped=grouped, standardize=standardize,
                                 tol=1e-6).coef  # fmt: skip
        return frozenset(np.flatnonzero(np.any(coef != 0, axis=1)).tolist())

    return _halves_jaccard(X.shape[0], support, random_state, n_pairs)


def advise(
    X, y, *, task: str = "auto", l1_ratio: float = 0.5, n_splits: int = 5, n_alphas: int = 20,
    alpha_min_ratio: float | None = None, standardize: bool = True, random_state: int = 0,
) -> Advice:  # fmt: skip
    """Compare lasso, ridge and elastic net by K-fold CV and recommend one, with reasons.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        A numeric target, counts, two classes (any two values) or three or more.
    task : {"auto", "regression", "classification", "multiclass", "count"}
        "auto": classification (logistic loss, deviance) when y has exactly two
        distinct values, multiclass (multinomial loss, multinomial deviance) for a
        non-numeric y with more, counts (Poisson loss, Poisson deviance) for
        non-negative integers with a 0 among at least three values, as the command line
        decides (:func:`shrinkage.defaults.detect_task`); the result says which was used.
        Numeric labels of three or more classes need ``task="multiclass"``.
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
    check_non_numeric(X)  # a text column is named, as on the command line
    X = check_matrix(np.asarray(X) if not hasattr(X, "dtypes") else X.to_numpy())
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    if task not in ("auto", *_LOSSES):
        raise ValueError(f"task must be 'auto' or one of {tuple(_LOSSES)}, got {task!r}.")
    task = detect_task(y) if task == "auto" else task
    labels, y = y, _numeric_target(y, task, X.shape[0])
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ValueError(f"need X (n, p) and y (n,) with the same n; got {X.shape}, {y.shape}.")
    if not np.all(np.isfinite(y)):
        raise ValueError("y must be finite (no NaN or infinity).")
    if not 0.0 < l1_ratio < 1.0:
        raise ValueError(f"l1_ratio must be strictly between 0 and 1, got {l1_ratio!r}.")
    if int(n_splits) != n_splits or not 2 <= n_splits <= X.shape[0]:
        raise ValueError(f"n_splits must be an integer in [2, n_samples], got {n_splits!r}.")
    classifier = task in ("classification", "multiclass")
    splitter = cv_splitter(int(n_splits), classifier, random_state)
    folds = list(splitter.split(X, y))
    if task == "multiclass":  # every training part needs every class (named as in y)
        check_fold_classes(folds, y.astype(np.intp), np.unique(np.asarray(labels)))
    loss = _LOSSES[task]
    end = alpha_min_ratio or default_alpha_min_ratio(*X.shape, 1.0)
    runs, fold_errors = [], {}
    for name, rho, model in _candidates(task, l1_ratio, standardize):
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
        summaries.append(
            PenaltySummary(
                name,
                rho,
                alpha_min,
                float(errors.mean()),
                float(errors.std(ddof=1) / np.sqrt(len(folds))),
                n_features_kept(model.coef_),
                X.shape[1],
                _stability(task, X, y, rho, alpha, standardize, random_state),
                difference_se=float(difference.std(ddof=1) / np.sqrt(len(folds))),
                selection=SELECTION,
                selection_alpha=alpha,
            )  # fmt: skip
        )
    recommendation, reasons = recommend(summaries)
    return Advice(recommendation, reasons, tuple(summaries), int(n_splits), task, SELECTION)


def _numeric_target(y, task: str, n_samples: int) -> np.ndarray:
    """``y`` as floats: 0/1 for two classes, the codes 0 … K−1 of three or more (a
    ValueError for fewer), the values themselves for the other tasks; counts checked."""
    if task == "classification":
        _, y = binary_target(y, n_samples)
    elif task == "multiclass":
        classes, codes = np.unique(np.asarray(y), return_inverse=True)
        if classes.size < 3:
            raise ValueError(f"task='multiclass' needs three or more classes; y has "
                             f"{classes.size}: {classes.tolist()}.")  # fmt: skip
        y = codes.reshape(-1)
    y = np.asarray(y, dtype=np.float64)
    if task == "count" and (np.any(y < 0) or not np.any(y > 0)):
        raise ValueError("counts must be >= 0, with some positive.")
    return y


def _candidates(task: str, l1_ratio: float, standardize: bool):
    """``(name, ρ, estimator)`` of the lasso, ridge and the elastic net of ``task``."""
    ratios = (("lasso", 1.0), ("ridge", 0.0), ("elastic net", l1_ratio))
    options = dict(standardize=standardize, tol=1e-6)
    if task == "classification":
        return tuple((name, rho, SparseLogisticRegression(l1_ratio=rho, max_iter=200, **options))
                     for name, rho in ratios)  # fmt: skip
    if task == "multiclass":
        return tuple(
            (name, rho, MultinomialLogisticRegression(l1_ratio=rho, max_iter=200, **options))
            for name, rho in ratios
        )  # fmt: skip
    if task == "count":
        return (
            ("lasso", 1.0, PoissonLasso(max_iter=200, **options)),
            ("ridge", 0.0, PoissonElasticNet(l1_ratio=0.0, max_iter=200, **options)),
            ("elastic net", l1_ratio, PoissonElasticNet(l1_ratio=l1_ratio, max_iter=200,
                                                        **options)),
        )  # fmt: skip
    options["max_iter"] = 5000
    return (
        ("lasso", 1.0, Lasso(**options)),
        ("ridge", 0.0, Ridge(**options)),
        ("elastic net", l1_ratio, ElasticNet(l1_ratio=l1_ratio, **options)),
    )


def _stability(task, X, y, l1_ratio, alpha, standardize, random_state) -> float:
    """The half-sample stability of the task's selection at ``alpha`` (ridge keeps every
    feature: 1)."""
    if l1_ratio == 0.0:
        return 1.0
    if task == "count":
        return count_half_sample_stability(X, y, None, l1_ratio, alpha, standardize,
                                           random_state)  # fmt: skip
    if task == "multiclass":
        return multiclass_half_sample_stability(X, y.astype(np.intp), l1_ratio, alpha,
                                                standardize, random_state)  # fmt: skip
    return half_sample_stability(X, y, l1_ratio, alpha, standardize, random_state)
