"""The explanation lab: the textbook arguments for "L1 gives zeros, L2 does not" (James,
Witten, Hastie & Tibshirani, *An Introduction to Statistical Learning*, §6.2; Hastie,
Tibshirani & Friedman, *The Elements of Statistical Learning*, §3.4) as experiments that
return numbers; :mod:`shrinkage.plots` draws them.

One module per experiment:

* :mod:`~shrinkage.lab.dynamics`: one weight under gradient / subgradient / proximal steps.
* :mod:`~shrinkage.lab.geometry`: two features, the diamond and the circle.
* :mod:`~shrinkage.lab.threshold`: the 1-D threshold law, KKT, orthonormal designs.
* :mod:`~shrinkage.lab.paths`: L1 / L2 / elastic-net paths side by side.
* :mod:`~shrinkage.lab.calibration`: shrinkage and held-out calibration slope.
* :mod:`~shrinkage.lab.scalings`: converting λ's of other conventions to our α.

And the questions that come next (``docs/beyond-the-zeros.md``):

* :mod:`~shrinkage.lab.ridge_crossings`: ridge zeros only at isolated α, by a sign change.
* :mod:`~shrinkage.lab.calibration_intervals`: calibration slopes with their uncertainty.
* :mod:`~shrinkage.lab.orthonormal`: best subset, lasso, ridge, elastic net as maps.
* :mod:`~shrinkage.lab.bayes`: posterior mode (the lasso) against posterior mean.
* :mod:`~shrinkage.lab.bias_variance`: the bet on sparsity with a known truth.
* :mod:`~shrinkage.lab.selection_failure`: the irrepresentable condition.
* :mod:`~shrinkage.lab.degrees_of_freedom`: df of the lasso and of ridge.
* :mod:`~shrinkage.lab.group_lasso`: groups that enter the path whole.

``python -m shrinkage.lab --out DIR`` writes every lab figure as a PNG, and
``DIR/index.html`` with each figure's finding.
"""

from . import calibration, dynamics, geometry, paths, scalings, threshold

__all__ = ["calibration", "dynamics", "geometry", "paths", "scalings", "threshold"]
