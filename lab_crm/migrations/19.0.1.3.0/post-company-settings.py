"""The laboratory's settings were configuration parameters (``lab_crm.<key>``),
one set for the whole database; they are now each company's
(``res.company.lab_<key>``). Every company starts from the values the database
had: a parameter that was set is copied into every company (where none was, the
field's default stays), and the parameters are deleted.

A value that cannot be read as its field's type (the earlier code could not use
it either) is dropped, and logged. A value the settings' checks refuse, which an
earlier version let through (a negative number of days...), is copied as it is,
the way the earlier code used it, and logged: Settings says what to correct when
the figure is next saved.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# lab_crm.<key> became res.company.lab_<key>.
KEYS = (
    "qualification_expiry_days",
    "survey_token_validity_days",
    "survey_points_per_answer",
    "follow_up_delay_days",
    "follow_up_period_days",
    "complaint_days_minor",
    "complaint_days_major",
    "complaint_days_critical",
    "complaint_manager_id",
    "credit_hold_overdue_days",
    "risk_high_below",
    "risk_medium_below",
    "segment_period_months",
    "segment_transactions",
    "segment_a_cutoff",
    "segment_b_cutoff",
    "segment_horizon_months",
    "segment_monthly_discount_rate",
    "segment_attitude_threshold",
    "segment_repeat_threshold",
    "segment_rfm_rules",
    "contract_renewal_days",
)


def _field_value(env, field, text):
    """The value of ``field`` that the parameter's ``text`` stood for, as the
    earlier code read it; ValueError if it stood for none."""
    if field.type == "integer":
        return int(text)
    if field.type == "float":
        return float(text)
    if field.type == "selection":
        if text not in field.get_values(env):
            raise ValueError(text)
        return text
    if field.type == "many2one":
        record = env[field.comodel_name].browse(int(text)).exists()
        if not record:
            raise ValueError(text)
        return record.id
    return text


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Company = env["res.company"]
    params = env["ir.config_parameter"].search(
        [("key", "in", [f"lab_crm.{key}" for key in KEYS])]
    )
    values = {}
    for param in params:
        field = Company._fields[f"lab_{param.key.removeprefix('lab_crm.')}"]
        try:
            values[field.name] = _field_value(env, field, param.value)
        except ValueError:
            _logger.warning(
                "Setting %s: %r is no %s, dropped: the companies keep the default.",
                param.key,
                param.value,
                field.type,
            )
    if values:
        cr.execute(
            SQL(
                "UPDATE res_company SET %s",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(fname), value)
                    for fname, value in values.items()
                ),
            )
        )
        _logger.info("Settings copied into every company: %s", sorted(values))
    params.unlink()
    Company.invalidate_model(list(values))
    try:
        Company.search([])._validate_fields(values)  # pylint: disable=no-search-all
    except ValidationError as error:
        _logger.warning("Settings to correct in every company: %s", error)
