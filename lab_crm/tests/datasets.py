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


def load_cdnow_transactions():
    """The transactions of the same 2357 customers over the 78 weeks
    (``CDNOW_sample.txt``), one row per purchase record.

    Returns ``(customer, day, value)``: the customer's number in the sample
    (1-2357), the purchase date as a day number (``date.toordinal()``) and its
    value in US dollars (several records of a customer on one day are separate
    rows here).
    """
    table = np.loadtxt(DATA_DIR / "CDNOW_sample.txt", dtype=str)
    dates = np.array(
        [f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in table[:, 2]], dtype="datetime64[D]"
    )
    days = dates.astype(np.int64) + EPOCH_ORDINAL
    return table[:, 1].astype(np.int64), days, table[:, 4].astype(float)


# date(1970, 1, 1).toordinal(): numpy's day 0 as a Python day number.
EPOCH_ORDINAL = 719163
