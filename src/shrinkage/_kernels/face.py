"""Newton steps within a face of the L1 ball: the signs fixed, the penalty is smooth.

Where the support and its signs are right, one solve of the face's linear system lands
on the optimum that coordinate descent only approaches; on correlated columns that takes
CD many epochs. These are the pieces (Cholesky with a shifted fallback, the step cut
where a coordinate would change sign) and the face step of the squared loss in Gram
mode; :mod:`.logistic_directions` takes them for the logistic Newton model.
"""

import numpy as np

from .columns import quadratic_change
from .jit import inner, kernel
from .prox import weight_at


@inner()
def cholesky_solve(matrix, rhs, shift):
    """``(matrix + shift·I)⁻¹ rhs`` by Cholesky; None when a pivot is not positive."""
    m = rhs.shape[0]
    factor = np.zeros((m, m))
    for j in range(m):
        total = matrix[j, j] + shift
        for k in range(j):
            total -= factor[j, k] * factor[j, k]
        if not total > 0.0:
            return None
        factor[j, j] = np.sqrt(total)
        for i in range(j + 1, m):
            value = matrix[i, j]
            for k in range(j):
                value -= factor[i, k] * factor[j, k]
            factor[i, j] = value / factor[j, j]
    x = rhs.copy()
    for i in range(m):  # L x' = rhs
        for k in range(i):
            x[i] -= factor[i, k] * x[k]
        x[i] /= factor[i, i]
    for i in range(m - 1, -1, -1):  # Lᵀ x = x'
        for k in range(i + 1, m):
            x[i] -= factor[k, i] * x[k]
        x[i] /= factor[i, i]
    return x


@inner()
def solve_positive_semidefinite(matrix, rhs):
    """Cholesky; where the matrix is singular (collinear columns), Cholesky of the
    matrix plus a growing multiple of I, from 1e-12 of its largest diagonal entry: any
    positive-definite system gives a descent direction for the face quadratic (and the
    caller takes the step only if the model drops)."""
    x = cholesky_solve(matrix, rhs, 0.0)
    largest = 0.0
    for j in range(rhs.shape[0]):
        largest = max(largest, abs(matrix[j, j]))
    shift = 1e-12 * max(largest, 1e-300)
    while x is None and shift < np.inf:
        x = cholesky_solve(matrix, rhs, shift)
        shift *= 100.0
    if x is None:
        return np.zeros_like(rhs)
    return x


@inner()
def move_in_face(w, direction, l1_weight, positive):
    """The step ``τ·direction``
    (largest τ ≤ 1 that changes no sign the penalty depends on), the coordinate that
    reaches 0 set to exactly 0."""
    m = w.shape[0]
    ratio = np.full(m, np.inf)
    tau = 1.0
    for j in range(m):
        if (l1_weight[j] > 0.0 or positive) and w[j] * direction[j] < 0.0:
            ratio[j] = -w[j] / direction[j]
            tau = min(tau, ratio[j])
    step = np.empty(m)
    for j in range(m):
        new = w[j] + tau * direction[j]
        if (l1_weight[j] > 0.0 or positive) and (ratio[j] <= tau or new * w[j] < 0.0):
            new = 0.0
        step[j] = new - w[j]
    return step, tau


@kernel()
def face_step_gram(gram, q, w, a, b, positive, n, features):
    """One Newton step of ``1/(2n)‖y − Xw‖² + Σ a_j|w_j| + ½ b_j w_j²`` within the face
    of ``w`` (its non-zeros among ``features``, and the pure-L2 ones), updating ``w`` and
    ``q = Xᵀy − Gw`` in place. The step stops where a coordinate reaches 0 and is taken
    only if it lowers the objective; returns the decrease (0 when none)."""
    m = 0
    face = np.empty(features.shape[0], dtype=np.int64)
    for k in range(features.shape[0]):
        j = features[k]
        if w[j] != 0.0 or (weight_at(a, j) == 0.0 and not positive):
            face[m] = j
            m += 1
    if m == 0:
        return 0.0
    face = face[:m]
    hessian, grad = np.empty((m, m)), np.empty(m)
    w_face, a_face = np.empty(m), np.empty(m)
    inv_n = 1.0 / n
    for i in range(m):
        j = face[i]
        w_face[i], a_face[i] = w[j], weight_at(a, j)
        b_j = weight_at(b, j)
        grad[i] = -q[j] * inv_n + b_j * w[j] + a_face[i] * np.sign(w[j])
        for k in range(m):
            hessian[i, k] = gram[j, face[k]] * inv_n
        hessian[i, i] += b_j
    direction = -solve_positive_semidefinite(hessian, grad)
    step, _ = move_in_face(w_face, direction, a_face, positive)
    decrease = -quadratic_change(grad, hessian, step)
    if not decrease > 0.0:  # rounding: no step
        return 0.0
    for i in range(m):
        j = face[i]
        w[j] += step[i]
        if step[i] != 0.0:
            for r in range(q.shape[0]):
                q[r] -= step[i] * gram[j, r]
    return decrease
