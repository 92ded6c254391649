"""The segmentation run: from the figures of every customer to their segments.

``run(data, settings)`` takes what ``lab.segment.snapshot._extract`` read (its
figures as columns, ``data["columns"]``: a sequence per name, one value per
customer, None where unknown) and returns named columns (``RESULT_COLUMNS``: a
list per name, one value per customer in the order of ``data["partner_ids"]``):
revenue and Pareto tier, RFM scores and segment, BG/NBD probability of being
active and expected transactions, lifetime value, loyalty type, churn level and
reasons. ``suggestions(partner_ids, bought, names)`` gives the services to
suggest from the product categories each customer bought. No database here:
plain numbers in, plain numbers out.
"""

import json
import math

import numpy as np

from . import bgnbd, churn, clv, crosssell, gammagamma, loyalty, pareto, rfm
from ._blas import one_thread

# Days counted for a customer that never bought, in the recency ranking.
NEVER_RECENCY_DAYS = 3650
# Fewer customers with repeat purchases than this: no BG/NBD or Gamma-Gamma fit.
MIN_REPEAT_CUSTOMERS = 10
# The names of the columns run() returns (lab.segment.snapshot's fields).
RESULT_COLUMNS = (
    "revenue",
    "revenue_share",
    "cumulative_share",
    "tier",
    "transaction_count",
    "recency_days",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "probability_alive",
    "expected_transactions",
    "clv",
    "satisfaction",
    "open_complaints",
    "sample_count",
    "loyalty_type",
    "churn_level",
    "churn_reasons",
)


# The input columns (``data["columns"]``), one value per customer: revenue of
# the period, of its recent and earlier halves; days with a transaction; days
# from the first transaction to today (age) and to the last one (span), from the
# last one to today (recency), None without transaction; transactions in the
# period; mean value of the repeat transactions; satisfaction; open complaints;
# samples in the period; share of service commitments kept.
INPUT_COLUMNS = (
    "revenue",
    "recent",
    "earlier",
    "days",
    "age",
    "span",
    "recency",
    "period_count",
    "repeat_value",
    "satisfaction",
    "open_complaints",
    "sample_count",
    "service_kept",
)


def _floats(columns, key, default=math.nan):
    # numpy reads None as NaN in a float array.
    values = np.array(columns[key], dtype=float)
    return values if math.isnan(default) else np.nan_to_num(values, nan=default)


def run(data, settings, fits=None):
    """The results, by column name (see the module's docstring).

    ``fits``, optional, a dict: its "bgnbd" and "gammagamma" parameters (tuples,
    from an earlier run) start the maximum-likelihood fits, which then converge in
    a few steps when the data moved little; the parameters fitted now are written
    back to it.
    """
    with one_thread():
        return _run(data, settings, {} if fits is None else fits)


def _run(data, settings, fits):
    columns = data["columns"]
    if not len(data["partner_ids"]):
        return {name: [] for name in RESULT_COLUMNS}
    ids = np.array(data["partner_ids"])
    revenue = _floats(columns, "revenue", 0.0)
    tiers = pareto.abc_tiers(
        revenue, ids, a_cutoff=settings["a_cutoff"], b_cutoff=settings["b_cutoff"]
    )

    days = _floats(columns, "days", 0.0)
    has_tx = days > 0
    x = np.maximum(days - 1, 0.0)
    age = _floats(columns, "age", 0.0)
    span = _floats(columns, "span", 0.0)
    recency = _floats(columns, "recency", NEVER_RECENCY_DAYS)
    period_count = _floats(columns, "period_count", 0.0)
    scores = rfm.rfm_scores(recency, period_count, revenue)
    segments = rfm.segments(scores.r, scores.f, scores.m, rules=_rfm_rules(settings))

    repeat_value = _floats(columns, "repeat_value")
    p_alive, expected, lifetime = _lifetime_columns(
        x, span, age, has_tx, repeat_value, settings, fits
    )

    satisfaction = _floats(columns, "satisfaction")
    loyalty_type = loyalty.loyalty_types(
        satisfaction,
        np.where(has_tx, period_count, math.nan),
        attitude_threshold=settings["attitude_threshold"],
        repeat_threshold=settings["repeat_threshold"],
    )
    recent = _floats(columns, "recent", 0.0)
    earlier = _floats(columns, "earlier", 0.0)
    trend = np.where(earlier > 0, recent / np.where(earlier > 0, earlier, 1), math.nan)
    usual = np.where(x > 0, span / np.where(x > 0, x, 1), math.nan)
    churned = churn.churn_risk(
        p_alive,
        np.where(has_tx, recency, math.nan),
        usual,
        trend,
        _floats(columns, "open_complaints", 0.0),
        satisfaction,
        service_kept=_floats(columns, "service_kept"),
    )
    return _result_columns(
        columns,
        has_tx,
        {
            "revenue": revenue,
            "tiers": tiers,
            "period_count": period_count,
            "recency": recency,
            "scores": scores,
            "segments": segments,
            "p_alive": p_alive,
            "expected": expected,
            "lifetime": lifetime,
            "satisfaction": satisfaction,
            "loyalty_type": loyalty_type,
            "churned": churned,
        },
    )


def _lifetime_columns(x, span, age, has_tx, repeat_value, settings, fits):
    """Probability active, expected transactions over the horizon and lifetime
    value per customer (NaN where no model could be fitted: fewer than
    MIN_REPEAT_CUSTOMERS repeat customers, or a fit that did not converge)."""
    size = len(x)
    p_alive = np.full(size, math.nan)
    expected = np.full(size, math.nan)
    lifetime = np.full(size, math.nan)
    fit_mask = has_tx & (age > 0)
    if np.count_nonzero(fit_mask & (x > 0)) < MIN_REPEAT_CUSTOMERS:
        return p_alive, expected, lifetime
    fitted = _fit(
        bgnbd.fit,
        fits,
        "bgnbd",
        bgnbd.BGNBDParams,
        x[fit_mask],
        span[fit_mask],
        age[fit_mask],
    )
    bg = fitted.params if fitted is not None and fitted.converged else None
    if bg is None:
        return p_alive, expected, lifetime
    p_alive[fit_mask] = bgnbd.probability_alive(
        bg, x[fit_mask], span[fit_mask], age[fit_mask]
    )
    horizon_days = settings["horizon_months"] * clv.DAYS_PER_MONTH
    expected[fit_mask] = bgnbd.conditional_expected_transactions(
        bg, horizon_days, x[fit_mask], span[fit_mask], age[fit_mask]
    )
    lifetime[fit_mask] = _lifetime_value(
        bg, x, span, age, repeat_value, fit_mask, settings, fits
    )
    return p_alive, expected, lifetime


def _result_columns(columns, has_tx, computed):
    """The results by column name, as Python lists (one conversion each), from
    the arrays ``run`` computed (``computed``, by name)."""
    revenue, tiers, scores = (computed[key] for key in ("revenue", "tiers", "scores"))
    period_count, recency = computed["period_count"], computed["recency"]
    churned = computed["churned"]
    has_tx_list = has_tx.tolist()
    return {
        "revenue": revenue.tolist(),
        "revenue_share": (100.0 * tiers.share).tolist(),
        "cumulative_share": (100.0 * tiers.cumulative_share).tolist(),
        "tier": np.asarray(tiers.tier).astype(str).tolist(),
        "transaction_count": period_count.astype(int).tolist(),
        "recency_days": [
            days if active else None
            for days, active in zip(
                recency.astype(int).tolist(), has_tx_list, strict=True
            )
        ],
        "r_score": np.asarray(scores.r).astype(int).tolist(),
        "f_score": np.asarray(scores.f).astype(int).tolist(),
        "m_score": np.asarray(scores.m).astype(int).tolist(),
        "rfm_segment": np.asarray(computed["segments"]).astype(str).tolist(),
        "probability_alive": _numbers(computed["p_alive"]),
        "expected_transactions": _numbers(computed["expected"]),
        "clv": _numbers(computed["lifetime"]),
        "satisfaction": _numbers(computed["satisfaction"]),
        "open_complaints": _floats(columns, "open_complaints", 0.0)
        .astype(int)
        .tolist(),
        "sample_count": _floats(columns, "sample_count", 0.0).astype(int).tolist(),
        "loyalty_type": np.asarray(computed["loyalty_type"]).astype(str).tolist(),
        "churn_level": np.asarray(churned.level).astype(str).tolist(),
        "churn_reasons": [",".join(reasons) or None for reasons in churned.reasons],
    }


def _fit(fit, fits, key, param_type, *arrays):
    """``fit(*arrays)`` started from ``fits[key]`` when it holds usable
    parameters (else from the model's default start); the result goes back to
    ``fits[key]`` when it converged. None when the fit fails."""
    initial = fits.get(key)
    try:
        initial = param_type(*initial) if initial else None
        if initial is not None and not all(0 < v < math.inf for v in initial):
            initial = None
    except (TypeError, ValueError):
        initial = None
    try:
        fitted = fit(*arrays, initial=initial)
    except (ValueError, RuntimeError, FloatingPointError):
        return None
    if fitted.converged:
        fits[key] = list(fitted.params)
    return fitted


def _rfm_rules(settings):
    """The RFM segment rules of the settings (JSON ``[[key, [r1, r2], [f1, f2]],
    ...]``), or the default ones when none or unreadable."""
    text = settings.get("rfm_rules")
    if not text:
        return rfm.DEFAULT_RULES
    try:
        rules = [
            rfm.SegmentRule(str(key), r=tuple(r_range), f=tuple(f_range))
            for key, r_range, f_range in json.loads(text)
        ]
    except (ValueError, TypeError):
        return rfm.DEFAULT_RULES
    return rules or rfm.DEFAULT_RULES


def _lifetime_value(bg, x, span, age, repeat_value, fit_mask, settings, fits):
    """CLV of the customers in ``fit_mask``; NaN when no value model can be fitted."""
    value_mask = fit_mask & (x > 0) & (repeat_value > 0)
    if np.count_nonzero(value_mask) < MIN_REPEAT_CUSTOMERS:
        return math.nan
    fitted = _fit(
        gammagamma.fit,
        fits,
        "gammagamma",
        gammagamma.GammaGammaParams,
        x[value_mask],
        repeat_value[value_mask],
    )
    if fitted is None:
        return math.nan
    gg = fitted.params
    if not fitted.converged or gg.q <= 1:
        return math.nan
    monetary = np.where(repeat_value > 0, repeat_value, 0.0)
    return clv.customer_lifetime_value(
        bg,
        gg,
        x[fit_mask],
        span[fit_mask],
        age[fit_mask],
        monetary[fit_mask],
        horizon_months=settings["horizon_months"],
        monthly_discount_rate=settings["monthly_discount_rate"],
    )


def suggestions(partner_ids, bought, names):
    """The names of the (at most three) best product categories each customer
    does not buy (``crosssell.recommendations``), comma-separated, None where
    there is none: a list in the order of ``partner_ids``.

    ``bought``: the customers and the categories they bought, two sequences of
    as many ids (others' customers are ignored); ``names``: {category: name},
    the id where missing.
    """
    ids = np.asarray(partner_ids, dtype=np.int64)
    buyers, bought = (np.asarray(column, dtype=np.int64) for column in bought)
    category_ids = np.unique(bought)
    if len(ids) == 0 or len(category_ids) < 2:
        return [None] * len(ids)
    # Each pair's row (of its customer; -1 for another's) and column.
    row_of = np.full(ids.max() + 2, -1)  # the last one for greater ids
    row_of[ids] = np.arange(len(ids))
    row = row_of[np.minimum(buyers, ids.max() + 1)]
    known = row >= 0
    matrix = np.zeros((len(ids), len(category_ids)), dtype=bool)
    matrix[row[known], np.searchsorted(category_ids, bought[known])] = True
    best, _scores = crosssell.recommendations(matrix, top_k=3, min_score=1.0)
    # The same few choices recur: each is named once (a choice as one number:
    # its columns + 1 in base k + 1).
    base = (len(category_ids) + 1) ** np.arange(best.shape[1])
    codes, choice = np.unique((best + 1) @ base, return_inverse=True)
    texts = []
    for code in codes.tolist():
        columns = [code // int(power) % (len(category_ids) + 1) - 1 for power in base]
        texts.append(
            ", ".join(
                names.get(category, str(category))
                for category in category_ids[[c for c in columns if c >= 0]].tolist()
            )
            or None
        )
    return [texts[k] for k in choice.ravel().tolist()]


def _numbers(values):
    """A float array as a list, NaN and infinities as None."""
    return [value if math.isfinite(value) else None for value in values.tolist()]
