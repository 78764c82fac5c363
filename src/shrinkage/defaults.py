"""The one set of defaults that every surface (Python, command line, report) uses.

The README's "Defaults" table is this module, read aloud.

folds
    ``CV_FOLDS = 5``, shuffled (stratified for a 0/1 target), drawn with the seed
    ``RANDOM_STATE = 0``. glmnet draws its folds at random: files are often sorted (by
    date, by outcome), and unshuffled folds then extrapolate; the fixed seed makes a run
    repeatable (:func:`cv_splitter`).
α grid
    ``N_ALPHAS = 100`` log-spaced values from α_max to ``alpha_min_ratio · α_max``, the
    ratio 1e-3 when n ≥ p and 1e-2 when n < p; a ridge grid starts at the α_max of
    ρ = 1e-3 and spans three more decades (glmnet's rule, :func:`shrinkage.path`).
grid edges
    When cross-validation chooses the first or the last α, the grid is extended by
    ``EDGE_DECADES = 3`` decades on that side, at most ``EDGE_EXTENSIONS = 2`` times, and
    a warning says so when the choice is still at the edge: the curve had not turned.
selection
    ``SELECTION = "1se"``: the largest α whose CV error is within one standard error of
    the minimum (glmnet's ``lambda.1se``, the default of its ``coef`` and ``predict``), a
    sparser model that is statistically as good. ``"min"`` is scikit-learn's choice.
standardisation
    Estimators: ``standardize=False``, so that α means what it means in scikit-learn
    (pass ``standardize=True``, or put a scaler in the pipeline). Command line and
    report: ``STANDARDIZE_TABLES = True``, as glmnet, since a table's columns come in
    arbitrary units. The rule is one everywhere: the weighted standard deviation with
    1/n, folded into the penalty, coefficients returned on the original scale.
task
    ``"auto"``: a target with exactly two distinct values is a binary classification
    (logistic loss); non-negative integers with a 0 among at least three distinct values
    are counts (Poisson loss, :func:`looks_like_counts`); any other numeric target a
    regression (squared loss) (:func:`detect_task`).
precision
    ``TOL = 1e-4``: the relative duality gap certified at every point, or a
    ``ConvergenceWarning`` that names the gap.

Examples
--------
>>> from shrinkage import defaults
>>> defaults.CV_FOLDS, defaults.SELECTION, defaults.RANDOM_STATE
(5, '1se', 0)
>>> defaults.cv_splitter(defaults.CV_FOLDS, classifier=False)
KFold(n_splits=5, random_state=0, shuffle=True)
"""

from __future__ import annotations

from numbers import Integral

__all__ = [
    "CV_FOLDS",
    "EDGE_DECADES",
    "EDGE_EXTENSIONS",
    "N_ALPHAS",
    "RANDOM_STATE",
    "SELECTION",
    "STANDARDIZE_TABLES",
    "TOL",
    "cv_splitter",
    "detect_task",
    "looks_like_counts",
]

CV_FOLDS = 5
RANDOM_STATE = 0
N_ALPHAS = 100
EDGE_DECADES = 3
EDGE_EXTENSIONS = 2
SELECTION = "1se"
STANDARDIZE_TABLES = True
TOL = 1e-4


def cv_splitter(cv, classifier, random_state=RANDOM_STATE):
    """The folds for ``cv``: an integer K becomes K shuffled folds (stratified for a
    classifier) drawn with ``random_state``; a splitter or an iterable of splits is
    used as given (scikit-learn's ``check_cv`` then takes it)."""
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        from sklearn.model_selection import KFold, StratifiedKFold

        kind = StratifiedKFold if classifier else KFold
        return kind(n_splits=int(cv), shuffle=True, random_state=random_state)
    return cv


def looks_like_counts(low: float, integral: bool, n_distinct: int) -> bool:
    """The ``--task auto`` rule for a count target: every value a non-negative integer
    (``integral`` and ``low``, the least value, ≥ 0), the value 0 among them, and at
    least three distinct values (two are a classification).

    Integers without a zero stay a regression: a score or a measurement on an integer
    scale (the diabetes progression, say) is not a count of events.

    Examples
    --------
    >>> looks_like_counts(0.0, True, 5), looks_like_counts(25.0, True, 214)
    (True, False)
    >>> looks_like_counts(0.0, False, 5), looks_like_counts(0.0, True, 2)
    (False, False)
    """
    return bool(integral and low == 0 and n_distinct >= 3)


def detect_task(y) -> str:
    """``"classification"`` for a target with exactly two distinct values, ``"count"``
    when it :func:`looks_like_counts`, else ``"regression"`` (numeric targets only: a
    text target with more classes is an error).

    Examples
    --------
    >>> detect_task([0, 1, 1, 0]), detect_task([1.5, 2.0, 7.0]), detect_task(["no", "yes"])
    ('classification', 'regression', 'classification')
    >>> detect_task([0, 3, 1, 0, 7]), detect_task([25, 31, 44])
    ('count', 'regression')
    """
    import numpy as np

    values = np.unique(np.asarray(y))
    if values.size == 2:
        return "classification"
    if values.dtype.kind not in "biuf":
        raise ValueError(
            f"the target is not numeric and has {values.size} distinct values; only "
            "regression (a numeric target), counts and binary classification are supported."
        )
    integral = bool(np.all(np.mod(values, 1) == 0)) if values.size else False
    if looks_like_counts(float(values.min()), integral, int(values.size)):
        return "count"
    return "regression"
