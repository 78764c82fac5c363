"""The same Parquet data fitted on Dask (a LocalCluster), on Spark (local[2]) and in memory:
the paths agree to 1e-8 relative objective at every α, for each strategy."""

import numpy as np
import pandas as pd
import pytest

from shrinkage import path
from shrinkage.distributed import DistributedProblem, read_parquet
from shrinkage.penalties import ElasticNetPenalty

distributed = pytest.importorskip("distributed")

pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    # dask's Parquet reader on pandas 3.1 (a deprecation inside dask, not ours)
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index"),
]

N, P = 900, 6


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """A Parquet directory of three files, the target continuous and a 0/1 label."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, P)) * [1, 2, 0.5, 1, 3, 1] + [0, 5, 0, -2, 0, 1]
    y = X @ [1.5, 0, -2, 0, 0.3, 0] + rng.normal(size=N) + 3
    label = (X[:, 0] - X[:, 2] + rng.normal(size=N) > 0).astype(float)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(P)])
    frame["y"], frame["label"], frame["w"] = y, label, rng.uniform(0.5, 2, N)
    directory = tmp_path_factory.mktemp("lake")
    for k, part in enumerate(np.array_split(np.arange(N), 3)):
        frame.iloc[part].to_parquet(directory / f"part-{k}.parquet", index=False)
    return directory, frame


@pytest.fixture(scope="module")
def dask_client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)  # fmt: skip
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _objectives(X, y, s, result, loss):
    """The objective of every point of ``result``, recomputed here."""
    s = s / s.mean()
    values = []
    for k, alpha in enumerate(result.alphas):
        coef, b = result.dense_coefs()[k], result.intercepts[k]
        z = X @ coef + b
        if loss == "squared":
            fit = s @ (y - z) ** 2 / (2 * len(y))
        else:
            fit = s @ np.logaddexp(0.0, -(2 * y - 1) * z) / len(y)
        a, w2 = result.penalty.weights(alpha, X.shape[1])
        values.append(fit + a @ np.abs(coef) + 0.5 * w2 @ coef**2)
    return np.array(values)


CASES = [("squared", "statistics"), ("squared", "working_set"), ("logistic", "auto")]


@pytest.mark.parametrize("loss, strategy", CASES)
@pytest.mark.parametrize("engine", ["dask", "spark"])
def test_engine_path_equals_the_in_memory_path(lake, engine, loss, strategy, request):
    request.getfixturevalue("dask_client" if engine == "dask" else "spark")
    directory, frame = lake
    target = "y" if loss == "squared" else "label"
    features = [f"x{j}" for j in range(P)]
    data = read_parquet(directory, target, engine=engine, weight="w", features=features)
    penalty = ElasticNetPenalty(0.7)
    result = DistributedProblem(data, loss=loss, strategy=strategy).path(
        penalty, n_alphas=12, tol=1e-10
    )
    X, y, s = frame[features].to_numpy(), frame[target].to_numpy(), frame["w"].to_numpy()
    reference = path(X, y, penalty, loss=loss, sample_weight=s, alphas=result.alphas,
                     tol=1e-12)  # fmt: skip
    ours = _objectives(X, y, s, result, loss)
    best = _objectives(X, y, s, reference, loss)
    assert np.all(ours - best <= 1e-8 * np.abs(best))
    assert np.all(result.relative_gaps <= 1e-10)
    assert list(result.feature_names) == features
