from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# What the line states of its invoice, copied from the overdue items when the
# reminder is proposed (lab.arrears.reminder._propose_reminders, as the system):
# no user enters them. Nobody but the system writes a line at all (access rights).
SYSTEM_FIGURES = frozenset({"date_due", "days_overdue", "amount_residual"})


class LabArrearsReminderLine(models.Model):
    """An overdue receivable item as the reminder states it: a copy taken when the
    reminder is proposed, so that the e-mail and the history say what the
    customer was told, whatever is paid afterwards."""

    _name = "lab.arrears.reminder.line"
    _description = "Payment Reminder Line"
    _order = "reminder_id, date_due, id"

    reminder_id = fields.Many2one(
        "lab.arrears.reminder",
        required=True,
        index=True,
        ondelete="cascade",
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, readonly=True
    )
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True)
    currency_id = fields.Many2one(related="reminder_id.currency_id")
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)

    @api.constrains("move_id", "reminder_id")
    def _check_move_id(self):
        """A reminder states only its customer's invoices."""
        for line in self:
            customer = line.reminder_id.partner_id.commercial_partner_id
            if line.move_id.commercial_partner_id != customer:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s is not one of %(customer)s.",
                        invoice=line.move_id.name,
                        customer=customer.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(SYSTEM_FIGURES & vals.keys() for vals in vals_list):
            raise AccessError(
                self.env._(
                    "The due date, days overdue and open amount of a reminder's "
                    "invoice are copied from the invoice when the reminder is "
                    "proposed: they cannot be entered by hand."
                )
            )
        return super().create(vals_list)
