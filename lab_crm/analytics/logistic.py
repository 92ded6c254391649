"""Logistic regression for the probability that a customer pays on time.

``fit`` estimates ``P(y = 1 | x) = 1 / (1 + exp(-(b0 + x . w)))`` by Newton's method
(iteratively reweighted least squares) on standardised features with a small L2
penalty (ridge, not on the intercept), which keeps the fit finite when a feature
separates the classes (a customer who was always late). ``predict`` applies it;
``contributions`` splits each prediction's log-odds into one term per feature,
relative to the average customer, to explain it in words.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    intercept: float
    weights: np.ndarray  # per standardised feature
    mean: np.ndarray  # of each raw feature in the training set
    scale: np.ndarray  # standard deviation (1 where a feature is constant)

    def standardise(self, features):
        return (np.asarray(features, dtype=float) - self.mean) / self.scale


def fit(features, outcomes, l2=1.0, max_iter=100, tol=1e-10):
    """Fit the model.

    :param features: (n, k) array of raw features
    :param outcomes: (n,) array of 0/1 (1 = paid on time)
    :param l2: ridge penalty on the standardised weights
    :return: a :class:`LogisticModel`
    """
    x = np.asarray(features, dtype=float)
    y = np.asarray(outcomes, dtype=float)
    if x.ndim != 2 or len(x) != len(y) or not len(y):
        raise ValueError("features must be (n, k) and outcomes (n,), n > 0")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    design = np.column_stack([np.ones(len(x)), (x - mean) / scale])
    penalty = np.full(design.shape[1], float(l2))
    penalty[0] = 0.0  # the intercept is not shrunk
    beta = np.zeros(design.shape[1])
    for _iteration in range(max_iter):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (y - p) - penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        # A tiny jitter keeps the system solvable when every p is 0 or 1.
        step = np.linalg.solve(hessian + 1e-9 * np.eye(len(beta)), gradient)
        beta += step
        if np.max(np.abs(step)) < tol:
            break
    return LogisticModel(float(beta[0]), beta[1:], mean, scale)


def predict(model, features):
    """Probability of paying on time for each row of ``features``."""
    z = model.intercept + model.standardise(features) @ model.weights
    return _sigmoid(z)


def contributions(model, features):
    """Each feature's share of the log-odds, relative to the training average:
    negative values lower the probability of paying on time."""
    return model.standardise(features) * model.weights


def log_likelihood(model, features, outcomes):
    """Log-likelihood of ``outcomes`` under ``model`` (for tests and diagnostics)."""
    p = np.clip(predict(model, features), 1e-12, 1 - 1e-12)
    y = np.asarray(outcomes, dtype=float)
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
