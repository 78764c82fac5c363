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

``python -m shrinkage.lab --out DIR`` writes every lab figure as a PNG.
"""

from . import calibration, dynamics, geometry, paths, scalings, threshold

__all__ = ["calibration", "dynamics", "geometry", "paths", "scalings", "threshold"]
