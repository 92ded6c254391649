from odoo import fields, models


class LabAssessmentBenchmarkLine(models.Model):
    _name = "lab.assessment.benchmark.line"
    _description = "Capability Benchmark Score"
    _order = "benchmark_id, element_id"

    benchmark_id = fields.Many2one(
        "lab.assessment.benchmark", required=True, ondelete="cascade", index=True
    )
    element_id = fields.Many2one(
        "lab.assessment.element", required=True, ondelete="cascade"
    )
    score = fields.Float(required=True, digits=(16, 2))

    _element_uniq = models.Constraint(
        "UNIQUE (benchmark_id, element_id)",
        "A benchmark has one score per element.",
    )
    _score_range = models.Constraint(
        "CHECK (score >= 1 AND score <= 5)", "A benchmark score is from 1 to 5."
    )
