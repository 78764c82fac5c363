"""One module per library: ``fit_path(X, y, alphas, tol) -> coefs`` (n_alphas × p).

Every adapter solves ``1/(2n)‖y − Xw‖² + α‖w‖₁`` without intercept on the grid ``alphas``
(decreasing), warm-starting along it the way its library does. ``tol`` is the library's
own stopping tolerance (its meaning differs between libraries, which is why the runner
searches a ladder of values per solver). ``VERSION`` names the package version.
"""

ADAPTERS = [
    "shrinkage",
    "sklearn_lasso_path",
    "sklearn_warm_lasso",
    "celer",
    "skglm",
    "adelie",
    "glum",
    "glmnet",
]
PEERS = [name for name in ADAPTERS if name != "shrinkage"]
