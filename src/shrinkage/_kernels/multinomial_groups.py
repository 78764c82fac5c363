"""Block proximal-gradient epochs of the multinomial log-loss with a group penalty.

A block is the |g| × K sub-matrix W_g of the coefficients of one group of features over
the K classes, penalised by ``a_g‖W_g‖_F + ½ b_g‖W_g‖_F²``. The loss's Hessian in W_g is
at most ``L_g = ½ λ_max(X_gᵀ S X_g)/n`` times the identity (Böhning 1992: each row's
``diag P_i − P_iP_iᵀ ⪯ ½ I``), so the step

    W_g ← max(0, 1 − a_g/(L_g‖V‖_F)) · V / (1 + b_g/L_g),   V = W_g − ∇_g F / L_g,

minimises a majorizer of the objective in the block and never raises it: no line search.
The predictors Z (n × K, intercepts and offset included) and the probabilities P are
updated after each block that moves; ``∇_g F = X_gᵀ(s/n ∘ (P − Y))``.
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _softmax_row(Z, P, i):
    K = Z.shape[1]
    top = Z[i, 0]
    for k in range(1, K):
        top = max(top, Z[i, k])
    total = 0.0
    for k in range(K):
        P[i, k] = np.exp(Z[i, k] - top)
        total += P[i, k]
    for k in range(K):
        P[i, k] /= total


@njit(cache=True, nogil=True)
def group_block_epoch(X, weights, Y, Z, P, W, members, start, lipschitz, l1_weight,
                      l2_weight, blocks):  # fmt: skip
    """One epoch over ``blocks`` (group indices) on a dense Fortran X; ``weights`` are
    ``s/n``. Updates W, Z and P in place; returns the largest ``L_g‖ΔW_g‖_F²``."""
    n, K = Z.shape
    widest = 0
    for g in range(start.shape[0] - 1):
        widest = max(widest, start[g + 1] - start[g])
    V = np.empty((widest, K))
    largest = 0.0
    for position in range(blocks.shape[0]):
        g = blocks[position]
        first, size = start[g], start[g + 1] - start[g]
        L = lipschitz[g]
        if L <= 0.0:
            continue
        for r in range(size):
            j = members[first + r]
            for k in range(K):
                V[r, k] = 0.0
            for i in range(n):
                value = X[i, j] * weights[i]
                if value != 0.0:
                    for k in range(K):
                        V[r, k] += value * (P[i, k] - Y[i, k])
        norm = 0.0
        for r in range(size):
            j = members[first + r]
            for k in range(K):
                V[r, k] = W[j, k] - V[r, k] / L
                norm += V[r, k] * V[r, k]
        norm = np.sqrt(norm)
        factor = 0.0
        if norm > l1_weight[g] / L:
            factor = (1.0 - l1_weight[g] / (L * norm)) / (1.0 + l2_weight[g] / L)
        moved = 0.0
        for r in range(size):
            j = members[first + r]
            for k in range(K):
                new = factor * V[r, k]
                V[r, k] = new - W[j, k]  # now the change
                W[j, k] = new
                moved += V[r, k] * V[r, k]
        if moved == 0.0:
            continue
        largest = max(largest, L * moved)
        for i in range(n):
            changed = False
            for r in range(size):
                value = X[i, members[first + r]]
                if value != 0.0:
                    changed = True
                    for k in range(K):
                        Z[i, k] += value * V[r, k]
            if changed:
                _softmax_row(Z, P, i)
    return largest
