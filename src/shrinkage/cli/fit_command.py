"""``shrinkage fit``: fit a penalised model to a table and save it as a model folder.

The folder holds ``model.json`` (parameters, coefficients, certificate, data schema),
``coef.csv`` and ``path.csv``: the regularization path of the same penalty on the full
data (on the CV grid with ``--cv``, on the library's grid with a fixed ``--alpha``), so
that ``shrinkage predict --alpha`` can predict at another α.
"""

from __future__ import annotations

import functools
import time

import click

from .. import defaults
from . import models
from .atomic import check_output_dir, write_files_into
from .engines import engine_options
from .model_path import StoredPath
from .options import (
    check_alpha_or_cv,
    command_line,
    cv_options,
    describe_penalty,
    load_data,
    problem_options,
    writing_options,
)

__all__ = ["fit"]


def _stored_path(estimator, table, *, rho, n_alphas, standardize, alpha_min_ratio, grouped,
                 output):  # fmt: skip
    """The full-data path to store: on the estimator's CV grid, or the library's grid."""
    grid = None
    if hasattr(estimator, "cv_alphas_"):
        grid = models.chosen_curve(estimator, estimator.cv_alphas_)
    with output.progress("computing the regularization path for predict --alpha"):
        result = models.run_path(
            table.X, table.y, table.task, table.schema["classes"], l1_ratio=rho,
            n_alphas=n_alphas, standardize=standardize, alpha_min_ratio=alpha_min_ratio,
            alphas=grid, exposure=table.exposure, grouped=grouped,
        )  # fmt: skip
    return StoredPath.from_result(result)


@click.command()
@problem_options
@click.option("--alpha", type=float, default=None, help="A fixed α (instead of --cv).")
@functools.partial(cv_options, folds_default=None)
@engine_options
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder for model.json, coef.csv and path.csv.")  # fmt: skip
@writing_options
def fit(request, penalty, l1_ratio, grouped, standardize, n_alphas, alpha_min_ratio, alpha,
        folds, select, seed, engine, out, force, output):  # fmt: skip
    """Fit a penalised model to DATA (a file, or - for standard input; with --engine, a
    Parquet file, directory or glob); write the folder OUT with model.json, coef.csv and
    path.csv (for predict --alpha)."""
    from .model_format import COEF_FILE, MODEL_FILE, PATH_FILE

    check_alpha_or_cv(alpha, folds)
    rho = models.l1_ratio_for(penalty, l1_ratio)
    out = check_output_dir(out, [MODEL_FILE, COEF_FILE, PATH_FILE], force=force)
    folds = defaults.CV_FOLDS if alpha is None and folds is None else folds
    choices = dict(penalty=penalty, rho=rho, grouped=grouped, alpha=alpha, folds=folds,
                   select=select, standardize=standardize, n_alphas=n_alphas,
                   alpha_min_ratio=alpha_min_ratio, seed=seed)  # fmt: skip
    if engine.name is not None:
        from .engine_models import fit_model
        from .engines import open_data

        with open_data(engine, request, output) as source:
            models.check_grouped(grouped, source.task)
            how = f"α = {alpha:g}" if alpha is not None else f"{folds}-fold CV ({select})"
            output.note(f"fitting {describe_penalty(rho, grouped)}, {how}, on "
                        f"{source.n_rows:,} rows ({engine.name})")  # fmt: skip
            start = time.perf_counter()
            estimator = fit_model(source, output, l1_ratio=rho, alpha=alpha, folds=folds,
                                  select=select, standardize=standardize, n_alphas=n_alphas,
                                  alpha_min_ratio=alpha_min_ratio, seed=seed)  # fmt: skip
            seconds = time.perf_counter() - start
            stored = StoredPath.from_result(estimator.path)
        _write_model(output, out, estimator, stored, source.schema, source.n_rows, seconds,
                     **choices)  # fmt: skip
        return
    table = load_data(output, request)
    estimator = models.build_estimator(
        table.task, l1_ratio=rho, alpha=alpha, folds=folds, select=select,
        standardize=standardize, n_alphas=n_alphas, n_rows=len(table.X), random_state=seed,
        alpha_min_ratio=alpha_min_ratio, grouped=grouped,
    )  # fmt: skip
    if alpha is None:
        models.check_cv_classes(table.y, table.task)
    how = f"α = {alpha:g}" if alpha is not None else f"{folds}-fold CV ({select})"
    start = time.perf_counter()
    with output.progress(
        f"fitting {describe_penalty(rho, grouped)}, {how}, on {len(table.X):,} rows"
    ):
        for note in models.fit_quietly(estimator, table.X, table.y, table.exposure):
            output.note(note)
    seconds = time.perf_counter() - start
    stored = _stored_path(estimator, table, rho=rho, n_alphas=n_alphas,
                          standardize=standardize, alpha_min_ratio=alpha_min_ratio,
                          grouped=grouped, output=output)  # fmt: skip
    _write_model(output, out, estimator, stored, table.schema, len(table.X), seconds,
                 **choices)  # fmt: skip


def _write_model(output, out, estimator, stored, schema, n_rows, seconds, *, penalty, rho,
                 grouped, alpha, folds, select, standardize, n_alphas, alpha_min_ratio,
                 seed) -> None:  # fmt: skip
    """Edge messages, then the model folder OUT written in one step, then the summary."""
    from .model_format import document_writers, model_document

    notes, warnings = models.edge_report(estimator)
    for note in notes:
        output.note(note)
    for warning in warnings:
        output.warn(warning)
    cv = alpha is None
    parameters = {
        "penalty": penalty, "l1_ratio": rho, "alpha": float(getattr(estimator, "alpha_", alpha)),
        "selection": select if cv else "fixed", "cv": folds,
        "alpha_min": getattr(estimator, "alpha_min_", None),
        "alpha_1se": getattr(estimator, "alpha_1se_", None),
        "standardize": standardize, "fit_intercept": True, "tol": estimator.tol,
        "n_alphas": n_alphas, "alpha_min_ratio": alpha_min_ratio, "seed": seed if cv else None,
        "alpha_grid_extended": getattr(estimator, "alpha_grid_extended_", None),
        "alpha_at_edge": getattr(estimator, "alpha_at_edge_", None),
    }  # fmt: skip
    if schema["task"] == "multiclass":
        parameters["grouped"] = grouped
    document = model_document(estimator, schema, parameters=parameters,
                              command=command_line(), path=stored)  # fmt: skip
    document["n_rows"], document["fit_seconds"] = n_rows, round(seconds, 4)
    paths = write_files_into(out, document_writers(document, stored))
    _summary(output, document, schema["task"], n_rows, rho, seconds, paths, stored)


def _summary(output, document, task, n_rows, rho, seconds, paths, stored) -> None:
    certificate = document["certificate"]
    parameters = document["parameters"]
    n_features, n_nonzero = len(document["coefficients"]), document["n_nonzero"]
    penalty_name = describe_penalty(rho, parameters.get("grouped", False))
    kept, zero = (("non-zero in some class", "zero in every class") if task == "multiclass"
                  else ("non-zero", "exactly zero"))  # fmt: skip
    output.summary(
        {"task": task, "estimator": document["estimator"], "alpha": parameters["alpha"],
         "l1_ratio": rho, "n_rows": n_rows, "n_features": n_features,
         "n_nonzero": n_nonzero, "certificate": certificate, "fit_seconds": seconds,
         "alpha_grid_extended": parameters["alpha_grid_extended"],
         "alpha_at_edge": parameters["alpha_at_edge"], "path": document["path"],
         "files": [str(p) for p in paths]},
        [
            f"{document['estimator']} ({penalty_name}, α = {parameters['alpha']:.4g}) "
            f"on {n_rows:,} rows × {n_features} features, {task}: "
            f"{n_nonzero} {kept}, {n_features - n_nonzero} {zero} ({seconds:.2f} s)",
            f"certificate: relative duality gap {certificate['relative_gap']:.2e}, largest "
            f"KKT residual {_scientific(certificate['max_kkt_residual'])}",
            f"path: {stored.alphas.size} α from {stored.alphas[0]:.4g} to "
            f"{stored.alphas[-1]:.4g} (shrinkage predict --alpha A predicts at any α there)",
            f"wrote {', '.join(str(p) for p in paths)}",
        ],
    )  # fmt: skip


def _scientific(value) -> str:
    """``1.20e-09``, or ``not computed`` for a value the fit did not compute (None)."""
    return "not computed" if value is None else f"{value:.2e}"
