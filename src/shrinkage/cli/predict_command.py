"""``shrinkage predict``: predictions from a saved model folder, at its α or another one.

DATA may hold more columns than the model uses (they are ignored, and named on stderr);
an id column (``--id``, or the one given to ``fit --id``) becomes the first column of the
predictions. A category level the model has not seen is an error unless
``--unknown-levels zero``. ``--alpha A`` predicts with the coefficients at ``A`` from the
stored path (:mod:`shrinkage.cli.model_path`).

A classification model writes the predicted class and the probability of the second
class (``probability_<class>``); a multi-class model the predicted class and one
probability column per class, in the order of the model's classes (they sum to 1). A
count model predicts the mean count; one fitted with ``--exposure COLUMN`` reads the
exposures from that column of DATA (positive numbers) and writes it beside the
predictions. When DATA holds the target, the summary scores the predictions: R²
(regression), accuracy (classification), accuracy and log-loss, the mean cross-entropy
(multiclass, when every label of DATA is a class of the model), or D², the share of
Poisson deviance explained, and the mean Poisson deviance (count).
"""

from __future__ import annotations

import math

import click
import numpy as np
import pandas as pd

from .destinations import check_table_destination, write_table
from .errors import DataError
from .options import id_option, separator_option, writing_options

__all__ = ["predict"]


def _id_column(explicit, saved, frame) -> str | None:
    if explicit is not None:
        if explicit not in set(frame.columns):
            raise DataError(f"--id column {explicit!r} not found in DATA.")
        return explicit
    remembered = saved.schema.get("id")
    return remembered if remembered in set(frame.columns) else None


#: The scores of the summary, as its text lines name them.
SCORE_NAMES = {"r2": "r2", "accuracy": "accuracy", "log_loss": "log-loss (mean cross-entropy)",
               "d2": "d2 (Poisson deviance explained)",
               "mean_poisson_deviance": "mean Poisson deviance"}  # fmt: skip


def _exposure(saved, frame) -> np.ndarray | None:
    """The exposures of DATA for a count model fitted with ``--exposure``, else None."""
    from .io import exposure_values

    if saved.exposure is None:
        return None
    if saved.exposure not in set(frame.columns):
        raise DataError(
            f"the model was fitted with --exposure {saved.exposure!r}: DATA needs that "
            "column of exposures."
        )
    if frame[saved.exposure].isna().any():
        raise DataError(f"missing values in the --exposure column {saved.exposure!r}.")
    return exposure_values(frame[saved.exposure], saved.exposure)


def _count_scores(saved, X, exposure, truth) -> dict:
    from ..report.counts import count_scores

    if truth.dtype.kind not in "biuf" or not np.all(truth >= 0):
        return {}  # not counts: nothing to score against
    mean_deviance, d2 = count_scores(truth.astype(np.float64),
                                     saved.decision_function(X, exposure))  # fmt: skip
    return {"d2": d2, "mean_poisson_deviance": mean_deviance}


def _multiclass_scores(saved, X, predictions, truth) -> dict:
    """Accuracy, and the log-loss when every label of ``truth`` is a class of the model."""
    from scipy.special import log_softmax

    accuracy = float(np.mean(predictions["prediction"].to_numpy() == truth))
    position = {label: k for k, label in enumerate(saved.schema["classes"])}
    try:
        codes = np.array([position[label] for label in truth.tolist()], dtype=np.intp)
    except (KeyError, TypeError):  # a label the model does not know: no log-loss
        return {"accuracy": accuracy}
    log_probability = log_softmax(saved.decision_function(X), axis=1)
    log_loss = -np.mean(log_probability[np.arange(codes.size), codes])
    return {"accuracy": accuracy, "log_loss": float(log_loss)}


def _score(saved, frame, predictions, X, exposure) -> dict:
    target = saved.schema["target"]
    if target not in frame.columns or frame[target].isna().any():
        return {}
    truth = frame[target].to_numpy()
    if saved.task == "count":
        return _count_scores(saved, X, exposure, truth)
    if saved.task == "multiclass":
        return _multiclass_scores(saved, X, predictions, truth)
    if saved.task == "regression":
        residual = np.asarray(truth, dtype=np.float64) - predictions["prediction"].to_numpy()
        return {"r2": 1.0 - residual @ residual / np.sum((truth - truth.mean()) ** 2)}
    return {"accuracy": float(np.mean(predictions["prediction"].to_numpy() == truth))}


def _probability_columns(saved, X, predictions) -> np.ndarray | None:
    """Add the probability columns of a classifier to ``predictions``: of the second class
    (classification), or of every class (multiclass); return a multi-class model's
    probabilities (n, K), else None."""
    from .model_format import class_column

    if saved.task == "classification":
        label = saved.schema["classes"][1]
        predictions[class_column("probability", label)] = saved.predict_proba(X)
        return None
    if saved.task != "multiclass":
        return None
    probabilities = saved.predict_proba(X)
    for k, label in enumerate(saved.schema["classes"]):
        predictions[class_column("probability", label)] = probabilities[:, k]
    return probabilities


@click.command()
@click.argument("model", type=click.Path(exists=True))
@click.argument("data", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="CSV file for the predictions (default, or -: standard output).",
)
@click.option(
    "--alpha",
    type=float,
    default=None,
    help="Predict at this α instead of the model's: from the stored path, exact "
    "at a grid point, interpolated linearly between two.",
)
@id_option
@click.option(
    "--unknown-levels",
    type=click.Choice(["error", "zero"]),
    default="error",
    show_default=True,
    help="A category level not seen when fitting: an error, or all-zero indicator columns.",
)
@click.option("--encoding", default="utf-8", show_default=True, help="CSV text encoding.")
@separator_option
@writing_options
def predict(model, data, out, alpha, id_column, unknown_levels, encoding, sep, force, output):
    """Predict DATA (a file, or - for standard input) with the model saved in the folder
    MODEL (by shrinkage fit)."""  # fmt: skip
    from .model_io import load_model
    from .reading import parse_separator, read_table

    destination = check_table_destination(out if out is not None else "-", output,
                                          force=force, suffixes=(".csv",))  # fmt: skip
    if alpha is not None and not (math.isfinite(alpha) and alpha > 0):
        raise DataError(f"--alpha must be a positive number, got {alpha:g}.")
    saved = load_model(model, with_path=alpha is not None)
    notes: list[str] = []
    frame = read_table(data, encoding=encoding, sep=parse_separator(sep), notes=notes)
    identifier = _id_column(id_column, saved, frame)
    X = saved.encode(
        frame,
        notes,
        unknown_levels=unknown_levels,
        keep=[name for name in (identifier, saved.exposure) if name is not None],
    )
    exposure = _exposure(saved, frame)
    if alpha is not None:
        saved, how = saved.at_alpha(alpha)
        notes.append(how)
    for note in notes:
        output.note(note)
    predictions = pd.DataFrame({"prediction": saved.predict(X, exposure)}, index=frame.index)
    probabilities = _probability_columns(saved, X, predictions)
    if exposure is not None:
        predictions.insert(0, saved.exposure, frame[saved.exposure].to_numpy())
    if identifier is not None:
        if identifier in predictions.columns:
            raise DataError(f"--id column {identifier!r} has the name of a prediction column.")
        predictions.insert(0, identifier, frame[identifier].to_numpy())
    summary = {"n_rows": len(frame), "task": saved.task,
               "alpha": alpha if alpha is not None else saved.alpha,
               "out": None if isinstance(destination, str) else str(destination)}  # fmt: skip
    summary.update(_score(saved, frame, predictions, X, exposure))
    write_table(predictions, destination, output)
    lines = []
    if not isinstance(destination, str):
        lines.append(f"wrote {len(frame):,} predictions to {destination}")
    if output.json_mode and isinstance(destination, str):
        summary["predictions"] = predictions["prediction"].tolist()
        if saved.task == "classification":
            summary["probabilities"] = predictions.iloc[:, -1].tolist()
        elif saved.task == "multiclass":
            summary["classes"] = saved.schema["classes"]
            summary["probabilities"] = probabilities.tolist()
        if identifier is not None:
            summary["ids"] = predictions[identifier].tolist()
    for key, name in SCORE_NAMES.items():
        if key in summary:
            lines.append(f"{name} on DATA's {saved.schema['target']!r} column: "
                         f"{summary[key]:.4f}")  # fmt: skip
    output.summary(summary, lines)
