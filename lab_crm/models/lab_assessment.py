from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..analytics.radar import radar_svg

ASSESSMENT_STATES = [("draft", "Draft"), ("review", "In Review"), ("done", "Done")]


def weighted_mean(pairs):
    """The mean of ``(score, weight)`` pairs weighted by their weights, the pairs
    without a score (0) left out; 0.0 when none has one."""
    scored = [(score, weight) for score, weight in pairs if score]
    total = sum(weight for _score, weight in scored)
    return sum(score * weight for score, weight in scored) / total if total else 0.0


class LabAssessment(models.Model):
    """A customer-management capability assessment (客户管理能力评价, seed 003
    §4.4) of one company for one period: a score 1-5 per criterion, measured
    from the laboratory's records where a criterion is measured, else given by
    the assessor; a score per element (the weighted mean of its criteria) and
    the overall index (the weighted mean of the elements), compared with the
    previous assessment and a benchmark; improvement actions for the weak
    elements."""

    _name = "lab.assessment"
    _description = "Customer-Management Capability Assessment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    period_type = fields.Selection(
        [("annual", "Annual"), ("quarterly", "Quarterly")],
        string="Period",
        required=True,
        default="annual",
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assessor",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    state = fields.Selection(
        ASSESSMENT_STATES, required=True, default="draft", tracking=True, copy=False
    )
    benchmark_id = fields.Many2one(
        "lab.assessment.benchmark", ondelete="set null", tracking=True
    )
    action_deadline = fields.Date(
        string="Improvement Deadline",
        help="The deadline of the improvement actions (default: 90 days after "
        "they are planned).",
    )
    line_ids = fields.One2many(
        "lab.assessment.line", "assessment_id", string="Criteria", copy=False
    )
    result_ids = fields.One2many(
        "lab.assessment.result", "assessment_id", string="Elements", copy=False
    )
    overall_index = fields.Float(
        compute="_compute_overall_index",
        store=True,
        aggregator="avg",
        help="The weighted mean of the element scores (1-5).",
    )
    previous_id = fields.Many2one(
        "lab.assessment",
        string="Previous Assessment",
        compute="_compute_previous_id",
        help="The company's latest done assessment of an earlier period.",
    )
    previous_index = fields.Float(
        compute="_compute_previous_id",
        help="The overall index of the previous assessment.",
    )
    benchmark_index = fields.Float(
        compute="_compute_benchmark_index",
        help="The benchmark's scores weighted as the elements.",
    )
    radar_chart = fields.Html(compute="_compute_radar_chart", sanitize=False)
    conclusion = fields.Html()

    _dates_check = models.Constraint(
        "CHECK (date_to >= date_from)", "An assessment cannot end before it starts."
    )

    @api.depends("result_ids.score", "result_ids.weight")
    def _compute_overall_index(self):
        for assessment in self:
            assessment.overall_index = weighted_mean(
                (result.score, result.weight) for result in assessment.result_ids
            )

    @api.depends("company_id", "date_from")
    def _compute_previous_id(self):
        for assessment in self:
            previous = assessment.date_from and self.search(
                [
                    ("company_id", "=", assessment.company_id.id),
                    ("state", "=", "done"),
                    ("date_to", "<", assessment.date_from),
                    ("id", "!=", assessment._origin.id),
                ],
                order="date_to desc, id desc",
                limit=1,
            )
            assessment.previous_id = previous
            assessment.previous_index = previous and previous.overall_index

    @api.depends("benchmark_id.line_ids.score", "result_ids.weight")
    def _compute_benchmark_index(self):
        for assessment in self:
            assessment.benchmark_index = weighted_mean(
                (result.benchmark_score, result.weight)
                for result in assessment.result_ids
            )

    @api.depends("result_ids.score", "previous_id", "benchmark_id.line_ids.score")
    def _compute_radar_chart(self):
        for assessment in self:
            results = assessment.result_ids.sorted(lambda r: (r.sequence, r.id))
            series = [(assessment.name or "", results.mapped("score"))]
            if assessment.previous_id:
                series.append(
                    (assessment.previous_id.name, results.mapped("previous_score"))
                )
            if assessment.benchmark_id:
                series.append(
                    (assessment.benchmark_id.name, results.mapped("benchmark_score"))
                )
            assessment.radar_chart = Markup(
                radar_svg(results.element_id.mapped("name"), series)
            )

    # CRUD

    @api.model_create_multi
    def create(self, vals_list):
        assessments = super().create(vals_list)
        assessments._lab_sync_lines()
        return assessments

    # Actions

    def _lab_check_manager(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_manager")

    def _lab_check_state(self, *states):
        for assessment in self:
            if assessment.state not in states:
                raise UserError(
                    self.env._(
                        "%(assessment)s is %(state)s: this is not possible now.",
                        assessment=assessment.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[assessment.state],
                    )
                )

    def action_measure(self):
        """Measure every measured criterion for the period: a fixed number of
        grouped queries per assessment (lab.assessment.measure)."""
        self._lab_check_manager()
        self._lab_check_state("draft", "review")
        self._lab_sync_lines()
        Measure = self.env["lab.assessment.measure"]
        for assessment in self:
            figures = Measure._measure(
                assessment.company_id, assessment.date_from, assessment.date_to
            )
            for line in assessment.line_ids.filtered("measure"):
                value = figures.get(line.measure)
                line.write(
                    {
                        "measured_value": value or 0.0,
                        "measured_score": line.criterion_id._score(value),
                    }
                )
        return True

    def action_submit(self):
        self._lab_check_manager()
        self._lab_check_state("draft")
        self.state = "review"

    def action_done(self):
        self._lab_check_manager()
        self._lab_check_state("review")
        self.state = "done"

    def action_reset_draft(self):
        self._lab_check_manager()
        self._lab_check_state("review")
        self.state = "draft"

    def action_plan_improvements(self):
        """One activity per weak element (below its benchmark, else below level
        3), for the element's owner (else the assessor) by the improvement
        deadline; an element that already has its action gets no second one."""
        self._lab_check_manager()
        self._lab_check_state("draft", "review")
        activity_type = self.env.ref("lab_crm.mail_activity_type_assessment_action")
        today = fields.Date.context_today(self)
        for assessment in self:
            deadline = assessment.action_deadline or today + relativedelta(days=90)
            for result in assessment.result_ids.filtered(
                lambda r: r.is_weak and not r.activity_id
            ):
                result.activity_id = assessment.activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=self.env._(
                        "Improve %(element)s", element=result.element_id.name
                    ),
                    note=result._lab_action_note(),
                    user_id=(result.user_id or assessment.user_id or self.env.user).id,
                    date_deadline=deadline,
                )
        return True

    # Business methods

    def _lab_sync_lines(self):
        """A line per active criterion and a result per element (of those
        criteria) the assessment lacks yet, with their current weights."""
        criteria = self.env["lab.assessment.criterion"].search(
            [("element_id.active", "=", True)]
        )
        elements = criteria.element_id
        line_vals, result_vals = [], []
        for assessment in self:
            missing = criteria - assessment.line_ids.criterion_id
            line_vals += [
                {
                    "assessment_id": assessment.id,
                    "criterion_id": criterion.id,
                    "weight": criterion.weight,
                }
                for criterion in missing
            ]
            result_vals += [
                {
                    "assessment_id": assessment.id,
                    "element_id": element.id,
                    "weight": element.weight,
                }
                for element in elements - assessment.result_ids.element_id
            ]
        self.env["lab.assessment.line"].create(line_vals)
        self.env["lab.assessment.result"].create(result_vals)
