from odoo import fields, models


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
