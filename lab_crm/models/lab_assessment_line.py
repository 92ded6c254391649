from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .lab_assessment_criterion import SCORES


class LabAssessmentLine(models.Model):
    """A criterion's score in one assessment. A measured criterion keeps its
    figure and the score its thresholds give; the assessor may put their own
    score over it, with the reason, and both are kept. An unmeasured criterion
    has the assessor's score only."""

    _name = "lab.assessment.line"
    _description = "Capability Assessment Criterion Score"
    _order = "assessment_id, element_id, criterion_id"

    assessment_id = fields.Many2one(
        "lab.assessment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="assessment_id.company_id", store=True)
    criterion_id = fields.Many2one(
        "lab.assessment.criterion", required=True, ondelete="restrict"
    )
    element_id = fields.Many2one(related="criterion_id.element_id", store=True)
    measure = fields.Selection(related="criterion_id.measure")
    weight = fields.Float(
        default=1.0, help="The criterion's weight when the line was made."
    )
    measured_value = fields.Float(
        string="Measured", digits=(16, 2), readonly=True, copy=False
    )
    measured_score = fields.Integer(
        readonly=True,
        copy=False,
        help="The score the thresholds give the measured figure; 0: no figure "
        "(nothing to measure in the period).",
    )
    manual_score = fields.Selection(
        SCORES,
        string="Assessor's Score",
        help="The assessor's score: the score of an unmeasured criterion, or an "
        "override of a measured one (with its reason).",
    )
    override_reason = fields.Text()
    score = fields.Integer(compute="_compute_score", store=True)
    level_description = fields.Text(
        string="Level", compute="_compute_level_description"
    )
    evidence = fields.Text(help="What the score rests on.")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence Files")

    _weight_positive = models.Constraint(
        "CHECK (weight > 0)", "A criterion's weight must be positive."
    )

    @api.depends("manual_score", "measured_score")
    def _compute_score(self):
        for line in self:
            line.score = int(line.manual_score or 0) or line.measured_score

    @api.depends("score", "criterion_id")
    def _compute_level_description(self):
        for line in self:
            line.level_description = (
                line.criterion_id[f"level_{line.score}"] if line.score else False
            )

    @api.constrains("manual_score", "override_reason", "criterion_id")
    def _check_override_reason(self):
        for line in self:
            if line.measure and line.manual_score and not line.override_reason:
                raise ValidationError(
                    self.env._(
                        "%(criterion)s is measured: give the reason for scoring "
                        "it by hand.",
                        criterion=line.criterion_id.name,
                    )
                )

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.assessment_id._lab_check_state("draft", "review")
        return lines

    def write(self, vals):
        self.assessment_id._lab_check_state("draft", "review")
        return super().write(vals)

    def unlink(self):
        self.assessment_id._lab_check_state("draft", "review")
        return super().unlink()
