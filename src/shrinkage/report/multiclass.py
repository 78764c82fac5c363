"""What the report shows its own way for a multi-class model (multinomial logistic
regression of K ≥ 3 classes).

The model minimises the mean cross-entropy of the softmax plus the penalty::

    1/n Σ_i [log Σ_k e^{z_ik} − z_{i,y_i}] + α Σ_j (ρ Σ_k |W_jk| + ½(1 − ρ) ‖W_j‖²)

with ``z_i = Wᵀx_i + b``: one coefficient per feature and class. The numbers come from
:func:`shrinkage.report.analysis.analyse`, as for the other tasks: each penalty's path and
stratified cross-validation (the held-out multinomial deviance), the comparison and the
recommendation, in which a feature is selected when its row ``W_j`` is non-zero (it
enters the model of some class), and the certified refit of the chosen model. What this
module does differently:

* the coefficients: a feature × class table, the features that are zero in every class
  greyed and listed (:func:`coefficient_section`);
* the held-out metrics: accuracy and log-loss (the mean cross-entropy) of the
  out-of-fold predictions at the chosen α, and their confusion table
  (:func:`held_out_scores`, :func:`held_out_section`);
* what is left out (:func:`left_out_section`): stability selection, the bootstrap
  intervals of the refit, the calibration plot, the two-feature geometry and the
  explorer, whose pictures are of one coefficient per feature.

The path figure draws each feature's row norm ``‖W_j‖₂`` of standardised coefficients
(:mod:`shrinkage.report.figures`).
"""

from __future__ import annotations

import html

import numpy as np
from scipy.special import log_softmax

from .analysis import ReportData
from .sections import table
from .wording import certificate_sentence, count, gap_text

__all__ = ["coefficient_section", "held_out_scores", "held_out_section", "left_out_section",
           "multiclass_body"]  # fmt: skip


def held_out_scores(data: ReportData) -> tuple[float, float, np.ndarray]:
    """``(accuracy, log-loss, confusion)`` of the chosen model's out-of-fold predictions:
    the share of rows whose most probable class is theirs, the mean cross-entropy, and
    the counts of (true class, predicted class) pairs, one row per true class.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> run = SimpleNamespace(oof_decision=np.array([[[2.0, 0, 0]], [[0, 0, 1.0]]]))
    >>> data = SimpleNamespace(y=np.array([0.0, 1.0]), chosen=SimpleNamespace(index=0),
    ...                        chosen_run=run, classes=["a", "b", "c"])
    >>> accuracy, log_loss, confusion = held_out_scores(data)
    >>> accuracy, round(log_loss, 4), confusion.tolist()
    (0.5, 0.8955, [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    """
    scores = data.chosen_run.oof_decision[:, data.chosen.index]
    codes = data.y.astype(np.intp)
    rows = np.arange(codes.size)
    predicted = np.argmax(scores, axis=1)
    log_loss = -float(np.mean(log_softmax(scores, axis=1)[rows, codes]))
    n_classes = len(data.classes)
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(confusion, (codes, predicted), 1)
    return float(np.mean(predicted == codes)), log_loss, confusion


def _names(data: ReportData, indices) -> str:
    return ", ".join(html.escape(data.feature_names[j]) for j in indices)


def coefficient_section(data: ReportData) -> str:
    """The chosen model: the certificate in one sentence, then a feature × class table of
    its coefficients (original scale) with the norm of each feature's standardised row,
    its entry α (except for ridge) and KKT residual; features zero in every class are
    greyed and listed."""
    chosen, run = data.chosen, data.chosen_run
    sparse = chosen.l1_ratio > 0
    strength = np.linalg.norm(chosen.coef * data.feature_std[:, None], axis=1)
    order = np.argsort(-strength, kind="stable")
    zero = ~np.any(chosen.coef != 0, axis=1)
    rows, classes = [], []
    for j in order:
        entry = [f"{run.path.entry_alpha[j]:.4g}"] if sparse else []
        rows.append([data.feature_names[j], *(f"{value:.6g}" for value in chosen.coef[j]),
                     f"{strength[j]:.4g}", *entry, gap_text(chosen.kkt_residual[j])])  # fmt: skip
        classes.append("zero" if zero[j] else "")
    header = ["feature", *(f"class {label}" for label in data.classes),
              "‖standardised row‖", *(["entry α"] if sparse else []), "KKT residual"]  # fmt: skip
    dropped = np.flatnonzero(zero)
    listed = f": {_names(data, dropped)}" if dropped.size else ""
    zeros = (f'<p id="zero-in-every-class"><strong>{dropped.size} of '
             f"{count(data.n_features, 'feature')} {'is' if dropped.size == 1 else 'are'} "
             f"zero in every class</strong>, out of the model{listed}.</p>")  # fmt: skip
    entry_note = (" Entry α: the largest α of the path at which some class's coefficient of "
                  "the feature is non-zero." if sparse else
                  " Ridge sets no coefficient to zero: there is no entry α.")  # fmt: skip
    if sparse:
        entry_note += (" The penalty is grouped: a feature's coefficients are zero in every "
                       "class or in none." if data.grouped else
                       " The L1 part acts on each coefficient: a feature can be in some "
                       "classes' models and out of the others'.")  # fmt: skip
    intercepts = ", ".join(
        f"{html.escape(str(label))}: {value:.6g}"
        for label, value in zip(data.classes, chosen.intercept, strict=True)
    )
    return f"""<section id="coefficients"><h2>The chosen model: {html.escape(chosen.name)}
at α = {chosen.alpha:.4g}</h2>
<p><strong id="certificate-sentence">{certificate_sentence(chosen.relative_gap)}</strong>
Certificate: relative duality gap <strong id="relative-gap"
 data-value="{chosen.relative_gap!r}">{html.escape(gap_text(chosen.relative_gap))}</strong>
(the duality gap, {html.escape(gap_text(chosen.dual_gap))}, bounds how far the cost of this
fit can be above the lowest cost any coefficients reach at this α), largest per-feature KKT
residual {html.escape(gap_text(chosen.kkt_residual.max(initial=0.0)))} (the largest over
the classes), {count(chosen.n_iter, "iteration")}. Intercepts: {intercepts}.</p>
<p>One coefficient per feature and class: the class's log-odds against the others move by
the coefficient per unit of the feature. Only differences between the classes'
coefficients change the probabilities; the penalty picks the representative. A feature is
in the model when any class's coefficient is non-zero.{entry_note}</p>{zeros}
{table(header, rows, classes, "coefficient-table")}</section>"""


def held_out_section(data: ReportData) -> str:
    """The held-out accuracy and log-loss, and the confusion table."""
    accuracy, log_loss, confusion = held_out_scores(data)
    labels = [str(label) for label in data.classes]
    rows = [[f"true {label}", *confusion[k].tolist()] for k, label in enumerate(labels)]
    header = ["", *(f"predicted {label}" for label in labels)]
    majority = np.bincount(data.y.astype(np.intp), minlength=len(labels)).max() / data.n_samples
    return f"""<section id="held-out"><h2>Held-out predictions</h2>
<p>Out-of-fold predictions of the chosen penalty at its α: each row predicted by the fit on
the other {data.n_splits - 1} folds. Accuracy <strong id="held-out-accuracy">{accuracy:.3f}
</strong> (the most probable class is the row's; always predicting the largest class
scores {majority:.3f}); log-loss <strong id="held-out-log-loss">{log_loss:.4f}</strong>
(the mean cross-entropy −log p of the row's class, half the multinomial deviance; a model
without features scores the entropy of the class shares).</p>
{table(header, rows, element_id="confusion-table")}</section>"""


def left_out_section() -> str:
    """What the report of the other tasks has and this one leaves out, and why."""
    return """<section id="left-out"><h2>Left out for several classes</h2>
<p>This report leaves out stability selection and the bootstrap intervals of the refit,
the calibration plot, the geometry of the two strongest features and the interactive
explorer: they picture one coefficient per feature, and a multi-class model has one per
feature and class. The stability in the comparison is measured on the features (a feature
is selected when its row of coefficients is non-zero) over complementary half-samples of
the rows.</p></section>"""


def multiclass_body(data: ReportData, paths: str) -> str:
    """The sections of a multi-class report after the shared data summary, comparison and
    advice (``paths``: the section of the path and CV figure)."""
    return (f"{coefficient_section(data)}\n{paths}\n{held_out_section(data)}\n"
            f"{left_out_section()}")  # fmt: skip
