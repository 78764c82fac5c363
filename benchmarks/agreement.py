"""Same solutions: our path against scikit-learn's ``lasso_path`` at tight tolerance.

    python benchmarks/agreement.py                       # the problems where sklearn is quick
    python benchmarks/agreement.py --problems toeplitz --tol 1e-8

For every α of the grid, the objective ``P(w) = ‖y − Xw‖²/(2n) + α‖w‖₁`` of both
solutions, and the worst ``|P_ours − P_sklearn| / P(0)`` over the grid; both paths'
relative duality gaps are recomputed here (``certify.py``). Because each objective lies
within its certified gap above the optimum, two paths certified to 1e-6 agree to 1e-6 in
objective at every α whatever the solver: this script shows it directly.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from certify import relative_gaps  # noqa: E402
from problems import available, load  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402

QUICK = ["rcv1_small@1e-2", "news20_bow@1e-2", "tall_dense", "sparse_synthetic@1e-2"]


def objectives(X, y, alphas, coefs):
    residuals = y[:, None] - np.asarray(X @ coefs.T)
    n = X.shape[0]
    return (residuals**2).sum(axis=0) / (2 * n) + alphas * np.abs(coefs).sum(axis=1)


def main(argv=None):
    from sklearn.linear_model import lasso_path

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", nargs="+", default=QUICK)
    parser.add_argument("--tol", type=float, default=1e-8, help="both solvers' tolerance")
    args = parser.parse_args(argv)
    print("| problem | max gap ours | max gap sklearn | max |P_ours − P_sklearn| / P(0) |")
    print("|---|---|---|---|")
    for name in args.problems:
        if not available(name):
            continue
        problem = load(name)
        X, y, alphas = problem.X, problem.y, problem.alphas
        ours = shrinkage.path(X, y, L1(), alphas=alphas, fit_intercept=False, tol=args.tol)
        gram = not sp.issparse(X) and X.shape[0] > X.shape[1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, theirs, _ = lasso_path(
                X, y, alphas=alphas, tol=args.tol, max_iter=100_000, precompute=gram
            )
        theirs = np.asarray(theirs).T
        p0 = y @ y / (2 * X.shape[0])
        ours_p = objectives(X, y, alphas, ours.coefs)
        difference = np.abs(ours_p - objectives(X, y, alphas, theirs))
        print(f"| {name} | {relative_gaps(X, y, alphas, ours.coefs).max():.1e} | "
              f"{relative_gaps(X, y, alphas, theirs).max():.1e} | "
              f"{difference.max() / p0:.1e} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
