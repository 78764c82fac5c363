"""The distributed peers: dask-ml (dask-glm) and Spark MLlib, in our scaling.

Every adapter reads the same Parquet directory, fits the lasso, the elastic net or the L1
logistic at each α of a grid (one α is a grid of one) without intercept, and returns the
coefficients as an ``(n_alphas, p)`` array with the iteration counts the library reports.

Our objective (no intercept; ρ = l1_ratio)::

    squared:   1/(2n) ‖y − Xw‖² + α (ρ‖w‖₁ + ½(1 − ρ)‖w‖²)
    logistic:  1/n Σ log(1 + exp(x_iᵀw)) − y_i x_iᵀw + α ρ ‖w‖₁

**dask-ml / dask-glm.** ``dask_ml.linear_model.glm`` passes ``lamduh = 1 / self.C`` to
the dask-glm solver (``_get_solver_kwargs``), which minimises the *summed* loss plus
``lamduh · R(w)``: ``Normal.loglike = ((y - Xbeta) ** 2).sum()``, ``Logistic.loglike =
(Xbeta + log1p(exp(-Xbeta))).sum() - dot(y, Xbeta)`` (``dask_glm/families.py``),
``L1.f = abs(beta).sum()``, ``L2.f = (beta**2).sum() / 2`` and ``ElasticNet(weight).f =
weight·L1 + (1 − weight)·L2`` (``dask_glm/regularizers.py``; ``"elastic_net"`` has weight
0.5). Multiplying our objective by 2n (squared) or n (logistic) gives

    squared:   C = 1 / (2 n α),   penalty "l1" (ρ = 1) or "elastic_net" (ρ = 0.5)
    logistic:  C = 1 / (n α)

dask-glm penalises the intercept (it is an appended column of ones), so every fit here is
without intercept (``fit_intercept=False``), on data generated without one. ADMM splits the
rows by chunk and uses ``rho`` (default 1) in each chunk's augmented objective; the
chunk loss has curvature about 2·n_k, so ``rho`` of the order of the rows is where the
primal and dual residuals balance (Boyd et al. 2011, §3.4.1); we use ``rho = n / 8``
(``ADMM_RHO_FRACTION``) and record it. ADMM stops on ``abstol``/``reltol``, the proximal
gradient on ``tol``; the ladder tightens them together.

**Spark MLlib.** The documented objective of ``LinearRegression`` is
``1/(2n) Σ (y_i − x_iᵀw − b)² + regParam (elasticNetParam ‖w‖₁ + ½(1 − elasticNetParam)
‖w‖²)``, but the fit runs on labels divided by their standard deviation σ_y (sample std)
and divides the penalty by σ_y (``LinearRegression.scala``: ``effectiveRegParam =
$(regParam) / yStd``; with ``standardization=False`` the per-feature scales are undone in
the penalty). Back in the original units that is ``1/(2n)‖y − Xw‖² + regParam·enp‖w‖₁ +
regParam(1 − enp)/(2σ_y)‖w‖²``: the L1 part is ours, the L2 part is σ_y times smaller. So

    squared:   regParam = α (ρ + (1 − ρ) σ_y),   elasticNetParam = α ρ / regParam
    logistic:  regParam = α,   elasticNetParam = ρ   (no label scaling for the log-loss)

(the lasso is ``regParam = α, elasticNetParam = 1`` in both). ``fitIntercept=False``,
``standardization=False``; ``solver="normal"`` (a p × p Gram on the driver, then OWL-QN
for the L1 part) or ``"l-bfgs"`` (OWL-QN over the data). The iterations reported are
``summary.totalIterations`` (each at least one pass over the data for l-bfgs).
"""

from __future__ import annotations

import os
import time

import numpy as np

ADMM_RHO_FRACTION = 1 / 8
PEERS = ("dask-ml-admm", "dask-ml-proximal_grad", "spark-normal", "spark-l-bfgs")


# -- conversions -------------------------------------------------------------------------
def dask_ml_C(alpha: float, n: int, loss: str) -> float:
    """dask-ml's ``C`` for our ``alpha`` on ``n`` rows.

    >>> dask_ml_C(0.1, 1000, "squared"), dask_ml_C(0.1, 1000, "logistic")
    (0.005, 0.01)
    """
    return 1.0 / ((2.0 if loss == "squared" else 1.0) * n * alpha)


def dask_ml_penalty(l1_ratio: float) -> str:
    """dask-glm's regulariser name for ``l1_ratio`` (its elastic net is fixed at 0.5)."""
    names = {1.0: "l1", 0.5: "elastic_net"}
    if l1_ratio not in names:
        raise ValueError(f"dask-glm's elastic net has weight 0.5; l1_ratio {l1_ratio}.")
    return names[l1_ratio]


def spark_params(alpha: float, l1_ratio: float, loss: str, y_std: float) -> tuple[float, float]:
    """Spark's ``(regParam, elasticNetParam)`` for our ``(alpha, l1_ratio)``.

    >>> spark_params(0.1, 1.0, "squared", 3.0)
    (0.1, 1.0)
    >>> [round(v, 6) for v in spark_params(0.1, 0.5, "squared", 3.0)]
    [0.2, 0.25]
    """
    if loss == "logistic":
        return float(alpha), float(l1_ratio)
    reg = alpha * (l1_ratio + (1.0 - l1_ratio) * y_std)
    return float(reg), float(alpha * l1_ratio / reg)


# -- dask-ml -------------------------------------------------------------------------------
def dask_arrays(path, features, target, persist=True):
    """X and y of a Parquet directory as Dask arrays (persisted on the cluster when asked,
    as dask-ml's documentation does for data that fit in the workers' memory)."""
    import dask
    import dask.dataframe as dd

    frame = dd.read_parquet(path, columns=[*features, target])
    array = frame.to_dask_array(lengths=True)  # one array: X and y chunked alike
    X, y = array[:, :-1], array[:, -1]
    if persist:
        X, y = dask.persist(X, y)
    return X, y


def dask_ml_estimator(solver, loss, C, l1_ratio, tol, rho):
    from dask_ml.linear_model import LinearRegression, LogisticRegression

    model = LinearRegression if loss == "squared" else LogisticRegression
    kwargs = {"abstol": tol, "reltol": tol * 100, "rho": rho} if solver == "admm" else {}
    return model(penalty=dask_ml_penalty(l1_ratio), C=C, solver=solver, tol=tol,
                 fit_intercept=False, max_iter=10_000, solver_kwargs=kwargs)  # fmt: skip


def fit_dask_ml(solver):
    """The path adapter of dask-ml with ``solver`` ("admm" or "proximal_grad")."""

    def fit(path, features, target, loss, alphas, l1_ratio, tol):
        X, y = dask_arrays(path, features, target)
        n = X.shape[0]
        rho = ADMM_RHO_FRACTION * n
        coefs = []
        for alpha in alphas:
            model = dask_ml_estimator(solver, loss, dask_ml_C(alpha, n, loss), l1_ratio, tol, rho)
            coefs.append(np.asarray(model.fit(X, y).coef_, dtype=np.float64).ravel())
        setting = f"rho={rho:g}, abstol={tol:g}, reltol={tol * 100:g}" if solver == "admm" \
            else f"tol={tol:g}"  # fmt: skip
        return np.array(coefs), {"iterations": None, "setting": setting}

    return fit


def cv_dask_ml(path, features, target, loss, alphas, l1_ratio, tol, n_folds=10,
               solver="admm"):  # fmt: skip
    """Seconds of scikit-learn's ``GridSearchCV`` over the grid (C from the training-fold
    size ``n (k − 1) / k``) with ``n_folds`` folds on the persisted Dask arrays."""
    from sklearn.model_selection import GridSearchCV, KFold

    start = time.perf_counter()
    X, y = dask_arrays(path, features, target)
    n_train = X.shape[0] * (n_folds - 1) / n_folds
    rho = ADMM_RHO_FRACTION * n_train
    base = dask_ml_estimator(solver, loss, 1.0, l1_ratio, tol, rho)
    grid = {"C": [dask_ml_C(a, n_train, loss) for a in alphas]}
    search = GridSearchCV(base, grid, cv=KFold(n_folds, shuffle=False), refit=True)
    search.fit(X, y)
    return time.perf_counter() - start


# -- Spark MLlib ---------------------------------------------------------------------------
def spark_session(cores=2, memory="2g"):
    """A local Spark session on ``cores`` cores (``local[cores]``), its Python workers on
    this interpreter (so they import the same packages)."""
    import sys

    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    return (SparkSession.builder.master(f"local[{cores}]").appName("shrinkage-benchmarks")
            .config("spark.driver.memory", memory).config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(2 * cores)).getOrCreate())  # fmt: skip


def spark_frame(path, features, target):
    """The Parquet directory as Spark's ``features`` vector column and ``label``, cached
    (Spark's own advice for iterative fits)."""
    from pyspark.ml.feature import VectorAssembler
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession() or spark_session()
    frame = session.read.parquet(str(path))
    assembled = VectorAssembler(inputCols=list(features), outputCol="features").transform(frame)
    data = assembled.select("features", assembled[target].alias("label")).cache()
    data.count()
    return data


def spark_estimator(solver, loss, alpha, l1_ratio, tol, y_std):
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.regression import LinearRegression

    reg, mix = spark_params(alpha, l1_ratio, loss, y_std)
    common = dict(regParam=reg, elasticNetParam=mix, fitIntercept=False, standardization=False,
                  tol=tol, maxIter=100_000)  # fmt: skip
    if loss == "logistic":
        return LogisticRegression(family="binomial", **common)
    return LinearRegression(solver=solver, **common)


def label_std(data) -> float:
    from pyspark.sql import functions

    return float(data.select(functions.stddev_samp("label")).first()[0])


def fit_spark(solver):
    """The path adapter of Spark MLlib with ``solver`` ("normal" or "l-bfgs"; the logistic
    loss has one solver, L-BFGS / OWL-QN, and ignores it)."""

    def fit(path, features, target, loss, alphas, l1_ratio, tol):
        data = spark_frame(path, features, target)
        y_std = label_std(data) if loss == "squared" else 1.0
        coefs, iterations = [], 0
        for alpha in alphas:
            model = spark_estimator(solver, loss, alpha, l1_ratio, tol, y_std).fit(data)
            coefs.append(model.coefficients.toArray())
            iterations += model.summary.totalIterations
        data.unpersist()
        return np.array(coefs), {"iterations": iterations, "setting": f"tol={tol:g}"}

    return fit


def cv_spark(path, features, target, loss, alphas, l1_ratio, tol, n_folds=10,
             solver="l-bfgs"):  # fmt: skip
    """Seconds of ``CrossValidator`` (``n_folds`` folds, the grid as ParamMaps)."""
    from pyspark.ml.evaluation import BinaryClassificationEvaluator, RegressionEvaluator
    from pyspark.ml.tuning import CrossValidator, ParamGridBuilder

    start = time.perf_counter()
    data = spark_frame(path, features, target)
    y_std = label_std(data) if loss == "squared" else 1.0
    estimator = spark_estimator(solver, loss, alphas[0], l1_ratio, tol, y_std)
    pairs = [spark_params(a, l1_ratio, loss, y_std) for a in alphas]
    builder = ParamGridBuilder()
    grid = [builder.build()[0] | {estimator.regParam: r, estimator.elasticNetParam: m}
            for r, m in pairs]  # fmt: skip
    evaluator = RegressionEvaluator() if loss == "squared" else BinaryClassificationEvaluator()
    CrossValidator(estimator=estimator, estimatorParamMaps=grid, evaluator=evaluator,
                   numFolds=n_folds, seed=0).fit(data)  # fmt: skip
    data.unpersist()
    return time.perf_counter() - start


FIT = {
    "dask-ml-admm": fit_dask_ml("admm"),
    "dask-ml-proximal_grad": fit_dask_ml("proximal_grad"),
    "spark-normal": fit_spark("normal"),
    "spark-l-bfgs": fit_spark("l-bfgs"),
}
CV = {
    "dask-ml-admm": lambda *a, **k: cv_dask_ml(*a, solver="admm", **k),
    "dask-ml-proximal_grad": lambda *a, **k: cv_dask_ml(*a, solver="proximal_grad", **k),
    "spark-normal": lambda *a, **k: cv_spark(*a, solver="normal", **k),
    "spark-l-bfgs": lambda *a, **k: cv_spark(*a, solver="l-bfgs", **k),
}
