"""Cross-selling (交叉营销): which categories are bought together, what to offer whom.

Categories are e.g. testing services, training and consulting (培训咨询),
value-added services. Association measures over customers (a customer "buys"
a category when it bought it at least once in the period):

- support(A) = share of customers that buy A;
- support(A, B) = share of customers that buy both A and B;
- confidence(A -> B) = support(A, B) / support(A): of the customers that buy A,
  the share that also buy B;
- lift(A -> B) = confidence(A -> B) / support(B) = support(A, B) /
  (support(A) support(B)): above 1, buying A makes buying B more likely than it
  is across all customers.

(Agrawal, Imielinski and Swami 1993 for support and confidence; Brin, Motwani,
Ullman and Tsur 1997 for lift, there called interest.)
"""

from typing import NamedTuple

import numpy as np

METRICS = ("lift", "confidence")


class Associations(NamedTuple):
    """Association measures between categories (arrays indexed by category).

    ``n_customers``: the number of customers (rows of the matrix);
    ``support``: (k,) support of each category; ``pair_support``: (k, k)
    support of each pair, symmetric, its diagonal equal to ``support``;
    ``confidence`` and ``lift``: (k, k), entry [A, B] for the rule A -> B, 0
    where support(A) (or, for lift, support(B)) is 0; on the diagonal the
    formulas give confidence 1 and lift 1 / support(A).
    """

    n_customers: int
    support: np.ndarray
    pair_support: np.ndarray
    confidence: np.ndarray
    lift: np.ndarray


def _bought(matrix):
    matrix = np.asarray(matrix)
    if matrix.ndim != 2:
        raise ValueError("the purchase matrix must be 2-d (customers, categories)")
    if matrix.dtype != bool and not np.all(np.isfinite(matrix)):
        raise ValueError("the purchase matrix must be finite")
    return matrix > 0


def associations(matrix):
    """Support, confidence and lift of every pair of categories.

    Input: ``matrix``, (n_customers, k) of booleans or counts (a count > 0 means
    bought). Output: an ``Associations`` (formulas in the module docstring).
    The pair counts are one matrix product, ``B.T @ B`` of the 0/1 matrix B.
    """
    bought = _bought(matrix)
    n = bought.shape[0]
    ones = bought.astype(float)
    pair_counts = ones.T @ ones
    counts = np.diag(pair_counts).copy()
    if n == 0:
        support = np.zeros(bought.shape[1])
        pair_support = np.zeros_like(pair_counts)
    else:
        support = counts / n
        pair_support = pair_counts / n
    with np.errstate(divide="ignore", invalid="ignore"):
        confidence = np.where(counts[:, None] > 0, pair_counts / counts[:, None], 0.0)
        lift = np.where(
            (counts[:, None] > 0) & (counts[None, :] > 0),
            confidence / support[None, :],
            0.0,
        )
    return Associations(n, support, pair_support, confidence, lift)


def recommendations(matrix, top_k=3, metric="lift", min_score=0.0, assoc=None):
    """The best categories each customer does not buy yet.

    Inputs: ``matrix`` (n_customers, k) booleans or counts; ``top_k``, the number
    of categories to return per customer; ``metric``, ``"lift"`` or
    ``"confidence"``; ``min_score``: a category is offered only when its score is
    strictly above it (0: any category that at least one customer buys with one
    of the customer's categories; 1.0 with lift: only positive associations);
    ``assoc``: ``Associations`` computed on another (e.g. the whole) customer
    base, default those of ``matrix``.

    Output: ``(categories, scores)``, two (n_customers, top_k) arrays: the
    category indices (int, -1 where there are fewer than ``top_k`` candidates) and
    their scores (float, NaN there), best first.

    Score of a category B the customer does not buy:
    ``max over the categories A it buys of metric(A -> B)``, i.e. the strongest
    rule that leads to B from what it already buys. Ties are ordered by category
    index ascending. A customer that buys nothing gets no recommendation.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    bought = _bought(matrix)
    if assoc is None:
        assoc = associations(bought)
    rule = np.asarray(getattr(assoc, metric), dtype=float)
    n, k = bought.shape
    if rule.shape != (k, k):
        raise ValueError("assoc does not have the categories of matrix")
    score = np.full((n, k), -np.inf)
    for category in range(k):
        buyers = bought[:, category]
        score[buyers] = np.maximum(score[buyers], rule[category])
    score[bought] = -np.inf
    order = np.argsort(-score, axis=1, kind="stable")[:, :top_k]
    best = np.take_along_axis(score, order, axis=1)
    offered = best > min_score
    categories = np.where(offered, order, -1)
    scores = np.where(offered, best, np.nan)
    if top_k > k:
        categories = np.pad(categories, ((0, 0), (0, top_k - k)), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, top_k - k)), constant_values=np.nan)
    return categories, scores
