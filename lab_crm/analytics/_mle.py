"""Maximum-likelihood fitting on log-parameters, shared by the models."""

from typing import Any, NamedTuple

import numpy as np
from scipy import optimize

from ._blas import one_thread

# Bounds on the log of each parameter: exp(-30) .. exp(30) keeps every term of the
# likelihoods finite while leaving far more room than any real data set needs.
LOG_BOUND = 30.0

# L-BFGS-B may end with a failed line search ("ABNORMAL") where the likelihood is
# flat to the last bits, typically along the ridge of a point-mass dropout (a and
# b of BG/NBD growing together). Such an end is a maximum when the gradient of the
# mean log-likelihood is this small: moving a log-parameter by 1 changes the mean
# log-likelihood by less than this.
STATIONARY_GRADIENT = 1e-5


class FitResult(NamedTuple):
    """Outcome of a maximum-likelihood fit.

    ``params`` is the model's parameter tuple (e.g. ``BGNBDParams``),
    ``log_likelihood`` the maximised sum of the log-likelihoods (weighted by the
    number of customers of each row), ``converged`` whether the optimiser reported
    success, ``iterations`` its number of iterations and ``message`` its message.
    """

    params: Any
    log_likelihood: float
    converged: bool
    iterations: int
    message: str


def compress_rows(*columns):
    """Identical rows of ``columns`` merged into one, with their count as weight.

    Inputs: 1-d arrays of equal length. Outputs: ``(unique_columns, weights)``,
    where ``unique_columns`` is a list of 1-d arrays (the distinct rows, sorted)
    and ``weights`` the number of times each occurs. A likelihood summed over
    the distinct rows with these weights equals the sum over all rows, and costs
    less when customers share their figures (integer days, few transactions).
    """
    arrays = [np.asarray(c, dtype=float) for c in columns]
    # Sorted by the first column, then the next... (np.unique(axis=0) does the
    # same, several times slower: it compares whole rows).
    order = np.lexsort(arrays[::-1])
    arrays = [array[order] for array in arrays]
    first = np.ones(len(order), dtype=bool)  # of a run of identical rows
    for array in arrays:
        first[1:] &= array[1:] == array[:-1]
    first[1:] = ~first[1:]
    counts = np.diff(np.append(np.flatnonzero(first), len(order)))
    return [array[first] for array in arrays], counts.astype(float)


def maximise(neg_mean_ll_and_grad, log_initial, total_weight, param_type, max_iter):
    """Maximise a log-likelihood over log-parameters with L-BFGS-B.

    ``neg_mean_ll_and_grad(log_params)`` returns the negative log-likelihood
    divided by ``total_weight`` and its gradient with respect to the
    log-parameters (the mean keeps the tolerances independent of the number of
    customers). Returns a ``FitResult`` whose ``params`` is
    ``param_type(*exp(log_params))``.
    """
    log_initial = np.asarray(log_initial, dtype=float)
    with one_thread():
        result = optimize.minimize(
            neg_mean_ll_and_grad,
            log_initial,
            jac=True,
            method="L-BFGS-B",
            bounds=[(-LOG_BOUND, LOG_BOUND)] * log_initial.size,
            options={"maxiter": max_iter, "ftol": 1e-13, "gtol": 1e-9},
        )
    params = param_type(*(float(v) for v in np.exp(result.x)))
    # The gradient's components that point out of the box do not count.
    gradient = np.where(
        ((result.x <= -LOG_BOUND) & (result.jac > 0))
        | ((result.x >= LOG_BOUND) & (result.jac < 0)),
        0.0,
        result.jac,
    )
    stationary = bool(np.all(np.abs(gradient) <= STATIONARY_GRADIENT))
    return FitResult(
        params=params,
        log_likelihood=float(-result.fun * total_weight),
        converged=bool(result.success) or stationary,
        iterations=int(result.nit),
        message=str(result.message),
    )
