"""Churn early warning (客户流失预警, 001): a risk level and its reasons per customer.

Each warning sign is a reason with a machine key (the ORM side translates them):

- ``inactive_long``: the customer has not bought for much longer than its own
  usual interval between purchases (it stopped submitting samples);
- ``p_alive_low``: the BG/NBD probability that it is still active is low;
- ``declining``: its recent revenue is well below its earlier revenue;
- ``open_complaints``: it has complaints not yet closed;
- ``low_satisfaction``: its satisfaction score is low;
- ``poor_service``: the laboratory kept too few of its service commitments to it
  (reports by the promised date, requests resolved in time, contract
  commitments): the lowest of those rates is below the threshold.

The score is the sum of the weights of the reasons present; the level is
``high``, ``medium`` or ``low`` by thresholds on the score. A figure that is
unknown (NaN: never surveyed, a single purchase, no earlier revenue) never
raises a reason.
"""

from typing import NamedTuple

import numpy as np

INACTIVE_LONG = "inactive_long"
P_ALIVE_LOW = "p_alive_low"
DECLINING = "declining"
OPEN_COMPLAINTS = "open_complaints"
LOW_SATISFACTION = "low_satisfaction"
POOR_SERVICE = "poor_service"
REASONS = (
    INACTIVE_LONG,
    P_ALIVE_LOW,
    DECLINING,
    OPEN_COMPLAINTS,
    LOW_SATISFACTION,
    POOR_SERVICE,
)

LOW = "low"
MEDIUM = "medium"
HIGH = "high"


class ChurnThresholds(NamedTuple):
    """Thresholds of the churn rules, with their defaults.

    - ``inactivity_factor`` (2.0), ``min_inactive_days`` (30),
      ``fallback_inactive_days`` (365): ``inactive_long`` when the days since the
      last purchase exceed ``max(inactivity_factor * usual_interval,
      min_inactive_days)``, or ``fallback_inactive_days`` for a customer without a
      usual interval (fewer than two purchases);
    - ``p_alive_below`` (0.5): ``p_alive_low`` when P(alive) < 0.5;
    - ``trend_below`` (0.5): ``declining`` when recent revenue / earlier revenue
      < 0.5 (recent revenue less than half the earlier);
    - ``open_complaints_at_least`` (1): ``open_complaints`` when at least one
      complaint is open;
    - ``satisfaction_below`` (3.0): ``low_satisfaction`` when the satisfaction
      score (lab_crm: 1 poor .. 5 excellent) is below 3, the middle of the scale;
    - ``service_kept_below`` (50): ``poor_service`` when the share of service
      commitments kept (percent) is below 50;
    - ``weights`` (2, 2, 1, 1, 1, 1): the weight of each reason, in the order of
      ``REASONS``: inactivity and a low P(alive) say the customer is leaving, the
      others say why it might;
    - ``medium_score`` (1), ``high_score`` (3): level ``high`` when the score is
      >= 3 (e.g. inactive and unlikely to be alive, or inactive with a complaint),
      ``medium`` when >= 1 (any one reason), else ``low``.
    """

    inactivity_factor: float = 2.0
    min_inactive_days: float = 30.0
    fallback_inactive_days: float = 365.0
    p_alive_below: float = 0.5
    trend_below: float = 0.5
    open_complaints_at_least: float = 1
    satisfaction_below: float = 3.0
    service_kept_below: float = 50.0
    weights: tuple = (2, 2, 1, 1, 1, 1)
    medium_score: float = 1
    high_score: float = 3


class ChurnResult(NamedTuple):
    """Per customer: ``level`` (str array), ``score`` (float array), ``flags``
    (bool array (n, 6), columns in the order of ``REASONS``) and ``reasons`` (a
    list of tuples of reason keys, in the order of ``REASONS``)."""

    level: np.ndarray
    score: np.ndarray
    flags: np.ndarray
    reasons: list


def churn_risk(
    p_alive,
    days_since_last,
    usual_interval_days,
    revenue_trend,
    open_complaints,
    satisfaction,
    thresholds=None,
    *,
    service_kept=np.nan,
):
    """Churn risk level and reasons of each customer.

    Inputs (arrays broadcast together, NaN where unknown):

    - ``p_alive``: probability that the customer is still active
      (``bgnbd.probability_alive``);
    - ``days_since_last``: days since its last purchase (sample, invoice);
    - ``usual_interval_days``: its own usual interval between purchases, e.g. the
      mean gap between its successive purchases (NaN with fewer than two);
    - ``revenue_trend``: revenue of the recent period divided by the revenue of
      an earlier period of the same length (NaN when the earlier one is 0);
    - ``open_complaints``: number of open complaints;
    - ``satisfaction``: satisfaction score (NaN when never surveyed);
    - ``thresholds``: a ``ChurnThresholds`` (its defaults when None);
    - ``service_kept``: the share (percent) of the laboratory's service
      commitments kept for the customer (NaN when none were due).

    Output: a ``ChurnResult``. Rules (strict ``>``/``<`` as written, ``>=`` for
    complaints):

    - ``inactive_long``: days_since_last > limit, limit =
      max(inactivity_factor * usual_interval, min_inactive_days) when the usual
      interval is known and > 0, else fallback_inactive_days;
    - ``p_alive_low``: p_alive < p_alive_below;
    - ``declining``: revenue_trend < trend_below;
    - ``open_complaints``: open_complaints >= open_complaints_at_least;
    - ``low_satisfaction``: satisfaction < satisfaction_below;
    - ``poor_service``: service_kept < service_kept_below;
    - score = sum of the weights of the reasons raised; level = ``high`` if score
      >= high_score, ``medium`` if score >= medium_score, else ``low``.
    """
    limits = thresholds or ChurnThresholds()
    if len(limits.weights) != len(REASONS):
        raise ValueError(f"weights needs one weight per reason: {REASONS}")
    p_alive, days, usual, trend, complaints, satisfaction, service = (
        np.broadcast_arrays(
            *(
                np.atleast_1d(np.asarray(v, dtype=float))
                for v in (
                    p_alive,
                    days_since_last,
                    usual_interval_days,
                    revenue_trend,
                    open_complaints,
                    satisfaction,
                    service_kept,
                )
            )
        )
    )
    has_interval = np.isfinite(usual) & (usual > 0)
    with np.errstate(invalid="ignore"):
        limit = np.where(
            has_interval,
            np.maximum(limits.inactivity_factor * usual, limits.min_inactive_days),
            limits.fallback_inactive_days,
        )
        # Comparisons with NaN are False: an unknown figure raises nothing.
        flags = np.stack(
            [
                days > limit,
                p_alive < limits.p_alive_below,
                trend < limits.trend_below,
                complaints >= limits.open_complaints_at_least,
                satisfaction < limits.satisfaction_below,
                service < limits.service_kept_below,
            ],
            axis=-1,
        )
    score = flags @ np.asarray(limits.weights, dtype=float)
    level = np.where(
        score >= limits.high_score,
        HIGH,
        np.where(score >= limits.medium_score, MEDIUM, LOW),
    )
    # Each combination of flags once: code = sum of 2^j over the reasons raised.
    combinations = [
        tuple(key for j, key in enumerate(REASONS) if code >> j & 1)
        for code in range(2 ** len(REASONS))
    ]
    codes = flags.reshape(-1, len(REASONS)) @ (1 << np.arange(len(REASONS)))
    reasons = [combinations[code] for code in codes.tolist()]
    return ChurnResult(level, score, flags, reasons)
