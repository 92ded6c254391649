"""The Gamma-Gamma model of the average transaction value.

References: P. S. Fader and B. G. S. Hardie (2013), "The Gamma-Gamma Model of
Monetary Value", http://brucehardie.com/notes/025/; P. S. Fader, B. G. S. Hardie
and K. L. Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base
Analysis", Journal of Marketing Research 42(4), 415-430. Implemented from the
note's formulas.

The model: a customer's transaction values z_1..z_x are i.i.d.
Gamma(shape p, rate nu); across customers nu ~ Gamma(shape q, rate gamma). Only
the customer's number of transactions x and their mean m_x are used. The model
assumes that the value of transactions does not depend on how many there are
(check that the correlation between x and m_x is weak before relying on it).
In the note, x and m_x are those of the repeat transactions (the first purchase
excluded), as for BG/NBD.
"""

from typing import NamedTuple

import numpy as np
from scipy import special

from ._mle import compress_rows, maximise


class GammaGammaParams(NamedTuple):
    """Gamma-Gamma parameters: z ~ Gamma(p, nu), nu ~ Gamma(q, gamma); all > 0."""

    p: float
    q: float
    gamma: float


def _check_params(params):
    p, q, gamma = (float(v) for v in params)
    if not all(np.isfinite(v) and v > 0.0 for v in (p, q, gamma)):
        raise ValueError("Gamma-Gamma parameters p, q, gamma must be finite and > 0")
    return p, q, gamma


def _paired(frequency, monetary_value):
    x, m = np.broadcast_arrays(
        np.asarray(frequency, dtype=float), np.asarray(monetary_value, dtype=float)
    )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(m))):
        raise ValueError("frequency and monetary_value must be finite")
    if np.any(x < 0):
        raise ValueError("frequency must be >= 0")
    return x, m


def log_likelihood(params, frequency, monetary_value):
    """Log-density of each customer's mean value m_x given x (x > 0, m_x > 0).

    Inputs: ``params`` (``GammaGammaParams`` or p, q, gamma); ``frequency`` x > 0
    and ``monetary_value`` m_x > 0 (arrays, broadcast).
    Output: float array of ln f(m_x | p, q, gamma, x), from the note's eq. for
    the distribution of the mean (z_bar = m_x):

        f(m_x) = Gamma(p x + q) / (Gamma(p x) Gamma(q))
                 * gamma^q m_x^(p x - 1) x^(p x) / (gamma + m_x x)^(p x + q)

    in logs with ``scipy.special.gammaln``.
    """
    p, q, gamma = _check_params(params)
    x, m = _paired(frequency, monetary_value)
    if np.any(x <= 0) or np.any(m <= 0):
        raise ValueError("the likelihood needs frequency > 0 and monetary_value > 0")
    px = p * x
    return (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(gamma + m * x)
    )


def _negative_mean_log_likelihood(log_params, x, m, weights, total_weight):
    """-sum(w ln f) / sum(w) and its gradient with respect to ln p, ln q, ln gamma.

    d/dp     = x (psi(px+q) - psi(px) + ln m + ln x - ln(gamma + m x))
    d/dq     = psi(px+q) - psi(q) + ln gamma - ln(gamma + m x)
    d/dgamma = q / gamma - (px+q) / (gamma + m x)
    """
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_total = np.log(gamma + m * x)
    psi_sum = special.digamma(px + q)
    ll = (
        special.gammaln(px + q)
        - special.gammaln(px)
        - special.gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_total
    )
    d_p = x * (psi_sum - special.digamma(px) + np.log(m) + np.log(x) - log_total)
    d_q = psi_sum - special.digamma(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (gamma + m * x)
    gradient = np.array(
        [
            p * np.dot(weights, d_p),
            q * np.dot(weights, d_q),
            gamma * np.dot(weights, d_gamma),
        ]
    )
    return -np.dot(weights, ll) / total_weight, -gradient / total_weight


def fit(frequency, monetary_value, initial=None, max_iter=1000):
    """Maximum-likelihood estimates of p, q, gamma.

    Inputs: ``frequency`` x and ``monetary_value`` m_x per customer (1-d arrays);
    customers with x = 0 or m_x <= 0 (no repeat transaction, or refunds as large
    as the invoices) carry no information on the model and are left out of the
    fit. ``initial``: optional starting ``GammaGammaParams`` (default p = q = 1 and
    gamma = the mean of m_x, so the starting scale follows the currency);
    ``max_iter`` for the optimiser.

    Output: a ``FitResult`` (``lab_crm.analytics._mle``) whose ``params`` is a
    ``GammaGammaParams``.

    Method: the sum of ``log_likelihood`` is maximised over (ln p, ln q,
    ln gamma) by ``scipy.optimize.minimize`` (L-BFGS-B) with the analytic
    gradient; identical (x, m_x) are merged first. On the CDNOW data of the note
    (946 customers with x > 0) this gives p = 6.25, q = 3.74, gamma = 15.44.
    """
    x, m = _paired(frequency, monetary_value)
    if x.ndim != 1:
        raise ValueError("fit needs 1-d arrays")
    used = (x > 0) & (m > 0)
    if not np.any(used):
        raise ValueError("no customer with frequency > 0 and monetary_value > 0")
    (x, m), weights = compress_rows(x[used], m[used])
    total_weight = weights.sum()
    if initial is None:
        initial = (1.0, 1.0, np.dot(weights, m) / total_weight)
    return maximise(
        lambda log_params: _negative_mean_log_likelihood(
            log_params, x, m, weights, total_weight
        ),
        np.log(_check_params(initial)),
        total_weight,
        GammaGammaParams,
        max_iter,
    )


def conditional_expected_average_value(params, frequency, monetary_value):
    """E[Z | p, q, gamma, m_x, x]: expected value of the customer's transactions.

    Inputs: ``params``; ``frequency`` x >= 0 and ``monetary_value`` m_x (arrays,
    broadcast; m_x is ignored where x = 0, and negative m_x is taken as 0).
    Output: float array. From the note,

        E[Z | m_x, x] = (gamma + m_x x) p / (p x + q - 1)
                      = (q - 1) / (p x + q - 1) * gamma p / (q - 1)
                        + p x / (p x + q - 1) * m_x,

    a weighted mean of the population mean gamma p / (q - 1) and the customer's
    own mean m_x, the weight of m_x growing with x. For x = 0 it is the
    population mean. Requires q > 1 (otherwise the population mean is infinite).
    """
    p, q, gamma = _check_params(params)
    if q <= 1.0:
        raise ValueError("the expected value needs q > 1")
    x, m = _paired(frequency, monetary_value)
    m = np.where(x > 0, np.maximum(m, 0.0), 0.0)
    return (gamma + m * x) * p / (p * x + q - 1.0)
