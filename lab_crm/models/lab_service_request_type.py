from odoo import fields, models


class LabServiceRequestType(models.Model):
    _name = "lab.service.request.type"
    _description = "Service Request Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use this type in every company."
    )
    responsible_role = fields.Selection(
        [
            ("service_manager", "Customer-service manager"),
            ("technical_advisor", "Technical advisor"),
        ],
        string="Routed to",
        required=True,
        default="service_manager",
        help="Who of the customer's account team answers requests of this type; "
        "without one, the account manager does.",
    )
    response_hours = fields.Integer(
        string="First Response within (hours)",
        default=8,
        help="Calendar hours from the request to the first response.",
    )
    resolution_days = fields.Integer(
        string="Resolution within (days)",
        default=5,
        help="Calendar days from the request to its answer.",
    )

    _response_hours_positive = models.Constraint(
        "CHECK (response_hours >= 0 AND resolution_days >= 0)",
        "The response and resolution deadlines cannot be negative.",
    )
