"""lab_crm.analytics: the pure computation of the segmentation engine.

Plain pytest functions, no database: the expected numbers are worked out by hand
in the comments, or recomputed here from the published formulas independently of
the implementation, or are the figures published with the models (Fader, Hardie
and Lee 2005; Fader and Hardie 2013) on their own CDNOW data.

Registered in tests/__init__.py like every test module, but Odoo's runner only
runs unittest classes: pytest (with pytest-odoo, which makes odoo.addons.lab_crm
importable) runs these functions.
"""

import datetime
import math

import numpy as np
import pytest
from scipy import optimize, stats

from odoo.addons.lab_crm.analytics import (
    bgnbd,
    churn,
    clv,
    crosssell,
    engine,
    gammagamma,
    loyalty,
    pareto,
    rfm,
)
from odoo.addons.lab_crm.analytics._mle import compress_rows

from . import datasets

PAPER = bgnbd.BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426)


# Pareto -----------------------------------------------------------------------

# Ten customers (index 0..9). Customer 2 is refund-dominated (net -50), customer 5
# has no revenue; customers 0, 3 and 7 tie at 100.
REVENUE = [100, 300, -50, 100, 200, 0, 150, 100, 30, 20]
# Positive revenue P = 100 + 300 + 100 + 200 + 150 + 100 + 30 + 20 = 1000.
# Ranking (revenue desc, then index asc): 1, 4, 6, 0, 3, 7, 8, 9, 5, 2
#   customer  revenue  share  cumulative  before  tier
#   1         300      0.30   0.30        0.00    A
#   4         200      0.20   0.50        0.30    A
#   6         150      0.15   0.65        0.50    A
#   0         100      0.10   0.75        0.65    A
#   3         100      0.10   0.85        0.75    A  (crosses 0.80: in A)
#   7         100      0.10   0.95        0.85    B  (tied with 0 and 3, ranked after)
#   8          30      0.03   0.98        0.95    C  (starts exactly at 0.95)
#   9          20      0.02   1.00        0.98    C
#   5           0      0      1.00        1.00    C  (no revenue)
#   2         -50      0      1.00        1.00    C  (negative)


def test_pareto_tiers_by_hand():
    result = pareto.abc_tiers(REVENUE)
    assert result.tier.tolist() == ["A", "A", "C", "A", "A", "C", "A", "B", "C", "C"]
    assert result.rank.tolist() == [4, 1, 10, 5, 2, 9, 3, 6, 7, 8]
    np.testing.assert_allclose(
        result.share, [0.10, 0.30, 0, 0.10, 0.20, 0, 0.15, 0.10, 0.03, 0.02]
    )
    np.testing.assert_allclose(
        result.cumulative_share,
        [0.75, 0.30, 1.0, 0.85, 0.50, 1.0, 0.65, 0.95, 0.98, 1.0],
    )
    assert pareto.TIER_MEANINGS[pareto.TIER_A] == "high_value"
    assert pareto.TIER_MEANINGS[pareto.TIER_B] == "ordinary"


def test_pareto_ties_follow_ids_not_input_order():
    # With ids that reverse the order of customers 0, 3 and 7 (ids 30, 20, 10),
    # customer 7 (id 10) now ranks first of the three: 7 and 3 are in A (before
    # 0.65 and 0.75), 0 starts at 0.85 and is in B.
    ids = [30, 1, 2, 20, 4, 5, 6, 10, 8, 9]
    result = pareto.abc_tiers(REVENUE, ids=ids)
    assert result.tier[[7, 3, 0]].tolist() == ["A", "A", "B"]
    # The same customers shuffled get the same tiers: the result depends on the
    # ids, not on the order of the rows.
    permutation = np.array([9, 2, 7, 0, 5, 3, 8, 1, 6, 4])
    shuffled = pareto.abc_tiers(
        np.array(REVENUE)[permutation], ids=np.array(ids)[permutation]
    )
    assert shuffled.tier.tolist() == result.tier[permutation].tolist()


def test_pareto_other_cutoffs_and_degenerate_inputs():
    # Cut-offs 0.5 / 0.9 on the fixture: before = 0, 0.30 -> A; 0.50 (customer 6)
    # is not < 0.5 -> B; 0.65, 0.75, 0.85 -> B; 0.95 -> C.
    result = pareto.abc_tiers(REVENUE, a_cutoff=0.5, b_cutoff=0.9)
    assert result.tier[[1, 4, 6, 0, 3, 7, 8]].tolist() == list("AABBBBC")
    # Nobody with positive revenue: everyone C, shares 0.
    empty = pareto.abc_tiers([0.0, -10.0, 0.0])
    assert empty.tier.tolist() == ["C", "C", "C"]
    assert empty.share.tolist() == [0.0, 0.0, 0.0]
    assert empty.cumulative_share.tolist() == [0.0, 0.0, 0.0]
    # One customer makes all the revenue: A (before = 0 < 0.8).
    assert pareto.abc_tiers([0.0, 5.0]).tier.tolist() == ["C", "A"]
    # Decimal amounts whose running sums reach the cut-offs only up to rounding:
    # 0.7 + 0.1 = 0.7999999999999999 in floating point, yet the third customer
    # starts at 80% of P = 1.0 and belongs to B; the fifth starts at 95%: C.
    assert pareto.abc_tiers([0.7, 0.1, 0.1, 0.05, 0.05]).tier.tolist() == list("AABBC")
    assert pareto.abc_tiers([]).tier.size == 0
    with pytest.raises(ValueError):
        pareto.abc_tiers(REVENUE, a_cutoff=0.9, b_cutoff=0.8)
    with pytest.raises(ValueError):
        pareto.abc_tiers([1.0, float("nan")])


# RFM --------------------------------------------------------------------------

# Score = floor(5 * pct) + 1 with pct = (below + equal / 2) / n, n = 10, i.e.
# (5 * (2 * below + equal)) // 20 + 1.
# Recency (days, fewer is better), from worst to best:
#   365: below 0, equal 1 -> 5*1//20 = 0 -> 1
#   200: below 1          -> 5*3//20 = 0 -> 1
#   120: below 2          -> 25//20 = 1  -> 2
#    90: below 3          -> 35//20 = 1  -> 2
#    60 (x3): below 4, equal 3 -> 5*11//20 = 2 -> 3
#    30: below 7          -> 75//20 = 3  -> 4
#    10 (x2): below 8, equal 2 -> 5*18//20 = 4 -> 5
RECENCY = [10, 10, 30, 60, 60, 60, 90, 120, 200, 365]
# Frequency (more is better):
#   1 (x3): below 0, equal 3 -> 15//20 = 0 -> 1
#   2 (x2): below 3, equal 2 -> 40//20 = 2 -> 3 (pct 0.4, on a boundary: upper bin)
#   3:      below 5          -> 55//20 = 2 -> 3
#   5 (x2): below 6, equal 2 -> 70//20 = 3 -> 4
#   8:      below 8          -> 85//20 = 4 -> 5
#   13:     below 9          -> 95//20 = 4 -> 5
FREQUENCY = [1, 1, 1, 2, 2, 3, 5, 5, 8, 13]
# Monetary all distinct, given in reverse: the 1st (1000) is best, the last worst;
# n = 10 distinct values score 5,5,4,4,3,3,2,2,1,1 from best to worst.
MONETARY = [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]


def test_rfm_scores_by_hand():
    scores = rfm.rfm_scores(RECENCY, FREQUENCY, MONETARY)
    assert scores.r.tolist() == [5, 5, 4, 3, 3, 3, 2, 2, 1, 1]
    assert scores.f.tolist() == [1, 1, 1, 3, 3, 3, 4, 4, 5, 5]
    assert scores.m.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_rfm_equal_values_get_equal_scores_in_any_order():
    # All equal: pct = (0 + 10/2) / 10 = 0.5 -> floor(2.5) + 1 = 3 for everyone.
    assert rfm.quantile_scores([7.0] * 10).tolist() == [3] * 10
    # 40% tied at the bottom: pct = (0 + 4/2)/10 = 0.2 -> floor(1.0) + 1 = 2
    # (not 1); the six distinct values above: pct 0.45, 0.55, 0.65, 0.75, 0.85,
    # 0.95 -> 5 * pct = 2.25, 2.75, 3.25, 3.75, 4.25, 4.75 -> 3, 3, 4, 4, 5, 5.
    scores = rfm.quantile_scores([0, 0, 0, 0, 1, 2, 3, 4, 5, 6])
    assert scores.tolist() == [2, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    rng = np.random.default_rng(7)
    values = rng.integers(0, 6, size=200).astype(float)
    scores = rfm.quantile_scores(values)
    for value in np.unique(values):
        assert len(set(scores[values == value].tolist())) == 1
    permutation = rng.permutation(values.size)
    assert (rfm.quantile_scores(values[permutation]) == scores[permutation]).all()


def test_rfm_default_segments():
    # Read off the grid of rfm.DEFAULT_RULES.
    r_scores = [5, 5, 4, 3, 3, 3, 2, 1, 1, 2, 1, 4]
    f_scores = [5, 1, 2, 5, 3, 1, 5, 5, 3, 2, 1, 1]
    assert rfm.segments(r_scores, f_scores).tolist() == [
        "champions",
        "new",
        "potential_loyalist",
        "loyal",
        "need_attention",
        "about_to_sleep",
        "cant_lose",
        "cant_lose",
        "at_risk",
        "hibernating",
        "lost",
        "promising",
    ]
    # The default rules cover the 25 (R, F) cells.
    grid_r, grid_f = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    assert rfm.FALLBACK_SEGMENT not in rfm.segments(grid_r, grid_f)


def test_rfm_custom_rules_first_match_wins():
    rules = [
        ("vip", (4, 5), (4, 5), (5, 5)),  # a plain tuple (key, r, f, m)
        rfm.SegmentRule("active", r=(4, 5)),
        rfm.SegmentRule(**{"key": "big_spender", "m": (5, 5)}),  # stored config
    ]
    result = rfm.segments([5, 5, 1, 1], [5, 5, 1, 1], [5, 4, 5, 1], rules=rules)
    # (5,5,5) matches vip and active: vip, listed first; (5,5,4) active;
    # (1,1,5) big_spender; (1,1,1) nothing -> other.
    assert result.tolist() == ["vip", "active", "big_spender", "other"]
    # Without monetary scores the m range is ignored: (5,5) is vip.
    assert rfm.segments([5], [5], rules=rules).tolist() == ["vip"]


# BG/NBD -----------------------------------------------------------------------


def _beta_log(p, q):
    return math.lgamma(p) + math.lgamma(q) - math.lgamma(p + q)


def test_bgnbd_log_likelihood_of_one_customer():
    # Eq. 6 of Fader, Hardie and Lee (2005):
    #   L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
    #     + [x>0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    # r=0.243, alpha=4.414, a=0.793, b=2.426; customer 1 of CDNOW: x=2,
    # t_x=30.43, T=38.86:
    #   ln G(2.243) - ln G(0.243) + 0.243 ln 4.414              = -0.83636
    #   ln B(0.793, 4.426) - ln B(0.793, 2.426) - 2.243 ln 43.274 = -8.94165
    #   ln B(1.793, 3.426) - ln B(0.793, 2.426) - 2.243 ln 34.844 = -9.91898
    #   ln L = -0.83636 + ln(e^-8.94165 + e^-9.91898)
    #        = -0.83636 + ln(1.30825e-4 + 4.9231e-5) = -9.45861
    r, alpha, a, b = PAPER
    x, t_x, age = 2, 30.43, 38.86
    common = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    first = _beta_log(a, b + x) - _beta_log(a, b) - (r + x) * math.log(alpha + age)
    second = (
        _beta_log(a + 1, b + x - 1) - _beta_log(a, b) - (r + x) * math.log(alpha + t_x)
    )
    expected = common + math.log(math.exp(first) + math.exp(second))
    assert expected == pytest.approx(-9.45861, abs=1e-5)
    assert bgnbd.log_likelihood(PAPER, x, t_x, age) == pytest.approx(expected, 1e-12)
    # x = 0: only the first term, and G(r)/G(r) = B(a,b)/B(a,b) = 1:
    #   ln L = r ln(alpha / (alpha + T)) = 0.243 ln(4.414 / 43.274) = -0.55471
    assert bgnbd.log_likelihood(PAPER, 0, 0, 38.86) == pytest.approx(
        0.243 * math.log(4.414 / 43.274), 1e-12
    )


def test_bgnbd_gradient_matches_finite_differences():
    frequency, recency, age = datasets.load_cdnow_summary()
    (x, t_x, age), weights = compress_rows(frequency, recency, age)

    objective = bgnbd._objective(x, t_x, age, weights)

    for params in ([0.5, 3.0, 1.5, 2.0], [0.243, 4.414, 0.793, 2.426], [2, 0.5, 3, 8]):
        # The fit's objective is the weighted mean of eq. 6, negated.
        mean = np.average(bgnbd.log_likelihood(params, x, t_x, age), weights=weights)
        assert objective(np.log(params))[0] == pytest.approx(-mean, rel=1e-12)
        error = optimize.check_grad(
            lambda v: objective(v)[0], lambda v: objective(v)[1], np.log(params)
        )
        assert error < 1e-5


def test_bgnbd_reproduces_the_paper_on_cdnow():
    # Fader, Hardie and Lee (2005): on the 2357 CDNOW customers,
    # 39-week calibration, r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
    # LL = -9582.4.
    frequency, recency, age = datasets.load_cdnow_summary()
    assert frequency.size == 2357
    result = bgnbd.fit(frequency, recency, age)
    assert result.converged, result.message
    for fitted, published in zip(result.params, PAPER, strict=True):
        assert abs(fitted - published) < 0.005
    assert tuple(round(v, 2) for v in result.params) == (0.24, 4.41, 0.79, 2.43)
    assert result.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    # The same data in days (x 7): the rate scale alpha is 7 times larger, the
    # other parameters do not change.
    in_days = bgnbd.fit(frequency, recency * 7, age * 7).params
    np.testing.assert_allclose(
        in_days, [result.params.r, 7 * result.params.alpha, *result.params[2:]], 1e-4
    )


def test_bgnbd_expectations_match_hardie_on_cdnow():
    frequency, recency, age = datasets.load_cdnow_summary()
    params = bgnbd.fit(frequency, recency, age).params
    # Hardie's Excel implementation of BG/NBD (brucehardie.com/notes/004/), as
    # quoted by the lifetimes test suite: expected repeat transactions of a new
    # customer at these weeks...
    weeks = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0]
    np.testing.assert_allclose(
        bgnbd.expected_transactions(params, weeks),
        [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576],
        atol=5e-4,
    )
    # ... and of customer 1 (x=2, t_x=30.43, T=38.86) in the next 39 weeks.
    assert bgnbd.conditional_expected_transactions(
        params, 39, 2, 30.43, 38.86
    ) == pytest.approx(1.226, abs=5e-4)


def _hyp2f1_series(a, b, c, z, terms=400):
    """2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k, for |z| < 1."""
    total, term = 1.0, 1.0
    for k in range(terms):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
    return total


def test_bgnbd_conditional_expectation_is_eq_10():
    # Eq. 10 as printed in the paper, the 2F1 summed as its power series:
    #   E[Y(t)] = (a+b+x-1)/(a-1)
    #             * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
    #                    2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
    #             / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
    # (the implementation uses Euler's transformation of the 2F1 instead).
    r, alpha, a, b = PAPER
    for x, t_x, age, t in [(2, 30.43, 38.86, 39.0), (5, 20.0, 35.0, 10.0)]:
        z = t / (alpha + age + t)
        numerator = (a + b + x - 1) / (a - 1)
        numerator *= 1 - ((alpha + age) / (alpha + age + t)) ** (
            r + x
        ) * _hyp2f1_series(r + x, b + x, a + b + x - 1, z)
        denominator = 1 + a / (b + x - 1) * ((alpha + age) / (alpha + t_x)) ** (r + x)
        assert bgnbd.conditional_expected_transactions(
            PAPER, t, x, t_x, age
        ) == pytest.approx(numerator / denominator, rel=1e-9)


def test_bgnbd_probability_alive():
    # P(alive) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)).
    # The model lets a customer drop out only just after a repeat transaction, so
    # a customer with x = 0 is alive for sure: the indicator [x>0] leaves
    # 1 / (1 + 0) = 1, whatever T.
    alive = bgnbd.probability_alive(PAPER, [0, 0, 0], [0, 0, 0], [1, 38.86, 1e4])
    assert alive.tolist() == [1.0, 1.0, 1.0]
    # x=2, t_x=30.43, T=38.86: 0.793/3.426 = 0.231465; 43.274/34.844 = 1.241935,
    # ^2.243 = exp(2.243 * 0.216671) = 1.625782; 1 / (1 + 0.231465 * 1.625782)
    # = 1 / 1.376311 = 0.726580.
    assert bgnbd.probability_alive(PAPER, 2, 30.43, 38.86) == pytest.approx(
        0.72658, abs=1e-5
    )
    # A customer who has just bought (t_x = T) is more likely alive than one
    # silent for long; a very frequent customer silent for 20 weeks is gone:
    # ln odds = ln(0.793 / 501.426) + 500.243 ln(124.414 / 104.414) = 81.2.
    alive = bgnbd.probability_alive(PAPER, [3, 3, 500], [120, 5, 100], 120)
    assert alive[0] > alive[1] > alive[2] >= 0.0
    assert alive[2] < 1e-12


def test_bgnbd_expected_transactions_grow_with_the_horizon():
    horizon = np.linspace(0.0, 520.0, 105)
    for x, t_x, age in [(0, 0.0, 38.86), (2, 30.43, 38.86), (12, 37.0, 38.0)]:
        expected = bgnbd.conditional_expected_transactions(PAPER, horizon, x, t_x, age)
        assert expected[0] == 0.0
        assert (np.diff(expected) > 0).all()
    unconditional = bgnbd.expected_transactions(PAPER, horizon)
    assert unconditional[0] == 0.0
    assert (np.diff(unconditional) > 0).all()
    # At a = 1 the formula is 0/0: the value there lies between its neighbours.
    near = [
        bgnbd.conditional_expected_transactions((0.5, 10, a, 3), 52, 3, 20, 40)
        for a in (1 - 1e-4, 1.0, 1 + 1e-4)
    ]
    assert near[0] > near[1] > near[2]


# Gamma-Gamma ------------------------------------------------------------------


def test_gamma_gamma_density_is_a_scaled_beta_prime():
    # Given nu, the sum of x values is Gamma(p x, nu) and nu ~ Gamma(q, gamma), so
    # x m_x / gamma ~ BetaPrime(p x, q): f(m_x) = x / gamma * betaprime(x m_x /
    # gamma; p x, q). An independent check of the note's density.
    p, q, gamma = 6.25, 3.74, 15.44
    x = np.array([1.0, 2.0, 7.0])
    m = np.array([11.77, 22.35, 73.74])
    expected = np.log(x / gamma * stats.betaprime.pdf(x * m / gamma, p * x, q))
    np.testing.assert_allclose(
        gammagamma.log_likelihood((p, q, gamma), x, m), expected, rtol=1e-10
    )


def test_gamma_gamma_conditional_expected_value_by_hand():
    # E[Z | m_x, x] = (gamma + m_x x) p / (p x + q - 1), p=6.25, q=3.74,
    # gamma=15.44:
    #   x=2, m_x=22.35: (15.44 + 44.70) * 6.25 / (12.50 + 2.74) = 375.875 / 15.24
    #                   = 24.66371
    #   x=0:            15.44 * 6.25 / 2.74 = 96.5 / 2.74 = 35.21898 (population
    #                   mean gamma p / (q - 1); m_x ignored)
    assert gammagamma.conditional_expected_average_value(
        (6.25, 3.74, 15.44), [2, 0], [22.35, 99.0]
    ) == pytest.approx([24.66371, 35.21898], abs=1e-5)
    with pytest.raises(ValueError):
        gammagamma.conditional_expected_average_value((6.25, 0.9, 15.44), 1, 10.0)


def test_gamma_gamma_reproduces_the_note_on_cdnow():
    # Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value": on the
    # 946 CDNOW customers with x > 0, p = 6.25, q = 3.74, gamma = 15.44.
    frequency, _recency, _age, value = datasets.load_cdnow_summary_monetary()
    assert (frequency > 0).sum() == 946
    result = gammagamma.fit(frequency, value)
    assert result.converged, result.message
    p, q, gamma = result.params
    assert abs(p - 6.25) < 0.005
    assert abs(q - 3.74) < 0.005
    # The maximum is at gamma = 15.448: 0.008 above the note's 15.44, whose log-
    # likelihood (with p = 6.25, q = 3.74) is lower. The note's spreadsheet,
    # quoted below, agrees with the unrounded estimates: its population mean
    # 35.17 = gamma p / (q - 1) needs gamma = 15.448 (15.44 * 6.25 / 2.74 gives
    # 35.22), and its figures are those of this fit truncated to two decimals.
    assert abs(gamma - 15.44) < 0.01
    assert (
        gammagamma.log_likelihood(
            (6.25, 3.74, 15.44), frequency[frequency > 0], value[frequency > 0]
        ).sum()
        < result.log_likelihood
    )
    # The note's spreadsheet (brucehardie.com/notes/025/), as quoted by the
    # lifetimes test suite: E[Z] of the first ten customers.
    np.testing.assert_allclose(
        gammagamma.conditional_expected_average_value(
            result.params, frequency[:10], value[:10]
        ),
        [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17],
        atol=0.01,
    )


def test_gamma_gamma_gradient_matches_finite_differences():
    frequency, _recency, _age, value = datasets.load_cdnow_summary_monetary()
    (x, m), weights = compress_rows(frequency[frequency > 0], value[frequency > 0])

    objective = gammagamma._objective(x, m, weights)

    for params in ([1.0, 1.0, 35.0], [6.25, 3.74, 15.44]):
        # The fit's objective is the weighted mean log-density, negated.
        mean = np.average(gammagamma.log_likelihood(params, x, m), weights=weights)
        assert objective(np.log(params))[0] == pytest.approx(-mean, rel=1e-12)
        error = optimize.check_grad(
            lambda v: objective(v)[0], lambda v: objective(v)[1], np.log(params)
        )
        assert error < 1e-5


# CLV --------------------------------------------------------------------------


def test_discounted_value_by_hand():
    # Cumulative expected transactions 1, 1.5, 1.75 at the end of months 1..3,
    # so 1, 0.5, 0.25 in each month; value 100; d = 10% a month:
    #   100 * (1 / 1.1 + 0.5 / 1.21 + 0.25 / 1.331)
    #   = 90.90909 + 41.32231 + 18.78287 = 151.01427
    # Without discount: 100 * 1.75 = 175.
    cumulative = [[1.0, 1.5, 1.75], [0.0, 0.0, 0.0]]
    assert clv.discounted_value(cumulative, [100.0, 100.0], 0.10) == pytest.approx(
        [151.01427, 0.0], abs=1e-5
    )
    assert clv.discounted_value(cumulative, [100.0, 100.0], 0.0) == pytest.approx(
        [175.0, 0.0]
    )


def test_customer_lifetime_value():
    frequency, recency, age, value = datasets.load_cdnow_summary_monetary()
    spending = (6.25, 3.74, 15.44)

    def lifetime_value(rate, months=12):
        return clv.customer_lifetime_value(
            PAPER,
            spending,
            frequency,
            recency,
            age,
            value,
            horizon_months=months,
            monthly_discount_rate=rate,
            time_units_per_month=clv.WEEKS_PER_MONTH,
        )

    # Higher discount, lower value (every customer has some expected purchase).
    free, low, high = lifetime_value(0.0), lifetime_value(0.01), lifetime_value(0.1)
    assert (free > low).all() and (low > high).all()
    # Two months, d = 5%: the formula written out with BG/NBD and Gamma-Gamma.
    one_month = bgnbd.conditional_expected_transactions(
        PAPER, clv.WEEKS_PER_MONTH, frequency, recency, age
    )
    two_months = bgnbd.conditional_expected_transactions(
        PAPER, 2 * clv.WEEKS_PER_MONTH, frequency, recency, age
    )
    per_transaction = gammagamma.conditional_expected_average_value(
        spending, frequency, value
    )
    expected = per_transaction * (one_month / 1.05 + (two_months - one_month) / 1.05**2)
    np.testing.assert_allclose(lifetime_value(0.05, months=2), expected, rtol=1e-12)


# Loyalty ----------------------------------------------------------------------


def test_loyalty_matrix_thresholds_count_as_high():
    attitude = [4.0, 4.0, 3.99, 3.99, 5.0, np.nan, 4.5]
    repeat = [0.5, 0.49, 0.5, 0.49, 1.0, 0.9, np.nan]
    assert loyalty.loyalty_types(attitude, repeat, 4.0, 0.5).tolist() == [
        "true_loyalty",  # 4.0 >= 4.0 and 0.5 >= 0.5: both on the threshold
        "latent_loyalty",  # satisfied, repeat just below
        "inertial_loyalty",  # repeat on the threshold, attitude just below
        "no_loyalty",
        "true_loyalty",
        "unknown",  # never surveyed
        "unknown",
    ]
    # With frequencies and a threshold of 3 purchases.
    assert loyalty.loyalty_types([4.5, 2.0], [3, 3], repeat_threshold=3).tolist() == [
        "true_loyalty",
        "inertial_loyalty",
    ]


# Cross-selling ----------------------------------------------------------------

# Five customers, three categories: 0 testing, 1 training, 2 consulting.
BASKETS = np.array(
    [
        [1, 1, 0],  # customer 0: testing, training
        [2, 3, 1],  # customer 1: all three (counts)
        [5, 0, 0],  # customer 2: testing
        [1, 0, 1],  # customer 3: testing, consulting
        [0, 1, 0],  # customer 4: training
    ]
)
# support: testing 4/5 = 0.8, training 3/5 = 0.6, consulting 2/5 = 0.4
# pairs: testing+training {0, 1} 0.4; testing+consulting {1, 3} 0.4;
#        training+consulting {1} 0.2
# confidence(A -> B) = s(A, B) / s(A):  T->R 0.5, T->C 0.5, R->T 0.6667,
#   R->C 0.3333, C->T 1.0, C->R 0.5
# lift = confidence / s(B): T->R 0.8333, T->C 1.25, R->T 0.8333, R->C 0.8333,
#   C->T 1.25, C->R 0.8333


def test_cross_selling_associations_by_hand():
    assoc = crosssell.associations(BASKETS)
    assert assoc.n_customers == 5
    np.testing.assert_allclose(assoc.support, [0.8, 0.6, 0.4])
    np.testing.assert_allclose(
        assoc.pair_support, [[0.8, 0.4, 0.4], [0.4, 0.6, 0.2], [0.4, 0.2, 0.4]]
    )
    off_diagonal = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(
        assoc.confidence[off_diagonal], [0.5, 0.5, 2 / 3, 1 / 3, 1.0, 0.5]
    )
    np.testing.assert_allclose(
        assoc.lift[off_diagonal], [5 / 6, 1.25, 5 / 6, 5 / 6, 1.25, 5 / 6]
    )
    # A category nobody buys: support 0, confidence and lift 0, no division by 0.
    assoc = crosssell.associations(np.column_stack([BASKETS, np.zeros(5)]))
    assert assoc.support[3] == 0.0
    assert not assoc.confidence[3].any() and not assoc.lift[:, 3].any()


def test_cross_selling_recommendations_by_hand():
    categories, scores = crosssell.recommendations(BASKETS, top_k=2)
    # customer 0 (T, R): consulting, max(lift T->C 1.25, R->C 0.8333) = 1.25
    # customer 1 buys everything: nothing to offer
    # customer 2 (T): consulting 1.25, then training 0.8333
    # customer 3 (T, C): training, max(T->R, C->R) = 0.8333
    # customer 4 (R): testing 0.8333 and consulting 0.8333 tie: lower index first
    assert categories.tolist() == [[2, -1], [-1, -1], [2, 1], [1, -1], [0, 2]]
    np.testing.assert_allclose(
        scores,
        [[1.25, np.nan], [np.nan] * 2, [1.25, 5 / 6], [5 / 6, np.nan], [5 / 6] * 2],
    )
    # Only positive associations (lift > 1): customers 3 and 4 get nothing.
    categories, _scores = crosssell.recommendations(BASKETS, top_k=2, min_score=1.0)
    assert categories.tolist() == [[2, -1], [-1, -1], [2, -1], [-1, -1], [-1, -1]]
    # By confidence: customer 2 has T->R 0.5 = T->C 0.5, a tie (index order);
    # customer 4 has R->T 0.6667 before R->C 0.3333. top_k larger than k pads.
    categories, scores = crosssell.recommendations(
        BASKETS, top_k=4, metric="confidence"
    )
    assert categories[[2, 4]].tolist() == [[1, 2, -1, -1], [0, 2, -1, -1]]
    np.testing.assert_allclose(scores[4, :2], [2 / 3, 1 / 3])
    # A customer that buys nothing gets nothing.
    categories, _scores = crosssell.recommendations(
        np.vstack([BASKETS, [0, 0, 0]]), top_k=1
    )
    assert categories[5].tolist() == [-1]


def test_engine_suggestions_by_hand():
    # Categories Alpha 7, Beta 3, Gamma 5 (no name: its id), Delta 9; columns by
    # id: Beta, Gamma, Alpha, Delta. Customers 40 and 10 buy Alpha, Beta and
    # Gamma, 30 Alpha, 20 and 50 Delta; 99 is not a customer of this run.
    # Of 5: s(Alpha) 3/5, s(Beta) = s(Gamma) = s(Delta) 2/5; Alpha with Beta 2/5,
    # so lift(Alpha -> Beta) = (2/5 / 3/5) / (2/5) = 5/3 > 1, as Alpha -> Gamma;
    # Delta is bought with nothing: lifts 0. Customer 30 gets Beta and Gamma
    # (a tie, in column order); the others nothing above a lift of 1.
    bought = (
        [40, 40, 40, 10, 10, 10, 30, 20, 50, 99],  # the customers
        [7, 3, 5, 7, 3, 5, 7, 9, 9, 9],  # the categories they bought
    )
    names = {7: "Alpha", 3: "Beta", 9: "Delta"}
    assert engine.suggestions([40, 10, 30, 20, 50], bought, names) == [
        None,
        None,
        "Beta, 5",
        None,
        None,
    ]
    # Fewer than two categories, or no customer: nothing to suggest.
    assert engine.suggestions([40, 10], ([40, 10], [7, 7]), names) == [None, None]
    assert engine.suggestions([], bought, names) == []


# Churn ------------------------------------------------------------------------


def test_churn_levels_and_reasons():
    nan = np.nan
    result = churn.churn_risk(
        p_alive=[0.9, 0.9, 0.3, 0.9, 0.2, nan, 0.9],
        days_since_last=[50, 61, 200, 400, 100, nan, 20],
        usual_interval_days=[30, 30, 60, nan, 40, nan, 5],
        revenue_trend=[1.0, 1.2, 0.8, nan, 0.4, nan, 0.5],
        open_complaints=[0, 0, 0, 0, 2, 1, 0],
        satisfaction=[4.0, nan, 3.0, 4.5, 2.0, 2.9, 3.0],
    )
    # 0: 50 days <= 2 * 30 = 60: nothing                      -> score 0, low
    # 1: 61 > 60: inactive_long (weight 2)                      -> 2, medium
    # 2: 200 > 120: inactive_long 2 + p_alive 0.3 < 0.5 2       -> 4, high
    # 3: a single purchase: limit 365; 400 > 365: inactive 2    -> 2, medium
    # 4: 100 > 80 inactive 2, p_alive 2, trend 0.4 < 0.5 1, two open complaints 1,
    #    satisfaction 2 < 3 1                                   -> 7, high
    # 5: unknown figures raise nothing; 1 complaint 1, satisfaction 2.9 < 3 1
    #                                                           -> 2, medium
    # 6: usual 5 days, but the limit is at least 30: 20 days is not inactive;
    #    trend 0.5 and satisfaction 3.0 are on the thresholds: not raised -> low
    assert result.level.tolist() == [
        "low",
        "medium",
        "high",
        "medium",
        "high",
        "medium",
        "low",
    ]
    assert result.score.tolist() == [0, 2, 4, 2, 7, 2, 0]
    assert result.reasons == [
        (),
        ("inactive_long",),
        ("inactive_long", "p_alive_low"),
        ("inactive_long",),
        (
            "inactive_long",
            "p_alive_low",
            "declining",
            "open_complaints",
            "low_satisfaction",
        ),
        ("open_complaints", "low_satisfaction"),
        (),
    ]
    assert result.flags.shape == (7, 6)
    # Thresholds are parameters: a complaint alone is high when weighted 3.
    strict = churn.ChurnThresholds(weights=(2, 2, 1, 3, 1, 1))
    assert churn.churn_risk(0.9, 1, 30, 1.0, 1, 4.0, strict).level.tolist() == ["high"]


def test_churn_poor_service():
    # Service kept 40% < 50: poor_service (weight 1) -> medium; 50% is on the
    # threshold and unknown (NaN) raises nothing -> low; with a complaint and low
    # satisfaction it adds up to 3 -> high.
    result = churn.churn_risk(
        p_alive=[0.9, 0.9, 0.9, 0.9],
        days_since_last=[10, 10, 10, 10],
        usual_interval_days=[30, 30, 30, 30],
        revenue_trend=[1.0, 1.0, 1.0, 1.0],
        open_complaints=[0, 0, 0, 1],
        satisfaction=[4.0, 4.0, 4.0, 2.0],
        service_kept=[40.0, 50.0, np.nan, 0.0],
    )
    assert result.level.tolist() == ["medium", "low", "low", "high"]
    assert result.reasons == [
        ("poor_service",),
        (),
        (),
        ("open_complaints", "low_satisfaction", "poor_service"),
    ]


def _engine_row(days, first_ago, last_ago, repeat_value):
    # A customer that bought on ``days`` days, the first ``first_ago`` days ago
    # and the last ``last_ago`` days ago.
    return {
        "revenue": 100.0 * days,
        "recent": 50.0 * days,
        "earlier": 50.0 * days,
        "days": days,
        "age": first_ago,
        "span": first_ago - last_ago,
        "recency": last_ago,
        "period_count": days,
        "repeat_value": repeat_value if days > 1 else None,
        "satisfaction": None,
        "open_complaints": 0,
        "sample_count": 0,
        "service_kept": None,
    }


def _forty_customers():
    # 40 customers, all first seen 400 days ago; customer i bought 1 + i % 5 days,
    # the last one (i * 9) % 360 days ago. Enough repeat customers (32 >= 10) for
    # the BG/NBD and Gamma-Gamma fits.
    today = datetime.date(2026, 6, 30)
    settings = {
        "a_cutoff": 0.8,
        "b_cutoff": 0.95,
        "horizon_months": 12,
        "monthly_discount_rate": 0.01,
        "attitude_threshold": 4.0,
        "repeat_threshold": 2.0,
        "rfm_rules": "",
    }
    rows = [
        _engine_row(1 + i % 5, 400, (i * 9) % 360 if i % 5 else 400, 80 + 5 * i)
        for i in range(40)
    ]
    data = {
        "today": today,
        "partner_ids": list(range(1, 41)),
        "columns": {name: [row[name] for row in rows] for name in engine.INPUT_COLUMNS},
    }
    return data, settings


def test_engine_fits_lifetime_value_with_enough_repeat_customers():
    # The engine must use the fitted parameters of both models.
    data, settings = _forty_customers()
    results = engine.run(data, settings)
    p_alive = np.array(results["probability_alive"], dtype=float)
    expected = np.array(results["expected_transactions"], dtype=float)
    lifetime = np.array(results["clv"], dtype=float)
    assert np.all((p_alive > 0) & (p_alive <= 1))
    assert np.all(expected >= 0)
    repeat = np.array(data["columns"]["days"]) > 1
    assert np.all(np.isfinite(lifetime[repeat])) and np.all(lifetime[repeat] > 0)
    # A single purchase: P(alive) = 1 in BG/NBD (no repeat, no dropout yet).
    assert np.all(p_alive[~repeat] == 1)
    # Same purchases and age, more recent last purchase: more likely active.
    # Customers 1 and 21 both bought twice; last 9 and 189 days ago.
    assert p_alive[1] > p_alive[21]


def test_engine_starts_its_fits_where_the_last_run_ended():
    data, settings = _forty_customers()
    fits = {}
    cold = engine.run(data, settings, fits)
    assert set(fits) == {"bgnbd", "gammagamma"}
    assert len(fits["bgnbd"]) == 4 and len(fits["gammagamma"]) == 3
    # Started from the last parameters, or from unusable ones (the defaults are
    # used instead), the fits reach the same maximum.
    for start in (dict(fits), {"bgnbd": [0.0, -1.0, 1.0, 1.0], "gammagamma": "x"}):
        again = engine.run(data, settings, start)
        for column in ("probability_alive", "expected_transactions", "clv"):
            before = np.array(cold[column], dtype=float)
            after = np.array(again[column], dtype=float)
            np.testing.assert_allclose(after, before, rtol=1e-4)


def test_bgnbd_expectation_with_a_point_mass_dropout():
    # a, b -> infinity with a / (a + b) fixed: 2F1 overflows; the limit formula
    # (a point mass at p) must agree with a large but computable a, b.
    r, alpha, x, t_x, T, t = 1.2, 130.0, 2.0, 300.0, 400.0, 365.0
    huge = bgnbd.BGNBDParams(r, alpha, 2.9e6, 9.7e6)
    large = bgnbd.BGNBDParams(r, alpha, 290.0, 970.0)
    values = [
        bgnbd.conditional_expected_transactions(params, t, x, t_x, T)
        for params in (huge, large)
    ]
    assert np.all(np.isfinite(values))
    assert values[0] == pytest.approx(values[1], rel=0.02)
