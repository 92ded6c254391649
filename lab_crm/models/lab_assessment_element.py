from odoo import fields, models


class LabAssessmentElement(models.Model):
    """One of the seven elements of the customer-management model (客户管理模式的
    要素, seed 003 §4.3): leadership, strategic planning, people and
    organisation, resource allocation, information and technology,
    customer-management operations, customer-management effectiveness. Data
    records; their weights make the overall index."""

    _name = "lab.assessment.element"
    _description = "Capability Assessment Element"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    weight = fields.Float(
        default=1.0,
        required=True,
        help="The element's weight in the overall index.",
    )
    description = fields.Text(translate=True)
    criterion_ids = fields.One2many(
        "lab.assessment.criterion", "element_id", string="Criteria"
    )
    active = fields.Boolean(default=True)

    _weight_positive = models.Constraint(
        "CHECK (weight > 0)", "An element's weight must be positive."
    )
