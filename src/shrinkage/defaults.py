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
    (logistic loss); a non-numeric target (text, categories) with three or more is a
    multi-class classification (multinomial loss); non-negative integers with a 0 among
    at least three distinct values are counts (Poisson loss, :func:`looks_like_counts`);
    any other numeric target a regression (squared loss) (:func:`auto_task`,
    :func:`detect_task`). Numbers are never taken for classes beyond two: a numeric
    target with three values may be a measurement, and ``task="multiclass"`` says it
    is not.
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
    "TASKS",
    "TOL",
    "auto_task",
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
#: The tasks of the command line and the report, each with its loss: squared, logistic,
#: multinomial and Poisson.
TASKS = ("regression", "classification", "multiclass", "count")


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


def auto_task(n_distinct: int, numeric: bool, low: float = 0.0, integral: bool = False) -> str:
    """The ``--task auto`` rule, from a summary of the target: its number of distinct
    values, whether they are numbers (booleans count as numbers) and, for numbers, the
    least value and whether all are integers.

    ``"classification"`` (binary) for two distinct values, ``"multiclass"`` for a
    non-numeric target with more, ``"count"`` when the numbers :func:`looks_like_counts`,
    else ``"regression"``. A target with one value is the caller's error to report.

    Examples
    --------
    >>> auto_task(2, True), auto_task(3, False), auto_task(3, True, 0.0, True)
    ('classification', 'multiclass', 'count')
    >>> auto_task(3, True, 1.0, True), auto_task(50, True, -2.5)
    ('regression', 'regression')
    """
    if n_distinct == 2:
        return "classification"
    if not numeric:
        return "multiclass"
    if looks_like_counts(low, integral, n_distinct):
        return "count"
    return "regression"


def detect_task(y) -> str:
    """The task that :func:`auto_task` picks for the target ``y`` (an array, a list or a
    pandas Series; a pandas categorical is not numeric, whatever its categories).

    Examples
    --------
    >>> detect_task([0, 1, 1, 0]), detect_task([1.5, 2.0, 7.0]), detect_task(["no", "yes"])
    ('classification', 'regression', 'classification')
    >>> detect_task([0, 3, 1, 0, 7]), detect_task([25, 31, 44])
    ('count', 'regression')
    >>> detect_task(["setosa", "versicolor", "virginica"]), detect_task([1, 2, 3])
    ('multiclass', 'regression')
    """
    import numpy as np

    categorical = str(getattr(y, "dtype", "")) == "category"
    values = np.unique(np.asarray(y))
    numeric = values.dtype.kind in "biuf" and not categorical
    if not numeric or values.size < 3:
        return auto_task(int(values.size), numeric)
    integral = bool(np.all(np.mod(values, 1) == 0))
    return auto_task(int(values.size), True, float(values.min()), integral)
