"""The estimators on Dask or Spark data: ``fit`` through
:class:`~shrinkage.distributed.api.DistributedProblem` (its one pass of statistics, or its
passes of Newton steps), ``predict`` lazily, block by block.

What the estimators share on distributed data is here, so that each ``fit`` and
``predict`` gains one test (:func:`~shrinkage.distributed.engines.is_distributed`) and one
call:

- :func:`distributed_inputs`: ``X``, ``y`` and ``sample_weight`` as the arguments of
  :class:`~shrinkage.distributed.api.DistributedProblem` (``y`` and ``sample_weight`` may
  name DataFrame columns, or be Dask data aligned with ``X``);
- :func:`fit_distributed`: one certified fit at ``alpha``, with the fitted attributes of
  the in-memory fit;
- :func:`fit_distributed_cv`: K-fold CV, one :meth:`DistributedProblem.cv` per
  ``l1_ratio`` on the same kept statistics (one pass for the squared loss), then the
  refit at the chosen (α, ρ);
- :func:`dask_linear_predictor` and :func:`blockwise`: ``X @ coef_ + intercept_`` and
  what follows from it, as lazy Dask arrays; :func:`dask_score` from their block sums.

Folds of distributed data are a seeded hash of each row's position, with
``random_state`` the seed: a splitter object, ``groups`` or a custom ``scoring`` cannot be
honoured and raise a ``ValueError`` that says so.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ..defaults import CV_FOLDS
from ..path.api import is_distributed

__all__ = [
    "blockwise",
    "dask_linear_predictor",
    "dask_score",
    "distributed_inputs",
    "fit_distributed",
    "fit_distributed_cv",
    "is_distributed",
]

# The column names of Dask data joined into a Dask DataFrame as its target and weights.
_TARGET, _WEIGHT = "__shrinkage_target__", "__shrinkage_weight__"


def _is_partitioned(X) -> bool:
    from ..distributed.blocks import PartitionedData

    return isinstance(X, PartitionedData)


def _is_frame(X) -> bool:
    return hasattr(X, "columns") and not _is_partitioned(X)


def _is_spark(X) -> bool:
    return type(X).__module__.startswith("pyspark.")


def _joined(frame, values, name):
    """``(frame, column)``: ``values`` a column name, or a Dask Series or array joined
    into the Dask DataFrame ``frame`` as the column ``name``."""
    if isinstance(values, str):
        return frame, values
    if not hasattr(values, "dask"):
        raise ValueError(
            "with a Dask DataFrame X, pass the target (and weights) as column names, "
            "model.fit(df, 'y', sample_weight='w'), or as Dask data aligned with X."
        )
    if not hasattr(values, "index"):  # a Dask array: a Series on the frame's index
        import dask.dataframe as dd

        values = dd.from_dask_array(values.reshape(-1), index=frame.index)
    return frame.assign(**{name: values}), name


def distributed_inputs(X, y=None, sample_weight=None) -> dict:
    """The keyword arguments of :class:`~shrinkage.distributed.api.DistributedProblem`
    for the ``X``, ``y`` and ``sample_weight`` a user passes to ``fit``.

    With a DataFrame (Dask or Spark), ``y`` and ``sample_weight`` are column names (with
    Dask, also Dask Series or arrays aligned with ``X``, joined into it); with a Dask
    array, arrays; with a ``PartitionedData``, which holds them, None.

    Examples
    --------
    >>> import dask.dataframe as dd, pandas as pd
    >>> frame = dd.from_pandas(pd.DataFrame({"a": [1.0, 2.0], "y": [0.0, 1.0]}), npartitions=1)
    >>> inputs = distributed_inputs(frame, "y")
    >>> inputs["target"], inputs["weight"]
    ('y', None)
    """
    if _is_partitioned(X):
        if y is not None or sample_weight is not None:
            raise ValueError(
                "a PartitionedData (e.g. from shrinkage.read_parquet) holds its target and "
                "weights: call fit(data) without y and sample_weight."
            )
        return dict(data=X)
    if not _is_frame(X):
        if isinstance(y, str) or isinstance(sample_weight, str):
            raise ValueError("y and sample_weight name columns only when X is a DataFrame.")
        return dict(data=X, y=y, sample_weight=sample_weight)
    if y is None:
        raise ValueError("with a DataFrame X, name the target column: model.fit(df, 'y').")
    if _is_spark(X) and not (isinstance(y, str) and isinstance(sample_weight, str | None)):
        raise ValueError(
            "with a Spark DataFrame, name the target (and weight) columns: "
            "model.fit(df, 'y', sample_weight='w'); arrays cannot be aligned with its rows."
        )
    X, target = _joined(X, y, _TARGET)
    weight = None
    if sample_weight is not None:
        X, weight = _joined(X, sample_weight, _WEIGHT)
    return dict(data=X, target=target, weight=weight)


def _problem(estimator, X, y, sample_weight, **options):
    """The :class:`DistributedProblem` of the data, with ``n_features_in_`` and
    ``feature_names_in_`` (the data's column names, after one-hot encoding) set."""
    from ..distributed.api import DistributedProblem

    inputs = distributed_inputs(X, y, sample_weight)
    problem = DistributedProblem(**inputs, loss=estimator._loss, **options)
    names = problem.feature_names
    estimator.n_features_in_ = len(names)
    if names != [f"x{j}" for j in range(len(names))]:  # a DataFrame's (or named) columns
        estimator.feature_names_in_ = np.asarray(names, dtype=object)
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    estimator._frame_columns = (
        None if not _is_frame(X) else tuple(c for c in inputs["data"].columns
                                             if c not in (inputs["target"], inputs["weight"]))
    )  # fmt: skip
    return problem


def _fit_options(estimator) -> dict:
    return dict(fit_intercept=estimator.fit_intercept, standardize=estimator.standardize,
                tol=estimator.tol, max_iter=estimator.max_iter)  # fmt: skip


def _store(estimator, result):
    """The fitted attributes of a certified fit (``classes_`` [0, 1] for a classifier)."""
    if estimator._loss == "logistic":
        estimator.classes_ = np.array([0, 1])
    else:
        estimator.solver_ = result.solver
    estimator._store_solution(result)


def fit_distributed(estimator, X, y=None, sample_weight=None):
    """``estimator.fit(X, y, sample_weight)`` for distributed ``X``: one certified fit at
    ``estimator.alpha`` (a ``ConvergenceWarning`` as in memory when it misses ``tol``).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import Lasso
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4)); y = X @ [1.0, 0, -2.0, 0] + rng.normal(size=200)
    >>> model = Lasso(alpha=0.1).fit(ArrayBlocks(X, y, n_partitions=4))
    >>> bool(np.allclose(model.coef_, Lasso(alpha=0.1).fit(X, y).coef_, atol=1e-3))
    True
    """
    problem = _problem(estimator, X, y, sample_weight)
    result = problem.fit(estimator.alpha, estimator._penalty(), **_fit_options(estimator))
    estimator._warn_unconverged(result, stacklevel=5)
    _store(estimator, result)
    return estimator


def _check_cv_options(estimator, groups) -> int:
    """The number of folds, after refusing what hashed folds cannot honour."""
    why = ("distributed rows go to folds by a seeded hash of their position "
           "(random_state is the seed)")  # fmt: skip
    cv = estimator.cv
    if cv is not None and (not isinstance(cv, Integral) or isinstance(cv, bool)):
        raise ValueError(f"with distributed data cv must be an int or None: {why}, so a "
                         f"splitter or a list of splits ({type(cv).__name__}) cannot be "
                         "used.")  # fmt: skip
    if groups is not None:
        raise ValueError(f"groups cannot be used with distributed data: {why}.")
    if estimator.scoring is not None:
        raise ValueError(
            "with distributed data the CV error is the held-out squared error (deviance "
            "for the logistic loss), summed block by block: scoring must be None."
        )
    if not isinstance(estimator.random_state, Integral):
        raise ValueError(f"with distributed data random_state must be an int: {why}.")
    return CV_FOLDS if cv is None else int(cv)


def _padded(rows, fill=np.nan):
    """Rows of different lengths as one array, padded at the end with ``fill``."""
    width = max(np.shape(row)[-1] for row in rows)
    out = np.full((len(rows), *np.shape(rows[0])[:-1], width), fill, dtype=np.float64)
    for k, row in enumerate(rows):
        out[k, ..., : np.shape(row)[-1]] = row
    return out


def fit_distributed_cv(estimator, X, y=None, sample_weight=None, groups=None):
    """``estimator.fit`` of a CV class for distributed ``X``.

    One :meth:`~shrinkage.distributed.api.DistributedProblem.cv` per ρ of the
    ``l1_ratio`` grid, on one problem whose statistics are kept (the squared loss reads
    the data once for every ρ, the folds and the refit); the ρ of least mean CV error
    wins, as in memory. Each ρ's grid is extended on its own when its least error sits
    at an end; shorter rows of ``cv_alphas_`` and the curves are then padded with NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import ElasticNetCV
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 5)); y = X @ [2.0, 0, 0, -1.0, 0] + rng.normal(size=300)
    >>> data = ArrayBlocks(X, y, n_partitions=3)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=20).fit(data)
    >>> np.flatnonzero(model.coef_).tolist(), model.cv_mean_.shape[0], data.passes
    ([0, 3], 2, 1)
    """
    from ..selection._common import grid_edge

    n_folds = _check_cv_options(estimator, groups)
    problem = _problem(estimator, X, y, sample_weight, n_folds=n_folds,
                       seed=int(estimator.random_state))  # fmt: skip
    ratios = estimator._l1_ratios()
    penalties = estimator._penalties(ratios)
    options = _fit_options(estimator)
    results = [
        problem.cv(penalty, n_folds=n_folds, alphas=estimator.alphas,
                   n_alphas=estimator.n_alphas, alpha_min_ratio=estimator.alpha_min_ratio,
                   selection=estimator.selection, **options)
        for penalty in penalties
    ]  # fmt: skip
    best = int(np.argmin([np.nanmin(result.mean) for result in results]))
    chosen = results[best]
    n_active = [result.fold_n_active for result in results]  # (n_folds, n_alphas) each
    estimator.alpha_grid_extended_ = chosen.alpha_grid_extended
    estimator.alpha_at_edge_ = grid_edge(chosen.index_min, chosen.alphas.size,
                                         n_active[best].mean(axis=0))  # fmt: skip
    estimator.alpha_min_ = float(chosen.alphas[chosen.index_min])
    estimator.alpha_1se_ = float(chosen.alphas[chosen.index_1se])
    estimator.alpha_ = chosen.alpha_
    estimator.l1_ratio_ = float(ratios[best])
    estimator.n_folds_ = n_folds
    estimator._store_curves(
        _padded([r.alphas for r in results]), ratios, _padded([r.mean for r in results]),
        _padded([r.std_error for r in results]), _padded([r.fold_errors for r in results]),
        _padded(n_active),
    )  # fmt: skip
    refit = problem.fit(chosen.alpha_, penalties[best], **options)
    if estimator._loss == "logistic":
        estimator.classes_ = np.array([0, 1])
    estimator._store_refit(refit, stacklevel=5)
    return estimator


def _frame_matrix(partition, layout, partition_info=None):
    """The feature matrix of one pandas partition, encoded as the fit encoded it."""
    from ..distributed.engines.dask_blocks import _frame_block

    number = 0 if partition_info is None else partition_info["number"]
    block = _frame_block(partition.assign(**{_TARGET: 0.0}), number, layout)
    return np.empty((0, len(layout.feature_names))) if block is None else block.X


def _frame_predictor(partition, layout, coef, intercept, partition_info=None):
    import pandas as pd

    matrix = _frame_matrix(partition, layout, partition_info)
    return pd.Series(np.asarray(matrix @ coef).ravel() + intercept, index=partition.index)


def dask_linear_predictor(estimator, X, coef, intercept):
    """``X @ coef + intercept`` as a lazy Dask array, block by block; a Dask DataFrame's
    columns encoded as the fit encoded them (categoricals one-hot).

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> from shrinkage import Ridge
    >>> model = Ridge(alpha=0.1).fit(np.eye(3), [1.0, 2.0, 3.0])
    >>> lazy = model.predict(da.from_array(np.eye(3), chunks=(2, 3)))
    >>> bool(np.allclose(lazy.compute(), model.predict(np.eye(3))))
    True
    """
    if _is_spark(X):
        raise TypeError(
            "predict on a Spark DataFrame is not supported: score its rows with "
            "model.coef_ and model.intercept_ (in the order of model.feature_names_in_), "
            "e.g. in a Spark SQL expression."
        )
    if _is_partitioned(X):
        raise TypeError("predict takes arrays or Dask data, not a PartitionedData.")
    coef = np.asarray(coef, dtype=np.float64)
    if not _is_frame(X):
        if X.ndim != 2 or X.shape[1] != coef.size:
            raise ValueError(f"X has shape {X.shape}, but {type(estimator).__name__} was "
                             f"fitted on {coef.size} features.")  # fmt: skip
        X = X.rechunk({1: -1}) if X.numblocks[1] > 1 else X
        return X.map_blocks(lambda block: np.asarray(block @ coef).ravel() + intercept,
                            drop_axis=1, dtype=np.float64)  # fmt: skip
    from ..distributed.engines.dask_blocks import _frame_layout

    columns = getattr(estimator, "_frame_columns", None)
    if columns is None:  # fitted on a pandas DataFrame: its named columns, if any
        columns = getattr(estimator, "feature_names_in_", None)
    features = [c for c in X.columns if c != _TARGET] if columns is None else list(columns)
    layout = _frame_layout(X.assign(**{_TARGET: 0.0}), _TARGET, None, features)
    expected = getattr(estimator, "feature_names_in_", None)
    if len(layout.feature_names) != coef.size or (
        expected is not None and list(layout.feature_names) != list(expected)
    ):
        raise ValueError(
            f"the DataFrame's columns encode as {list(layout.feature_names)}, not as the "
            f"{coef.size} features the model was fitted on"
            + ("" if expected is None else f" ({list(expected)})") + "."
        )  # fmt: skip
    scores = X.map_partitions(_frame_predictor, layout, coef, float(intercept),
                              meta=(None, np.float64))  # fmt: skip
    return scores.to_dask_array()


def blockwise(function, values):
    """``function(values)``, one block at a time when ``values`` is a Dask array (the
    blocks of a 1-D array give the blocks of the result, of any trailing shape).

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> pairs = blockwise(lambda z: np.column_stack([z, -z]), da.arange(4.0, chunks=2))
    >>> pairs.chunks, pairs.compute()[:, 1].tolist()
    (((2, 2), (2,)), [-0.0, -1.0, -2.0, -3.0])
    """
    if not hasattr(values, "map_blocks"):
        return function(values)
    sample = function(np.zeros(1))
    return values.map_blocks(function, dtype=sample.dtype,
                             new_axis=list(range(1, sample.ndim)) or None,
                             chunks=(values.chunks[0], *sample.shape[1:]))  # fmt: skip


def _block_sums(prediction, y, *weight):
    """``[Σs, Σsy, Σsy², Σs(y − ŷ)², Σs·[ŷ = y]]`` of one block, as a row."""
    s = weight[0] if weight else np.ones(y.shape[0])
    return np.array([[s.sum(), s @ y, s @ y**2, s @ (y - prediction) ** 2,
                      s @ (prediction == y)]])  # fmt: skip


def _aligned(X, values, prediction):
    """``values`` (a column name, Dask or NumPy data) as a Dask array of the blocks of
    ``prediction``."""
    import dask.array as da

    if isinstance(values, str):
        if not _is_frame(X):
            raise ValueError("y and sample_weight name columns only when X is a DataFrame.")
        return X[values].to_dask_array()
    if hasattr(values, "to_dask_array"):
        return values.to_dask_array()
    if isinstance(values, da.Array):
        return values.reshape(-1).rechunk(prediction.chunks)
    return da.from_array(np.asarray(values, dtype=np.float64).reshape(-1),
                         chunks=prediction.chunks)  # fmt: skip


def dask_score(estimator, X, y, sample_weight=None) -> float:
    """``score`` of Dask data from block sums, computed at once: the (weighted) R² of a
    regressor, the (weighted) accuracy of a classifier.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> from shrinkage import Ridge
    >>> X, y = np.arange(12.0).reshape(6, 2), np.array([1.0, 2, 2, 4, 5, 7])
    >>> model = Ridge(alpha=0.1).fit(X, y)
    >>> lazy = da.from_array(X, chunks=(2, 2))
    >>> bool(np.isclose(model.score(lazy, da.from_array(y, chunks=3)), model.score(X, y)))
    True
    """
    import dask.array as da

    prediction = estimator.predict(X)
    columns = [_aligned(X, values, prediction) for values in (y, sample_weight)
               if values is not None]  # fmt: skip
    if len(columns) < 1:
        raise ValueError("score needs the target y.")
    blocks = ((1,) * prediction.numblocks[0], (5,))
    sums = da.map_blocks(_block_sums, prediction, *columns, new_axis=1, chunks=blocks,
                         dtype=np.float64).sum(axis=0).compute()  # fmt: skip
    if estimator._loss == "logistic":
        return float(sums[4] / sums[0])
    return float(1.0 - sums[3] / (sums[2] - sums[1] ** 2 / sums[0]))
