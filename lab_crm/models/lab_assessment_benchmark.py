from odoo import fields, models


class LabAssessmentBenchmark(models.Model):
    """A benchmark profile (基准): a target the laboratory sets itself, or an
    industry or regional benchmark typed in by hand, one score 1-5 per element."""

    _name = "lab.assessment.benchmark"
    _description = "Capability Benchmark"
    _order = "name, id"

    name = fields.Char(required=True)
    kind = fields.Selection(
        [
            ("target", "Target"),
            ("industry", "Industry benchmark"),
            ("regional", "Regional benchmark"),
        ],
        required=True,
        default="target",
    )
    source = fields.Char(help="Where the figures come from.")
    line_ids = fields.One2many(
        "lab.assessment.benchmark.line", "benchmark_id", string="Scores", copy=True
    )
    active = fields.Boolean(default=True)
