"""ABC tiers by cumulative revenue share: the 80/20 rule (二八法则).

The customers are ranked by revenue, largest first, and cut where their
cumulative share of revenue reaches 80% and 95%:

- tier ``"A"``: the customers that make the first 80% of revenue, the
  high-value customers (高价值客户) of the source articles;
- tier ``"B"``: those that make the next 15%, the ordinary customers (普通客户);
- tier ``"C"``: the rest, including every customer whose revenue is zero or
  negative (refunds larger than invoices).
"""

from typing import NamedTuple

import numpy as np

TIER_A = "A"
TIER_B = "B"
TIER_C = "C"

# What the source articles call the tiers (DOMAIN.md §5, value contribution).
TIER_MEANINGS = {
    TIER_A: "high_value",  # 高价值客户
    TIER_B: "ordinary",  # 普通客户
    TIER_C: "other",
}

# A cumulative revenue that equals a cut-off up to floating-point rounding counts
# as having reached it: the comparison allows this fraction of the total.
RELATIVE_TOLERANCE = 1e-9


class ParetoResult(NamedTuple):
    """Per-customer outcome of ``abc_tiers``, arrays in the order of the input.

    - ``tier``: ``"A"``, ``"B"`` or ``"C"`` (numpy array of str);
    - ``share``: the customer's share of the positive revenue, ``max(r, 0) / P``;
    - ``cumulative_share``: the sum of ``share`` over the customer and every
      customer ranked before it;
    - ``rank``: the position in the ranking, 1 for the largest revenue.
    """

    tier: np.ndarray
    share: np.ndarray
    cumulative_share: np.ndarray
    rank: np.ndarray


def abc_tiers(revenue, ids=None, a_cutoff=0.80, b_cutoff=0.95):
    """Classify customers into ABC tiers by cumulative share of revenue.

    Inputs:

    - ``revenue``: 1-d array, each customer's revenue over the period, net of
      refunds (may be zero or negative), finite;
    - ``ids``: optional 1-d array of sortable keys (e.g. partner ids) that
      breaks ties in revenue; without it, the position in ``revenue`` does;
    - ``a_cutoff``, ``b_cutoff``: cumulative shares ending tiers A and B,
      ``0 < a_cutoff <= b_cutoff <= 1`` (defaults 0.80 and 0.95).

    Output: a ``ParetoResult`` of arrays in the order of ``revenue``.

    Definitions, with ``r_i`` the revenue of customer i:

    - ranking: revenue descending; equal revenues by ``ids`` (else position)
      ascending, so the result never depends on the order of the query rows;
    - ``P = sum(max(r_i, 0))``, the positive revenue. Shares are of ``P``, not of
      the net total: a customer with net refunds contributes nothing to the
      revenue the tiers split, and must not make the others' shares exceed 1;
    - ``share_i = max(r_i, 0) / P`` and ``cumulative_share_i`` the running sum
      of shares in ranking order (non-positive customers come last, at 1.0);
    - with ``before_i = cumulative_share_i - share_i``, the share of everyone
      ranked before i: tier A if ``r_i > 0`` and ``before_i < a_cutoff``; else
      tier B if ``r_i > 0`` and ``before_i < b_cutoff``; else tier C. So the
      customer that crosses the 80% line belongs to A, and one that starts
      exactly at 80% belongs to B (``before`` equal to a cut-off, up to
      ``RELATIVE_TOLERANCE`` of P, counts as reached). The comparisons are done
      on cumulative revenue against ``cutoff * P``.
    - customers with ``r_i <= 0`` are always C with share 0; when no customer has
      positive revenue (P = 0), everyone is C with shares and cumulative
      shares 0.
    """
    revenue = np.asarray(revenue, dtype=float)
    if revenue.ndim != 1:
        raise ValueError("revenue must be a 1-d array")
    if not np.all(np.isfinite(revenue)):
        raise ValueError("revenue must be finite")
    if not 0.0 < a_cutoff <= b_cutoff <= 1.0:
        raise ValueError("cut-offs must satisfy 0 < a_cutoff <= b_cutoff <= 1")
    n = revenue.size
    if ids is None:
        order = np.argsort(-revenue, kind="stable")
    else:
        ids = np.asarray(ids)
        if ids.shape != revenue.shape:
            raise ValueError("ids must have the shape of revenue")
        order = np.lexsort((ids, -revenue))

    positive = np.maximum(revenue, 0.0)
    total = positive.sum()
    ranked = positive[order]
    cumulative = np.cumsum(ranked)
    before = np.concatenate(([0.0], cumulative[:-1]))
    tolerance = RELATIVE_TOLERANCE * total
    is_positive = ranked > 0.0
    in_a = is_positive & (before < a_cutoff * total - tolerance)
    in_b = is_positive & ~in_a & (before < b_cutoff * total - tolerance)
    ranked_tier = np.where(in_a, TIER_A, np.where(in_b, TIER_B, TIER_C))

    tier = np.empty(n, dtype="<U1")
    share = np.zeros(n)
    cumulative_share = np.zeros(n)
    rank = np.empty(n, dtype=np.int64)
    tier[order] = ranked_tier
    if total > 0.0:
        share[order] = ranked / total
        cumulative_share[order] = cumulative / total
    rank[order] = np.arange(1, n + 1)
    return ParetoResult(tier, share, cumulative_share, rank)
