"""The report of data kept as row blocks on Dask or Spark, without the rows in memory.

The page has the in-memory report's structure (:mod:`shrinkage.report.html`): the data
summary, the L1 / L2 / elastic-net comparison and the advice by the same rule
(:func:`shrinkage.recommendation.recommend` on :func:`~shrinkage.report.analysis.summarise`),
the chosen model's coefficients with its certificate, the path and CV figure, and the
provenance. What it needs comes from :class:`shrinkage.distributed.DistributedProblem`:

* one pass for the data summary (:class:`ColumnSummary`: each column's mean, standard
  deviation and range, the classes' counts);
* each penalty's K-fold CV (:meth:`DistributedProblem.cv`); for the squared loss the three
  CVs share one pass of fold statistics, and the fold fits that measure the stability and
  the certified refit of the chosen model read no more data;
* the stability of a selection is the mean pairwise Jaccard similarity of the K fold fits'
  non-zero sets at the α of the ``selection`` rule (in memory: complementary half-samples
  of the rows, which a distributed fold view does not give).

Left out, because they need the rows in memory (the page says so): the held-out
calibration, the two-feature geometry and its explorer, stability selection and the
bootstrap intervals of the refit.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..defaults import CV_FOLDS, RANDOM_STATE, SELECTION
from ..penalties import Penalty
from ..recommendation import jaccard_mean, recommend
from .analysis import LOSSES, PENALTIES, Chosen, PenaltyRuns, summarise
from .figures import path_and_cv_figure
from .html import figure_html, page_html, paths_section, write_page
from .runs import PenaltyRun
from .sections import (
    advice_section,
    class_table,
    coefficient_section,
    comparison_section,
    data_summary_section,
    table,
)

__all__ = [
    "ColumnSummary",
    "EngineReportData",
    "analyse_engine",
    "build_engine_report",
    "left_out_section",
    "write_engine_report",
]

#: The tasks of engine data: the engines have the squared and the logistic loss only.
ENGINE_TASKS = ("regression", "classification")
#: Tolerance of the CV paths and of the chosen model's refit, as in the in-memory report
#: (:mod:`shrinkage.report.runs`, :mod:`shrinkage.report.analysis`).
PATH_TOL = {"squared": 1e-6, "logistic": 1e-5}
REFIT_TOL = {"squared": 1e-9, "logistic": 1e-7}


@dataclass(frozen=True, eq=False)
class ColumnSummary:
    """Rows, mean, centred sum of squares, least and largest value of every feature and
    of the target (the last entry), and the target's count of 0 and of 1.

    Blocks merge by Chan, Golub & LeVeque's pairwise update, column by column (see
    :mod:`shrinkage.distributed.statistics`), never by raw sums of squares.

    Examples
    --------
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X = np.array([[1.0, 2.0], [3.0, 0.0], [5.0, 1.0], [7.0, 1.0]])
    >>> data = ArrayBlocks(X, np.array([0.0, 1.0, 1.0, 1.0]), n_partitions=2)
    >>> summary = data.reduce(ColumnSummary.of_block)
    >>> summary.rows, summary.mean.tolist(), bool(summary.std(ddof=1)[0] == X[:, 0].std(ddof=1))
    (4, [4.0, 1.0, 0.75], True)
    >>> summary.low.tolist(), summary.high.tolist(), summary.zeros, summary.ones
    ([1.0, 0.0, 0.0], [7.0, 2.0, 1.0], 1, 3)
    """

    rows: int
    mean: np.ndarray
    scatter: np.ndarray
    low: np.ndarray
    high: np.ndarray
    zeros: int
    ones: int

    @classmethod
    def of_block(cls, block) -> ColumnSummary:
        X = block.X.toarray() if sp.issparse(block.X) else np.asarray(block.X)
        values = np.column_stack([X, block.y])
        mean = values.mean(axis=0)
        return cls(
            values.shape[0], mean, ((values - mean) ** 2).sum(axis=0), values.min(axis=0),
            values.max(axis=0), int(np.count_nonzero(block.y == 0)),
            int(np.count_nonzero(block.y == 1)),
        )  # fmt: skip

    def merge(self, other: ColumnSummary) -> ColumnSummary:
        rows = self.rows + other.rows
        delta = other.mean - self.mean
        return ColumnSummary(
            rows, self.mean + (other.rows / rows) * delta,
            self.scatter + other.scatter + (self.rows * other.rows / rows) * delta**2,
            np.minimum(self.low, other.low), np.maximum(self.high, other.high),
            self.zeros + other.zeros, self.ones + other.ones,
        )  # fmt: skip

    def std(self, ddof: int = 0) -> np.ndarray:
        return np.sqrt(self.scatter / (self.rows - ddof))


@dataclass(frozen=True)
class EngineReportData(PenaltyRuns):
    """The numbers of the report of engine data (see :func:`analyse_engine`); the
    attributes the sections read have the names of :class:`~shrinkage.report.ReportData`.

    ``runs`` are :class:`~shrinkage.report.runs.PenaltyRun` without fold coefficients or
    out-of-fold predictions (None: the rows were never in one place); ``fold_supports``
    holds, per penalty, the fold fits' non-zero sets at its ``selection`` α.
    """

    task: str
    feature_names: list
    classes: list | None
    summary: ColumnSummary
    runs: tuple
    summaries: tuple
    recommendation: str
    reasons: tuple
    chosen: Chosen
    n_splits: int
    random_state: int
    strategy: str
    fold_supports: dict

    @property
    def n_samples(self) -> int:
        return int(self.summary.rows)

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    @property
    def feature_mean(self) -> np.ndarray:
        return self.summary.mean[:-1]

    @property
    def feature_std(self) -> np.ndarray:
        """Population standard deviations (1/n), the scale of the standardised penalty."""
        return self.summary.std()[:-1]


def _fold_supports(problem, penalty, alpha, n_folds, tol) -> list[frozenset]:
    """Non-zero sets of the K fold fits at ``alpha``: from the fold statistics without a
    pass (strategy "statistics"), else by fitting each fold's training rows."""
    from ..distributed import DistributedProblem
    from ..distributed.folds import FoldView
    from ..distributed.tall import tall_path

    options = dict(alphas=[alpha], standardize=True, tol=tol, warn=False)
    if problem.strategy == "statistics":
        stats = problem.statistics(n_folds)
        fits = [tall_path(stats.training(k), penalty, **options) for k in range(n_folds)]
    else:
        fits = [
            DistributedProblem(FoldView(problem.data, k, n_folds, problem.seed),
                               loss=problem.loss, strategy=problem.strategy
                               ).path(penalty, **options)
            for k in range(n_folds)
        ]  # fmt: skip
    return [frozenset(np.flatnonzero(fit.dense_coefs()[0]).tolist()) for fit in fits]


def _kkt_residual(problem, fit, penalty, alpha, column_std) -> np.ndarray:
    """Per-feature KKT residual of ``fit`` in standardised coordinates: the certificate's,
    or for the squared loss from the statistics (gradient ``(S_xx w − S_xy)/W``); NaN
    (shown as "not available") when neither is at hand."""
    residual = fit.certificate.kkt_residual
    if residual is None and problem.strategy == "statistics":
        stats = problem.statistics().total()
        xx, xy, _ = stats.moments(True)
        gradient = (xx @ fit.coef - xy) / stats.weight
        residual = penalty.subdiff_distance(fit.coef, gradient, alpha, column_std)
    if residual is None:
        return np.full(fit.coef.size, np.nan)
    # the original coordinates' residual is σ_j times the standardised one
    return np.asarray(residual, dtype=np.float64) / column_std


def analyse_engine(
    data, *, task, cv=CV_FOLDS, random_state=RANDOM_STATE, selection=SELECTION, classes=None,
    progress: Callable[[str, float], None] | None = None,
) -> EngineReportData:  # fmt: skip
    """The report's numbers for engine data (see the module docstring).

    Parameters
    ----------
    data : PartitionedData, Dask or Spark data
        What :class:`~shrinkage.distributed.DistributedProblem` accepts.
    task : {"regression", "classification"}
        Squared loss, or logistic loss on a 0/1 target.
    cv : int
        Number of folds (rows go to folds by a seeded hash of their position).
    random_state : int
    selection : {"min", "1se"}
    classes : list, optional
        The names of the target's values 0 and 1 (default ``[0, 1]``).
    progress : callable(str, float), optional
        Called with a description and the fraction of the work done (0 to 1).

    Returns
    -------
    EngineReportData

    Examples
    --------
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 4)); y = X @ [2.0, 0, 0, -1.0] + rng.normal(size=300)
    >>> data = ArrayBlocks(X, y, n_partitions=3)
    >>> report = analyse_engine(data, task="regression", cv=5)
    >>> report.recommendation, np.flatnonzero(report.chosen.coef).tolist(), data.passes
    ('lasso', [0, 3], 2)
    """
    from ..distributed import DistributedProblem

    if task not in ENGINE_TASKS:
        raise ValueError(f"task must be one of {ENGINE_TASKS} for engine data (the engines "
                         f"have no Poisson loss for counts), got {task!r}.")  # fmt: skip
    if selection not in ("min", "1se"):
        raise ValueError(f"selection must be 'min' or '1se', got {selection!r}.")

    def report(description, fraction):
        if progress is not None:
            progress(description, float(fraction))

    loss = LOSSES[task]
    problem = DistributedProblem(data, loss=loss, n_folds=int(cv), seed=random_state)
    report("summarising the columns", 0.0)
    summary = problem.data.reduce(ColumnSummary.of_block, label="column summary")
    if summary is None:
        raise ValueError("the data have no rows.")
    constant = [name for name, s in zip(problem.feature_names, summary.std()[:-1], strict=True)
                if s == 0]  # fmt: skip
    if constant:
        raise ValueError(f"constant columns (nothing to learn from): {constant[:10]}.")
    runs, supports = [], {}
    for k, (name, rho) in enumerate(PENALTIES):
        report(f"cross-validating {name}", 0.05 + 0.6 * k / len(PENALTIES))
        penalty = Penalty(rho)
        result = problem.cv(penalty, n_folds=int(cv), standardize=True, tol=PATH_TOL[loss],
                            selection=selection)  # fmt: skip
        run = PenaltyRun(
            name, rho, result.path, result.fold_errors, None, None, result.index_min,
            result.index_1se, grid_extended=result.alpha_grid_extended,
            at_edge=result.index_min == result.alphas.size - 1,
        )  # fmt: skip
        runs.append(run)
        if rho > 0:
            alpha = float(result.alphas[run.selected_index(selection)])
            supports[name] = _fold_supports(problem, penalty, alpha, int(cv), PATH_TOL[loss])
    summaries = summarise(runs, problem.data.n_features, selection,
                          lambda run, alpha: jaccard_mean(supports[run.name]))  # fmt: skip
    recommendation, reasons = recommend(summaries)
    report("certifying the chosen model", 0.7)
    best = next(run for run in runs if run.name == recommendation)
    index = best.selected_index(selection)
    alpha, penalty = float(best.path.alphas[index]), Penalty(best.l1_ratio)
    fit = problem.fit(alpha, penalty, standardize=True, tol=REFIT_TOL[loss])
    column_std = summary.std()[:-1] if best.path.column_std is None else best.path.column_std
    certificate = fit.certificate
    chosen = Chosen(
        best.name, best.l1_ratio, selection, int(index), alpha, np.asarray(fit.coef),
        float(fit.intercept), float(certificate.relative_gap), float(certificate.dual_gap),
        _kkt_residual(problem, fit, penalty, alpha, column_std), int(fit.n_iter),
    )  # fmt: skip
    return EngineReportData(
        task=task, feature_names=list(problem.feature_names),
        classes=list(classes) if classes is not None else None, summary=summary,
        runs=tuple(runs), summaries=tuple(summaries), recommendation=recommendation,
        reasons=tuple(reasons), chosen=chosen, n_splits=int(cv),
        random_state=int(random_state), strategy=problem.strategy, fold_supports=supports,
    )  # fmt: skip


def _data_section(data: EngineReportData) -> str:
    summary = data.summary
    if data.task == "classification":
        target = class_table(data.classes or [0, 1], [summary.zeros, summary.ones])
    else:
        y = (summary.mean[-1], summary.std(ddof=1)[-1], summary.low[-1], summary.high[-1])
        target = table(["target", "mean", "std", "min", "max"],
                       [["y", *(f"{v:.4g}" for v in y)]])  # fmt: skip
    return data_summary_section(
        data.task, data.n_samples, data.feature_names, target, data.feature_mean,
        data.feature_std, summary.low[:-1], summary.high[:-1],
    )  # fmt: skip


def left_out_section(data: EngineReportData, engine: str) -> str:
    """What the in-memory report has and this one leaves out, and why."""
    return f"""<section id="left-out"><h2>Left out: what needs the rows in memory</h2>
<p>The rows stayed on {html.escape(engine)} as blocks, read in passes and never gathered
on one machine, so this report leaves out the sections of the in-memory report that need
them there: the <strong>held-out calibration</strong> (out-of-fold predictions of every
row), the <strong>geometry of the two strongest features and its interactive
explorer</strong> (fits of the two-feature problem on the rows), <strong>stability
selection</strong> (fits on many half-samples) and the <strong>bootstrap intervals of the
refit</strong> (fits on many resamples drawn with replacement). The stability in the
comparison is the mean pairwise Jaccard similarity of the {data.n_splits} fold fits'
selections at the chosen α (in memory: complementary half-samples). The per-feature KKT
residuals are computed on the {html.escape(data.strategy)} strategy's statistics where they
are at hand, else shown as not available; the duality gap certifies the fit either
way.</p></section>"""


def build_engine_report(
    data, *, task: str, command: str, engine: str, cv: int = CV_FOLDS,
    random_state: int = RANDOM_STATE, selection: str = SELECTION, classes=None,
    progress: Callable[[str, float], None] | None = None,
) -> str:  # fmt: skip
    """The report of engine data as an HTML string (:func:`analyse_engine`'s numbers;
    ``engine`` names where the rows live, ``command`` is shown verbatim).

    Examples
    --------
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5)); y = X @ [1.0, 0, -1.0, 0, 0] + 2 * rng.normal(size=200)
    >>> page = build_engine_report(ArrayBlocks(X, y, n_partitions=2), task="regression",
    ...                            command="shrinkage report", engine="memory", cv=3)
    >>> page.startswith("<!DOCTYPE html>"), 'id="left-out"' in page, 'id="explorer"' in page
    (True, True, False)
    """
    if not isinstance(command, str):
        raise TypeError(f"command must be a string, got {type(command).__name__}.")
    numbers = analyse_engine(data, task=task, cv=cv, random_state=random_state,
                             selection=selection, classes=classes, progress=progress)  # fmt: skip
    if progress is not None:
        progress("drawing the path and CV figures", 0.85)
    paths = figure_html(path_and_cv_figure(numbers), "paths and CV curves", "figure-paths")
    body = f"""{_data_section(numbers)}{comparison_section(numbers)}{advice_section(numbers)}
{coefficient_section(numbers)}
{paths_section(paths)}
{left_out_section(numbers, engine)}"""
    return page_html(task, body, command)


def write_engine_report(data, *, out: Path, task: str, command: str, engine: str,
                        **options) -> Path:  # fmt: skip
    """:func:`build_engine_report`, written atomically to ``out``
    (:func:`~shrinkage.report.html.write_page`); ``options`` as there."""
    out = Path(out)
    if not out.parent.is_dir():
        raise FileNotFoundError(f"the output directory {str(out.parent)!r} does not exist.")
    page = build_engine_report(data, task=task, command=command, engine=engine, **options)
    write_page(out, page)
    progress = options.get("progress")
    if progress is not None:
        progress("report written", 1.0)
    return out
