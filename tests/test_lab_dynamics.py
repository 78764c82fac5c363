import numpy as np
import pytest

from shrinkage.lab.dynamics import (
    descent_with_loss,
    halving_underflow,
    one_dimensional_solution,
    penalty_descent,
)


def test_seed_l1_reaches_exactly_zero_in_ten_steps_and_stays():
    run = penalty_descent(5.0, 0.5, "l1", n_steps=50)
    assert run.first_exact_zero == 10
    assert run.stays_at_zero
    assert np.all(run.weights[:10] > 0)
    np.testing.assert_array_equal(run.weights[:11], 5.0 - 0.5 * np.arange(11))


def test_seed_l2_halves_and_never_reaches_zero():
    run = penalty_descent(5.0, 0.5, "l2", n_steps=100)
    assert run.first_exact_zero is None
    np.testing.assert_allclose(run.weights, 5.0 * 0.5 ** np.arange(101), rtol=0)
    assert np.all(run.weights > 0)


def test_halving_in_floating_point_depends_on_how_the_update_is_written():
    # w ← (1 − η)w: 5·2⁻ᵏ rounds to 0.0 once it falls to half the smallest subnormal
    assert halving_underflow(5.0, 0.5, update="multiply") == (1077, 0.0)
    assert halving_underflow(5.0, 0.5, update="multiply", dtype=np.float32) == (152, 0.0)
    # w ← w − ηw: at the smallest subnormal ηw rounds to 0 and w never moves again
    steps, final = halving_underflow(5.0, 0.5, update="subtract")
    assert (steps, final) == (1076, float(np.finfo(np.float64).smallest_subnormal))
    assert final == pytest.approx(4.94e-324, rel=1e-3)
    steps, final = halving_underflow(5.0, 0.5, update="subtract", dtype=np.float32)
    assert (steps, final) == (151, float(np.finfo(np.float32).smallest_subnormal))
    # the lab's own trajectory uses the first form and agrees to the last step
    run = penalty_descent(5.0, 0.5, "l2", n_steps=1080)
    assert run.first_exact_zero == 1077 and run.weights[1076] > 0
    with pytest.raises(ValueError, match="update"):
        halving_underflow(update="divide")


def test_l2_with_unit_step_reaches_zero_in_one_step():
    run = penalty_descent(5.0, 1.0, "l2", n_steps=5)
    assert run.first_exact_zero == 1
    assert run.stays_at_zero


def test_subgradient_oscillates_when_start_is_not_a_multiple_of_the_step():
    run = penalty_descent(5.2, 0.5, "l1", n_steps=200)
    assert run.first_exact_zero is None
    tail = run.weights[20:]
    assert np.all(np.abs(tail) > 0.19)  # never settles: |w| stays near 0.2 or 0.3
    assert np.all(np.abs(tail) < 0.31)
    assert np.all(np.sign(tail[1:]) == -np.sign(tail[:-1]))  # flips sign every step


def test_proximal_step_lands_on_zero():
    run = penalty_descent(5.2, 0.5, "l1", n_steps=200, method="proximal")
    assert run.first_exact_zero == 11  # ceil(5.2 / 0.5)
    assert run.stays_at_zero


def test_with_loss_l1_exactly_zero_for_large_lambda_l2_not():
    l1 = descent_with_loss(3.0, target=1.0, strength=1.5, step=0.5, penalty="l1")
    l2 = descent_with_loss(3.0, target=1.0, strength=1.5, step=0.5, penalty="l2")
    assert l1.stays_at_zero and l1.weights[-1] == 0.0
    assert l2.first_exact_zero is None
    assert l2.weights[-1] == pytest.approx(1.0 / 2.5, abs=1e-14)
    # small λ: L1 keeps a non-zero weight S(c, λ)
    small = descent_with_loss(3.0, target=1.0, strength=0.25, step=0.5, penalty="l1")
    assert small.weights[-1] == pytest.approx(0.75, abs=1e-14)


def test_subgradient_with_loss_never_settles_on_zero():
    run = descent_with_loss(3.0, 1.0, 1.5, 0.5, "l1", method="subgradient", n_steps=300)
    assert run.first_exact_zero is None
    assert np.max(np.abs(run.weights[-50:])) > 0.3


def test_one_dimensional_solution_threshold():
    strengths = np.array([0.0, 1.0, 2.0, 2.5])
    np.testing.assert_array_equal(one_dimensional_solution(2.0, strengths, "l1"), [2, 1, 0, 0])
    assert np.all(one_dimensional_solution(2.0, strengths, "l2") > 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(penalty="l3"), "penalty"),
        (dict(method="newton"), "method"),
        (dict(step=0.0), "step"),
        (dict(n_steps=-1), "n_steps"),
    ],
)
def test_bad_input(kwargs, message):
    args = dict(start=1.0, step=0.5) | kwargs
    with pytest.raises(ValueError, match=message):
        penalty_descent(**args)
