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


def _objective(x, m, weights):
    """The function of the log-parameters (ln p, ln q, ln gamma) that the fit
    minimises: -sum(w ln f) / sum(w), with its gradient.

    Summed over the customers (weights w), with L = ln(gamma + m x):

        sum w ln f = sum_x W_x (ln G(px+q) - ln G(px)) - W ln G(q) + W q ln gamma
                     + p sum w x ln m - sum w ln m + p sum w x ln x
                     - p sum w x L - q sum w L
        d/dp       = sum_x W_x x (psi(px+q) - psi(px)) + sum w x ln m
                     + sum w x ln x - sum w x L
        d/dq       = sum_x W_x psi(px+q) - W psi(q) + W ln gamma - sum w L
        d/dgamma   = W q / gamma - p sum w x / (gamma + m x) - q sum w / (gamma + m x)

    (W_x the weight of the customers with frequency x, W the total): the
    special functions are taken once per distinct frequency (a few dozen) and
    the sums that do not depend on the parameters once per fit, leaving a
    logarithm and a division per customer at each step.
    """
    total = weights.sum()
    distinct, index = np.unique(x, return_inverse=True)
    weight_of = np.bincount(index, weights=weights)  # W_x
    wx = weights * x
    log_m = np.log(m)
    fixed_m = wx @ log_m  # sum w x ln m
    fixed_x = wx @ np.log(x)  # sum w x ln x
    plain_m = weights @ log_m  # sum w ln m

    def objective(log_params):
        p, q, gamma = np.exp(log_params)
        px = p * distinct
        psi_sum = special.digamma(px + q)
        denominator = gamma + m * x
        log_total = np.log(denominator)
        inverse = 1.0 / denominator
        wl, wxl = weights @ log_total, wx @ log_total
        ll = (
            weight_of @ (special.gammaln(px + q) - special.gammaln(px))
            - total * special.gammaln(q)
            + total * q * np.log(gamma)
            + p * fixed_m
            - plain_m
            + p * fixed_x
            - p * wxl
            - q * wl
        )
        d_p = (
            (weight_of * distinct) @ (psi_sum - special.digamma(px))
            + fixed_m
            + fixed_x
            - wxl
        )
        d_q = (
            weight_of @ psi_sum
            - total * special.digamma(q)
            + total * np.log(gamma)
            - wl
        )
        d_gamma = total * q / gamma - p * (wx @ inverse) - q * (weights @ inverse)
        gradient = np.array([p * d_p, q * d_q, gamma * d_gamma])
        return -ll / total, -gradient / total

    return objective


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
        _objective(x, m, weights),
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
