"""Loyalty matrix (003): attitude (satisfaction) x repeat purchase -> four types.

                         repeat purchase high      repeat purchase low
    attitude high        true_loyalty 完全忠诚型    latent_loyalty 潜在忠诚型
    attitude low         inertial_loyalty 缓慢忠诚型  no_loyalty 忠诚缺失型

Latent loyalty: satisfied, but buys little (a customer to develop). Inertial
loyalty: buys out of habit or convenience without being satisfied (at risk when a
competitor comes). A customer with no attitude or no repeat measure (never
surveyed, NaN) is ``unknown``.
"""

import numpy as np

TRUE_LOYALTY = "true_loyalty"
LATENT_LOYALTY = "latent_loyalty"
INERTIAL_LOYALTY = "inertial_loyalty"
NO_LOYALTY = "no_loyalty"
UNKNOWN = "unknown"

# Defaults: lab_crm's satisfaction scores run from 1 (poor) to 5 (excellent); 4 is
# "good". A repeat rate is a share of periods (e.g. months of the year) with a
# purchase, or of customers' orders that are repeats; 0.5 is half of them.
DEFAULT_ATTITUDE_THRESHOLD = 4.0
DEFAULT_REPEAT_THRESHOLD = 0.5


def loyalty_types(
    attitude,
    repeat,
    attitude_threshold=DEFAULT_ATTITUDE_THRESHOLD,
    repeat_threshold=DEFAULT_REPEAT_THRESHOLD,
):
    """Loyalty type of each customer.

    Inputs: ``attitude``, an array of satisfaction scores (lab_crm: average survey
    score 1-5; pass NaN for a customer never surveyed, not lab_crm's 0 for "not
    rated"); ``repeat``, an array of repeat-purchase measures (a repeat rate, or a
    number of transactions: set ``repeat_threshold`` accordingly), NaN when
    unknown; the two thresholds.

    Output: an array of keys ``true_loyalty``, ``latent_loyalty``,
    ``inertial_loyalty``, ``no_loyalty`` or ``unknown``.

    Rule: attitude is high when ``attitude >= attitude_threshold`` and repeat is
    high when ``repeat >= repeat_threshold``: a value equal to a threshold counts
    as high. high/high -> true loyalty, high attitude/low repeat -> latent,
    low attitude/high repeat -> inertial, low/low -> no loyalty; NaN in either
    -> unknown.
    """
    attitude, repeat = np.broadcast_arrays(
        np.asarray(attitude, dtype=float), np.asarray(repeat, dtype=float)
    )
    known = ~(np.isnan(attitude) | np.isnan(repeat))
    high_attitude = attitude >= attitude_threshold
    high_repeat = repeat >= repeat_threshold
    return np.select(
        [
            ~known,
            high_attitude & high_repeat,
            high_attitude,
            high_repeat,
        ],
        [UNKNOWN, TRUE_LOYALTY, LATENT_LOYALTY, INERTIAL_LOYALTY],
        default=NO_LOYALTY,
    )
