"""Seeded synthetic problems for the logistic benchmarks: designs no default was tuned on.

Each design returns ``(X, y)``: X dense Fortran-ordered float64 or CSC float64, y the 0/1
labels drawn from a logistic (or, for the AR(1) designs, probit) model of a sparse
coefficient vector. :data:`DESIGNS` maps the names that ``logistic_paths.py --datasets``
accepts to them:

==========================  ===================================================================
``ar1_500x2000``            wide dense, AR(1) columns (ρ = 0.6)
``ar1_20000x100``           tall dense, AR(1) columns
``binary_100000x1000``      tall sparse 0/1, frequencies 30 % · k^-0.8 (4.6 a row)
``binary_50000x5000``       tall sparse 0/1, frequencies 30 % · k^-0.7 (12 a row)
``tfidf_30000x3000``        tall sparse, log-normal weights, rows scaled to unit norm
``onehot_300000x60``        very tall: six one-hot categorical variables (2 to 30 levels)
``equicorr_10000x300``      tall dense, every pair of columns correlated 0.5
``binary_2000x50000``       wide sparse 0/1, frequencies 5 % · k^-0.5 (22 a row)
==========================  ===================================================================

Examples
--------
>>> X, y = DESIGNS["onehot_300000x60"]()
>>> X.shape, int(X.sum(axis=1).max())
((300000, 60), 6)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def _logistic_labels(rng, z):
    return (rng.random(z.shape[0]) < 1.0 / (1.0 + np.exp(-z))).astype(np.float64)


def ar1_design(n=500, p=2000, rho=0.6, seed=0):
    """AR(1) Gaussian columns (correlation ρ^|i−j|), 20 coefficients of 1, labels from
    the probit of the linear predictor."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty_like(Z)
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[rng.choice(p, 20, replace=False)] = 1.0
    y = (X @ w + rng.standard_normal(n) > 0).astype(np.float64)
    return np.asfortranarray(X), y


def _power_law_columns(rng, n, p, top, exponent):
    """CSC 0/1 columns whose frequencies are ``top · k^-exponent``, k = 1 … p, shuffled."""
    rates = top * np.arange(1, p + 1) ** -exponent
    columns = [np.flatnonzero(rng.random(n) < rate) for rate in rng.permutation(rates)]
    indptr = np.concatenate([[0], np.cumsum([len(c) for c in columns])])
    indices = np.concatenate(columns).astype(np.int32)
    return np.ones(indices.shape[0]), indices, indptr


def binary_design(n=100_000, p=1000, seed=0):
    """Tall sparse 0/1 features whose frequencies fall as a power law (from 30 % to about
    0.1 %, as words or one-hot categories do), 30 coefficients of ±1, logistic labels."""
    rng = np.random.default_rng(seed)
    X = sp.csc_matrix(_power_law_columns(rng, n, p, 0.3, 0.8), shape=(n, p))
    w = np.zeros(p)
    w[rng.choice(p, 30, replace=False)] = rng.choice([-1.0, 1.0], 30)
    return X, _logistic_labels(rng, X @ w - 0.5)


def power_law_design(n, p, top, exponent, n_nonzero, seed, tfidf=False):
    """Sparse features with power-law frequencies (:func:`binary_design`'s, from ``top``
    down as ``k^-exponent``): 0/1 values, or with ``tfidf`` log-normal weights (σ = 0.7)
    and every non-empty row scaled to unit norm; ``n_nonzero`` N(0, 1.5²) coefficients,
    offset −0.3."""
    rng = np.random.default_rng(seed)
    data, indices, indptr = _power_law_columns(rng, n, p, top, exponent)
    if tfidf:
        data = rng.lognormal(0.0, 0.7, indices.shape[0])
    X = sp.csc_matrix((data, indices, indptr), shape=(n, p))
    if tfidf:
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        X = sp.csc_matrix(sp.diags(1.0 / norms) @ X)
    w = np.zeros(p)
    w[rng.choice(p, n_nonzero, replace=False)] = rng.normal(0.0, 1.5, n_nonzero)
    return X, _logistic_labels(rng, X @ w - 0.3)


def one_hot_design(n, levels, seed):
    """One-hot columns of categorical variables with ``levels`` levels each (Dirichlet(½)
    level frequencies), 30 % of the levels with an N(0, 0.7²) effect, offset −0.5."""
    rng = np.random.default_rng(seed)
    blocks, effects = [], []
    for count in levels:
        frequencies = rng.dirichlet(np.full(count, 0.5))
        codes = rng.choice(count, n, p=frequencies)
        blocks.append(sp.csc_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, count)))
        effects.append(rng.normal(0.0, 0.7, count) * (rng.random(count) < 0.3))
    X = sp.hstack(blocks).tocsc()
    return X, _logistic_labels(rng, X @ np.concatenate(effects) - 0.5)


def equicorrelated_design(n, p, rho, n_nonzero, seed):
    """Gaussian columns with correlation ``rho`` between every pair, standardised;
    ``n_nonzero`` coefficients of ±0.5, no offset."""
    rng = np.random.default_rng(seed)
    X = np.sqrt(1 - rho) * rng.standard_normal((n, p)) + np.sqrt(rho) * rng.standard_normal((n, 1))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w = np.zeros(p)
    w[rng.choice(p, n_nonzero, replace=False)] = rng.choice([-1, 1], n_nonzero) * 0.5
    return np.asfortranarray(X), _logistic_labels(rng, X @ w)


DESIGNS = {
    "ar1_500x2000": ar1_design,
    "ar1_20000x100": lambda: ar1_design(n=20_000, p=100),
    "binary_100000x1000": binary_design,
    "binary_50000x5000": lambda: power_law_design(50_000, 5000, 0.3, 0.7, 50, seed=1),
    "tfidf_30000x3000": lambda: power_law_design(30_000, 3000, 0.25, 0.9, 40, 2, tfidf=True),
    "onehot_300000x60": lambda: one_hot_design(300_000, [2, 3, 5, 8, 12, 30], seed=3),
    "equicorr_10000x300": lambda: equicorrelated_design(10_000, 300, 0.5, 15, seed=4),
    "binary_2000x50000": lambda: power_law_design(2000, 50_000, 0.05, 0.5, 30, seed=5),
}
