"""Distributed fits against dask-ml and Spark MLlib: time to a certified precision.

For each problem (lasso, elastic net with l1_ratio 0.5, L1 logistic; no intercept, on the
tall dense set of ``distributed_data.py``), each task (one α, a 20-α path, a 10-fold CV
of the path) and each solver (shrinkage on a Dask ``LocalCluster`` of 2 workers × 1
thread, shrinkage on Spark ``local[2]``, each peer of ``distributed_peers.py``), it
reports the median wall time (from the Parquet directory to the coefficients) at the
loosest of the solver's own tolerances whose worst relative suboptimality
``(P(w) − P*) / P(0)`` over the grid is ≤ 1e-6, the data passes, the peak memory and the
ratio to shrinkage on Dask.

P* is the objective of the in-memory ``shrinkage.path`` at tol 1e-12 (relative duality
gap, so P* is within 1e-12·P(0) of the optimum). Every solver's objective, ours and the
reference included, is computed by the benchmark in one extra streaming pass over the
Parquet files (``objectives``), in our scaling, from the returned coefficients only.
CV is timed only (its folds differ between libraries). Repeats are interleaved (one run
of every solver per round), medians reported; the tolerance search's first fit is the
warm-up (numba's cache load and the JVM start stay out of the medians).

Run pinned to two cores with one thread per worker::

    taskset -c 0,1 python benchmarks/distributed.py --rows 2000000
    taskset -c 0,1 python benchmarks/distributed.py --rows 20000 --repeats 1 --tasks one path
    taskset -c 0,1 python benchmarks/distributed.py --out-of-core /data/dist
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import psutil  # noqa: E402
import pyarrow.dataset as pads  # noqa: E402

# This file's name is Dask's ``distributed`` package's: its directory goes to the end of
# the path, so that ``import distributed`` finds the package and the helpers are found too.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]
import distributed_data  # noqa: E402
import distributed_peers  # noqa: E402

TARGET = 1e-6
N_ALPHAS = 20
PROBLEMS = {  # name: (loss, l1_ratio, target column)
    "lasso": ("squared", 1.0, "y"),
    "enet": ("squared", 0.5, "y"),
    "logistic": ("logistic", 1.0, "label"),
}
TASKS = ("one", "path", "cv")
OURS = ("shrinkage-dask", "shrinkage-spark")
SOLVERS = (*OURS, *distributed_peers.PEERS)
LADDER = {"ours": [1e-6, 1e-8], "peers": [1e-4, 1e-6, 1e-8, 1e-10]}


def penalty(l1_ratio):
    from shrinkage.penalties import ElasticNetPenalty

    return ElasticNetPenalty(l1_ratio=l1_ratio)


# -- our adapter: the one place that knows the distributed API -----------------------------
def shrinkage_problem(path, features, target, loss, engine, n_folds=0):
    """The Parquet directory as a ``DistributedProblem`` on ``engine``."""
    from shrinkage.distributed import read_parquet
    from shrinkage.distributed.api import DistributedProblem

    data = read_parquet(path, target, engine=engine, features=list(features))
    return DistributedProblem(data, loss=loss, n_folds=n_folds, seed=0), data


def fit_shrinkage(engine):
    """Path adapter of ``shrinkage.distributed`` on ``engine`` ("dask" or "spark")."""

    def fit(path, features, target, loss, alphas, l1_ratio, tol):
        problem, data = shrinkage_problem(path, features, target, loss, engine)
        result = problem.path(penalty(l1_ratio), alphas=alphas, n_alphas=N_ALPHAS, tol=tol,
                              fit_intercept=False)  # fmt: skip
        return result.dense_coefs(), {"iterations": data.passes, "setting": f"tol={tol:g}",
                                      "strategy": problem.strategy,
                                      "gap": float(np.max(result.relative_gaps))}  # fmt: skip

    return fit


def cv_shrinkage(engine):
    """Seconds of our 10-fold CV of the path (from the Parquet directory) on the grid
    ``alphas`` (None: our default grid of 20)."""

    def run(path, features, target, loss, alphas, l1_ratio, tol, n_folds=10):
        start = time.perf_counter()
        problem, _ = shrinkage_problem(path, features, target, loss, engine, n_folds)
        problem.cv(penalty(l1_ratio), n_folds=n_folds, alphas=alphas, n_alphas=N_ALPHAS,
                   tol=tol, fit_intercept=False)  # fmt: skip
        return time.perf_counter() - start

    return run


FIT = {"shrinkage-dask": fit_shrinkage("dask"), "shrinkage-spark": fit_shrinkage("spark"),
       **distributed_peers.FIT}  # fmt: skip
CV = {"shrinkage-dask": cv_shrinkage("dask"), "shrinkage-spark": cv_shrinkage("spark"),
      **distributed_peers.CV}  # fmt: skip


# -- the benchmark's own objective: one streaming pass ---------------------------------------
def objectives(path, features, target, loss, l1_ratio, alphas, coefs):
    """Our objective of each row of ``coefs`` at the matching α, one pass over the files."""
    W = np.atleast_2d(np.asarray(coefs, dtype=np.float64))
    total, n = np.zeros(W.shape[0]), 0
    for batch in pads.dataset(path).to_batches(columns=[*features, target]):
        X = np.column_stack([batch.column(c).to_numpy() for c in features])
        y = batch.column(target).to_numpy()
        Z = X @ W.T
        if loss == "squared":
            total += 0.5 * ((y[:, None] - Z) ** 2).sum(axis=0)
        else:
            total += (np.logaddexp(0.0, Z) - y[:, None] * Z).sum(axis=0)
        n += y.size
    penalties = l1_ratio * np.abs(W).sum(axis=1) + 0.5 * (1 - l1_ratio) * (W**2).sum(axis=1)
    return total / n + np.asarray(alphas) * penalties


def reference(path, features, target, loss, l1_ratio):
    """The certified in-memory path (tol 1e-12) on 20 α: alphas, P*, P(0)."""
    import shrinkage

    table = pads.dataset(path).to_table(columns=[*features, target])
    X = np.column_stack([table.column(c).to_numpy() for c in features])
    y = table.column(target).to_numpy()
    del table
    result = shrinkage.path(X, y, penalty(l1_ratio), loss=loss, n_alphas=N_ALPHAS, tol=1e-12,
                            fit_intercept=False, max_iter=100_000)  # fmt: skip
    best = objectives(path, features, target, loss, l1_ratio, result.alphas, result.coefs)
    zero = objectives(path, features, target, loss, l1_ratio, result.alphas[:1],
                      np.zeros((1, X.shape[1])))[0]  # fmt: skip
    return result.alphas, best, zero


# -- peak memory -------------------------------------------------------------------------------
def _rss():
    return psutil.Process().memory_info().rss


class PeakMemory:
    """Peak RSS sampled every ``interval`` s in a background thread: each Dask worker
    (``client.run``), and the Spark JVM with its Python workers (the ``java`` processes
    started by this one and their children)."""

    def __init__(self, client, interval=0.2):
        self.client, self.interval, self.peak = client, interval, {}
        self._stop = threading.Event()

    def _sample(self):
        if self.client is not None:
            for worker, rss in self.client.run(_rss).items():
                self.peak[worker] = max(self.peak.get(worker, 0), rss)
        spark = 0
        for jvm in psutil.Process().children(recursive=True):
            try:
                if jvm.name() == "java":
                    spark += sum(p.memory_info().rss for p in [jvm, *jvm.children(True)])
            except psutil.Error:
                continue
        self.peak["spark"] = max(self.peak.get("spark", 0), spark)

    def _loop(self):
        while not self._stop.is_set():
            try:
                self._sample()
            except Exception:  # a worker restarting: sample again next time
                pass
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def worker_mib(self, solver):
        keys = ["spark"] if "spark" in solver else [k for k in self.peak if k != "spark"]
        return max((self.peak.get(k, 0) for k in keys), default=0) / 2**20


def restarted(client, pids):
    """Whether any Dask worker process changed since ``pids`` were read."""
    return set(client.run(os.getpid).values()) != set(pids)


# -- one cell --------------------------------------------------------------------------------
def calibrate(solver, problem, path, features, alphas, best, zero, cap):
    """The loosest tolerance of the solver's ladder reaching the target; the record."""
    loss, l1_ratio, target = PROBLEMS[problem]
    ladder = LADDER["ours" if solver in OURS else "peers"]
    record = {"status": "not reached", "subopt": np.inf}
    for tol in ladder:
        start = time.perf_counter()
        try:
            coefs, info = FIT[solver](path, features, target, loss, alphas, l1_ratio, tol)
        except Exception as exc:  # a solver failing is a result to report
            return {"status": f"error: {type(exc).__name__}: {exc}"[:120]}
        seconds = time.perf_counter() - start
        values = objectives(path, features, target, loss, l1_ratio, alphas, coefs)
        subopt = float(np.max((values - best) / zero))
        record = {"status": "ok" if subopt <= TARGET else "not reached", "tol": tol,
                  "subopt": subopt, "first_seconds": seconds, **info}  # fmt: skip
        if subopt <= TARGET or seconds > cap:
            break
    return record


def timed(solver, problem, path, features, alphas, tol):
    loss, l1_ratio, target = PROBLEMS[problem]
    start = time.perf_counter()
    FIT[solver](path, features, target, loss, alphas, l1_ratio, tol)
    return time.perf_counter() - start


def run_cells(args, client, path, cv_path, features):
    rows = []
    for problem in args.problems:
        loss, l1_ratio, target = PROBLEMS[problem]
        alphas, best, zero = reference(path, features, target, loss, l1_ratio)
        grids = {"one": (alphas[N_ALPHAS // 2 : N_ALPHAS // 2 + 1],
                         best[N_ALPHAS // 2 : N_ALPHAS // 2 + 1]),
                 "path": (alphas, best)}  # fmt: skip
        solvers = [s for s in args.solvers
                   if not (loss == "logistic" and s == "spark-normal")
                   and not (l1_ratio not in (0.5, 1.0) and s.startswith("dask-ml"))]  # fmt: skip
        for task in [t for t in args.tasks if t != "cv"]:
            grid, task_best = grids[task]
            cells = {}
            for solver in solvers:
                with PeakMemory(client) as memory:
                    cells[solver] = calibrate(solver, problem, path, features, grid, task_best,
                                              zero, args.cap)  # fmt: skip
                cells[solver]["peak_mib"] = memory.worker_mib(solver)
                print(f"  {problem} {task} {solver}: {cells[solver]}", flush=True)
            for _ in range(args.repeats):  # interleaved rounds
                for solver, cell in cells.items():
                    if cell["status"] == "ok":
                        cell.setdefault("times", []).append(
                            timed(solver, problem, path, features, grid, cell["tol"])
                        )
            rows += [(problem, task, s, c) for s, c in cells.items()]
        if "cv" in args.tasks:
            rows += cv_cells(args, client, problem, solvers, cv_path, features, alphas)
    return rows


def cv_cells(args, client, problem, solvers, cv_path, features, alphas):
    """CV timed only: a warm-up run per solver, then ``repeats`` interleaved rounds."""
    loss, l1_ratio, target = PROBLEMS[problem]
    cells = {}
    for solver in solvers:
        with PeakMemory(client) as memory:
            try:
                seconds = CV[solver](cv_path, features, target, loss, alphas, l1_ratio, TARGET)
                cells[solver] = {"status": "ok", "first_seconds": seconds, "tol": TARGET}
            except Exception as exc:
                cells[solver] = {"status": f"error: {type(exc).__name__}: {exc}"[:120]}
        cells[solver]["peak_mib"] = memory.worker_mib(solver)
        print(f"  {problem} cv {solver}: {cells[solver]}", flush=True)
    for _ in range(args.repeats):
        for solver, cell in cells.items():
            if cell["status"] == "ok":
                seconds = CV[solver](cv_path, features, target, loss, alphas, l1_ratio, TARGET)
                cell.setdefault("times", []).append(seconds)
    return [(problem, "cv", s, c) for s, c in cells.items()]


def markdown(rows, out=sys.stdout):
    """The table: median seconds, ratio to shrinkage on Dask, passes, peak memory."""
    print("| problem | task | solver | seconds | peer / ours | tol | worst subopt | passes "
          "| peak worker MiB |\n|---|---|---|---|---|---|---|---|---|", file=out)  # fmt: skip
    median = {(p, t, s): float(np.median(c["times"])) for p, t, s, c in rows if c.get("times")}
    for problem, task, solver, cell in rows:
        ours = median.get((problem, task, "shrinkage-dask"))
        seconds = median.get((problem, task, solver))
        if seconds is None:
            shown, ratio = cell["status"], ""
        else:
            shown = f"{seconds:.3g}"
            ratio = f"{seconds / ours:.2f}×" if ours and solver not in OURS else ""
        passes = cell.get("iterations")
        subopt = cell.get("subopt")
        print(f"| {problem} | {task} | {solver} | {shown} | {ratio} | {cell.get('tol', '')} | "
              f"{'' if subopt is None else f'{subopt:.1e}'} | "
              f"{'n/a' if passes is None else passes} | "
              f"{cell.get('peak_mib', float('nan')):.0f} |", file=out)  # fmt: skip


def ensure_data(directory: Path, name, rows):
    """The tall dense set of ``rows`` rows under ``directory`` (written if missing)."""
    path = directory / name
    if not path.exists():
        spec = distributed_data.Spec(name, rows, 100)
        size = distributed_data.write(spec, directory, max(rows // 8, 1000),
                                      max(rows // 16, 500))  # fmt: skip
        print(f"wrote {path}: {rows} x 100, {size / 2**20:.1f} MiB", flush=True)
    return path


def start_dask(memory_limit):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           memory_limit=memory_limit, dashboard_address=None)  # fmt: skip
    return Client(cluster)


def out_of_core(args):
    """A certified 20-α lasso path and a 10-fold CV on the ≥ 8 GiB set, 2 workers × 1 GiB."""
    client = start_dask("1GiB")
    pids = client.run(os.getpid).values()
    path = Path(args.out_of_core) / "tall_dense_out_of_core"
    features = [f"x{j}" for j in range(100)]
    for task in ("path", "cv"):
        with PeakMemory(client) as memory:
            start = time.perf_counter()
            if task == "path":
                coefs, info = FIT["shrinkage-dask"](path, features, "y", "squared", None, 1.0,
                                                    TARGET)  # fmt: skip
            else:
                cv = CV["shrinkage-dask"]
                info = {"seconds": cv(path, features, "y", "squared", None, 1.0, TARGET)}
            seconds = time.perf_counter() - start
        peaks = {k: f"{v / 2**20:.0f} MiB" for k, v in memory.peak.items() if k != "spark"}
        print(f"out-of-core {task}: {seconds:.1f} s, {info}, peak per worker {peaks}, "
              f"worker restarted: {restarted(client, pids)}", flush=True)  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("/tmp/shrinkage-distributed"),
        help="where the Parquet sets are (written there when missing)",
    )
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--cv-rows", type=int, default=100_000)
    parser.add_argument("--problems", nargs="+", choices=list(PROBLEMS), default=list(PROBLEMS))
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--solvers", nargs="+", choices=SOLVERS, default=list(SOLVERS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds per fit in search")
    parser.add_argument("--memory-limit", default="4GiB", help="per Dask worker")
    parser.add_argument("--out-of-core", default=None, metavar="DIR")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    if args.out_of_core:
        return out_of_core(args)
    path = ensure_data(args.data, f"tall_dense_{args.rows}", args.rows)
    cv_path = ensure_data(args.data, f"tall_dense_{args.cv_rows}", args.cv_rows)
    client = start_dask(args.memory_limit)
    if any("spark" in s for s in args.solvers):
        distributed_peers.spark_session().sparkContext.setLogLevel("ERROR")
    rows = run_cells(args, client, path, cv_path, [f"x{j}" for j in range(100)])
    print(f"\n{args.rows} x 100, Dask LocalCluster 2 x 1 thread ({args.memory_limit}), Spark "
          f"local[2]; target relative suboptimality {TARGET:g}\n")  # fmt: skip
    markdown(rows)


if __name__ == "__main__":
    main()
