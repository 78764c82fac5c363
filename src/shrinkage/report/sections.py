"""The report's sections as HTML, each from the numbers of :class:`ReportData`.

Every function returns one ``<section>`` (or its text) and computes nothing beyond
formatting; names and data-supplied text are escaped here.
"""

from __future__ import annotations

import html

import numpy as np

from ..advice import n_features_kept
from .analysis import ReportData
from .calibration import calibration_regression, held_out_count_scores, reliability_curve
from .wording import TASK_WORDS, certificate_sentence, count, gap_text

__all__ = [
    "advice_section",
    "calibration_text",
    "class_table",
    "coefficient_section",
    "comparison_section",
    "data_section",
    "data_summary_section",
    "how_sure_section",
    "table",
]

MAX_FEATURE_ROWS = 200


def table(header, rows, classes=None, element_id=None) -> str:
    """An HTML table; the first column is left-aligned (names), cells are escaped."""
    head = "".join(f'<th class="{"name" if i == 0 else ""}">{html.escape(h)}</th>'
                   for i, h in enumerate(header))  # fmt: skip
    body = []
    for k, row in enumerate(rows):
        cells = "".join(f'<td class="{"name" if i == 0 else ""}">{html.escape(str(c))}</td>'
                        for i, c in enumerate(row))  # fmt: skip
        css = f' class="{classes[k]}"' if classes and classes[k] else ""
        body.append(f"<tr{css}>{cells}</tr>")
    identity = f' id="{element_id}"' if element_id else ""
    return (f"<table{identity}><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")  # fmt: skip


def class_table(classes, counts) -> str:
    """The classes with their counts and shares."""
    total = int(np.sum(counts))
    rows = [[str(c), int(n), f"{n / total:.1%}"] for c, n in zip(classes, counts, strict=True)]
    return table(["class", "count", "share"], rows)


def _count_table(data: ReportData) -> str:
    """The counts: mean, variance (equal to the mean for Poisson counts), share of zeros,
    least, median and largest value; and the exposures, when given."""
    y = data.y
    q = np.quantile(y, [0, 0.5, 1])
    counts = table(["target", "mean", "variance", "zeros", "min", "median", "max"], [
        ["y", f"{y.mean():.4g}", f"{y.var(ddof=1):.4g}", f"{np.mean(y == 0):.1%}",
         *(f"{v:.4g}" for v in q)]
    ])  # fmt: skip
    if data.exposure is None:
        return counts
    name = html.escape(data.exposure_name or "exposure")
    rate = y.sum() / data.exposure.sum()
    return (
        f"{counts}<p>Exposure: column <strong>{name}</strong> (total "
        f"{data.exposure.sum():.4g}, from {data.exposure.min():.4g} to "
        f"{data.exposure.max():.4g}); every model is for the rate count / {name}, with "
        f"log({name}) as offset. Overall rate: {rate:.4g} per unit of {name}.</p>"
    )


def data_section(data: ReportData) -> str:
    if data.task in ("classification", "multiclass"):
        counts = np.bincount(data.y.astype(int), minlength=len(data.classes))
        target = class_table(data.classes, counts)
    elif data.task == "count":
        target = _count_table(data)
    else:
        q = np.quantile(data.y, [0, 0.25, 0.5, 0.75, 1])
        target = table(["target", "mean", "std", "min", "25%", "median", "75%", "max"], [
            ["y", *(f"{v:.4g}" for v in (data.y.mean(), data.y.std(ddof=1), *q))]
        ])  # fmt: skip
    return data_summary_section(
        data.task, data.n_samples, data.feature_names, target, data.feature_mean,
        data.feature_std, data.X.min(axis=0), data.X.max(axis=0),
    )  # fmt: skip


def data_summary_section(task, n_samples, feature_names, target, mean, std, low, high) -> str:
    """The data section from plain numbers: the size and task, the ``target`` table
    (HTML) and each feature's mean, standard deviation, least and largest value."""
    rows = [
        [name, f"{m:.4g}", f"{s:.4g}", f"{lo:.4g}", f"{hi:.4g}"]
        for name, m, s, lo, hi in zip(feature_names, mean, std, low, high, strict=True)
    ][:MAX_FEATURE_ROWS]
    more = len(feature_names) - len(rows)
    note = f"<p>… and {count(more, 'more feature')}.</p>" if more > 0 else ""
    return f"""<section id="data-summary"><h2>Data</h2>
<p><strong>n = {n_samples}</strong> samples, <strong>p = {len(feature_names)}</strong>
features, task: <strong>{TASK_WORDS[task].name}</strong>. Features are standardised
inside the penalty (coefficients are reported on the original scale).</p>{target}
<h3>Features</h3>{table(["feature", "mean", "std", "min", "max"], rows)}{note}</section>"""


def comparison_section(data: ReportData) -> str:
    error = TASK_WORDS[data.task].error
    rows, classes = [], []
    for summary, run in zip(data.summaries, data.runs, strict=True):
        rows.append([
            summary.name, f"{summary.l1_ratio:g}", f"{summary.alpha:.4g}",
            f"{summary.cv_error:.4g} ± {summary.cv_error_se:.2g}",
            f"{summary.n_features_kept} of {summary.n_features}", f"{summary.stability:.2f}",
            f"{run.path.alphas[run.index_1se]:.4g}", int(run.path.n_active[run.index_1se]),
        ])  # fmt: skip
        classes.append("recommended" if summary.name == data.recommendation else "")
    header = ["penalty", "ρ (l1_ratio)", "α_min", f"CV {error} ± SE", "features kept",
              "stability (Jaccard)", "α_1se", "kept at α_1se"]  # fmt: skip
    return f"""<section id="comparison"><h2>L1 vs L2 vs elastic net</h2>
<p>{data.n_splits}-fold cross-validation (shuffled, seed {data.random_state}) over a grid of
{data.runs[0].path.alphas.size} α per penalty. CV error at α_min with its standard error
across folds; features kept by the full-data fit at α_min; stability: the mean pairwise
Jaccard similarity of the sets of non-zero coefficients chosen in the folds (1 = the same
features in every fold).{_grouped_note(data)}</p>
{table(header, rows, classes)}{_edge_notes(data)}</section>"""


def _grouped_note(data: ReportData) -> str:
    """What the lasso and the elastic net penalise in a grouped multi-class report."""
    if not getattr(data, "grouped", False):
        return ""
    return (' <span id="grouped-penalty">Grouped penalty: the L1 part of the lasso and the '
            "elastic net is the Euclidean norm of each feature's row of coefficients, one per "
            'class (glmnet\'s type.multinomial = "grouped"), so a feature enters every '
            "class's model or none.</span>")  # fmt: skip


def _edge_notes(data: ReportData) -> str:
    """A note per penalty whose grid was extended, and a warning where the least CV error
    still sits at the grid's small end (the curve had not turned)."""
    notes = []
    for run in data.runs:
        if run.at_edge:
            notes.append(
                f'<p class="warning">{html.escape(run.name)}: the least CV error is still at the '
                f"smallest α of the grid ({run.path.alphas[-1]:.3g}) after extending it "
                f"{count(run.grid_extended, 'time')}: the curve had not turned, so the "
                "chosen α may be too large.</p>"
            )
        elif run.grid_extended:
            notes.append(
                f"<p>{html.escape(run.name)}: the grid was extended "
                f"{count(run.grid_extended, 'time')} below its default end, where the CV "
                "error was still falling.</p>"
            )
    return "".join(notes)


def advice_section(data: ReportData) -> str:
    reasons = "".join(f"<li>{html.escape(reason)}.</li>" for reason in data.reasons)
    chosen = data.chosen
    rule = ("the one-standard-error rule: the largest α whose CV error is within one "
            "standard error of the minimum, a simpler model that predicts as well"
            if chosen.selection == "1se" else "the least mean CV error")  # fmt: skip
    kept = n_features_kept(chosen.coef.T)
    zeros = (" A coefficient that is exactly zero means the feature adds too little, at this "
             "α, to pay for its penalty; its entry α says how much less shrinkage it would "
             "take for the feature to come in." if chosen.l1_ratio > 0 else
             " Ridge shrinks every coefficient but sets none to exactly zero.")  # fmt: skip
    return f"""<section id="advice"><h2>Advice</h2><div class="advice">
<p><strong>Use the {html.escape(data.recommendation)}.</strong></p><ul>{reasons}</ul>
<p>The model below uses α = {chosen.alpha:.4g}, chosen by {rule}. It keeps {kept} of
{count(data.n_features, "feature")}.{zeros}</p></div></section>"""


def _gap(value) -> str:
    return html.escape(gap_text(value))


def coefficient_section(data: ReportData) -> str:
    """The chosen model: the certificate in one sentence, then its numbers, and the
    coefficients (with each feature's entry α, except for ridge, which has none)."""
    chosen, run = data.chosen, data.chosen_run
    sparse = chosen.l1_ratio > 0
    standardized = chosen.coef * data.feature_std
    order = np.argsort(-np.abs(standardized), kind="stable")
    rows, classes = [], []
    for j in order:
        entry = [f"{run.path.entry_alpha[j]:.4g}"] if sparse else []
        rows.append([data.feature_names[j], f"{chosen.coef[j]:.6g}", f"{standardized[j]:.4g}",
                     *entry, gap_text(chosen.kkt_residual[j])])  # fmt: skip
        classes.append("zero" if chosen.coef[j] == 0 else "")
    header = ["feature", "coefficient", "standardised", *(["entry α"] if sparse else []),
              "KKT residual"]  # fmt: skip
    entry_note = (
        " Ridge sets no coefficient to zero on an interval of α (a coefficient can cross 0"
        " only at isolated α, through a sign change): there is no entry α."
    )
    if sparse:
        entry_note = (
            " Entry α: the largest α of the path at which the feature is non-zero "
            "— above it the coefficient is exactly zero."
        )
    if data.task == "count":
        entry_note += (
            " The coefficients are on the log scale of the mean count: exp(coefficient) is the"
            " factor by which one more unit of the feature multiplies the expected count."
        )
    largest_kkt = chosen.kkt_residual.max(initial=0.0)
    return f"""<section id="coefficients"><h2>The chosen model: {html.escape(chosen.name)}
at α = {chosen.alpha:.4g}</h2>
<p><strong id="certificate-sentence">{certificate_sentence(chosen.relative_gap)}</strong>
Certificate: relative duality gap <strong id="relative-gap"
 data-value="{chosen.relative_gap!r}">{_gap(chosen.relative_gap)}</strong> (the duality
gap, {_gap(chosen.dual_gap)}, bounds how far the cost of this fit can be above the lowest
cost any coefficients reach at this α; relative: as a share of the cost of the model without
features), largest per-feature KKT residual {_gap(largest_kkt)} (the distance of −∇loss
to α·∂penalty, zero at the exact optimum), intercept {chosen.intercept:.6g},
{count(chosen.n_iter, "iteration")}.{entry_note}</p>
{table(header, rows, classes, "coefficient-table")}</section>"""


def _stability_text(data: ReportData) -> str:
    result, p = data.stability, data.n_features
    selector = "lasso" if data.chosen.l1_ratio in (0.0, 1.0) else "elastic net"
    stable = ", ".join(html.escape(str(result.feature_names[j])) for j in result.selected)
    target = {
        "classification": " For the two classes the selecting fit is the squared-loss lasso "
        "on the 0/1 labels (a linear probability model); the bound holds for it all the same.",
        "count": " For counts the selecting fit is the squared-loss lasso on the counts (per "
        "unit of exposure, weighted by it, when there is one): a linear model of the rate; "
        "the bound holds for it all the same.",
    }.get(data.task, "")
    return f"""<p><strong>Stability selection</strong> (Meinshausen &amp; Bühlmann 2010):
the {selector} fitted on {result.n_subsamples} half-samples of the rows (complementary
pairs), over {count(result.alphas.size, "value")} of α from {result.alphas[0]:.4g} down to
{result.alphas[-1]:.4g}. The share is the largest fraction of half-samples that select the
feature at one of these α. <strong id="stable-features">Stably selected (share ≥
{result.threshold:g}): {stable or "none"}.</strong> The expected number of wrongly selected
features among them is at most <strong id="error-bound">{result.error_bound:.2f}</strong>
(their bound q²/((2π−1)p), with q = {result.average_selected:.2f} features selected on average
per half-sample, π = {result.threshold:g} and p = {p}). The grid stops where q keeps that bound
near one, so a half-sample fit keeps few features: a low share does not make a feature
useless, it means the data cannot vouch for it at that strictness.{target}</p>"""


def _refit_text(data: ReportData) -> str:
    refit = data.refit
    if refit.support.size == 0:
        return "<p>The chosen model keeps no feature: there is nothing to refit.</p>"
    kind = TASK_WORDS[data.task].refit
    warning = ""
    if refit.separated > 0:
        warning = (
            f" In {refit.separated:.0%} of the fits the features separate the two classes: "
            "the unpenalised coefficients are then unbounded (held finite by a whisper of "
            "ridge), and their intervals overstate the uncertainty."
        )
    return f"""<p><strong>Bootstrap interval of the refit on the selected features; ignores
the selection step.</strong> The {count(refit.support.size, "feature")} of the chosen model
refitted without penalty ({kind}) on {refit.n_resamples} resamples of the rows drawn with
replacement; {refit.level:.0%} percentile intervals. They treat the set of features as
fixed, so they are too narrow for a feature whose selection is itself uncertain (a low share
above).{warning}</p>"""


def how_sure_section(data: ReportData) -> str:
    """Fold frequencies, stability selection with its error bound, and bootstrap
    intervals of the refit, one row per feature (most stable first)."""
    chosen, run, refit = data.chosen, data.chosen_run, data.refit
    frequency = run.selection_frequency(chosen.index)
    shares = data.stability.max_probabilities
    stable = set(data.stability.selected.tolist())
    strength = np.abs(chosen.coef * data.feature_std)
    order = sorted(range(data.n_features), key=lambda j: (-shares[j], -strength[j], j))
    level = f"{refit.level:.0%}"
    rows, classes = [], []
    for j in order:
        refitted = not np.isnan(refit.lower[j])
        rows.append([
            data.feature_names[j], "yes" if chosen.coef[j] != 0 else "no",
            f"{int(round(frequency[j] * data.n_splits))} of {data.n_splits}",
            f"{shares[j]:.2f}" + (" (stable)" if j in stable else ""),
            f"{refit.coef[j]:.4g}" if refitted else "",
            f"[{refit.lower[j]:.4g}, {refit.upper[j]:.4g}]" if refitted else "",
        ])  # fmt: skip
        classes.append("" if chosen.coef[j] != 0 else "zero")
    header = ["feature", "in the chosen model", "non-zero in CV folds",
              "stability selection share", "refit coefficient",
              f"{level} bootstrap interval of the refit (ignores the selection step)"]  # fmt: skip
    return f"""<section id="how-sure"><h2>How sure are we?</h2>
<p>Three checks, from the weakest to the strongest. <strong>Non-zero in CV folds</strong>:
in how many of the {data.n_splits} cross-validation fits the chosen penalty keeps the feature
at the chosen α (few fits, on overlapping data: a rough check).</p>
{_stability_text(data)}{_refit_text(data)}
{table(header, rows, classes, "how-sure-table")}</section>"""


def calibration_text(data: ReportData) -> str:
    if data.task == "count":
        _, slope, intercept = calibration_regression(data)
        deviance, d2 = held_out_count_scores(data)
        return (f"Held out: D² (the share of Poisson deviance explained) "
                f'<strong id="held-out-d2">{d2:.3f}</strong>, mean Poisson deviance '
                f'<strong id="held-out-deviance">{deviance:.4g}</strong>. Regressing the '
                f"counts on the out-of-fold predicted means gives slope <strong>{slope:.3f}"
                f"</strong> (intercept {intercept:.4g}); 1 is perfect, below 1 the predicted "
                "means are too spread out (over-fit), above 1 too shrunk.")  # fmt: skip
    if data.task == "regression":
        _, slope, intercept = calibration_regression(data)
        return (f"Regressing y on the out-of-fold predictions gives slope "
                f"<strong>{slope:.3f}</strong> (intercept {intercept:.4g}); 1 is perfect, "
                "below 1 the predictions are too spread out (over-fit), above 1 too "
                "shrunk.")  # fmt: skip
    _, _, _, brier = reliability_curve(data)
    return (f"Out-of-fold probabilities in quantile bins against the observed frequency; "
            f"Brier score <strong>{brier:.4f}</strong>. Points on the diagonal are "
            "well calibrated.")  # fmt: skip
