from odoo import _lt, api, fields, models
from odoo.exceptions import ValidationError

# What the assessment measures from the laboratory's own records (see
# lab.assessment._lab_measure): the key, its label, and whether a higher value
# is better. Shares are percentages (0-100); satisfaction is 1-5.
MEASURES = [
    ("profile_complete", "Active customers with a complete profile (%)"),
    (
        "account_team",
        "Active customers with an account manager and a service manager (%)",
    ),
    ("complaints_on_time", "Complaints answered within their deadline (%)"),
    ("requests_on_time", "Service requests resolved in time (%)"),
    ("follow_ups_done", "Follow-up visits done (%)"),
    ("surveys_answered", "Surveys answered (%)"),
    ("retention", "Customers retained from the previous period (%)"),
    ("satisfaction", "Average satisfaction (1-5)"),
    ("churn", "Customers lost or at high churn risk (%)"),
    ("key_customers_kept", "Tier A customers not at high churn risk (%)"),
    ("reports_on_time", "Reports on time (%)"),
    ("overdue_share", "Overdue share of receivables (%)"),
]
LOWER_IS_BETTER = ("churn", "overdue_share")
MATURITY_LEVELS = {
    1: _lt("Initial: done case by case, depending on individuals."),
    2: _lt("Repeatable: practised, but not written down nor measured."),
    3: _lt("Defined: documented, assigned and applied throughout."),
    4: _lt("Managed: measured and reviewed against targets."),
    5: _lt("Optimising: improved continuously, a benchmark for others."),
}
SCORES = [(str(n), str(n)) for n in range(1, 6)]


class LabAssessmentCriterion(models.Model):
    """A criterion of an element, scored 1 to 5 on a described maturity scale.
    A measured criterion gets its score from a figure of the period and its
    thresholds: the score is 1 plus the number of thresholds the figure reaches
    (at or above them, or at or below them when lower is better), so a figure
    exactly on a threshold earns that level."""

    _name = "lab.assessment.criterion"
    _description = "Capability Assessment Criterion"
    _order = "element_id, sequence, id"

    element_id = fields.Many2one(
        "lab.assessment.element", required=True, ondelete="restrict", index=True
    )
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    weight = fields.Float(
        default=1.0, required=True, help="The criterion's weight in its element."
    )
    level_1 = fields.Text(translate=True, default=lambda self: self._default_level(1))
    level_2 = fields.Text(translate=True, default=lambda self: self._default_level(2))
    level_3 = fields.Text(translate=True, default=lambda self: self._default_level(3))
    level_4 = fields.Text(translate=True, default=lambda self: self._default_level(4))
    level_5 = fields.Text(translate=True, default=lambda self: self._default_level(5))
    measure = fields.Selection(
        MEASURES,
        string="Measured by",
        help="Empty: the assessor scores it by hand. Otherwise the figure of the "
        "period, from the laboratory's records, gives the score by the thresholds.",
    )
    is_lower_better = fields.Boolean(
        string="Lower Is Better", compute="_compute_is_lower_better"
    )
    threshold_2 = fields.Float(string="Level 2 from")
    threshold_3 = fields.Float(string="Level 3 from")
    threshold_4 = fields.Float(string="Level 4 from")
    threshold_5 = fields.Float(string="Level 5 from")
    active = fields.Boolean(default=True)

    _weight_positive = models.Constraint(
        "CHECK (weight > 0)", "A criterion's weight must be positive."
    )

    def _default_level(self, level):
        """The generic description of a maturity level, in the user's language."""
        return MATURITY_LEVELS[level]._translate(self.env.lang)

    @api.depends("measure")
    def _compute_is_lower_better(self):
        for criterion in self:
            criterion.is_lower_better = criterion.measure in LOWER_IS_BETTER

    @api.constrains(
        "measure", "threshold_2", "threshold_3", "threshold_4", "threshold_5"
    )
    def _check_thresholds(self):
        for criterion in self.filtered("measure"):
            thresholds = criterion._thresholds()
            ordered = sorted(thresholds, reverse=criterion.is_lower_better)
            if thresholds != ordered:
                raise ValidationError(
                    self.env._(
                        "The thresholds of %(criterion)s must rise from level 2 "
                        "to level 5 (fall, when lower is better).",
                        criterion=criterion.name,
                    )
                )

    def _thresholds(self):
        self.ensure_one()
        return [self.threshold_2, self.threshold_3, self.threshold_4, self.threshold_5]

    def _score(self, value):
        """The score 1-5 of a measured ``value``; 0 when there is no figure."""
        self.ensure_one()
        if value is None:
            return 0
        if self.is_lower_better:
            return 1 + sum(value <= threshold for threshold in self._thresholds())
        return 1 + sum(value >= threshold for threshold in self._thresholds())
