"""``python -m shrinkage.demo``: "L1 gives exact zeros, L2 does not" in one table, on real
data.

Fits the lasso (L1), ridge (L2) and the elastic net on the diabetes data that ships with
scikit-learn (442 patients, 10 standardised measurements) for a few α, and prints the
coefficients side by side with the number that are *exactly* zero, and each fit's
duality-gap certificate. L1 zeroes features as α grows; L2 shrinks them all but zeroes none.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_diabetes

from . import ElasticNet, Lasso, Ridge

__all__ = ["coefficient_table", "main"]


def coefficient_table(alphas=(0.1, 1.0, 10.0, 30.0), l1_ratio=0.5):
    """Fit L1, L2 and elastic net for each α on diabetes; return rows of results.

    Columns are standardised inside the fit (``standardize=True``), so one α means the
    same for every feature; coefficients are reported on the data's scale.

    Returns
    -------
    feature_names : list of str
    rows : list of dict
        ``{"alpha", "model", "coef", "n_zeros", "relative_gap"}`` per fit.

    Examples
    --------
    >>> names, rows = coefficient_table(alphas=(10.0,))
    >>> [(row["model"], row["n_zeros"]) for row in rows]
    [('L1 (lasso)', 6), ('L2 (ridge)', 0), ('elastic net ρ=0.5', 1)]
    """
    data = load_diabetes()
    X, y = data.data, data.target
    rows = []
    for alpha in alphas:
        models = {
            "L1 (lasso)": Lasso(alpha=alpha, standardize=True, tol=1e-8),
            "L2 (ridge)": Ridge(alpha=alpha, standardize=True, tol=1e-8),
            f"elastic net ρ={l1_ratio:g}": ElasticNet(
                alpha=alpha, l1_ratio=l1_ratio, standardize=True, tol=1e-8
            ),
        }
        for name, model in models.items():
            model.fit(X, y)
            rows.append(
                {
                    "alpha": alpha,
                    "model": name,
                    "coef": model.coef_.copy(),
                    "n_zeros": int(np.sum(model.coef_ == 0)),
                    "relative_gap": model.certificate_.relative_gap,
                }
            )
    return list(data.feature_names), rows


def format_table(feature_names, rows) -> str:
    """Render :func:`coefficient_table` as fixed-width text."""
    width = 11
    lines = []
    for alpha in dict.fromkeys(row["alpha"] for row in rows):
        block = [row for row in rows if row["alpha"] == alpha]
        lines.append(f"\nα = {alpha:g}   (objective 1/(2n)‖y − Xw − b‖² + α·penalty)")
        header = f"{'feature':<10}" + "".join(f"{row['model']:>{width + 8}}" for row in block)
        lines.append(header)
        lines.append("-" * len(header))
        for j, name in enumerate(feature_names):
            cells = []
            for row in block:
                value = row["coef"][j]
                text = "0 (exact)" if value == 0 else f"{value:.2f}"
                cells.append(f"{text:>{width + 8}}")
            lines.append(f"{name:<10}" + "".join(cells))
        lines.append(
            f"{'# zeros':<10}" + "".join(f"{row['n_zeros']:>{width + 8}}" for row in block)
        )
        lines.append(
            f"{'rel. gap':<10}"
            + "".join(f"{row['relative_gap']:>{width + 8}.1e}" for row in block)
        )
    return "\n".join(lines)


def main() -> None:
    names, rows = coefficient_table()
    print("Why does L1 give exact zeros while L2 only makes weights small?")
    print("Diabetes data (scikit-learn), 442 samples × 10 features.")
    print(format_table(names, rows))
    print(
        "\nL1 sets more coefficients to exactly 0 as α grows; L2 shrinks all of them and "
        "zeroes none.\nEvery fit is certified: 'rel. gap' is its duality gap / objective at 0."
    )


if __name__ == "__main__":
    main()
