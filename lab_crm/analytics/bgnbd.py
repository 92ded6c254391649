"""The BG/NBD model of repeat transactions ("beta-geometric / negative binomial").

Reference: P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "Counting Your
Customers" the Easy Way: An Alternative to the Pareto/NBD Model, Marketing
Science 24(2), 275-284. Equation numbers below are the paper's. Implemented from
the paper's formulas.

The model, for a customer observed from its first transaction (time 0) to T:

- while alive, it transacts as a Poisson process of rate lambda;
- after each repeat transaction it drops out for good with probability p;
- across customers lambda ~ Gamma(shape r, rate alpha) and p ~ Beta(a, b).

A customer's data are x, the number of repeat transactions in (0, T] (the first
transaction is not counted), t_x, the time of the last one (0 when x = 0), and T,
all times in one unit (days in lab_crm, weeks in the paper). Consequence of the
model: a customer with no repeat transaction cannot have dropped out, so
P(alive) = 1 when x = 0.
"""

from typing import NamedTuple

import numpy as np
from scipy import special

from ._mle import compress_rows, maximise


class BGNBDParams(NamedTuple):
    """BG/NBD parameters: lambda ~ Gamma(r, alpha), p ~ Beta(a, b); all > 0."""

    r: float
    alpha: float
    a: float
    b: float


# Within this distance of a = 1, eq. 9 and 10 are 0/0; they are then evaluated as
# the mean of their values at a = 1 - A_ONE_STEP and a = 1 + A_ONE_STEP (a
# symmetric difference: error of order A_ONE_STEP**2).
A_ONE_TOLERANCE = 1e-7
A_ONE_STEP = 1e-5


def _check_params(params):
    r, alpha, a, b = (float(v) for v in params)
    if not all(np.isfinite(v) and v > 0.0 for v in (r, alpha, a, b)):
        raise ValueError("BG/NBD parameters r, alpha, a, b must be finite and > 0")
    return r, alpha, a, b


def _customer_arrays(frequency, recency, T):
    """x, t_x, T as float arrays of one shape, checked."""
    x, t_x, age = np.broadcast_arrays(
        np.asarray(frequency, dtype=float),
        np.asarray(recency, dtype=float),
        np.asarray(T, dtype=float),
    )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x))):
        raise ValueError("frequency and recency must be finite")
    if not np.all(np.isfinite(age)):
        raise ValueError("T must be finite")
    if np.any(x < 0) or np.any(t_x < 0):
        raise ValueError("frequency and recency must be >= 0")
    if np.any(t_x > age):
        raise ValueError("recency must not exceed T")
    return x, t_x, age


def _likelihood_terms(r, alpha, a, b, x, t_x, T):
    """The log of each part of eq. 6, with x replaced by 1 where x = 0 in term 2.

    Returns (common, term1, term2, x1) where the log-likelihood is
    ``common + log(exp(term1) + exp(term2))``, term2 being -inf where x = 0.
    """
    has_repeat = x > 0
    x1 = np.where(has_repeat, x, 1.0)
    ln_beta_ab = special.betaln(a, b)
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    term1 = special.betaln(a, b + x) - ln_beta_ab - (r + x) * np.log(alpha + T)
    term2 = (
        special.betaln(a + 1.0, b + x1 - 1.0)
        - ln_beta_ab
        - (r + x1) * np.log(alpha + t_x)
    )
    term2 = np.where(has_repeat, term2, -np.inf)
    return common, term1, term2, x1


def log_likelihood(params, frequency, recency, T):
    """Log-likelihood of each customer's (x, t_x, T) under the BG/NBD model.

    Inputs: ``params`` (``BGNBDParams`` or a 4-sequence r, alpha, a, b);
    ``frequency`` x, ``recency`` t_x and ``T``, arrays (broadcast together).

    Output: a float array of ln L per customer. Eq. 6 of the paper,

        L = B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r
                / (Gamma(r) (alpha + T)^(r + x))
          + [x > 0] B(a + 1, b + x - 1) / B(a, b) * Gamma(r + x) alpha^r
                / (Gamma(r) (alpha + t_x)^(r + x)),

    is evaluated in logs: ``ln Gamma(r + x) - ln Gamma(r) + r ln alpha`` plus the
    log-sum-exp of the two remaining log terms (``numpy.logaddexp``), the second
    dropped when x = 0; B and Gamma through ``scipy.special.betaln`` and
    ``gammaln``, so large x does not overflow.
    """
    r, alpha, a, b = _check_params(params)
    x, t_x, age = _customer_arrays(frequency, recency, T)
    common, term1, term2, _x1 = _likelihood_terms(r, alpha, a, b, x, t_x, age)
    return common + np.logaddexp(term1, term2)


def _objective(x, t_x, T, weights):
    """The function of the log-parameters (ln r, ln alpha, ln a, ln b) that the
    fit minimises: -sum(w ln L) / sum(w), with its gradient.

    The gradient of ln L: with psi the digamma function, s1 and s2 the weights
    exp(term_k - ln L + common) of the two terms of eq. 6 (s2 = 0 when x = 0),

        d/dr     = psi(r+x) - psi(r) + ln alpha - s1 ln(alpha+T) - s2 ln(alpha+t_x)
        d/dalpha = r/alpha - (r+x) (s1/(alpha+T) + s2/(alpha+t_x))
        d/da     = s1 (psi(a+b) - psi(a+b+x))
                 + s2 (psi(a+1) - psi(a) + psi(a+b) - psi(a+b+x))
        d/db     = s1 (psi(b+x) - psi(b) + psi(a+b) - psi(a+b+x))
                 + s2 (psi(b+x-1) - psi(b) + psi(a+b) - psi(a+b+x))

    and d/d(ln theta) = theta d/d theta. The special functions depend on x
    alone: they are taken once per distinct frequency (a few dozen) and spread
    to the customers by index, leaving logarithms and exponentials per customer
    at each step.
    """
    total = weights.sum()
    distinct, index = np.unique(x, return_inverse=True)
    repeat = distinct > 0
    distinct1 = np.where(repeat, distinct, 1.0)
    x1 = distinct1[index]

    def objective(log_params):
        r, alpha, a, b = np.exp(log_params)
        psi = special.digamma
        psi_ab = psi(a + b)
        ln_beta_ab = special.betaln(a, b)
        # Per distinct frequency.
        common_x = special.gammaln(r + distinct) - special.gammaln(r)
        beta1_x = special.betaln(a, b + distinct) - ln_beta_ab
        beta2_x = np.where(
            repeat, special.betaln(a + 1.0, b + distinct1 - 1.0) - ln_beta_ab, -np.inf
        )
        psi_abx = psi(a + b + distinct)[index]
        psi_abx1 = psi(a + b + distinct1)[index]
        # Per customer.
        log_aT, log_at = np.log(alpha + T), np.log(alpha + t_x)
        term1 = beta1_x[index] - (r + x) * log_aT
        term2 = beta2_x[index] - (r + x1) * log_at
        mixed = np.logaddexp(term1, term2)
        ll = common_x[index] + r * np.log(alpha) + mixed
        s2 = np.exp(term2 - mixed)
        s1 = 1.0 - s2
        d_r = (psi(r + distinct) - psi(r))[index] + np.log(alpha) - s1 * log_aT
        d_r -= s2 * log_at
        d_alpha = r / alpha - s1 * (r + x) / (alpha + T) - s2 * (r + x1) / (alpha + t_x)
        d_a = s1 * (psi_ab - psi_abx) + s2 * (1.0 / a + psi_ab - psi_abx1)
        d_b = s1 * ((psi(b + distinct) - psi(b))[index] + psi_ab - psi_abx) + s2 * (
            (psi(b + distinct1 - 1.0) - psi(b))[index] + psi_ab - psi_abx1
        )
        gradient = np.array(
            [
                r * (weights @ d_r),
                alpha * (weights @ d_alpha),
                a * (weights @ d_a),
                b * (weights @ d_b),
            ]
        )
        return -(weights @ ll) / total, -gradient / total

    return objective


def fit(frequency, recency, T, initial=None, max_iter=1000):
    """Maximum-likelihood estimates of r, alpha, a, b.

    Inputs: ``frequency`` x, ``recency`` t_x and ``T`` per customer (1-d arrays);
    ``initial``, an optional starting ``BGNBDParams`` (default r = a = b = 1 and
    alpha = sum(T) / max(sum(x), 1), i.e. a first mean rate r/alpha of the order
    of the observed one, whatever the time unit); ``max_iter`` for the optimiser.

    Output: a ``FitResult`` (``lab_crm.analytics._mle``) whose ``params`` is a
    ``BGNBDParams`` and ``log_likelihood`` the maximised sum of eq. 6's logs.

    Method: the sum of the log-likelihoods (eq. 6) is maximised over
    (ln r, ln alpha, ln a, ln b), which keeps the parameters positive, with
    ``scipy.optimize.minimize`` (L-BFGS-B) and the analytic gradient. Customers
    with identical (x, t_x, T) are merged first, weighted by their number.
    On the paper's CDNOW data this gives r = 0.243, alpha = 4.414, a = 0.793,
    b = 2.426 and LL = -9582.4, as published.
    """
    x, t_x, age = _customer_arrays(frequency, recency, T)
    if x.ndim != 1 or x.size == 0:
        raise ValueError("fit needs 1-d arrays with at least one customer")
    (x, t_x, age), weights = compress_rows(x, t_x, age)
    total_weight = weights.sum()
    if initial is None:
        alpha = max(np.dot(weights, age), 1e-9) / max(np.dot(weights, x), 1.0)
        initial = BGNBDParams(r=1.0, alpha=alpha, a=1.0, b=1.0)
    return maximise(
        _objective(x, t_x, age, weights),
        np.log(_check_params(initial)),
        total_weight,
        BGNBDParams,
        max_iter,
    )


def probability_alive(params, frequency, recency, T):
    """P(alive at T | x, t_x, T): the probability that the customer has not dropped out.

    Inputs: ``params``; ``frequency`` x, ``recency`` t_x, ``T`` (broadcast).
    Output: a float array in (0, 1].

    Formula (Fader, Hardie and Lee, "Computing P(alive) Using the BG/NBD Model",
    2008 note; the denominator of eq. 10 of the paper):

        P(alive) = 1 / (1 + [x > 0] a / (b + x - 1)
                                * ((alpha + T) / (alpha + t_x))^(r + x))

    equal to 1 when x = 0. Evaluated as ``expit(-log_odds)`` with the log of the
    second term, so that large x cannot overflow.
    """
    r, alpha, a, b = _check_params(params)
    x, t_x, age = _customer_arrays(frequency, recency, T)
    return special.expit(-_log_odds_dropped(r, alpha, a, b, x, t_x, age))


def _log_odds_dropped(r, alpha, a, b, x, t_x, T):
    """ln of the second term of eq. 10's denominator; -inf where x = 0."""
    has_repeat = x > 0
    x1 = np.where(has_repeat, x, 1.0)
    log_odds = (
        np.log(a)
        - np.log(b + x1 - 1.0)
        + (r + x1) * (np.log(alpha + T) - np.log(alpha + t_x))
    )
    return np.where(has_repeat, log_odds, -np.inf)


def _expected_if_alive(r, alpha, a, b, t, x, T):
    """Numerator of eq. 10 (with Euler's transformation of 2F1), any a > 0."""
    if abs(a - 1.0) < A_ONE_TOLERANCE:
        low = _expected_if_alive_raw(r, alpha, 1.0 - A_ONE_STEP, b, t, x, T)
        high = _expected_if_alive_raw(r, alpha, 1.0 + A_ONE_STEP, b, t, x, T)
        return (low + high) / 2.0
    return _expected_if_alive_raw(r, alpha, a, b, t, x, T)


def _expected_if_alive_raw(r, alpha, a, b, t, x, T):
    """(a+b+x-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)], a != 1.

    With z = t / (alpha + T + t), this equals eq. 10's numerator
    (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
    by Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)
    (Abramowitz and Stegun 15.3.3), since (alpha+T)/(alpha+T+t) = 1 - z. The
    transformed series has small parameters whatever x, where the original one
    grows like (1-z)^(-x) and overflows for frequent customers.
    """
    z = t / (alpha + T + t)
    c = a + b + x - 1.0
    with np.errstate(invalid="ignore", over="ignore"):
        hyp = special.hyp2f1(a + b - 1.0 - r, a - 1.0, c, z)
        value = c / (a - 1.0) * (1.0 - np.power(1.0 - z, a - 1.0) * hyp)
    # With very large a and b (a fit where dropout hardly varies between
    # customers) 2F1 overflows while (1-z)^(a-1) underflows. The prior on p is
    # then a point mass at p = a / (a + b + x - 1), and an active customer with
    # purchase rate lambda makes (1 - exp(-lambda p t)) / p purchases in t;
    # averaged over lambda ~ Gamma(r + x, alpha + T):
    # (1 - ((alpha + T) / (alpha + T + p t))^(r + x)) / p.
    p = a / c
    limit = (1.0 - np.power((alpha + T) / (alpha + T + p * t), r + x)) / p
    return np.where(np.isfinite(value), value, limit)


def expected_transactions(params, t):
    """E[X(t)]: expected repeat transactions in (0, t] of a new customer (eq. 9).

    Inputs: ``params``; ``t``, times >= 0 (array or scalar).
    Output: float array of the shape of ``t``.

        E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]

    which is eq. 10's numerator with x = 0 and T = 0 (and P(alive) = 1).
    """
    r, alpha, a, b = _check_params(params)
    t = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("t must be finite and >= 0")
    zero = np.zeros_like(t)
    return _expected_if_alive(r, alpha, a, b, t, zero, zero)


def conditional_expected_transactions(params, t, frequency, recency, T):
    """E[Y(t) | x, t_x, T]: expected repeat transactions in (T, T + t] (eq. 10).

    Inputs: ``params``; ``t``, the horizon (scalar or array, same unit as T, >= 0);
    ``frequency`` x, ``recency`` t_x, ``T`` (all broadcast together).
    Output: float array, increasing in t, 0 at t = 0.

        E[Y(t) | x, t_x, T] =
            (a+b+x-1)/(a-1)
            * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
            / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))

    i.e. P(alive) times the expectation of a customer alive at T. The 2F1 term is
    computed after Euler's transformation (see ``_expected_if_alive_raw``) with
    ``scipy.special.hyp2f1``; at a = 1 the formula is 0/0 and is taken as the mean
    of its values at a = 1 -/+ 1e-5.
    """
    r, alpha, a, b = _check_params(params)
    x, t_x, age = _customer_arrays(frequency, recency, T)
    t = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("t must be finite and >= 0")
    t, x, t_x, age = np.broadcast_arrays(t, x, t_x, age)
    alive = special.expit(-_log_odds_dropped(r, alpha, a, b, x, t_x, age))
    return alive * _expected_if_alive(r, alpha, a, b, t, x, age)
