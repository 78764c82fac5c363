"""The protocol the family benchmarks share (``multitask_paths.py``, ``group_paths.py``):
for a target relative gap, the loosest of a solver's own tolerances whose path passes
*our* certificate at every point, then that path timed (:func:`median_seconds`, after the
search's run, the warm-up); and the Markdown table with the ratio to the fastest peer."""

from __future__ import annotations

import argparse
import time

import numpy as np

TOLERANCES = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12]
MIN_RUNS, MIN_SECONDS, MAX_RUNS = 3, 0.5, 25


def median_seconds(run_once):
    """The median of repeated timings of ``run_once() → seconds or None`` (None: the wall
    clock of the call): at least ``MIN_RUNS`` runs, and more, up to ``MAX_RUNS``, until
    ``MIN_SECONDS`` of wall clock have passed, so that a path of a few milliseconds is
    the median of many runs on a noisy machine, not of three."""
    times = []
    begin = time.perf_counter()
    while len(times) < MIN_RUNS or (
        len(times) < MAX_RUNS and time.perf_counter() - begin < MIN_SECONDS
    ):
        start = time.perf_counter()
        seconds = run_once()
        times.append(seconds if seconds is not None else time.perf_counter() - start)
    return float(np.median(times))


def search_and_time(run, worst_gap, target, cap):
    """``run(tol) → (coefs, seconds or None)``; ``worst_gap(coefs)`` our certificate's
    worst relative gap. Returns a result dict (``status``, ``tol``, ``seconds``, ``gap``)."""
    gap = np.inf
    for tol in TOLERANCES:
        start = time.perf_counter()
        try:
            coefs, _ = run(tol)
        except Exception as exc:  # a peer failing is a result, not a crash
            return dict(status=f"error: {type(exc).__name__}: {exc}"[:80])
        if time.perf_counter() - start > cap:
            return dict(status=f"> {cap:g} s", tol=tol)
        gap = worst_gap(coefs)
        if gap <= target:
            seconds = median_seconds(lambda tol=tol: run(tol)[1])
            return dict(status="ok", tol=tol, seconds=seconds, gap=gap)
    return dict(status=f"gap {gap:.1e} at tol {TOLERANCES[-1]:g}")


def print_table(rows):
    """``rows`` of ``(problem, target, solver, result)``: one Markdown row per problem
    and target, each solver's seconds, and the fastest peer's time over ours."""
    solvers = list(dict.fromkeys(s for _, _, s, _ in rows))
    print("| data | target | " + " | ".join(solvers) + " | fastest peer / ours |")
    print("|---" * (len(solvers) + 3) + "|")
    for key in dict.fromkeys((n, t) for n, t, _, _ in rows):
        results = {s: r for n, t, s, r in rows if (n, t) == key}
        cells = [f"{r['seconds']:.3g} s" if r["status"] == "ok" else r["status"]
                 for r in (results[s] for s in solvers)]  # fmt: skip
        peers = [r["seconds"] for s, r in results.items()
                 if s != "shrinkage" and r["status"] == "ok"]  # fmt: skip
        mine = results.get("shrinkage", {})
        ratio = ""
        if peers and mine.get("status") == "ok":
            ratio = f"{min(peers) / mine['seconds']:.2f}×"
        print(f"| {key[0]} | {key[1]:g} | " + " | ".join(cells) + f" | {ratio} |")


def command_line(doc, solvers, problems, quick):
    """The options every family benchmark takes: ``(args, n_alphas, cap, chosen)``, the
    chosen problems a dict of name → builder (``--problems`` picks from both sets)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 α, smaller problems")
    parser.add_argument("--cap", type=float, default=None, help="seconds per path run")
    parser.add_argument("--solvers", nargs="*", default=list(solvers), choices=list(solvers))
    parser.add_argument("--targets", nargs="*", type=float, default=[1e-4, 1e-6])
    parser.add_argument("--problems", nargs="*", default=None,
                        help="names of problems (default: the mode's set)")  # fmt: skip
    args = parser.parse_args()
    n_alphas = 20 if args.quick else 100
    cap = args.cap if args.cap is not None else (60.0 if args.quick else 600.0)
    chosen = quick if args.quick else problems
    if args.problems:
        chosen = {name: {**problems, **quick}[name] for name in args.problems}
    return args, n_alphas, cap, chosen


def measure(name, args, cap, runs, check, rows):
    """Every (target, solver) cell of one problem into ``rows``, printed as it comes:
    ``runs[solver]`` is the solver's ``run(tol)``, ``check`` the worst-gap function."""
    for target in args.targets:
        for solver in args.solvers:
            result = search_and_time(runs[solver], check, target, cap)
            rows.append((name, target, solver, result))
            print(f"  {name} {target:g} {solver:10s} {result}", flush=True)
