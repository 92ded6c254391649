"""The late-payment model, without a database (lab_crm.analytics.logistic)."""

import math

import numpy as np

from odoo.addons.lab_crm.analytics import logistic


def _synthetic_history(n=2000, seed=7):
    # True model: P(on time) = sigmoid(2 - 4 * late_share); late_share uniform.
    rng = np.random.default_rng(seed)
    late_share = rng.uniform(0, 1, n)
    on_time = rng.uniform(0, 1, n) < 1 / (1 + np.exp(-(2 - 4 * late_share)))
    return late_share[:, None], on_time.astype(float)


def test_probability_falls_as_past_lateness_rises():
    features, outcomes = _synthetic_history()
    model = logistic.fit(features, outcomes, l2=0.0)
    probabilities = logistic.predict(model, [[0.0], [0.25], [0.5], [0.75], [1.0]])
    assert all(np.diff(probabilities) < 0)
    # Close to the true model: sigmoid(2) = 0.881 at 0, sigmoid(-2) = 0.119 at 1.
    assert abs(probabilities[0] - 0.881) < 0.05
    assert abs(probabilities[-1] - 0.119) < 0.05


def test_fit_is_the_maximum_of_the_likelihood():
    features, outcomes = _synthetic_history(n=300, seed=3)
    model = logistic.fit(features, outcomes, l2=0.0)
    best = logistic.log_likelihood(model, features, outcomes)
    for delta in (-0.05, 0.05):
        moved = logistic.LogisticModel(
            model.intercept + delta, model.weights, model.mean, model.scale
        )
        assert logistic.log_likelihood(moved, features, outcomes) < best


def test_log_likelihood_by_hand():
    # Intercept 0.5, one feature with weight 1 on standardised x (mean 0, scale 1):
    # p(x=0) = sigmoid(0.5), p(x=1) = sigmoid(1.5).
    model = logistic.LogisticModel(
        0.5, np.array([1.0]), np.array([0.0]), np.array([1.0])
    )
    p0 = 1 / (1 + math.exp(-0.5))
    p1 = 1 / (1 + math.exp(-1.5))
    expected = math.log(p0) + math.log(1 - p1)  # y = 1 at x = 0, y = 0 at x = 1
    assert (
        abs(logistic.log_likelihood(model, [[0.0], [1.0]], [1, 0]) - expected) < 1e-12
    )


def test_separable_history_stays_finite():
    # A customer always late, another always on time: the ridge keeps it finite.
    features = [[1.0]] * 10 + [[0.0]] * 10
    outcomes = [0] * 10 + [1] * 10
    model = logistic.fit(features, outcomes, l2=1.0)
    assert np.all(np.isfinite(model.weights))
    low, high = logistic.predict(model, [[1.0], [0.0]])
    assert low < 0.5 < high


def test_contributions_explain_the_log_odds():
    features, outcomes = _synthetic_history(n=500)
    model = logistic.fit(features, outcomes)
    parts = logistic.contributions(model, [[0.9]])
    # Lateness above the average lowers the probability.
    assert parts[0][0] < 0
    z = model.intercept + parts[0].sum()
    assert abs(logistic.predict(model, [[0.9]])[0] - 1 / (1 + math.exp(-z))) < 1e-12
