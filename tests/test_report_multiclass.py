"""The report of a multi-class model (multinomial logistic regression of three classes):
its numbers against the library's multinomial estimators and scikit-learn's metrics, and
the sections that differ from the other tasks'."""

import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax
from sklearn.metrics import accuracy_score, confusion_matrix, log_loss
from sklearn.model_selection import StratifiedKFold

from shrinkage import MultinomialLogisticRegression, MultinomialLogisticRegressionCV
from shrinkage.advice import multiclass_half_sample_stability
from shrinkage.report import analyse
from shrinkage.report.multiclass import coefficient_section, held_out_scores, held_out_section
from shrinkage.report.runs import held_out_errors
from shrinkage.report.sections import advice_section, comparison_section, data_section

N_ROWS = 90
CLASSES = ["ant", "bee", "cat"]


def _problem(seed=5, n_rows=N_ROWS):
    """Features a … f and a class from the softmax of (2a, −2a + 1.5b, 0): c … f are
    noise."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.standard_normal((n_rows, 6)), columns=list("abcdef"))
    scores = np.c_[2.0 * X.a, -2.0 * X.a + 1.5 * X.b, np.zeros(n_rows)]
    codes = np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)
    return X, pd.Series(np.asarray(CLASSES, dtype=object)[codes], name="y")


@pytest.fixture(scope="module")
def problem():
    return _problem()


@pytest.fixture(scope="module")
def data(problem):
    X, y = problem
    return analyse(X, y, task="multiclass", cv=3)


def test_the_chosen_model_is_the_multinomial_estimator(problem, data):
    X, y = problem
    assert (data.task, data.loss, data.classes) == ("multiclass", "multinomial", CLASSES)
    np.testing.assert_array_equal(data.y, np.searchsorted(CLASSES, y))
    assert data.stability is None and data.refit is None
    chosen = data.chosen
    model = MultinomialLogisticRegression(alpha=chosen.alpha, l1_ratio=chosen.l1_ratio,
                                          standardize=True, tol=1e-10).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(chosen.coef, model.coef_.T, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(chosen.intercept, model.intercept_, rtol=1e-4, atol=1e-6)
    assert chosen.coef.shape == (6, 3) and chosen.relative_gap <= 1e-7
    run = data.chosen_run
    assert run.path.loss == "multinomial" and run.oof_decision.shape == (N_ROWS, 100, 3)
    assert run.fold_coefs.shape == (3, 100, 6)  # the folds' row norms


def test_the_cv_curve_is_the_cv_estimators(problem, data):
    """The report's folds and held-out multinomial deviance are those of
    MultinomialLogisticRegressionCV on the same grid."""
    X, y = problem
    run = data.run("lasso")
    model = MultinomialLogisticRegressionCV(
        alphas=run.path.alphas, cv=StratifiedKFold(3, shuffle=True, random_state=0),
        standardize=True, tol=1e-7,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(run.cv_mean, model.cv_mean_[0], rtol=1e-3)
    assert run.path.alphas[run.index_1se] == pytest.approx(model.alpha_1se_, rel=1e-12)


def test_held_out_multinomial_deviance_is_twice_the_log_loss():
    rng = np.random.default_rng(0)
    codes = np.array([0, 1, 2, 2, 1, 0])
    decision = rng.standard_normal((6, 2, 3))
    expected = [2 * log_loss(codes, softmax(decision[:, k], axis=1), labels=[0, 1, 2])
                for k in range(2)]  # fmt: skip
    np.testing.assert_allclose(held_out_errors("multinomial", codes.astype(float), decision),
                               expected, rtol=1e-12)  # fmt: skip


def test_held_out_scores_are_scikit_learns(data):
    scores = data.chosen_run.oof_decision[:, data.chosen.index]
    probability = softmax(scores, axis=1)
    accuracy, loss, confusion = held_out_scores(data)
    predicted = np.argmax(probability, axis=1)
    assert accuracy == pytest.approx(accuracy_score(data.y, predicted), rel=1e-12)
    assert loss == pytest.approx(log_loss(data.y, probability), rel=1e-10)
    np.testing.assert_array_equal(confusion, confusion_matrix(data.y, predicted))
    assert 0.5 < accuracy < 1.0
    section = held_out_section(data)
    assert f'<strong id="held-out-accuracy">{accuracy:.3f}' in section
    assert f'<strong id="held-out-log-loss">{loss:.4f}</strong>' in section


def test_the_coefficient_table_has_a_column_per_class(data):
    assert data.recommendation == "lasso"  # the noise features c … f are out
    section = coefficient_section(data)
    for label in CLASSES:
        assert f'<th class="">class {label}</th>' in section
    zero = np.flatnonzero(~np.any(data.chosen.coef != 0, axis=1))
    assert zero.tolist() == [2, 3, 4, 5]
    assert ("<strong>4 of 6 features are zero in every class</strong>, out of the model: "
            "c, d, e, f.") in section  # fmt: skip
    assert section.count('<tr class="zero">') == 4
    first = data.chosen.coef[0]
    assert "".join(f'<td class="">{v:.6g}</td>' for v in first) in section


def test_the_shared_sections_count_classes_and_features(data):
    assert ("<td class=\"name\">cat</td><td class=\"\">"
            f"{int(np.sum(data.y == 2))}</td>") in data_section(data)  # fmt: skip
    assert "CV multinomial deviance ± SE" in comparison_section(data)
    assert "It keeps 2 of\n6 features." in advice_section(data)


def test_multiclass_stability():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 4))
    codes = np.argmax(np.c_[2 * X[:, 0], -2 * X[:, 0], np.zeros(120)]
                      + rng.gumbel(size=(120, 3)), axis=1)  # fmt: skip
    assert multiclass_half_sample_stability(X, codes, 1.0, 10.0, True, random_state=0) == 1.0
    assert np.isnan(multiclass_half_sample_stability(X[:3], codes[:3], 1.0, 0.1, True,
                                                     random_state=0))  # fmt: skip
    rare = codes.copy()
    rare[:] = np.where(np.arange(120) < 119, codes % 2, 2)  # class 2 in one row only
    assert np.isnan(multiclass_half_sample_stability(X, rare, 1.0, 0.1, True, random_state=0))


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
def test_analyse_needs_three_classes_and_folds_that_hold_them():
    X, y = _problem(n_rows=30)
    with pytest.raises(ValueError, match="three or more classes; y has 2"):
        analyse(X, y.replace("cat", "bee"), task="multiclass", cv=3)
    rare = y.copy()
    rare.iloc[0] = "dog"
    with pytest.raises(ValueError, match=r"lacks class\(es\) \['dog'\]"):
        analyse(X, rare, task="multiclass", cv=3)


def _mixed_rows(coefs):
    """How many (α, feature) rows of a multinomial path are zero in some classes only."""
    zero = coefs == 0
    return int(np.count_nonzero(zero.any(axis=-1) & ~zero.all(axis=-1)))


def test_a_grouped_report_penalises_each_features_row(problem, data):
    """``grouped=True``: every path, the refit and the stability of the lasso and the
    elastic net penalise rows, as ``MultinomialLogisticRegression(grouped=True)``; the
    ungrouped report's lasso path has rows zero in some classes only."""
    X, y = problem
    grouped = analyse(X, y, task="multiclass", cv=3, grouped=True)
    assert grouped.grouped and not data.grouped
    assert _mixed_rows(data.run("lasso").path.coefs) > 0
    for name in ("lasso", "elastic net"):
        run = grouped.run(name)
        assert _mixed_rows(run.path.coefs) == 0 and np.any(run.path.coefs != 0)
    chosen = grouped.chosen
    model = MultinomialLogisticRegression(alpha=chosen.alpha, l1_ratio=chosen.l1_ratio,
                                          grouped=True, standardize=True,
                                          tol=1e-10).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(chosen.coef, model.coef_.T, rtol=1e-4, atol=1e-6)
    assert chosen.relative_gap <= 1e-7
    for summary in grouped.summaries:
        if summary.l1_ratio > 0:
            expected = multiclass_half_sample_stability(
                X.to_numpy(), grouped.y.astype(np.intp), summary.l1_ratio,
                summary.selection_alpha, True, 0, grouped=True,
            )  # fmt: skip
            assert summary.stability == pytest.approx(expected, rel=1e-12)
    assert 'id="grouped-penalty"' in comparison_section(grouped)
    assert 'id="grouped-penalty"' not in comparison_section(data)
    with pytest.raises(ValueError, match="grouped=True .* for task='multiclass', not 'count'"):
        analyse(X, pd.Series(np.arange(N_ROWS) % 4), task="count", cv=3, grouped=True)
