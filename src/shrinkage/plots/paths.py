"""Regularization paths: :func:`plot_path` for a :class:`shrinkage.PathResult`, and the
lab's figures for :mod:`shrinkage.lab.paths`."""

from __future__ import annotations

import numpy as np

from ._axes import get_ax
from .text import plain_text

__all__ = ["plot_path", "plot_penalty_path", "plot_zero_counts", "plot_ridge_crossings"]

_KIND = {1.0: "lasso (L1)", 0.0: "ridge (L2)"}


def _labelled(result, label) -> list[int]:
    """The features to label: every one ever non-zero ("all"), the ``label`` that enter
    first (an int), or none (None); in order of entry."""
    ever = np.flatnonzero(result.entry_alpha > 0)
    ever = ever[np.argsort(-result.entry_alpha[ever], kind="stable")]
    if label is None:
        return []
    if isinstance(label, str):
        if label != "all":
            raise ValueError(f"label must be 'all', an integer or None, got {label!r}.")
        return ever.tolist()
    if isinstance(label, bool) or not isinstance(label, int | np.integer) or label < 0:
        raise ValueError(f"label must be 'all', an integer >= 0 or None, got {label!r}.")
    return ever[: int(label)].tolist()


def plot_path(result, ax=None, *, standardized=None, label="all"):
    """Coefficients against α (log scale, largest α on the left), each line labelled at
    its right end.

    Labels sit just right of the axes at the height of their line's last point, spread
    apart so that no two overlap (:func:`shrinkage.plots.line_labels.spread`), with a
    thin lead to their line; lines of features that are never non-zero are grey and
    unlabelled.

    Parameters
    ----------
    result : shrinkage.PathResult
    ax : matplotlib.axes.Axes, optional
        Drawn on a new figure's axes when None.
    standardized : bool, optional
        Draw ``coefs · column_std``, the standardised coefficients that the penalty saw;
        default: when the path was fitted with ``standardize=True``
        (``result.column_std`` is not None).
    label : "all", int or None, default "all"
        Label every feature that is ever non-zero, only the ``label`` that enter first
        (largest entry α), or none.

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    shrinkage.PathResult : the result drawn.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from shrinkage import path
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, _ = load_prostate()
    >>> result = path(X, y, n_alphas=20, standardize=True, feature_names=names)
    >>> ax = plot_path(result)
    >>> sorted(text.get_text() for text in ax.texts) == sorted(names)
    True
    >>> ax.get_ylabel()
    'standardised coefficient (coefficient × column std)'
    """
    from .line_labels import label_line_ends

    if standardized is None:
        standardized = result.column_std is not None
    coefs = np.asarray(result.dense_coefs(), dtype=np.float64)
    if standardized:
        if result.column_std is None:
            raise ValueError(
                "standardized=True needs the column standard deviations: fit the path "
                "with standardize=True, or pass standardized=False."
            )
        coefs = coefs * np.asarray(result.column_std)
    ax = get_ax(ax)
    labelled = _labelled(result, label)
    ever = result.entry_alpha > 0
    lines = {}
    for j in range(coefs.shape[1]):
        style = dict(lw=1.3) if ever[j] else dict(lw=0.8, color="0.75")
        (lines[j],) = ax.plot(result.alphas, coefs[:, j], **style)
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_xscale("log")
    if not ax.xaxis_inverted():
        ax.invert_xaxis()
    names = result.feature_names
    label_line_ends(ax, [lines[j] for j in labelled], [plain_text(names[j]) for j in labelled])
    ax.set_xlabel("α (log scale, decreasing →)")
    ax.set_ylabel(
        "standardised coefficient (coefficient × column std)" if standardized
        else "coefficient"
    )  # fmt: skip
    kind = _KIND.get(float(result.l1_ratio), f"elastic net (ρ = {result.l1_ratio:g})")
    ax.set_title(f"Regularization path, {kind}", fontsize=10)
    return ax


def plot_penalty_path(path, ax=None):
    """Coefficients against α (log scale, large α on the left) for one penalty."""
    ax = get_ax(ax)
    for j, name in enumerate(path.feature_names):
        ax.plot(path.alphas, path.coefs[:, j], label=plain_text(name))
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel("α (log scale, decreasing →)")
    ax.set_ylabel("coefficient (original units)")
    ax.set_title(
        f"{path.name}: {int(path.n_zeros[0])} exact zeros at the largest α, "
        f"{int(path.n_zeros[-1])} at the smallest",
        fontsize=9,
    )
    ax.legend(fontsize=6, ncol=2, loc="lower right")
    return ax


def plot_zero_counts(paths, ax=None):
    """Number of exactly-zero coefficients of several penalties on one axis: the path's
    L1 norm as a fraction of the least-squares one
    (:attr:`~shrinkage.lab.paths.PenaltyPath.norm_fraction`), so that the penalties,
    whose α grids differ, are compared at the same distance along their paths."""
    ax = get_ax(ax)
    for path in paths:
        ax.step(path.norm_fraction, path.n_zeros, where="post", label=path.name)
    ax.set_xlabel("‖σ∘w(α)‖₁ / ‖σ∘ŵ_OLS‖₁  (0: all penalised away, 1: least squares)")
    ax.set_ylabel("number of coefficients exactly 0")
    ax.set_yticks(np.arange(0, len(paths[0].feature_names) + 1))
    ax.set_title("Exact zeros along each path (ridge: none on its grid)", fontsize=10)
    ax.legend(fontsize=8)
    return ax


def plot_ridge_crossings(result, ax=None, *, floor=1e-6):
    """``|w_j(α)|`` (log scale) along a fine ridge path, with each exact zero marked.

    ``result`` is a :class:`~shrinkage.lab.ridge_crossings.RidgeMagnitudes`. A crossing
    shows as a dip to ``floor`` (values below it are drawn at it) and a dotted line at its α.

    Examples
    --------
    One curve per feature of the prostate data, plus one dotted line per crossing:

    >>> from shrinkage.datasets import load_prostate
    >>> from shrinkage.lab.ridge_crossings import ridge_magnitudes
    >>> X, y, names, _ = load_prostate()
    >>> result = ridge_magnitudes(X, y, feature_names=names, n_grid=201)
    >>> ax = plot_ridge_crossings(result)
    >>> len(ax.lines) == len(names) + len(result.crossings), len(result.crossings)
    (True, 2)
    """
    ax = get_ax(ax)
    crossing_features = {c.feature for c in result.crossings}
    magnitudes = np.maximum(np.abs(result.coefs), floor)
    for j, name in enumerate(result.feature_names):
        style = dict(lw=1.6) if j in crossing_features else dict(lw=0.8, alpha=0.6)
        ax.plot(result.alphas, magnitudes[:, j], label=plain_text(name), **style)
    for crossing in result.crossings:
        ax.axvline(crossing.alpha, color="0.3", ls=":", lw=0.9)
        ax.annotate(
            f"{plain_text(crossing.name)} = 0\nat α = {crossing.alpha:.4g}",
            (crossing.alpha, floor), xytext=(-4, 12), textcoords="offset points", fontsize=7,
            ha="right",
        )  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    if not ax.xaxis_inverted():
        ax.invert_xaxis()
    ax.set_xlabel("α (log scale, decreasing →)")
    ax.set_ylabel("|coefficient| (original units, log scale)")
    ax.set_title(
        "Ridge: a coefficient is 0 only at isolated α, where it changes sign", fontsize=10
    )
    ax.legend(fontsize=6, ncol=2, loc="lower right")
    return ax
