from odoo import api, fields, models


class LabTrainingSession(models.Model):
    _name = "lab.training.session"
    _description = "Training Session"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    product_id = fields.Many2one(
        "product.product",
        string="Training Course",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="The value-added service sold for the session.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    duration_days = fields.Float(string="Duration (days)", default=1.0, digits=(16, 1))
    trainer_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    sale_order_id = fields.Many2one("sale.order", check_company=True)
    attendee_ids = fields.Many2many(
        "res.partner",
        string="Attendees",
        domain="[('is_company', '=', False), ('parent_id', '!=', False)]",
        help="The customers' contacts who attended.",
    )
    attendee_count = fields.Integer(compute="_compute_attendees")
    customer_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_attendees",
        help="The companies of the attendees.",
    )
    notes = fields.Html()

    # A session lasts something: half a day (0.5) is the shortest a lab plans.
    # NULL (an unknown length, rows written outside the ORM) passes.
    _duration_days_positive = models.Constraint(
        "CHECK (duration_days > 0)",
        "A training session's duration (days) must be more than zero.",
    )

    @api.depends("attendee_ids")
    def _compute_attendees(self):
        for session in self:
            session.attendee_count = len(session.attendee_ids)
            session.customer_ids = session.attendee_ids.commercial_partner_id
