"""``path``: the solution for every α of a grid, warm-started and certified.

``path`` validates its arguments into a :class:`~shrinkage.path.points.PathRequest` and
hands it to the driver of its loss (:mod:`.squared`; :mod:`.logistic` for the logistic
and Poisson losses; :mod:`.multitask`; :mod:`.groups`); the grid rule is
:mod:`.grid`'s, the choice of strategy :mod:`.strategy`'s.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import check_flag, check_max_iter, offset_of
from ..certificates import certified, describe_gap
from ..penalties import L1, Penalty
from .groups import group_path
from .logistic import glm_path
from .multinomial import multinomial_path
from .multitask import multitask_path
from .points import PathRequest
from .result import PathResult
from .squared import squared_path

__all__ = ["LOSSES", "path", "warn_unconverged"]

LOSSES = ("squared", "logistic", "poisson", "multinomial", "multitask")


def path(
    X,
    y,
    penalty: Penalty | None = None,
    *,
    loss="squared",
    alphas=None,
    n_alphas=100,
    alpha_min_ratio=None,
    fit_intercept=True,
    sample_weight=None,
    standardize=False,
    tol=1e-4,
    max_iter=20_000,
    feature_names=None,
    strategy="auto",
    warm_start=True,
    screening=True,
    extrapolation=True,
    coef_format="dense",
    warn=True,
    groups=None,
    group_weights=None,
    offset=None,
    exposure=None,
    grouped=False,
) -> PathResult:
    """Solve ``loss + α·penalty`` along a decreasing α grid with warm starts.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,), or (n_samples, n_tasks) for "multitask"
        Targets; for ``loss="logistic"`` two classes coded 0/1, for ``"poisson"`` counts
        ``y ≥ 0``, for ``"multinomial"`` labels of K ≥ 2 classes.
    penalty : Penalty, default ``L1()``
        With ``lower`` / ``upper`` (glmnet's limits), the squared, logistic and Poisson
        paths are solved on the box (:mod:`shrinkage.solvers.box`; ``strategy``,
        ``screening`` and ``extrapolation`` do not apply, ``n_screened`` is 0).
    loss : {"squared", "logistic", "poisson", "multinomial", "multitask"}
        ``1/(2n)‖y − Xw − b‖²``, the mean log-loss, half the mean Poisson deviance
        (log link, :mod:`shrinkage.solvers.poisson`), the mean softmax cross-entropy of
        K classes (:mod:`shrinkage.solvers.multinomial`: coefficients (n_alphas, p, K),
        :class:`~shrinkage.path.multinomial.MultinomialPathResult`; every feature
        penalised, no positivity), or the multi-task squared loss
        ``1/(2n)‖Y − XW − 1bᵀ‖²_F`` with the row-group norm ``Σ_j f_j‖W_j‖₂`` as the L1
        part (:mod:`shrinkage.solvers.multitask`, glmnet's ``mgaussian``): dense X, no
        positivity, every feature penalised; the result's ``coefs`` are then
        (n_alphas, p, T) (:class:`~shrinkage.path.multitask.MultiTaskPathResult`) and
        ``strategy``, ``screening`` and ``extrapolation`` do not apply.
    alphas : array-like, optional
        The grid (sorted decreasing). Default: ``n_alphas`` log-spaced from α_max.
    n_alphas : int
    alpha_min_ratio : float, optional
        Smallest α as a fraction of α_max; see the module docstring for the default.
    fit_intercept, sample_weight, standardize, tol
        As in :func:`shrinkage.solve`; ``tol`` is the relative duality gap at *every* α.
    max_iter : int
        The budget of each α, in the unit of :func:`shrinkage.solve`: epochs of
        coordinate descent (passes over the features being solved) for the squared
        loss, proximal-Newton steps for the logistic and Poisson losses.
    feature_names : sequence of str, optional
    strategy : {"auto", "homotopy", "working_set", "gram", "cd"}
        How each point is solved (squared loss; :mod:`shrinkage.path.strategy`):
        "homotopy" follows the exact lasso path knot by knot and reads the grid off it
        (wide dense data with few rows; lasso only; past ``4·min(n, p) + 100`` knots
        the rest of the grid goes to "working_set"); "gram" forms ``XᵀX`` once and
        solves each α in one compiled call (n ≫ p); "working_set" solves growing
        sub-problems on the likely support with Anderson acceleration (p ≳ n, sparse
        data); "cd" is plain cyclic coordinate descent. "auto": "cd" when some feature
        is unpenalised, else "gram" when n ≥ 2p and p ≤ 5000, else "homotopy" for the
        lasso on dense float64 data with n < p and n ≤ 1000 (n ≤ 200 when
        ``tol ≥ 1e-5``), else "working_set".
    warm_start, screening, extrapolation : bool
        The speed-ups, each switchable to measure it (``benchmarks/ablation.py``):
        start each α from the previous solution; screening — start each working set
        from the sequential strong rule (a guess the full KKT check corrects) and let
        the full checks skip the columns a Cauchy–Schwarz bound settles
        (:mod:`~shrinkage.solvers.correlation_bounds`), neither of which changes the
        solution; extrapolation — Anderson extrapolation of the working sets' iterates,
        and the Newton steps on the face of the signs of ``"gram"``. Only the first
        applies to ``"cd"``, the first and the last to ``"gram"``, none to the exact
        ``"homotopy"``.
    coef_format : {"dense", "sparse"}
        How ``coefs`` is returned: an (n_alphas × p) array, or a
        ``scipy.sparse.csr_array`` of the non-zeros, built row by row so that the path
        never holds the dense block (a dense path can outweigh a sparse X).
    groups : array-like of shape (n_features,) or list of index lists, optional
        Groups of features for the group lasso / group elastic net (squared, logistic,
        Poisson and multinomial losses; sparse X as its dense copy, see
        :func:`shrinkage.groups.dense_for_groups`; :mod:`shrinkage.solvers.group_lasso`,
        :mod:`shrinkage.solvers.group_glm`, :mod:`shrinkage.solvers.multinomial_groups`):
        the L1 part becomes ``Σ_g ω_g‖w_g‖₂`` (for the multinomial, the Frobenius norm of
        the group's block of features × classes) and a group enters or leaves the model
        whole; ``strategy``, ``screening`` and ``extrapolation`` do not apply, and
        ``refit_at`` solves the grouped problem again.
    group_weights : array-like of shape (n_groups,), optional
        ω_g, ``√p_g`` by default (in the order of the sorted labels, or of the lists).
    offset : array-like of shape (n_samples,) or (n_samples, n_classes | n_tasks), optional
        A fixed part o of the linear predictor ``z = Xw + b + o`` (glmnet's ``offset``);
        the intercepts are those of the model with the offset. For ``"multinomial"`` a
        matrix (n_samples, n_classes), one column per sorted class (glmnet's n × K
        offset); for ``"multitask"`` (n_samples, n_tasks), or (n_samples,) for every
        task, and the path is that of ``Y − O`` (as the squared loss's is that of
        ``y − o``).
    exposure : array-like of shape (n_samples,), optional
        Positive exposures of a Poisson rate model: ``offset = log(exposure)``; not for
        the multinomial and multi-task losses.
    grouped : bool
        ``loss="multinomial"`` only: penalise each feature's row of K class coefficients
        by its norm (glmnet's ``type.multinomial = "grouped"``: a feature enters every
        class's model or none) instead of entry by entry.
    warn : bool
        Warn (``ConvergenceWarning``, naming the worst point and its gap) when some
        point misses ``tol``. Tools that run many paths (cross-validation, stability
        selection) pass False and warn once for all of them.

    Returns
    -------
    PathResult
        The coefficients and intercept at every α, with each point's duality gap.

    Notes
    -----
    Distributed ``X`` (a Dask array or DataFrame, a Spark DataFrame, a
    ``PartitionedData``) goes to
    :meth:`shrinkage.distributed.api.DistributedProblem.path`: ``y`` and
    ``sample_weight`` are then column names with a DataFrame (None with a
    ``PartitionedData``); ``strategy`` is ``"auto"`` or a distributed strategy
    (``"statistics"``, ``"working_set"``, ``"newton"``); feature names come from the
    data; ``warm_start``, ``screening`` and ``extrapolation`` do not apply.

    Examples
    --------
    The lasso path of the prostate data (all 97 rows, standardised penalty): which
    features enter first, and whether every point is certified to ``tol``.

    >>> from shrinkage import path
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, _ = load_prostate()
    >>> result = path(X, y, standardize=True, feature_names=names)
    >>> [names[j] for j in np.argsort(-result.entry_alpha)[:4]]
    ['lcavol', 'svi', 'lweight', 'pgg45']
    >>> int(result.n_active[0]), int(result.n_active[-1]), bool(result.converged.all())
    (0, 8, True)
    """
    penalty = L1() if penalty is None else penalty
    if isinstance(penalty, Penalty) and penalty.boxed:
        _check_box_support(X, loss, groups)
    if is_distributed(X):
        if offset is not None or exposure is not None:
            raise ValueError("offset and exposure apply to data in memory, not to "
                             "distributed data.")  # fmt: skip
        return _distributed_path(
            X, y, sample_weight, penalty, loss=loss, strategy=strategy,
            coef_format=coef_format, feature_names=feature_names, alphas=alphas,
            n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, fit_intercept=fit_intercept,
            standardize=standardize, tol=tol, max_iter=max_iter, warn=warn,
        )  # fmt: skip
    if coef_format not in ("dense", "sparse"):
        raise ValueError(f"coef_format must be 'dense' or 'sparse', got {coef_format!r}.")
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}.")
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be a Penalty (L1(), L2(), ...), got {penalty!r}.")
    if penalty.penalty_factor is not None and not np.any(np.asarray(penalty.penalty_factor)):
        raise ValueError(
            "every penalty factor is 0: nothing is penalised, so α changes nothing and "
            "there is no path. Fit the unpenalised model with shrinkage.solve(X, y, "
            "alpha=0, ...), or give some feature a factor > 0."
        )
    max_iter = check_max_iter(max_iter)
    offset = _checked_offset(X, loss, offset, exposure)
    if grouped and loss != "multinomial":
        raise ValueError("grouped applies to loss='multinomial' (for groups of features, "
                         "pass groups=).")  # fmt: skip
    if offset is not None and loss == "squared":
        y = np.asarray(y, dtype=np.float64) - offset  # the squared loss of y − o: exact
        offset = None
    fit_intercept = check_flag(fit_intercept, "fit_intercept")
    standardize = check_flag(standardize, "standardize")
    for name, value in (("warm_start", warm_start), ("screening", screening),
                        ("extrapolation", extrapolation), ("warn", warn)):  # fmt: skip
        check_flag(value, name)
    if feature_names is None and hasattr(X, "columns"):
        feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
    request = PathRequest(
        penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, sample_weight,
        standardize, tol, max_iter, feature_names, coef_format, strategy, warm_start,
        screening, extrapolation, offset,
    )  # fmt: skip
    if groups is not None:
        if loss == "multitask":
            raise ValueError("groups work with the squared, logistic, poisson and "
                             "multinomial losses; the multi-task loss already penalises "
                             "each feature's row as a group.")  # fmt: skip
        if grouped:
            raise ValueError("grouped=True penalises each feature's row; with groups= the "
                             "blocks are the groups' rows: give one or the other.")  # fmt: skip
        result = group_path(X, y, request, groups, group_weights, loss)
    else:
        if group_weights is not None:
            raise ValueError("group_weights needs groups.")
        drivers = {"squared": squared_path, "multitask": multitask_path}
        if loss == "squared" and penalty.boxed:
            result = glm_path(X, y, request, loss)
        elif loss == "multinomial":
            result = multinomial_path(X, y, request, check_flag(grouped, "grouped"))
        elif loss in drivers:
            result = drivers[loss](X, y, request)
        else:
            result = glm_path(X, y, request, loss)
    if warn:
        warn_unconverged("path", result.alphas, result.relative_gaps, result.tol)
    return result


def _checked_offset(X, loss, offset, exposure):
    """The offset of the path: a checked vector (:func:`~shrinkage._validation.offset_of`)
    for the losses of one linear predictor; the matrix of the multinomial and multi-task
    losses as given, which their drivers check once the classes or tasks are known."""
    if loss not in ("multinomial", "multitask"):
        return offset_of(_n_rows(X), offset, exposure)
    if exposure is not None:
        columns = "n_classes" if loss == "multinomial" else "n_tasks"
        raise ValueError(f"exposure (offset = log(exposure)) is for rate models such as "
                         f"loss='poisson'; loss={loss!r} takes an offset of shape "
                         f"(n_samples, {columns}).")  # fmt: skip
    return offset


def _check_box_support(X, loss, groups):
    """Bounds (``lower`` / ``upper``) are solved by :mod:`shrinkage.solvers.box`: the
    squared, logistic and Poisson losses, in memory, without groups."""
    if loss not in ("squared", "logistic", "poisson") or groups is not None:
        raise ValueError("lower / upper bounds work with the squared, logistic and poisson "
                         f"losses without groups; got loss={loss!r}"
                         + (" with groups." if groups is not None else "."))  # fmt: skip
    if is_distributed(X):
        raise ValueError("lower / upper bounds apply to data in memory, not to distributed "
                         "data.")  # fmt: skip


def _distributed_path(X, y, sample_weight, penalty, *, loss, strategy, coef_format,
                      feature_names, **options) -> PathResult:  # fmt: skip
    """:func:`path` of distributed data, by
    :meth:`~shrinkage.distributed.api.DistributedProblem.path`."""
    from ..distributed.api import STRATEGIES, DistributedProblem
    from ..estimators.distributed import distributed_inputs

    if strategy not in STRATEGIES:
        raise ValueError(
            f"strategy {strategy!r} solves data in memory; distributed data takes one of "
            f"{STRATEGIES} (shrinkage.distributed.api)."
        )
    if coef_format != "dense" or feature_names is not None:
        raise ValueError("with distributed data, coef_format is 'dense' and the feature "
                         "names are the data's columns.")  # fmt: skip
    problem = DistributedProblem(**distributed_inputs(X, y, sample_weight), loss=loss,
                                 strategy=strategy)  # fmt: skip
    return problem.path(penalty, **options)


def _n_rows(X):
    """The number of rows of X (an array, a sparse matrix, a DataFrame or a list)."""
    return X.shape[0] if hasattr(X, "shape") else len(X)


def is_distributed(X) -> bool:
    """:func:`shrinkage.distributed.engines.is_distributed`, imported when first asked
    (the distributed package imports the selection tools, which import this module)."""
    from ..distributed.engines import is_distributed as engine_data

    return engine_data(X)


def warn_unconverged(caller, alphas, relative_gaps, tol, stacklevel=3):
    """One ``ConvergenceWarning`` when some point of one or several paths (rows of the
    2-D ``relative_gaps``, e.g. the folds of a cross-validation, with ``alphas`` of the
    same shape or one grid) is not certified to ``tol``, naming the worst one."""
    gaps = np.atleast_2d(np.asarray(relative_gaps, dtype=np.float64))
    alphas = np.broadcast_to(np.asarray(alphas, dtype=np.float64), gaps.shape)
    missed = ~np.vectorize(certified, otypes=[bool])(gaps, tol)
    if not np.any(missed):
        return
    from sklearn.exceptions import ConvergenceWarning  # only now: scikit-learn is heavy

    badness = np.where(np.isnan(gaps), np.inf, np.abs(gaps))
    worst = np.unravel_index(np.argmax(np.where(missed, badness, -1.0)), gaps.shape)
    where = "path point(s)" if gaps.shape[0] == 1 else f"points of {gaps.shape[0]} paths"
    warnings.warn(
        f"{caller}: {int(missed.sum())} of {gaps.size} {where} did not reach tol={tol:.3g}; "
        f"the worst is alpha={alphas[worst]:.4g} with {describe_gap(gaps[worst], tol)}. "
        "Increase max_iter, loosen tol, or standardize badly scaled features.",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )
