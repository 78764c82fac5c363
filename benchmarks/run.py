"""Lasso-path benchmark: shrinkage against its peers, every path certified to one precision.

    python benchmarks/run.py                       # full protocol, 1e-6, all problems
    python benchmarks/run.py --quick               # small versions, smoke run
    python benchmarks/run.py --problems toeplitz tall_dense --solvers shrinkage celer
    python benchmarks/run.py --precision 1e-6 1e-4 --cap 60
    python benchmarks/run.py --report benchmarks/results/lasso_paths_shrinkage_2026-11-23.json

Protocol, per (problem, solver), in a fresh subprocess (so imports, JIT caches and peak
memory are its own):
1. tolerance search — the solver's own ``tol`` walks the ladder 1e-2, 1e-3, …, 1e-16 and
   the loosest value at which EVERY path point reaches relative duality gap ≤ precision
   (computed here from the returned coefficients, :mod:`certify`) is kept;
2. the fit at that tolerance was the warm-up; 3 more timed runs, median reported;
3. compile time = first call of the process minus a second call at the same tolerance;
4. peak memory: the kernel's high-water mark of resident memory (VmHWM, reset through
   ``/proc/self/clear_refs`` before each fit, so numba / C / Fortran allocations count and
   the certification does not), reported as the increase over the RSS before the fit;
5. time also in units of one ``Xᵀv`` product (median of 50);
6. one BLAS/OpenMP/numba thread (environment set before any import, and threadpoolctl);
7. a fit that runs longer than ``--cap`` seconds is killed and reported as "> cap".
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import queue  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from adapters import ADAPTERS, PEERS  # noqa: E402
from problems import DATA, N_ALPHAS, REGISTRY, available  # noqa: E402

LADDER = [10.0**-k for k in range(2, 17)]
N_TIMED = 3


# ---------------------------------------------------------------- worker (one subprocess)
def _emit(**record):
    print("@@" + json.dumps(record), flush=True)


def _status_kib(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _measured_fit(fit_path, problem, tol):
    """One fit: (seconds, coefs, extra peak memory in MiB over the RSS before the fit)."""
    import resource

    resettable = _reset_peak()
    before = _status_kib("VmRSS")
    baseline_peak = _status_kib("VmHWM") if resettable else 0
    start = time.perf_counter()
    coefs = fit_path(problem.X, problem.y, problem.alphas, tol)
    seconds = time.perf_counter() - start
    if resettable:
        peak = _status_kib("VmHWM")
    else:  # lifetime maximum: an upper bound that includes earlier fits
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del baseline_peak
    return seconds, coefs, max(peak - before, 0) / 1024.0


def _traced_peak_mib(fit_path, problem, tol):
    """Peak of the allocations tracemalloc sees during one more (untimed) fit: every
    NumPy/SciPy array, not the C/Fortran allocations of compiled peers. Unlike the
    resident high-water mark it does not miss memory the allocator reuses."""
    import tracemalloc

    tracemalloc.start()
    try:
        fit_path(problem.X, problem.y, problem.alphas, tol)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def worker(problem_name, solver, precisions, quick, cap):
    import certify
    import problems
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    problem = problems.load(problem_name, quick=quick)
    rng = np.random.default_rng(0)
    v = rng.standard_normal(problem.shape[0])
    product = []
    for _ in range(50):
        tick = time.perf_counter()
        problem.X.T @ v
        product.append(time.perf_counter() - tick)
    start = time.perf_counter()
    adapter = importlib.import_module(f"adapters.{solver}")
    _emit(
        kind="setup",
        shape=list(problem.shape),
        nnz=int(problem.X.nnz) if hasattr(problem, "X") and hasattr(problem.X, "nnz") else None,
        x_mib=problem.nbytes / 2**20,
        description=problem.description,
        alpha_min_ratio=problem.alpha_min_ratio,
        xtv_seconds=float(np.median(product)),
        import_seconds=time.perf_counter() - start,
        version=str(adapter.VERSION),
    )
    pending = sorted(precisions, reverse=True)  # loosest target first
    chosen = {}
    for index, tol in enumerate(LADDER):
        seconds, coefs, memory = _measured_fit(adapter.fit_path, problem, tol)
        if index == 0:
            again, coefs, memory = _measured_fit(adapter.fit_path, problem, tol)
            _emit(kind="compile", first=seconds, second=again, compile=max(seconds - again, 0.0))
            seconds = again
        gaps = certify.relative_gaps(problem.X, problem.y, problem.alphas, coefs)
        worst = float(np.max(gaps))
        _emit(kind="ladder", tol=tol, seconds=seconds, max_gap=worst, memory_mib=memory)
        if seconds > cap:  # tighter tolerances only take longer: the cell is "> cap"
            _emit(kind="capped", tol=tol, seconds=seconds)
            break
        for precision in list(pending):
            if worst <= precision:
                chosen[precision] = tol
                pending.remove(precision)
                times, memories = [], []
                for _ in range(N_TIMED):
                    t, coefs, m = _measured_fit(adapter.fit_path, problem, tol)
                    times.append(t)
                    memories.append(m)
                gaps = certify.relative_gaps(problem.X, problem.y, problem.alphas, coefs)
                _emit(
                    kind="result",
                    precision=precision,
                    tol=tol,
                    median=float(np.median(times)),
                    times=times,
                    max_gap=float(np.max(gaps)),
                    memory_mib=float(np.max(memories)),
                    traced_mib=_traced_peak_mib(adapter.fit_path, problem, tol),
                )
        if not pending:
            break
    for precision in pending:
        _emit(kind="result", precision=precision, tol=None, median=None, max_gap=None)
    _emit(kind="done")


# ---------------------------------------------------------------- driver
def run_one(problem_name, solver, precisions, quick, cap):
    """Run the worker in a subprocess, killing it when one step exceeds ``cap`` seconds."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", problem_name, solver]
    command += ["--precision", *map(str, precisions), "--cap", str(cap)]
    command += ["--quick"] if quick else []
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ
    )
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    records, status = [], "ok"
    # the first step also loads the data and compiles: allow it a little more; the whole
    # search + timing of one (problem, solver) gets at most 6 caps
    deadline = time.monotonic() + cap + 60
    overall = time.monotonic() + 6 * cap + 60
    while True:
        try:
            wait = min(deadline, overall) - time.monotonic()
            line = lines.get(timeout=max(wait, 0.01))
        except queue.Empty:
            process.kill()
            status = "cap"
            break
        if line is None:
            break
        if line.startswith("@@"):
            records.append(json.loads(line[2:]))
            # after a ladder step come either one more ladder fit or N_TIMED timed fits
            # (each no longer than the one just seen, as they use the same tolerance)
            last = records[-1]
            allowance = cap
            if last["kind"] == "ladder":
                allowance = max(cap, N_TIMED * 1.5 * last["seconds"])
            deadline = time.monotonic() + allowance + 30
    process.wait()
    stderr = process.stderr.read()
    if any(record["kind"] == "capped" for record in records):
        status = "cap"
    if status == "ok" and process.returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {process.returncode}"])[-1]
        if process.returncode < 0:
            last = f"killed by signal {-process.returncode} (out of memory?)"
        status = "error: " + last[:200]
    return {"problem": problem_name, "solver": solver, "status": status, "records": records}


def summarise(run, precision):
    """One table cell from the worker records of ``run`` at ``precision``."""
    setup = next((r for r in run["records"] if r["kind"] == "setup"), {})
    compile_record = next((r for r in run["records"] if r["kind"] == "compile"), {})
    result = next(
        (
            r
            for r in run["records"]
            if r["kind"] == "result" and r["precision"] == precision and r["median"] is not None
        ),
        None,
    )
    ladder = [r for r in run["records"] if r["kind"] == "ladder"]
    cell = {
        "solver": run["solver"],
        "status": run["status"],
        "version": setup.get("version"),
        "xtv_seconds": setup.get("xtv_seconds"),
        "compile_seconds": compile_record.get("compile"),
        "best_gap_seen": min((r["max_gap"] for r in ladder), default=None),
        "x_mib": setup.get("x_mib"),
        # the (n_alphas × p) float64 array every adapter returns: output, not workspace
        "output_mib": N_ALPHAS * setup["shape"][1] * 8 / 2**20 if "shape" in setup else None,
    }
    if result is not None:
        cell.update(
            seconds=result["median"],
            tol=result["tol"],
            max_gap=result["max_gap"],
            memory_mib=result["memory_mib"],
            traced_mib=result.get("traced_mib"),
        )
    return cell


def _fmt_cell(cell, fastest_peer):
    if "seconds" not in cell:
        if cell["status"] == "cap":
            return "> cap"
        if cell["status"].startswith("error"):
            return "error"
        return "not reached"
    if not fastest_peer:
        return f"{cell['seconds']:.3g} s"
    return f"{cell['seconds']:.3g} s ({cell['seconds'] / fastest_peer:.2f}×)"


def print_tables(results, precision, solvers, out=sys.stdout):
    problems_seen = [p for p in REGISTRY if any(r["problem"] == p for r in results)]
    cells = {(r["problem"], r["solver"]): summarise(r, precision) for r in results}
    print(f"\n## Relative duality gap ≤ {precision:g} at every α: median seconds", file=out)
    print(
        "(ratio to the fastest peer; 'not reached' = no tolerance on the ladder got there)\n",
        file=out,
    )
    print("| problem | " + " | ".join(solvers) + " |", file=out)
    print("|---" * (len(solvers) + 1) + "|", file=out)
    speedups = []
    for problem in problems_seen:
        peer_times = [
            cells[(problem, s)]["seconds"]
            for s in solvers
            if s in PEERS and (problem, s) in cells and "seconds" in cells[(problem, s)]
        ]
        fastest = min(peer_times) if peer_times else None
        row = [
            _fmt_cell(cells[(problem, s)], fastest) if (problem, s) in cells else ""
            for s in solvers
        ]
        best = [
            s
            for s in solvers
            if s in PEERS and cells.get((problem, s), {}).get("seconds") == fastest
        ]
        row = [f"**{c}**" if s in best else c for s, c in zip(solvers, row, strict=True)]
        print(f"| {problem} | " + " | ".join(row) + " |", file=out)
        ours = cells.get((problem, "shrinkage"), {})
        if fastest and "seconds" in ours:
            speedups.append(fastest / ours["seconds"])
        elif fastest:
            speedups.append(0.0)
    print(
        "\ndetails: tol chosen / max gap reached / extra peak memory MiB / compile s"
        " / time in Xᵀv units",
        file=out,
    )
    print("\n| problem | " + " | ".join(solvers) + " |", file=out)
    print("|---" * (len(solvers) + 1) + "|", file=out)
    for problem in problems_seen:
        row = []
        for s in solvers:
            c = cells.get((problem, s))
            if c is None:
                row.append("")
            elif "seconds" in c:
                units = c["seconds"] / c["xtv_seconds"] if c["xtv_seconds"] else float("nan")
                compile_s = c["compile_seconds"] or 0.0
                row.append(
                    f"{c['tol']:.0e} / {c['max_gap']:.1e} / {c['memory_mib']:.0f} / "
                    f"{compile_s:.1f} / {units:.3g}"
                )
            else:
                best = c["best_gap_seen"]
                row.append(
                    f"{c['status']}; best gap {best:.1e}" if best is not None else c["status"]
                )
        print(f"| {problem} | " + " | ".join(row) + " |", file=out)
    if "shrinkage" in solvers:
        _print_memory_check(cells, problems_seen, out)
    if "shrinkage" in solvers and speedups:
        wins = sum(s > 1 for s in speedups)
        median = float(np.median(speedups))
        print(
            f"\nTarget check at {precision:g}: shrinkage faster than every peer on {wins}/"
            f"{len(speedups)} problems; median speed-up over the fastest peer {median:.2f}× "
            f"(target: all problems and ≥ 2×).",
            file=out,
        )


def _print_memory_check(cells, problems, out):
    """The memory target: peak ≤ 1.2 × (X + a Fortran copy if X is not one; the problems
    give X Fortran-ordered or CSC), i.e. shrinkage's workspace — the peak growth during
    the fit less the returned path — at most 0.2 × the size of X."""
    rows = []
    for problem in problems:
        c = cells.get((problem, "shrinkage"), {})
        if "memory_mib" in c and c.get("x_mib") and c.get("output_mib") is not None:
            # tracemalloc's peak when recorded (it sees reused memory), else the RSS growth
            peak = c["traced_mib"] if c.get("traced_mib") is not None else c["memory_mib"]
            workspace = max(peak - c["output_mib"], 0.0)
            rows.append((problem, workspace, c["x_mib"], workspace / c["x_mib"]))
    if not rows:
        return
    print(
        "\nmemory: shrinkage workspace (traced peak during a fit − the n_alphas × p output) / X",
        file=out,
    )
    print("\n| problem | workspace MiB | X MiB | ratio |\n|---|---|---|---|", file=out)
    for problem, workspace, x_mib, ratio in rows:
        print(f"| {problem} | {workspace:.1f} | {x_mib:.1f} | {ratio:.2f} |", file=out)
    held = sum(ratio <= 0.2 for *_, ratio in rows)
    print(f"\nMemory check: workspace ≤ 0.2 × X on {held}/{len(rows)} problems.", file=out)


def machine_info():
    import psutil

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "memory_gib": psutil.virtual_memory().total / 2**30,
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "threads": 1,
    }


def report(paths, out=sys.stdout):
    """Print the tables of one or more saved runs, merged cell by cell."""
    cells, precisions = {}, []
    for path in paths:
        saved = json.loads(Path(path).read_text())
        machine = saved["machine"]
        print(
            f"# {Path(path).name}: {machine['date']}, {machine['cpu']}, "
            f"load {machine['load_average_at_start']}",
            file=out,
        )
        for run in saved["runs"]:
            cells[(run["problem"], run["solver"])] = run
        precisions += [p for p in saved["protocol"]["precisions"] if p not in precisions]
    runs = list(cells.values())
    solvers = [s for s in ADAPTERS if any(run["solver"] == s for run in runs)]
    for precision in precisions:
        print_tables(runs, precision, solvers, out=out)


def _add_subset_argument(parser, flag, metavar, names):
    """``flag NAME [NAME ...]``: some of ``names``, all of them by default."""
    parser.add_argument(
        flag,
        nargs="+",
        default=names,
        choices=names,
        metavar=metavar,
        help="some of: " + ", ".join(names),
    )


def _default_output(quick):
    """``results/lasso_paths[_quick]_<date>.json``, numbered if that name is taken."""
    stem = f"lasso_paths{'_quick' if quick else ''}_{datetime.now(UTC).date().isoformat()}"
    output, number = HERE / "results" / f"{stem}.json", 1
    while output.exists():
        number += 1
        output = HERE / "results" / f"{stem}_{number}.json"
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _add_subset_argument(parser, "--problems", "PROBLEM", list(REGISTRY))
    _add_subset_argument(parser, "--solvers", "SOLVER", list(ADAPTERS))
    parser.add_argument(
        "--precision",
        nargs="+",
        type=float,
        default=[1e-6],
        help="target relative gap(s), e.g. 1e-6 1e-4",
    )
    parser.add_argument("--quick", action="store_true", help="small versions of the problems")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds allowed for one fit")
    parser.add_argument("--output", type=Path, default=None, help="JSON results file")
    parser.add_argument(
        "--report",
        type=Path,
        nargs="+",
        default=None,
        help="print the tables of saved JSON files (a later file's cell replaces an "
        "earlier one's for the same problem and solver)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("PROBLEM", "SOLVER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker, args.precision, args.quick, args.cap)
        return
    if args.report:
        report(args.report)
        return
    info = machine_info()
    print(f"# lasso-path benchmark {'(QUICK) ' if args.quick else ''}{info['date']}")
    print(
        f"# {info['cpu']}, {info['logical_cpus']} logical CPUs, "
        f"load {info['load_average_at_start']}, 1 thread"
    )
    output = args.output if args.output is not None else _default_output(args.quick)
    output.parent.mkdir(parents=True, exist_ok=True)
    protocol = {
        "ladder": LADDER,
        "timed_runs": N_TIMED,
        "cap": args.cap,
        "precisions": args.precision,
        "quick": args.quick,
    }
    results = []
    for problem in args.problems:
        if not available(problem):
            print(f"  {problem}: data file missing under {DATA}, skipped")
            continue
        for solver in args.solvers:
            tick = time.perf_counter()
            run = run_one(problem, solver, args.precision, args.quick, args.cap)
            results.append(run)
            summary = ", ".join(
                f"{p:g}: "
                + (f"{c['seconds']:.3g}s tol {c['tol']:.0e}" if "seconds" in c else c["status"])
                for p in args.precision
                for c in [summarise(run, p)]
            )
            print(
                f"  {problem:24s} {solver:20s} {summary}"
                f"   [{time.perf_counter() - tick:.0f}s wall]",
                flush=True,
            )
            # saved after every cell, so an interrupted run keeps what it measured
            payload = {"machine": info, "protocol": protocol, "runs": results}
            output.write_text(json.dumps(payload, indent=1))
    for precision in args.precision:
        print_tables(results, precision, args.solvers)
    print(f"\nresults written to {output}")


if __name__ == "__main__":
    main()
