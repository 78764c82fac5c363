"""Benchmark problems for lasso paths, all seeded and without intercept.

Each :class:`Problem` holds ``X`` (dense Fortran-ordered float64, or sparse CSC float64 —
the layout coordinate-descent solvers work on, so no solver pays for a conversion the
others do not), ``y`` and its α grid: 100 values log-spaced from
``alpha_max = ‖Xᵀy‖∞ / n`` down to ``alpha_min_ratio · alpha_max``. The objective is
``1/(2n)‖y − Xw‖² + α‖w‖₁`` throughout.

Real data come from ``/work/shared/data`` (override with ``SHRINKAGE_DATA``); a problem
whose file is missing is skipped by the runner with a message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

DATA = Path(os.environ.get("SHRINKAGE_DATA", "/work/shared/data"))
N_ALPHAS = 100


@dataclass
class Problem:
    name: str
    X: np.ndarray | sp.csc_matrix
    y: np.ndarray
    alpha_min_ratio: float
    description: str

    @property
    def alpha_max(self) -> float:
        n = self.X.shape[0]
        return float(np.max(np.abs(self.X.T @ self.y)) / n)

    @property
    def alphas(self) -> np.ndarray:
        return np.geomspace(self.alpha_max, self.alpha_max * self.alpha_min_ratio, N_ALPHAS)

    @property
    def shape(self) -> tuple[int, int]:
        return self.X.shape

    @property
    def nbytes(self) -> int:
        """Size of X as given to the solvers (dense array or CSC data + indices + indptr)."""
        if sp.issparse(self.X):
            return self.X.data.nbytes + self.X.indices.nbytes + self.X.indptr.nbytes
        return self.X.nbytes


def _load_sparse(name):
    z = np.load(DATA / f"{name}.npz")
    X = sp.csr_matrix((z["X_data"], z["X_indices"], z["X_indptr"]), shape=tuple(z["X_shape"]))
    y = z["y_binary"] if "y_binary" in z.files else z["y"]
    return X, np.asarray(y, dtype=np.float64)


def _dense(X):
    return np.asfortranarray(X, dtype=np.float64)


def _csc(X):
    X = sp.csc_matrix(X, dtype=np.float64)
    X.sort_indices()
    return X


def _drop_empty_columns(X):
    X = sp.csc_matrix(X)
    keep = np.flatnonzero(np.diff(X.indptr) > 0)
    return X[:, keep]


def leukemia(quick=False):
    z = np.load(DATA / "leukemia.npz")
    X = np.asarray(z["X"], dtype=np.float64)
    if quick:
        X = X[:, :1000]
    std = X.std(axis=0)
    std[std == 0] = 1.0
    X = (X - X.mean(axis=0)) / std  # standardised columns, as in published lasso paths
    y = 2.0 * np.asarray(z["y"], dtype=np.float64) - 1.0  # ±1 labels, as LIBSVM `leu`
    return X, y, "leukemia 72×7129, columns standardised, y = ±1 (AML = +1)"


def riboflavin(quick=False):
    z = np.load(DATA / "riboflavin.npz")
    X = np.asarray(z["X"], dtype=np.float64)
    if quick:
        X = X[:, :1000]
    return X, np.asarray(z["y"], dtype=np.float64), "riboflavin 71×4088, raw (log) data"


def rcv1_small(quick=False):
    X, y = _load_sparse("rcv1_small")
    if quick:
        X = X[:, :10000]
    return _drop_empty_columns(X), y, "rcv1_small 1500×47236 sparse, 0/1 label as target"


def news20_bow(quick=False):
    X, y = _load_sparse("news20_bow")
    if quick:
        X, y = X[:2000, :20000], y[:2000]
    return _drop_empty_columns(X), y, "news20_bow 18846×130108 sparse, y_binary as target"


def toeplitz(quick=False, rho=0.6, n_nonzero=20, snr=3.0, seed=0):
    n, p = (100, 500) if quick else (500, 5000)
    rng = np.random.default_rng(seed)
    # AR(1) columns give corr(X_i, X_j) = rho^|i-j| without forming the p×p Toeplitz matrix
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    scale = np.sqrt(1.0 - rho**2)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + scale * Z[:, j]
    w = np.zeros(p)
    support = rng.choice(p, n_nonzero, replace=False)
    w[support] = rng.choice([-1.0, 1.0], n_nonzero) * rng.uniform(0.5, 1.5, n_nonzero)
    signal = X @ w
    y = signal + rng.standard_normal(n) * np.std(signal) / np.sqrt(snr)
    return X, y, f"Toeplitz ρ={rho} {n}×{p}, {n_nonzero} true non-zeros, SNR {snr}"


def tall_dense(quick=False, n_nonzero=50, seed=1):
    n, p = (1000, 100) if quick else (10_000, 1000)
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    w = np.zeros(p)
    w[rng.choice(p, n_nonzero, replace=False)] = rng.standard_normal(n_nonzero)
    y = X @ w + rng.standard_normal(n)
    return X, y, f"tall dense Gaussian {n}×{p}, {n_nonzero} true non-zeros"


def diabetes(quick=False):
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y - y.mean(), "diabetes 442×10, standardised columns (correlated: 0.9 at most)"


def sparse_synthetic(quick=False, density=1e-3, n_nonzero=100, seed=2):
    n, p = (2000, 5000) if quick else (20_000, 50_000)
    if quick:
        density = 1e-2
    rng = np.random.default_rng(seed)
    X = sp.random(
        n, p, density=density, format="csc", random_state=rng, data_rvs=rng.standard_normal
    )
    w = np.zeros(p)
    w[rng.choice(p, n_nonzero, replace=False)] = rng.standard_normal(n_nonzero)
    y = X @ w + 0.1 * rng.standard_normal(n)
    return X, y, f"sparse Gaussian {n}×{p}, density {density:g}, {n_nonzero} true non-zeros"


_FILES = {
    "leukemia": "leukemia",
    "riboflavin": "riboflavin",
    "rcv1_small": "rcv1_small",
    "news20_bow": "news20_bow",
}


def available(name: str) -> bool:
    """Whether the data of problem ``name`` are present (synthetic ones always are)."""
    stem = _FILES.get(name.split("@")[0])
    return stem is None or (DATA / f"{stem}.npz").exists()


# name -> (builder, alpha_min_ratio); "@1e-2" variants stop the path at 1e-2·α_max
REGISTRY = {
    "leukemia": (leukemia, 1e-3),
    "riboflavin": (riboflavin, 1e-3),
    "rcv1_small@1e-2": (rcv1_small, 1e-2),
    "rcv1_small@1e-3": (rcv1_small, 1e-3),
    "news20_bow@1e-2": (news20_bow, 1e-2),
    "news20_bow@1e-3": (news20_bow, 1e-3),
    "toeplitz": (toeplitz, 1e-3),
    "tall_dense": (tall_dense, 1e-3),
    "diabetes": (diabetes, 1e-3),
    "sparse_synthetic@1e-2": (sparse_synthetic, 1e-2),
    "sparse_synthetic@1e-3": (sparse_synthetic, 1e-3),
}


def load(name: str, quick: bool = False) -> Problem:
    """Build problem ``name`` (a key of :data:`REGISTRY`); ``quick`` gives a small version."""
    if name not in REGISTRY:
        raise ValueError(f"unknown problem {name!r}; choose from {sorted(REGISTRY)}")
    builder, ratio = REGISTRY[name]
    X, y, description = builder(quick=quick)
    X = _csc(X) if sp.issparse(X) else _dense(X)
    if quick:
        description = "QUICK " + description
    return Problem(name, X, np.ascontiguousarray(y, dtype=np.float64), ratio, description)
