"""Customer lifetime value (客户终身价值) over a horizon, from BG/NBD and Gamma-Gamma.

The value of a customer over the next H months is the expected number of
transactions in each month (BG/NBD, ``bgnbd.conditional_expected_transactions``)
times the expected value of a transaction (Gamma-Gamma,
``gammagamma.conditional_expected_average_value``), discounted month by month:

    CLV = sum_{i=1..H} (E[Y(t_i)] - E[Y(t_{i-1})]) * E[Z] / (1 + d)^i,
    t_i = i * time_units_per_month, t_0 = 0, E[Y(0)] = 0,

with d the monthly discount rate and the month's value counted at the end of
the month. It is the discrete, month-by-month scheme of the ``lifetimes``
package's ``customer_lifetime_value`` (written here from the formula), an
approximation of the continuous discounting of expected transactions behind the
"discounted expected residual transactions" of Fader, Hardie and Lee (2005,
"RFM and CLV: Using Iso-Value Curves for Customer Base Analysis"); it needs only
eq. 10 of the BG/NBD paper. The value is revenue unless a margin is applied to
``monetary_value`` or to the result.
"""

import numpy as np

from . import bgnbd, gammagamma

# Time units per month for the common units of T: days (lab_crm's unit), weeks
# (the CDNOW data), months.
DAYS_PER_MONTH = 30.0
WEEKS_PER_MONTH = 365.25 / 12.0 / 7.0
MONTHS_PER_MONTH = 1.0


def discounted_value(cumulative_transactions, expected_value, monthly_discount_rate):
    """Discounted value of expected transactions given month by month.

    Inputs:

    - ``cumulative_transactions``: array (n_customers, H), column i - 1 holding
      E[Y(t_i)], the expected number of transactions from now to the end of
      month i (non-decreasing along a row);
    - ``expected_value``: array (n_customers,), the expected value of one
      transaction;
    - ``monthly_discount_rate``: d >= 0.

    Output: array (n_customers,) of
    ``sum_i (cum[:, i] - cum[:, i - 1]) * expected_value / (1 + d)^(i + 1)``
    (with cum[:, -1] = 0), i.e. the formula of the module docstring.
    """
    cumulative = np.asarray(cumulative_transactions, dtype=float)
    if cumulative.ndim != 2:
        raise ValueError("cumulative_transactions must be 2-d (customers, months)")
    if monthly_discount_rate < 0:
        raise ValueError("the discount rate must be >= 0")
    expected_value = np.asarray(expected_value, dtype=float)
    increments = np.diff(cumulative, axis=1, prepend=0.0)
    months = np.arange(1, cumulative.shape[1] + 1)
    factors = np.power(1.0 + monthly_discount_rate, -months.astype(float))
    return expected_value * (increments @ factors)


def customer_lifetime_value(
    bgnbd_params,
    gamma_gamma_params,
    frequency,
    recency,
    T,
    monetary_value,
    horizon_months=12,
    monthly_discount_rate=0.01,
    time_units_per_month=DAYS_PER_MONTH,
):
    """CLV of each customer over ``horizon_months``, discounted monthly.

    Inputs: fitted ``bgnbd_params`` (``BGNBDParams``) and ``gamma_gamma_params``
    (``GammaGammaParams``, q > 1); per customer (1-d arrays) ``frequency`` x,
    ``recency`` t_x and ``T`` in the time unit of the BG/NBD fit, and
    ``monetary_value`` m_x, the mean value of the repeat transactions;
    ``horizon_months`` H >= 1; ``monthly_discount_rate`` d >= 0 (e.g. 0.01 for
    about 12.7% a year); ``time_units_per_month``: 30 when T is in days (default),
    ``WEEKS_PER_MONTH`` when in weeks.

    Output: float array of CLV (see the module docstring for the formula): E[Y]
    from ``bgnbd.conditional_expected_transactions`` at t_i = i *
    time_units_per_month, E[Z] from
    ``gammagamma.conditional_expected_average_value``. Memory: an
    (n_customers, H) float array.
    """
    if horizon_months < 1:
        raise ValueError("the horizon must be at least one month")
    columns = (frequency, recency, T, monetary_value)
    x, t_x, age, m = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=float)) for v in columns)
    )
    if x.ndim != 1:
        raise ValueError("the customer arrays must be 1-d")
    cumulative = np.empty((x.size, int(horizon_months)))
    for month in range(1, int(horizon_months) + 1):
        cumulative[:, month - 1] = bgnbd.conditional_expected_transactions(
            bgnbd_params, month * time_units_per_month, x, t_x, age
        )
    expected_value = gammagamma.conditional_expected_average_value(
        gamma_gamma_params, x, m
    )
    return discounted_value(cumulative, expected_value, monthly_discount_rate)
