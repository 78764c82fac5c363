"""The memory-lean pieces of the path: uniform weights held as one number, solves in the
output rows, set choice and Anderson steps without p-sized copies, the homotopy's
active columns read from X. Each is checked against its plain NumPy meaning, and the
path's workspace is measured with tracemalloc."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import shrinkage
from shrinkage._kernels.columns import add_to_entries
from shrinkage._kernels.gap import (
    check_summary,
    drift_bounds,
    enet_duality_gap,
    kkt_and_screening,
)
from shrinkage._kernels.homotopy import next_entry
from shrinkage._kernels.working_sets import set_candidates, strong_set
from shrinkage._uniform import (
    as_weights,
    for_kernel,
    is_uniform,
    scaled,
    take,
    uniform,
    unit_weights,
    zero_features,
)
from shrinkage.design import make_design
from shrinkage.path.active_factor import ActiveFactor
from shrinkage.penalties import L1, ElasticNetPenalty
from shrinkage.solvers.warm_start import WarmStart
from shrinkage.solvers.working_set import (
    ResidualState,
    check_arguments,
    choose_working_set,
    gap_safe_zeros,
    try_extrapolation,
    working_set_cd,
)


def test_uniform_views_behave_like_arrays_and_cost_nothing():
    a = uniform(0.25, 10_000)
    assert is_uniform(a) and a.nbytes == 80_000 and a.base.nbytes == 8 and not a.flags.writeable
    np.testing.assert_array_equal(a[[3, 7]], [0.25, 0.25])
    assert is_uniform(as_weights(a, np.float32)) and as_weights(a, np.float32).dtype == np.float32
    assert as_weights(a, np.float64) is a
    assert is_uniform(scaled(a, 2.0, None)) and scaled(a, 2.0, None)[0] == 0.5
    assert is_uniform(take(a, np.arange(5))) and take(a, np.arange(5)).shape == (5,)
    assert for_kernel(a) == 0.25 and isinstance(for_kernel(a), float)
    full = np.linspace(0, 1, 5)
    assert for_kernel(full) is full and not is_uniform(full)
    np.testing.assert_array_equal(zero_features(full), [0])
    np.testing.assert_array_equal(zero_features(uniform(0.0, 4)), np.arange(4))
    assert zero_features(a).size == 0
    # the penalty's weights: uniform without factors or scaling, arrays otherwise
    ua, ub = unit_weights(ElasticNetPenalty(0.3), 6)
    assert is_uniform(ua) and is_uniform(ub)
    assert np.allclose(ua, 0.3) and np.allclose(ub, 0.7)
    factors = np.array([1.0, 2.0, 1.0])
    ua, ub = unit_weights(L1(penalty_factor=factors), 3)
    assert not is_uniform(ua)
    np.testing.assert_array_equal(ua, factors)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), positive=st.booleans(), l1=st.sampled_from([0.0, 0.5, 1.0]))
def test_kernels_give_the_same_with_one_number_as_with_an_array(seed, positive, l1):
    rng = np.random.default_rng(seed)
    p, n = 40, 15
    corr, w = rng.standard_normal(p) * n, rng.standard_normal(p) * (rng.random(p) < 0.3)
    a_value, b_value = l1 * 0.7, (1 - l1) * 0.7
    a_full, b_full = np.full(p, a_value), np.full(p, b_value)
    rr, ydr = 3.0 * n, 2.0 * n
    full = enet_duality_gap(corr, rr, ydr, w, a_full, b_full, positive, n)
    one = enet_duality_gap(corr, rr, ydr, w, a_value, b_value, positive, n)
    assert full == one
    norms = rng.uniform(0.5, 2.0, p) ** 2 / n  # the Lipschitz constants the kernels take
    out_full = np.empty(p), np.empty(p, dtype=bool)
    out_one = np.empty(p), np.empty(p, dtype=bool)
    full_check = (corr, w, a_full, b_full, positive, n, 0.9, 0.1, norms)
    one_check = (corr, w, a_value, b_value, positive, n, 0.9, 0.1, norms)
    c1 = kkt_and_screening(*full_check, *out_full)
    c2 = kkt_and_screening(*one_check, *out_one)
    assert c1 == c2
    np.testing.assert_array_equal(out_full[0], out_one[0])
    np.testing.assert_array_equal(out_full[1], out_one[1])
    assert check_summary(*full_check) == check_summary(*one_check)
    for start in (5, 30):
        with_array, with_number = (
            set_candidates(*full_check, start),
            set_candidates(*one_check, start),
        )
        for got, want in zip(with_array, with_number, strict=True):
            np.testing.assert_array_equal(got, want)
    bound1, bound2 = corr.copy(), corr.copy()
    u1, u2 = np.empty(p, dtype=bool), np.empty(p, dtype=bool)
    if a_value > 0:
        assert drift_bounds(bound1, norms, 0.3, a_full, n, w, u1) == drift_bounds(
            bound2, norms, 0.3, a_value, n, w, u2
        )
        np.testing.assert_array_equal(bound1, bound2)
        np.testing.assert_array_equal(u1, u2)
    read = rng.random(p) < 0.7
    np.testing.assert_array_equal(
        strong_set(corr, read, np.ones(p), 0.4, n, positive),
        strong_set(corr, read, 1.0, 0.4, n, positive),
    )


def _set_from_scores(corr, w, a, b, positive, n, scale, radius, lipschitz, ws_start):
    """The working set by its readable definition, from a p-vector of scores: the KKT
    residual, −inf where the gap-safe test proves a feature zero, +inf for the support
    and the pure-L2 features; the ``size`` largest, then 0-scores and −inf in order."""
    from shrinkage.penalties import subdiff_distance

    scores = subdiff_distance(w, -corr / n, a, b, positive)
    norms = np.sqrt(n * lipschitz)
    gap = radius**2 * n / 2
    scores[gap_safe_zeros(corr, scale, gap, norms, a, positive, n) & (w == 0)] = -np.inf
    scores[(w != 0) | (a == 0)] = np.inf
    size = min(w.size, max(ws_start, 2 * np.count_nonzero(w), np.count_nonzero(scores == np.inf)))
    order = np.argsort(-scores, kind="stable")  # ties (0 and −inf) in index order
    positive_first = order[scores[order] > 0]
    rest = [j for j in order if scores[j] == 0] + [j for j in order if scores[j] == -np.inf]
    return np.sort(np.concatenate([positive_first, rest])[:size].astype(np.int64))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), positive=st.booleans(), ws_start=st.integers(1, 40),
       mix=st.sampled_from(["l1", "enet", "some_l2"]))  # fmt: skip
def test_set_choice_equals_its_definition_from_a_score_vector(seed, positive, ws_start, mix):
    rng = np.random.default_rng(seed)
    p, n = 60, 20
    w = rng.standard_normal(p) * (rng.random(p) < 0.15)
    w = np.abs(w) if positive else w
    corr = rng.standard_normal(p) * n * rng.uniform(0.2, 2.0)
    a = rng.uniform(0.2, 1.5, p)
    b = np.zeros(p) if mix == "l1" else rng.uniform(0.0, 0.5, p)
    if mix == "some_l2":
        a[rng.random(p) < 0.1] = 0.0
        b[a == 0] += 0.1
    lipschitz = rng.uniform(0.2, 2.0, p) ** 2 / n
    scale, gap = rng.uniform(0.3, 1.0), rng.uniform(0.0, 0.05)
    checked = check_arguments(corr, w, a, b, positive, n, scale, gap, lipschitz)
    got = choose_working_set(checked, ws_start)
    want = _set_from_scores(corr, w, a, b, positive, n, scale, checked[7], lipschitz, ws_start)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(choose_working_set(checked, ws_start, full=True), np.arange(p))


def test_set_choice_by_hand():
    # feature 4 in the support; 1, 3, 6 violate (1 > 3 > 6); 5 neither violates nor is
    # proven zero; 0, 2, 7 are proven zero
    n, p = 10, 8
    w = np.zeros(p)
    w[4] = 1.0
    a, lipschitz = np.full(p, 1.0), np.full(p, 0.1)
    corr = np.array([5.0, 30.0, 0.0, 20.0, 10.0, 9.5, 12.0, 8.0])  # |c|/n > a: violation
    checked = check_arguments(corr, w, a, np.zeros(p), False, n, 1.0, 0.02, lipschitz)
    # radius 0.063, ‖x_j‖ = 1: proven zero where |c_j|/n < 0.937
    np.testing.assert_array_equal(choose_working_set(checked, 2), [1, 4])
    np.testing.assert_array_equal(choose_working_set(checked, 3), [1, 3, 4])
    np.testing.assert_array_equal(choose_working_set(checked, 4), [1, 3, 4, 6])
    # more places than candidates: features at zero fill in index order, proven zeros last
    np.testing.assert_array_equal(choose_working_set(checked, 6), [0, 1, 3, 4, 5, 6])
    np.testing.assert_array_equal(choose_working_set(checked, 8), np.arange(8))
    # the kernel's candidates: always, violators by index with their residuals, the
    # set's size, and the fill-up (missing places: 8 − 1 − 3 = 4)
    always, violators, violations, size, unproven, proven = set_candidates(*checked, 8)
    np.testing.assert_array_equal(always, [4])
    np.testing.assert_array_equal(violators, [1, 3, 6])
    np.testing.assert_allclose(violations, [2.0, 1.0, 0.2])
    assert size == 8
    np.testing.assert_array_equal(unproven, [5])
    np.testing.assert_array_equal(proven, [0, 2, 7])


def test_add_to_entries_is_the_fancy_indexed_update():
    rng = np.random.default_rng(0)
    v, features, values = rng.standard_normal(20), np.array([3, 0, 17]), rng.standard_normal(3)
    expected = v.copy()
    expected[features] += values
    add_to_entries(v, features, values)
    np.testing.assert_array_equal(v, expected)


@pytest.mark.parametrize("positive", [False, True])
def test_anderson_step_from_differences_equals_the_iterate_form(positive):
    """x_K − Σ_l C_l d_l is Σ_i c_i x_{i+1}: the step the state applies is the same
    (with the differences as stored, in float32), and a rejected step is undone."""
    rng = np.random.default_rng(3)
    n, p, K = 40, 12, 5
    X = np.asfortranarray(rng.standard_normal((n, p)))
    y = X @ rng.standard_normal(p) + 0.1 * rng.standard_normal(n)
    state = ResidualState(make_design(X, y, None, False))
    iterates = np.cumsum(rng.standard_normal((K + 1, p)) * 0.1, axis=0) + (1.0 if positive else 0)
    w = iterates[-1].copy()
    state.reset(w)
    ws = np.arange(p)
    diffs = np.diff(iterates, axis=0).astype(np.float32)
    d = diffs.astype(np.float64)
    gram = d @ d.T
    z = np.linalg.solve(gram + 1e-12 * np.trace(gram) * np.eye(K), np.ones(K))
    cumulative = np.concatenate(([0.0], np.cumsum(z / z.sum())[:-1]))
    expected = iterates[-1] - cumulative @ d  # Σ c_i x_{i+1}, up to the float32 rounding
    exact = (z / z.sum()) @ iterates[1:]
    np.testing.assert_allclose(expected, exact, atol=1e-6)
    if positive:
        expected = np.maximum(expected, 0.0)
    try_extrapolation(state, w, ws, (0.0, 0.0), positive, diffs)
    before = 0.5 * np.mean((y - X @ iterates[-1]) ** 2)
    after = 0.5 * np.mean((y - X @ expected) ** 2)
    if after < before:  # accepted: w is the extrapolated point, the residual follows
        np.testing.assert_allclose(w, expected, rtol=1e-6, atol=1e-7)  # a float32 step
        assert not positive or np.all(w >= 0)
    else:
        np.testing.assert_allclose(w, iterates[-1], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(state.residual, y - X @ w, atol=1e-12)
    # a step that raises the objective is undone (to rounding)
    w_far = iterates[-1].copy()
    state.reset(w_far)
    far = np.outer(np.arange(1, K + 1), np.linspace(-50, 50, p))  # a step far too long
    try_extrapolation(state, w_far, ws, (0.0, 0.0), positive, far.astype(np.float32))
    np.testing.assert_allclose(w_far, iterates[-1], atol=1e-15 * np.abs(far).max())
    np.testing.assert_allclose(state.residual, y - X @ w_far, atol=1e-10)


@pytest.mark.parametrize("kind", ["dense", "sparse", "gram"])
def test_epochs_report_each_coordinate_change(kind):
    from shrinkage.solvers.working_set import GramState

    rng = np.random.default_rng(5)
    X = sp.random(50, 30, density=0.3, format="csc", random_state=5)
    y = rng.standard_normal(50)
    design = make_design(X.toarray() if kind == "dense" else X, y, None, False)
    state = GramState.from_design(design) if kind == "gram" else ResidualState(design)
    w = np.zeros(30)
    state.reset(w)
    ws = np.array([2, 5, 7, 11, 20, 29])
    for _ in range(3):
        before, deltas = w.copy(), np.full(ws.size, np.nan, dtype=np.float32)
        change = state.epoch(w, 0.01, 0.0, False, ws, deltas)
        np.testing.assert_allclose(deltas, (w - before)[ws].astype(np.float32), rtol=1e-7)
        np.testing.assert_array_equal((w - before)[np.setdiff1d(np.arange(30), ws)], 0.0)
        assert change == np.max(np.abs(w - before))


def test_anderson_kernels_equal_their_numpy_forms():
    from shrinkage._kernels.anderson import combined_step, difference_gram, restricted_penalty

    rng = np.random.default_rng(8)
    p, ws = 30, np.array([1, 4, 5, 9, 20, 29])
    w = rng.standard_normal(p)
    diffs = rng.standard_normal((3, ws.size)).astype(np.float32)
    d = diffs.astype(np.float64)
    np.testing.assert_allclose(difference_gram(diffs), d @ d.T, rtol=1e-12)
    cumulative = np.array([0.0, 0.3, 1.2])
    for positive in (False, True):
        current = np.abs(w) if positive else w
        step = combined_step(diffs.copy(), cumulative, current, ws, positive)
        want = -(cumulative @ d)
        if positive:
            want = np.maximum(current[ws] + want, 0.0) - current[ws]
            assert np.all(current[ws] + step.astype(np.float64) >= 0.0)  # rounded inwards
        assert step.dtype == np.float32
        np.testing.assert_allclose(step, want, rtol=1e-6, atol=1e-7)
    a, b = rng.uniform(0, 1, p), rng.uniform(0, 1, p)
    want = a[ws] @ np.abs(w[ws]) + 0.5 * b[ws] @ w[ws] ** 2
    assert np.isclose(restricted_penalty(w, ws, a, b), want, rtol=1e-13)
    assert np.isclose(restricted_penalty(w, ws, 0.5, 0.0), 0.5 * np.abs(w[ws]).sum(), rtol=1e-13)


def test_solving_in_place_returns_the_given_row():
    rng = np.random.default_rng(4)
    X = sp.random(60, 200, density=0.05, format="csc", random_state=4)
    y = rng.standard_normal(60)
    state = ResidualState(make_design(X, y, None, True))
    row = np.zeros((2, 200))
    alpha = 0.3 * np.max(np.abs(state.design.rmatvec(state.y))) / 60
    result = working_set_cd(state, uniform(alpha, 200), uniform(0.0, 200), tol=1e-10,
                            coef_init=WarmStart(row[1]))  # fmt: skip
    assert np.shares_memory(result.coef, row) and np.any(row[1] != 0)
    copied = working_set_cd(ResidualState(state.design), np.full(200, alpha), np.zeros(200),
                            tol=1e-10, coef_init=np.zeros(200))  # fmt: skip
    np.testing.assert_allclose(result.coef, copied.coef, atol=1e-6)
    assert result.relative_gap <= 1e-10 and copied.relative_gap <= 1e-10


def _numpy_next_entry(c_ls, a, alpha, blocked, positive, just_left, tol):
    best = (-np.inf, -1, 0.0)
    for sign in (1.0,) if positive else (1.0, -1.0):
        rate = 1.0 - sign * a
        ok = ~blocked & (rate > 1e-14)
        crossing = np.full(a.size, -np.inf)
        crossing[ok] = np.minimum(sign * c_ls[ok] / rate[ok], alpha)
        if just_left >= 0 and crossing[just_left] >= alpha * (1 - tol):
            crossing[just_left] = -np.inf
        j = int(np.argmax(crossing))
        if crossing[j] > best[0]:
            best = (float(crossing[j]), j, sign)
    return best


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), positive=st.booleans(), left=st.integers(-1, 29))
def test_homotopy_entry_kernel_equals_its_numpy_form(seed, positive, left):
    rng = np.random.default_rng(seed)
    p, alpha = 30, 1.0
    c_ls, a = rng.uniform(-1, 1, p), rng.uniform(-1.5, 1.5, p)
    a[rng.random(p) < 0.1] = 1.0  # rate 0: tied with the active set
    blocked = rng.random(p) < 0.3
    got = next_entry(c_ls, a, alpha, blocked, positive, left, 1e-9)
    assert got == _numpy_next_entry(c_ls, a, alpha, blocked, positive, left, 1e-9)


def test_active_factor_reading_columns_from_x_grows_and_downdates():
    rng = np.random.default_rng(7)
    n, p = 150, 300
    X = np.asfortranarray(rng.standard_normal((n, p)))
    scale = rng.uniform(0.5, 2.0, p)
    factor = ActiveFactor(n, n, source=(X, scale))
    chosen = list(rng.choice(p, 100, replace=False))  # past the first buffer of 64
    for j in chosen:
        assert factor.try_add(X[:, j] * scale[j], j)
    for k in (5, 70, 0):
        factor.remove(k)
        chosen.pop(k)
    Z = X[:, chosen] * scale[chosen]
    np.testing.assert_allclose(factor.columns, Z)
    np.testing.assert_allclose(factor.R.T @ factor.R, Z.T @ Z, rtol=1e-11, atol=1e-10)
    v = rng.standard_normal(n)
    np.testing.assert_allclose(factor.rdot(v), Z.T @ v, rtol=1e-12, atol=1e-12)
    x = rng.standard_normal(len(chosen))
    np.testing.assert_allclose(factor.gram_times(x), Z.T @ (Z @ x), rtol=1e-12, atol=1e-10)
    assert factor._R.shape == (128, 128)  # doubled once, not n × n


def test_default_feature_names_are_made_when_first_read():
    rng = np.random.default_rng(5)
    X, y = rng.standard_normal((30, 12)), rng.standard_normal(30)
    result = shrinkage.path(X, y, n_alphas=5)
    assert result._names is None
    assert list(result.feature_names[:3]) == ["x0", "x1", "x2"]
    assert result.feature_names is result.feature_names and result.feature_names.shape == (12,)
    named = shrinkage.path(X, y, n_alphas=5, feature_names=[f"f{j}" for j in range(12)])
    assert named.feature_names[11] == "f11"


@pytest.mark.parametrize("kind", ["sparse", "wide_dense"])
def test_path_workspace_is_a_few_vectors(kind):
    """Peak traced memory of a path, less its coefficient array, in units of one
    p-vector of float64: a handful, whatever the number of points (no n_alphas × p
    temporaries, no copy of X). The default names are not made, so not counted."""
    rng = np.random.default_rng(6)
    if kind == "sparse":
        n, p = 2000, 20_000
        X = sp.random(n, p, density=2e-3, format="csc", random_state=6)
        w = np.zeros(p)
        w[:20] = rng.standard_normal(20)
        y = X @ w + 0.01 * rng.standard_normal(n)
    else:
        n, p = 80, 5000
        X = np.asfortranarray(rng.standard_normal((n, p)))
        y = X[:, :10] @ rng.standard_normal(10) + 0.1 * rng.standard_normal(n)
    kwargs = dict(n_alphas=50, alpha_min_ratio=1e-2, fit_intercept=False, tol=1e-6)
    shrinkage.path(X, y, **kwargs)  # compile first
    tracemalloc.start()
    result = shrinkage.path(X, y, **kwargs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    vectors = (peak - result.coefs.nbytes) / (8 * p)
    assert np.all(result.relative_gaps <= 1e-6)
    # measured: 5.1 (sparse) and 10.9 (wide dense, homotopy); about 20 before
    assert vectors < {"sparse": 8, "wide_dense": 14}[kind], vectors


def test_masked_column_dots_write_only_the_masked_entries():
    from shrinkage._kernels.columns import masked_column_dots_dense, masked_column_dots_sparse

    rng = np.random.default_rng(8)
    X = sp.random(40, 90, density=0.1, format="csc", random_state=8)
    v, mask = rng.standard_normal(40), rng.random(90) < 0.4
    offset, t = rng.standard_normal(90), 0.7
    out = np.full(90, 99.0)
    masked_column_dots_sparse(X.data, X.indices, X.indptr, v, mask, offset, t, out)
    expected = X.T @ v - offset * t
    np.testing.assert_allclose(out[mask], expected[mask], rtol=1e-13, atol=1e-13)
    assert np.all(out[~mask] == 99.0)
    masked_column_dots_sparse(X.data, X.indices, X.indptr, v, mask, 0.0, t, out)
    np.testing.assert_allclose(out[mask], (X.T @ v)[mask], rtol=1e-13, atol=1e-13)
    dense = np.asfortranarray(X.toarray())
    out[:] = 99.0
    masked_column_dots_dense(dense, v, mask, out)
    np.testing.assert_allclose(out[mask], (dense.T @ v)[mask], rtol=1e-13, atol=1e-13)
    assert np.all(out[~mask] == 99.0)


@pytest.mark.parametrize(
    "kind, options",
    [
        ("sparse", dict(strategy="working_set")),
        ("sparse", dict(strategy="cd")),
        ("sparse", dict(strategy="working_set", warm_start=False)),
        ("wide_dense", dict(strategy="homotopy")),
        ("wide_dense", dict(strategy="working_set", penalty=ElasticNetPenalty(0.5))),
        ("tall_dense", dict(strategy="gram")),
        ("binary", dict(loss="logistic")),
    ],
)
def test_sparse_coef_format_is_the_dense_path_compressed(kind, options):
    rng = np.random.default_rng(9)
    if kind == "sparse":
        X = sp.random(80, 300, density=0.05, format="csc", random_state=9)
    elif kind == "tall_dense":
        X = rng.standard_normal((200, 20))
    else:
        X = rng.standard_normal((40, 120))
    y = X[:, :5] @ rng.standard_normal(5) + 0.1 * rng.standard_normal(X.shape[0])
    if kind == "binary":
        y = (y > np.median(y)).astype(float)
    options = dict(n_alphas=12, tol=1e-10, **options)
    dense = shrinkage.path(X, y, **options)
    compact = shrinkage.path(X, y, coef_format="sparse", **options)
    assert isinstance(compact.coefs, sp.csr_array) and compact.coefs.shape == dense.coefs.shape
    np.testing.assert_array_equal(compact.dense_coefs(), dense.coefs)
    assert compact.coefs.nnz == np.count_nonzero(dense.coefs)
    np.testing.assert_array_equal(compact.n_active, dense.n_active)
    np.testing.assert_array_equal(compact.entry_alpha, dense.entry_alpha)
    np.testing.assert_array_equal(compact.relative_gaps, dense.relative_gaps)
    assert compact.to_frame().shape == (12, X.shape[1] + 1)
    assert dense.dense_coefs() is dense.coefs


def test_homotopy_handover_keeps_its_rows_in_the_sparse_format(monkeypatch):
    import importlib

    rng = np.random.default_rng(10)
    X = rng.standard_normal((30, 90))
    y = X @ rng.standard_normal(90) + 0.1 * rng.standard_normal(30)
    options = dict(n_alphas=30, alpha_min_ratio=1e-3, tol=1e-9, strategy="homotopy")
    # few knots: the working sets take the rest of the grid from the last knot
    squared = importlib.import_module("shrinkage.path.squared")
    monkeypatch.setattr(squared, "knot_budget", lambda n, p: 15)
    dense = shrinkage.path(X, y, **options)
    compact = shrinkage.path(X, y, coef_format="sparse", **options)
    assert dense.strategy == compact.strategy == "homotopy+working_set"
    np.testing.assert_array_equal(compact.dense_coefs(), dense.coefs)
    assert np.all(compact.relative_gaps <= 1e-9)


def test_sparse_format_keeps_the_whole_path_small():
    """Peak traced memory with the result counted: the dense format holds n_alphas × p,
    the sparse one its non-zeros."""
    rng = np.random.default_rng(11)
    n, p = 1000, 30_000
    X = sp.random(n, p, density=1e-3, format="csc", random_state=11)
    w = np.zeros(p)
    w[:15] = 5 * rng.standard_normal(15)
    y = X @ w + 0.01 * rng.standard_normal(n)
    options = dict(n_alphas=60, alpha_min_ratio=1e-2, fit_intercept=False, tol=1e-6)
    shrinkage.path(X, y, coef_format="sparse", **options)  # compile
    peaks = {}
    for coef_format in ("dense", "sparse"):
        tracemalloc.start()
        result = shrinkage.path(X, y, coef_format=coef_format, **options)
        peaks[coef_format] = tracemalloc.get_traced_memory()[1] / (8 * p)
        tracemalloc.stop()
        assert np.all(result.relative_gaps <= 1e-6)
    assert peaks["dense"] > 60  # the n_alphas × p block
    assert peaks["sparse"] < 8, peaks  # a few p-vectors: measured 6.2


def test_lipschitz_constants_are_float32_majorants_and_w_keeps_the_data_dtype():
    from shrinkage.solvers.working_set import coordinate_lipschitz

    rng = np.random.default_rng(11)
    X = sp.random(80, 300, density=0.05, format="csc", random_state=11)
    y = rng.standard_normal(80)
    for data in (X, X.toarray()):
        design = make_design(data, y, None, True)
        exact = design.column_sq_norms() / 80
        lipschitz = coordinate_lipschitz(design)
        assert lipschitz.dtype == np.float32
        assert np.all(lipschitz >= exact)  # a majorant: steps descend, norms over-estimate
        np.testing.assert_allclose(lipschitz, exact, rtol=1.2e-7)
        state = ResidualState(design, compact=True)
        assert state.lipschitz.dtype == np.float32
        result = working_set_cd(state, np.full(300, 0.01), np.zeros(300), tol=1e-10)
        assert result.coef.dtype == np.float64 and result.relative_gap <= 1e-10
        exact_state = ResidualState(design)  # solve(): exact constants, exact steps
        np.testing.assert_array_equal(exact_state.lipschitz, exact)
    # a constant beyond float32's range keeps float64
    huge = make_design(np.full((4, 2), 1e20), np.ones(4), None, False)
    assert coordinate_lipschitz(huge).dtype == np.float64


@settings(max_examples=60, deadline=None)
@given(
    first=st.sets(st.integers(0, 60), max_size=30),
    second=st.sets(st.integers(0, 60), max_size=30),
)
def test_sorted_union_is_numpys(first, second):
    from shrinkage._kernels.working_sets import union_sorted

    a = np.array(sorted(first), dtype=np.int64)
    b = np.array(sorted(second), dtype=np.int64)
    got = union_sorted(a, b)
    np.testing.assert_array_equal(got, np.union1d(a, b))
    assert got.dtype == np.int64
