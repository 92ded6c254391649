from odoo import api, fields, models

from .lab_assessment import weighted_mean

# Without a benchmark, an element scoring below this level is weak.
WEAK_BELOW = 3


class LabAssessmentResult(models.Model):
    """An element's result in one assessment: its score (the weighted mean of
    its criteria), against the previous assessment and the benchmark, and the
    improvement action a weak element gets."""

    _name = "lab.assessment.result"
    _description = "Capability Assessment Element Score"
    _order = "assessment_id, sequence, id"

    assessment_id = fields.Many2one(
        "lab.assessment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="assessment_id.company_id", store=True)
    element_id = fields.Many2one(
        "lab.assessment.element", required=True, ondelete="restrict"
    )
    sequence = fields.Integer(related="element_id.sequence")
    weight = fields.Float(
        default=1.0, help="The element's weight when the assessment was made."
    )
    score = fields.Float(compute="_compute_score", store=True)
    previous_score = fields.Float(compute="_compute_comparison")
    benchmark_score = fields.Float(compute="_compute_comparison")
    gap = fields.Float(
        compute="_compute_comparison",
        help="The benchmark's score minus this one: positive when behind.",
    )
    is_weak = fields.Boolean(
        string="Weak",
        compute="_compute_comparison",
        help="Below the benchmark; without a benchmark, below level 3.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Action Owner",
        domain="[('share', '=', False)]",
        help="Who gets the improvement action (default: the assessor).",
    )
    activity_id = fields.Many2one(
        "mail.activity", string="Improvement Action", ondelete="set null", copy=False
    )
    action_state = fields.Selection(
        [("planned", "Planned"), ("done", "Done")],
        compute="_compute_action_state",
        string="Action",
    )

    _element_uniq = models.Constraint(
        "UNIQUE (assessment_id, element_id)",
        "An assessment has one result per element.",
    )

    @api.depends(
        "assessment_id.line_ids.score",
        "assessment_id.line_ids.weight",
        "assessment_id.line_ids.element_id",
    )
    def _compute_score(self):
        for result in self:
            result.score = weighted_mean(
                (line.score, line.weight)
                for line in result.assessment_id.line_ids
                if line.element_id == result.element_id
            )

    @api.depends(
        "score",
        "assessment_id.previous_id",
        "assessment_id.benchmark_id.line_ids.score",
    )
    def _compute_comparison(self):
        for result in self:
            assessment = result.assessment_id
            previous = assessment.previous_id.result_ids.filtered(
                lambda r, element=result.element_id: r.element_id == element
            )
            benchmark = assessment.benchmark_id.line_ids.filtered(
                lambda b, element=result.element_id: b.element_id == element
            )
            result.previous_score = previous.score
            result.benchmark_score = benchmark.score
            result.gap = benchmark.score - result.score if benchmark else 0.0
            result.is_weak = bool(result.score) and (
                result.gap > 0 if benchmark else result.score < WEAK_BELOW
            )

    @api.depends("activity_id.active")
    def _compute_action_state(self):
        for result in self:
            activity = result.activity_id.with_context(active_test=False)
            result.action_state = activity and (
                "planned" if activity.active else "done"
            )

    def _lab_action_note(self):
        self.ensure_one()
        return self.env._(
            "Score %(score).2f, benchmark %(benchmark).2f, gap %(gap).2f.",
            score=self.score,
            benchmark=self.benchmark_score,
            gap=self.gap,
        )
