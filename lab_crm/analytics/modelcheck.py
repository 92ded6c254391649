"""A check of the BG/NBD and Gamma-Gamma models on a laboratory's own history.

The models are fitted on a calibration period and asked to predict a holdout
period that follows it, as in Fader, Hardie and Lee (2005), "Counting Your
Customers" the Easy Way, Marketing Science 24(2), section 4:

- the tracking plot: cumulative repeat transactions week by week, predicted
  against actual, over calibration and holdout. The prediction for a customer
  whose first transaction was at time s is E[X(t - s)] (eq. 9), summed over
  the customers: customers who started on the same day share one evaluation;
- the conditional-expectation plot: the holdout transactions expected from
  each customer's calibration figures (eq. 10) against the actual ones, averaged
  over the customers with 0, 1, ..., 6 and 7 or more calibration repeat
  transactions;
- the average value per transaction: the Gamma-Gamma expectation from the
  calibration repeat transactions against the mean value of the holdout
  transactions, for the customers who bought in the holdout period.

Transactions are counted per customer and day (several on one day are one
transaction whose value is their sum), as the segmentation and the CDNOW
summaries do. The cohort is the customers whose first transaction falls in the
calibration period; the first transaction starts the customer's clock and is not
a repeat transaction. Times are in weeks (days / 7), the paper's unit. Day
numbers are integers (e.g. ``date.toordinal()``); the calibration period is
``calibration_start .. calibration_end`` and the holdout period
``calibration_end + 1 .. holdout_end``, both ends included. A customer's age at
the end of calibration is ``T = calibration_end - first day``: on the CDNOW data
(first day 1 January 1997, calibration to 30 September 1997) T = 272 / 7 =
38.86 weeks, as in the published summary.
"""

from typing import NamedTuple

import numpy as np

from . import bgnbd, gammagamma

WEEK = 7.0
# The conditional-expectation plot's groups: 0, 1, ..., 6 and 7 or more.
GROUP_CAP = 7


class Summary(NamedTuple):
    """Per-customer figures of the cohort (one entry per customer, weeks)."""

    partner: np.ndarray  # the customer ids, sorted
    first_day: np.ndarray  # day number of the first transaction
    frequency: np.ndarray  # x: repeat transactions in the calibration period
    recency: np.ndarray  # t_x: time of the last one (0 when x = 0)
    age: np.ndarray  # T: time from the first transaction to calibration end
    monetary: np.ndarray  # mean value of the calibration repeat transactions
    holdout_count: np.ndarray  # transactions in the holdout period
    holdout_value: np.ndarray  # their total value


class Check(NamedTuple):
    """Everything the check shows (see the module's docstring).

    ``tracking``: dict of 1-d arrays ``week`` (1, 2, ...), ``end_day``,
    ``actual`` and ``predicted`` (cumulative repeat transactions at the end of
    the week), ``holdout`` (bool: the week ends after calibration).
    ``conditional``: ``group`` (0..7, 7 meaning 7 or more), ``customers``,
    ``actual`` and ``predicted`` (mean holdout transactions per customer).
    ``value``: ``group``, ``transactions`` (holdout transactions of the group),
    ``actual`` and ``predicted`` (average value per holdout transaction); None
    when the Gamma-Gamma model could not be fitted. ``errors``: dict of floats.
    """

    summary: Summary
    bgnbd_fit: object
    gammagamma_fit: object
    tracking: dict
    conditional: dict
    value: dict
    errors: dict


def _daily(partner, day, amount, holdout_end):
    """One transaction per customer and day up to ``holdout_end`` (the day's
    values summed), sorted by customer then day: (customers, days, values)."""
    partner = np.asarray(partner, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    amount = np.asarray(amount, dtype=float)
    kept = day <= holdout_end
    partner, day, amount = partner[kept], day[kept], amount[kept]
    order = np.lexsort((day, partner))
    partner, day, amount = partner[order], day[order], amount[order]
    new = np.ones(partner.size, dtype=bool)
    new[1:] = (partner[1:] != partner[:-1]) | (day[1:] != day[:-1])
    group = np.cumsum(new) - 1
    value = np.bincount(group, weights=amount, minlength=int(new.sum()))
    return partner[new], day[new], value


def summarise(partner, day, amount, calibration_start, calibration_end, holdout_end):
    """The cohort's ``Summary`` from transactions (three arrays of equal length).

    Transactions after ``holdout_end`` are ignored; customers whose first
    transaction is before ``calibration_start`` or after ``calibration_end`` are
    not in the cohort.
    """
    if not (calibration_start <= calibration_end < holdout_end):
        raise ValueError("the periods must follow one another")
    p_of, d_of, value = _daily(partner, day, amount, holdout_end)
    customers, start, counts = np.unique(p_of, return_index=True, return_counts=True)
    first = d_of[start]
    per_tx_first = np.repeat(first, counts)
    index = np.repeat(np.arange(customers.size), counts)
    in_cohort = (first >= calibration_start) & (first <= calibration_end)
    repeat_cal = (d_of > per_tx_first) & (d_of <= calibration_end)
    holdout = d_of > calibration_end
    n = customers.size
    x = np.bincount(index, weights=repeat_cal, minlength=n)
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, index[repeat_cal], d_of[repeat_cal])
    recency = np.where(x > 0, last - first, 0) / WEEK
    cal_value = np.bincount(
        index, weights=np.where(repeat_cal, value, 0.0), minlength=n
    )
    monetary = np.divide(cal_value, x, out=np.zeros(n), where=x > 0)
    return Summary(
        partner=customers[in_cohort],
        first_day=first[in_cohort],
        frequency=x[in_cohort],
        recency=recency[in_cohort],
        age=((calibration_end - first) / WEEK)[in_cohort],
        monetary=monetary[in_cohort],
        holdout_count=np.bincount(index, weights=holdout, minlength=n)[in_cohort],
        holdout_value=np.bincount(
            index, weights=np.where(holdout, value, 0.0), minlength=n
        )[in_cohort],
    )


def repeat_days(partner, day, calibration_start, calibration_end, holdout_end):
    """Sorted day numbers of the cohort's repeat transactions (one per customer
    and day) up to ``holdout_end``: the actual side of the tracking plot."""
    p_of, d_of, _value = _daily(partner, day, np.zeros(len(day)), holdout_end)
    _customers, start, counts = np.unique(p_of, return_index=True, return_counts=True)
    first = np.repeat(d_of[start], counts)
    cohort = (first >= calibration_start) & (first <= calibration_end)
    return np.sort(d_of[cohort & (d_of > first)])


def tracking(
    params, first_day, repeats, calibration_start, calibration_end, holdout_end
):
    """Cumulative repeat transactions at the end of each week from
    ``calibration_start`` (the last week ends at ``holdout_end``), actual (from
    the sorted ``repeats`` days) and predicted (sum of eq. 9 over customers)."""
    weeks = int(np.ceil((holdout_end - calibration_start + 1) / WEEK))
    week = np.arange(1, weeks + 1)
    end_day = np.minimum(calibration_start + WEEK * week - 1, holdout_end).astype(
        np.int64
    )
    actual = np.searchsorted(repeats, end_day, side="right").astype(float)
    starts, cohort_size = np.unique(first_day, return_counts=True)
    elapsed = np.maximum(end_day[None, :] - starts[:, None], 0) / WEEK
    predicted = cohort_size @ bgnbd.expected_transactions(params, elapsed)
    return {
        "week": week,
        "end_day": end_day,
        "actual": actual,
        "predicted": predicted,
        "holdout": end_day > calibration_end,
    }


def _group_means(group, values, weights=None):
    """Sum of ``values`` per group 0..GROUP_CAP divided by the weights' sum."""
    size = GROUP_CAP + 1
    weights = np.ones_like(values) if weights is None else weights
    total = np.bincount(group, weights=values, minlength=size)
    count = np.bincount(group, weights=weights, minlength=size)
    return total, count, np.divide(total, count, out=np.zeros(size), where=count > 0)


def conditional(params, summary, horizon_weeks):
    """Mean holdout transactions per calibration group, and each customer's
    expectation (eq. 10 over ``horizon_weeks``)."""
    expected = bgnbd.conditional_expected_transactions(
        params, horizon_weeks, summary.frequency, summary.recency, summary.age
    )
    group = np.minimum(summary.frequency, GROUP_CAP).astype(np.int64)
    _total, customers, actual = _group_means(group, summary.holdout_count)
    _total, _count, predicted = _group_means(group, expected)
    return expected, {
        "group": np.arange(GROUP_CAP + 1),
        "customers": customers,
        "actual": actual,
        "predicted": predicted,
    }


def value(params, summary):
    """Average value per holdout transaction by calibration group, actual and
    predicted (Gamma-Gamma), weighted by the holdout transactions; and the
    per-customer predicted and actual values of those who bought."""
    bought = summary.holdout_count > 0
    predicted_each = gammagamma.conditional_expected_average_value(
        params, summary.frequency, summary.monetary
    )
    group = np.minimum(summary.frequency, GROUP_CAP).astype(np.int64)
    count = summary.holdout_count
    _t, transactions, actual = _group_means(group, summary.holdout_value, count)
    _t, _c, predicted = _group_means(group, predicted_each * count, count)
    actual_each = summary.holdout_value[bought] / count[bought]
    return (
        predicted_each[bought],
        actual_each,
        {
            "group": np.arange(GROUP_CAP + 1),
            "transactions": transactions,
            "actual": actual,
            "predicted": predicted,
        },
    )


def _fit_gammagamma(summary):
    """The Gamma-Gamma fit on the calibration repeat values, or None when it
    cannot be fitted or has no finite mean (q <= 1)."""
    if not np.any((summary.frequency > 0) & (summary.monetary > 0)):
        return None
    fit = gammagamma.fit(summary.frequency, summary.monetary)
    return fit if fit.params.q > 1.0 else None


def run(partner, day, amount, calibration_start, calibration_end, holdout_end):
    """The whole check (a ``Check``) from transactions: customer ids, day
    numbers and values, three arrays of equal length.

    Raises ValueError when no customer starts in the calibration period.
    Errors (``Check.errors``), predicted minus actual:

    - ``tracking_mae``: mean absolute error of the cumulative curve over the
      holdout weeks; ``tracking_total``: over the whole holdout period
      (predicted minus actual repeat transactions from calibration end to
      holdout end);
    - ``conditional_mae``: mean over the customers of |expected - actual|
      holdout transactions; ``conditional_total``: their sums' difference;
    - ``value_mae``: mean over the customers who bought in the holdout of
      |predicted - actual| average value; ``value_total``: predicted value of
      the holdout transactions (each at its customer's predicted average) minus
      their actual value. Both None without a Gamma-Gamma fit.
    """
    summary = summarise(
        partner, day, amount, calibration_start, calibration_end, holdout_end
    )
    if summary.partner.size == 0:
        raise ValueError("no customer's first transaction is in the calibration period")
    fit = bgnbd.fit(summary.frequency, summary.recency, summary.age)
    repeats = repeat_days(partner, day, calibration_start, calibration_end, holdout_end)
    track = tracking(
        fit.params,
        summary.first_day,
        repeats,
        calibration_start,
        calibration_end,
        holdout_end,
    )
    horizon = (holdout_end - calibration_end) / WEEK
    expected, cond = conditional(fit.params, summary, horizon)
    last_cal = np.searchsorted(track["end_day"], calibration_end, side="right") - 1
    gain = {
        name: track[name][-1] - (track[name][last_cal] if last_cal >= 0 else 0.0)
        for name in ("actual", "predicted")
    }
    gap = np.abs(track["predicted"] - track["actual"])[track["holdout"]]
    errors = {
        "tracking_mae": float(gap.mean()) if gap.size else 0.0,
        "tracking_total": float(gain["predicted"] - gain["actual"]),
        "holdout_actual": float(summary.holdout_count.sum()),
        "holdout_predicted": float(expected.sum()),
        "conditional_mae": float(np.abs(expected - summary.holdout_count).mean()),
        "conditional_total": float(expected.sum() - summary.holdout_count.sum()),
        "value_mae": None,
        "value_total": None,
    }
    gg_fit = _fit_gammagamma(summary)
    values = None
    if gg_fit is not None:
        predicted_each, actual_each, values = value(gg_fit.params, summary)
        if actual_each.size:
            count = summary.holdout_count[summary.holdout_count > 0]
            errors["value_mae"] = float(np.abs(predicted_each - actual_each).mean())
            errors["value_total"] = float(
                np.dot(predicted_each, count) - summary.holdout_value.sum()
            )
    return Check(summary, fit, gg_fit, track, cond, values, errors)
