"""What each speed-up of the logistic path contributes: switch one off at a time.

    python benchmarks/ablation_logistic.py
    python benchmarks/ablation_logistic.py --datasets a9a --l1-ratios 1 0.5 --repeat 5

The problems, grid (20 or ``--n-alphas`` α from α_max to 1e-2·α_max) and one-thread rule
of ``logistic_paths.py``; ``tol`` the relative duality gap certified at every α (1e-6 by
default), re-checked here from the returned coefficients by
:func:`shrinkage.certificates.certify_logistic`. Each configuration is the median of
``--repeat`` runs after a warm-up, in one process (compile time excluded), the
configurations interleaved (each round runs every one) so that the machine's drift falls
on all alike:

* ``auto`` — the compiled path with everything on;
* ``python loop`` — the same proximal-Newton steps driven from Python, one kernel call at
  a time (the loop the compiled path replaces);
* ``no Gram`` — every working set solved by CD epochs on the columns and conjugate-
  gradient face steps, never on the weighted Gram matrix;
* ``no working sets`` — every Newton step on all p features;
* ``no warm start`` — every α from zero;
* ``no prediction`` — every α from the last solution, never from the secant through the
  last two (:mod:`shrinkage._kernels.prediction`);
* ``no kept curvature`` — a new weighted Gram matrix at every Gram step, never the last
  step's curvature (proximal quasi-Newton steps);
* ``exact intercept dual`` — the intercept's dual point solved to the end at every
  certificate, not stopped once the next Newton step would gain 1/10 of the target gap;
* ``certified starts`` — every α's start certified before its first step, also where
  the last α's start proved more than the target gap from its solution;
* ``fixed forcing term`` — every Newton model solved to the same fraction of its
  working set's target, never loosened where single steps overshoot the target gap;
* ``full certificates`` — every certificate reads all of X, none settles a column by
  the bound of :mod:`shrinkage._kernels.dual_bounds` (and no start is certified for
  that reason);
* ``new working sets`` — every outer iteration chooses its working set afresh (doubled),
  never keeps the last one and its curvature when the gap is within a few times the
  target;
* ``filled working sets`` — a working set smaller than its size takes, after the
  features that violate their KKT condition, the first features that meet it.

There is no ``no screening`` row: the logistic path counts the features the gap-safe test
proves zero (``n_screened``) but its working sets, not the test, decide what is solved.
Printed: median seconds, the ratio to ``auto``, the Newton steps and the worst gap.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from logistic_paths import DATA, SYNTHETIC, load  # noqa: E402

from shrinkage.certificates import certify_logistic  # noqa: E402
from shrinkage.path import logistic as logistic_path_module  # noqa: E402
from shrinkage.path.logistic import prepare_logistic, prepared_alpha_max  # noqa: E402
from shrinkage.path.logistic_compiled import compiled_path  # noqa: E402
from shrinkage.path.rows import DenseRows  # noqa: E402
from shrinkage.penalties import ElasticNetPenalty  # noqa: E402
from shrinkage.solvers.logistic import COMPILED_SETTINGS  # noqa: E402

DATASETS = ["breast_cancer_wdbc", "leukemia", "a9a", "w8a", "rcv1_small"]
# positions in COMPILED_SETTINGS
POSITIONS = {"first": 0, "gram": 8, "predict": 9, "fidelity": 10, "slack": 11, "starts": 12,
             "ceiling": 13, "lazy": 14, "lazy_starts": 15, "keep": 16,
             "violators": 17}  # fmt: skip


def _settings(**changes):
    values = list(COMPILED_SETTINGS)
    for name, value in changes.items():
        values[POSITIONS[name]] = value
    return tuple(values)


def _compiled(settings=COMPILED_SETTINGS, warm=True):
    def run(data, penalty, alphas, tol):
        rows = DenseRows(np.zeros((alphas.shape[0], data.X.shape[1])))
        if warm:
            points = compiled_path(data, penalty, alphas, tol=tol, max_iter=1000, rows=rows,
                                   screen=False, settings=settings)  # fmt: skip
            return rows.coefs, points
        points = []
        for k, alpha in enumerate(alphas):  # each α alone: from zero
            one = DenseRows(np.zeros((1, data.X.shape[1])))
            points.append(compiled_path(data, penalty, np.array([alpha]), tol=tol,
                                        max_iter=1000, rows=one, screen=False,
                                        settings=settings))  # fmt: skip
            rows.store(k, one.coefs[0])
        return rows.coefs, np.concatenate(points)

    return run


def _python_loop(data, penalty, alphas, tol):
    covers = logistic_path_module.covers
    logistic_path_module.covers = lambda data, penalty: False
    try:
        rows = DenseRows(np.zeros((alphas.shape[0], data.X.shape[1])))
        points = logistic_path_module.solve_path(
            data, penalty, alphas, tol=tol, max_iter=1000, rows=rows, screen=False
        )
        return rows.coefs, points
    finally:
        logistic_path_module.covers = covers


CONFIGS = {
    "auto": _compiled(),
    "python loop": _python_loop,
    "no Gram": _compiled(_settings(gram=0.0)),
    "no working sets": _compiled(_settings(first=1e9, violators=0.0)),
    "no warm start": _compiled(warm=False),
    "no prediction": _compiled(_settings(predict=0.0)),
    "no kept curvature": _compiled(_settings(fidelity=0.0)),
    "exact intercept dual": _compiled(_settings(slack=0.0)),
    "certified starts": _compiled(_settings(starts=0.0)),
    "fixed forcing term": _compiled(_settings(ceiling=COMPILED_SETTINGS[2])),
    "full certificates": _compiled(_settings(lazy=0.0, lazy_starts=0.0)),
    "new working sets": _compiled(_settings(keep=0.0)),
    "filled working sets": _compiled(_settings(violators=0.0)),
}


def worst_gap(X, y, alphas, coefs, intercepts, penalty, fit_intercept):
    worst = 0.0
    for alpha, coef, intercept in zip(alphas, coefs, intercepts, strict=True):
        a, b = penalty.weights(alpha, X.shape[1])
        cert = certify_logistic(X, y, coef, intercept, a, b, fit_intercept=fit_intercept)
        worst = max(worst, cert.relative_gap)
    return worst


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS)
    parser.add_argument("--l1-ratios", nargs="+", type=float, default=[1.0, 0.5])
    parser.add_argument("--intercept", nargs="+", choices=["no", "yes"], default=["yes"])
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--n-alphas", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], choices=list(CONFIGS)[1:])
    args = parser.parse_args(argv)
    print("| data | intercept | l1_ratio | configuration | median s | × auto | Newton steps "
          "| max gap |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for name in args.datasets:
        files = (DATA / f"{name}.npz", DATA / f"{name}.csv")
        if name not in SYNTHETIC and not any(file.exists() for file in files):
            print(f"| {name} | data missing | | | | | | |")
            continue
        X, y = load(name)
        for intercept in args.intercept:
            fit_intercept = intercept == "yes"
            data = prepare_logistic(X, y, None, False, fit_intercept)
            for l1_ratio in args.l1_ratios:
                penalty = ElasticNetPenalty(l1_ratio=l1_ratio)
                alphas = prepared_alpha_max(data, penalty) * np.logspace(0, -2, args.n_alphas)
                runs = {label: run for label, run in CONFIGS.items() if label not in args.skip}
                results = {label: run(data, penalty, alphas, args.tol)  # warm-up
                           for label, run in runs.items()}  # fmt: skip
                times = {label: [] for label in runs}
                for _ in range(args.repeat):  # interleaved: each round runs every config
                    for label, run in runs.items():
                        tick = time.perf_counter()
                        run(data, penalty, alphas, args.tol)
                        times[label].append(time.perf_counter() - tick)
                reference = float(np.median(times["auto"]))
                for label, (coefs, points) in results.items():
                    seconds = float(np.median(times[label]))
                    gap = worst_gap(X, y, alphas, coefs, points["intercept"], penalty,
                                    fit_intercept)  # fmt: skip
                    print(f"| {name} | {intercept} | {l1_ratio:g} | {label} | {seconds:.3g} | "
                          f"{seconds / reference:.2f} | {int(points['n_iter'].sum())} | "
                          f"{gap:.1e} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
