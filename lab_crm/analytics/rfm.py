"""RFM: recency, frequency and monetary scores 1-5 and named segments.

Each dimension is scored 1 (worst) to 5 (best) by quintiles of the customers'
mid-rank percentile, so that equal values always get equal scores; the
segments then come from the recency and frequency scores (optionally monetary)
through an ordered list of rules.
"""

from typing import NamedTuple

import numpy as np


class SegmentRule(NamedTuple):
    """One rule of ``segments``: a key and an inclusive score range per dimension.

    ``r``, ``f`` and ``m`` are ``(low, high)`` pairs of scores, both ends included;
    the default ``m`` accepts every monetary score. Rules can be built from stored
    configuration: ``SegmentRule(**{"key": "vip", "r": (4, 5), "f": (5, 5)})``.
    """

    key: str
    r: tuple = (1, 5)
    f: tuple = (1, 5)
    m: tuple = (1, 5)


# The default map of (R, F) scores to segments; the first rule that matches wins.
# It covers all 25 (R, F) cells, so the fallback key is never used with it:
#
#        F=1                F=2                F=3              F=4       F=5
# R=5    new                potential_loyalist potential_loyal. champions champions
# R=4    promising          potential_loyalist potential_loyal. loyal     loyal
# R=3    about_to_sleep     about_to_sleep     need_attention   loyal     loyal
# R=2    hibernating        hibernating        at_risk          at_risk   cant_lose
# R=1    lost               lost               at_risk          at_risk   cant_lose
DEFAULT_RULES = (
    SegmentRule("champions", r=(5, 5), f=(4, 5)),
    SegmentRule("loyal", r=(3, 4), f=(4, 5)),
    SegmentRule("potential_loyalist", r=(4, 5), f=(2, 3)),
    SegmentRule("new", r=(5, 5), f=(1, 1)),
    SegmentRule("promising", r=(4, 4), f=(1, 1)),
    SegmentRule("need_attention", r=(3, 3), f=(3, 3)),
    SegmentRule("about_to_sleep", r=(3, 3), f=(1, 2)),
    SegmentRule("cant_lose", r=(1, 2), f=(5, 5)),
    SegmentRule("at_risk", r=(1, 2), f=(3, 4)),
    SegmentRule("hibernating", r=(2, 2), f=(1, 2)),
    SegmentRule("lost", r=(1, 1), f=(1, 2)),
)
FALLBACK_SEGMENT = "other"


class RFMScores(NamedTuple):
    """Scores 1-5 per customer (int arrays): recency, frequency, monetary."""

    r: np.ndarray
    f: np.ndarray
    m: np.ndarray


def quantile_scores(values, higher_is_better=True, n_bins=5):
    """Score each value 1..n_bins by the quantile of its mid-rank percentile.

    Inputs: ``values``, a 1-d array of finite numbers; ``higher_is_better``
    (False for recency, where fewer days since the last transaction is better);
    ``n_bins``, the number of scores (5: quintiles).

    Output: an int array of scores, ``n_bins`` for the best values.

    Method: with the values ordered from worst to best, let ``below`` be the number
    of customers with a strictly worse value and ``equal`` the number with the same
    value. The mid-rank percentile is ``pct = (below + equal / 2) / n`` (in (0, 1))
    and the score ``floor(n_bins * pct) + 1``, computed in integers as
    ``(n_bins * (2 * below + equal)) // (2 * n) + 1``. Equal values share
    ``below`` and ``equal``, so they always get the same score, whatever their
    order; distinct values fall into equal-sized bins (n = 10: scores
    1,1,2,2,3,3,4,4,5,5); a percentile exactly on a bin boundary goes to the upper
    bin; a column where every value is equal scores the middle bin (3 of 5).
    A block of ties wider than a bin puts every member in the bin of its mid-rank,
    so the worst value need not score 1 (40% tied at the bottom score 2).
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError("values must be a 1-d array")
    if not np.all(np.isfinite(values)):
        raise ValueError("values must be finite")
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    n = values.size
    if n == 0:
        return np.empty(0, dtype=np.int64)
    goodness = values if higher_is_better else -values
    ordered = np.sort(goodness)
    below = np.searchsorted(ordered, goodness, side="left")
    equal = np.searchsorted(ordered, goodness, side="right") - below
    return (n_bins * (2 * below + equal)) // (2 * n) + 1


def rfm_scores(recency_days, frequency, monetary, n_bins=5):
    """Recency, frequency and monetary scores of each customer.

    Inputs (1-d arrays, one entry per customer): ``recency_days``, days since the
    last transaction (lower is better); ``frequency``, the number of transactions
    (or samples, invoices) in the period; ``monetary``, the revenue in the period.

    Output: an ``RFMScores`` of int arrays 1..n_bins, each from
    ``quantile_scores`` (recency with ``higher_is_better=False``).
    """
    return RFMScores(
        quantile_scores(recency_days, higher_is_better=False, n_bins=n_bins),
        quantile_scores(frequency, n_bins=n_bins),
        quantile_scores(monetary, n_bins=n_bins),
    )


def segments(r_scores, f_scores, m_scores=None, rules=DEFAULT_RULES):
    """Named segment of each customer from its scores; the first matching rule wins.

    Inputs: ``r_scores``, ``f_scores`` and optionally ``m_scores`` (int arrays of
    equal length, e.g. from ``rfm_scores``); ``rules``, a sequence of
    ``SegmentRule`` (or tuples ``(key, r, f[, m])``), ``DEFAULT_RULES`` unless
    given. Without ``m_scores`` a rule's monetary range is ignored.

    Output: an array of segment keys (str); ``FALLBACK_SEGMENT`` (``"other"``)
    where no rule matches. A customer matches a rule when each of its scores lies
    within the rule's range, both ends included.
    """
    r_scores = np.asarray(r_scores)
    f_scores = np.asarray(f_scores)
    if r_scores.shape != f_scores.shape:
        raise ValueError("r_scores and f_scores must have the same shape")
    if m_scores is not None:
        m_scores = np.asarray(m_scores)
        if m_scores.shape != r_scores.shape:
            raise ValueError("m_scores must have the shape of r_scores")
    rules = [SegmentRule(*rule) for rule in rules]
    width = max([len(FALLBACK_SEGMENT)] + [len(rule.key) for rule in rules])
    result = np.full(r_scores.shape, FALLBACK_SEGMENT, dtype=f"<U{width}")
    unassigned = np.ones(r_scores.shape, dtype=bool)
    for rule in rules:
        match = (
            unassigned
            & (r_scores >= rule.r[0])
            & (r_scores <= rule.r[1])
            & (f_scores >= rule.f[0])
            & (f_scores <= rule.f[1])
        )
        if m_scores is not None:
            match &= (m_scores >= rule.m[0]) & (m_scores <= rule.m[1])
        result[match] = rule.key
        unassigned &= ~match
    return result
