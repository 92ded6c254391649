"""The CDNOW reference data sets (see ``data/README.md`` for their origin).

Each loader returns plain numpy arrays, one entry per customer, times in weeks.
"""

from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_cdnow_summary():
    """The 2357 CDNOW customers of Fader, Hardie and Lee (2005), 39-week calibration.

    Returns ``(frequency, recency, T)``: float arrays of the number of repeat
    transactions x, the time of the last repeat transaction t_x and the age T
    (both in weeks since the first purchase).
    """
    table = np.loadtxt(DATA_DIR / "cdnow_summary.csv", delimiter=",", skiprows=1)
    return table[:, 1], table[:, 2], table[:, 3]


def load_cdnow_summary_monetary():
    """The same customers with the average value of their repeat transactions.

    Returns ``(frequency, recency, T, monetary_value)``; ``monetary_value`` is the
    mean value in US dollars of the customer's repeat transactions (0 when x = 0),
    as in Fader and Hardie's Gamma-Gamma note.
    """
    table = np.loadtxt(
        DATA_DIR / "cdnow_summary_monetary.csv", delimiter=",", skiprows=1
    )
    return table[:, 1], table[:, 2], table[:, 3], table[:, 4]
