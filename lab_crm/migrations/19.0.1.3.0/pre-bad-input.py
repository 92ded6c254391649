"""19.0.1.3.0 refuses impossible dates and negative figures with CHECK
constraints. PostgreSQL refuses to add a constraint to a table that has a row
breaking it (Odoo then only logs a warning, and the constraint is missing): the
rows an earlier version let through are made possible first, keeping what they
say as far as it can be known.

- A date that cannot come before another (a complaint's deadline, effectiveness
  check and result before it was received; a service request's deadlines before
  the request) is moved to that other date, the earliest it can be: the record
  keeps saying that it was done (or is due), and a deadline so moved shows as
  overdue, where someone looks at it.
- A survey campaign ending before it starts: its two dates were swapped.
- A negative duration, turnaround or price: a minus sign typed by mistake, its
  absolute value. A training session of zero days: its length is unknown (NULL).
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists

FIXES = [
    (
        "lab_complaint",
        "deadline",
        SQL(
            "UPDATE lab_complaint SET deadline = received_date "
            "WHERE deadline < received_date"
        ),
    ),
    (
        "lab_complaint",
        "effectiveness_date",
        SQL(
            "UPDATE lab_complaint SET effectiveness_date = received_date "
            "WHERE effectiveness_date < received_date"
        ),
    ),
    (
        "lab_complaint",
        "result_date",
        SQL(
            "UPDATE lab_complaint SET result_date = received_date "
            "WHERE result_date < received_date"
        ),
    ),
    (
        "lab_service_request",
        "response_deadline",
        SQL(
            "UPDATE lab_service_request SET response_deadline = requested_datetime "
            "WHERE response_deadline < requested_datetime"
        ),
    ),
    (
        "lab_service_request",
        "resolution_deadline",
        SQL(
            "UPDATE lab_service_request SET resolution_deadline = requested_datetime "
            "WHERE resolution_deadline < requested_datetime"
        ),
    ),
    (
        "lab_survey_campaign",
        "date_end",
        SQL(
            "UPDATE lab_survey_campaign "
            "SET date_start = date_end, date_end = date_start "
            "WHERE date_end < date_start"
        ),
    ),
    (
        "lab_training_session",
        "duration_days",
        SQL(
            "UPDATE lab_training_session "
            "SET duration_days = NULLIF(ABS(duration_days), 0) "
            "WHERE duration_days <= 0"
        ),
    ),
    (
        "lab_sample_line",
        "turnaround_days",
        SQL(
            "UPDATE lab_sample_line SET turnaround_days = ABS(turnaround_days) "
            "WHERE turnaround_days < 0"
        ),
    ),
    (
        "lab_sample_line",
        "price_unit",
        SQL(
            "UPDATE lab_sample_line SET price_unit = ABS(price_unit) "
            "WHERE price_unit < 0"
        ),
    ),
    (
        "product_template",
        "lab_turnaround_days",
        SQL(
            "UPDATE product_template "
            "SET lab_turnaround_days = ABS(lab_turnaround_days) "
            "WHERE lab_turnaround_days < 0"
        ),
    ),
]


def migrate(cr, version):
    for table, column, query in FIXES:
        if column_exists(cr, table, column):
            cr.execute(query)
