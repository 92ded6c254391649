from odoo import api, fields, models

DELIVERY_EVENTS = [
    ("sent", "Sent"),
    ("viewed", "Viewed in the portal"),
    ("downloaded", "Downloaded"),
    ("acknowledged", "Acknowledged"),
]
SEND_STATES = [("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")]


class LabReportDelivery(models.Model):
    """The evidence that a report version reached the customer: per contact,
    when it was sent (and whether the e-mail went out), first viewed in the
    portal, first downloaded and acknowledged. Each event is recorded once per
    version and contact; the laboratory's methods write them, nobody else."""

    _name = "lab.report.delivery"
    _description = "Report Delivery Event"
    _order = "version_id, event_datetime, id"

    version_id = fields.Many2one(
        "lab.report.version", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Contact", required=True)
    event = fields.Selection(DELIVERY_EVENTS, required=True)
    event_datetime = fields.Datetime(
        string="When", required=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one("res.users", string="By")
    message_id = fields.Many2one("mail.message", index="btree_not_null")
    send_state = fields.Selection(SEND_STATES, string="E-mail")

    _event_once = models.Constraint(
        "UNIQUE (version_id, partner_id, event)",
        "Each delivery event is recorded once per report version and contact.",
    )

    @api.model
    def _lab_record(self, version, partners, event, message=None, user=None):
        """Record ``event`` of ``version`` for each of ``partners`` that has not
        had it yet, done by ``user`` (the current one by default); return the
        new events."""
        done = (
            self.sudo()
            .search(
                [
                    ("version_id", "=", version.id),
                    ("partner_id", "in", partners.ids),
                    ("event", "=", event),
                ]
            )
            .partner_id
        )
        return self.sudo().create(
            [
                {
                    "version_id": version.id,
                    "partner_id": partner.id,
                    "event": event,
                    "user_id": (user or self.env.user).id,
                    "message_id": message and message.id,
                    "send_state": "queued" if event == "sent" else False,
                }
                for partner in partners - done
            ]
        )

    def _lab_update_send_state(self, success_partners, failed):
        """The e-mail of these 'sent' events went out to ``success_partners``,
        or failed for the others when ``failed``; a failure gives the account
        manager one activity per version."""
        failures = self.filtered(
            lambda d: failed and d.partner_id not in success_partners
        )
        (self - failures).write({"send_state": "sent"})
        failures = failures.filtered(lambda d: d.send_state != "failed")
        failures.write({"send_state": "failed"})
        for version in failures.version_id:
            manager = version.sample_id.user_id or version.partner_id.user_id
            if not manager:
                continue
            version.activity_schedule(
                act_type_xmlid="lab_crm.mail_activity_type_report_send_failed",
                summary=self.env._(
                    "Report %(number)s could not be sent to %(contacts)s",
                    number=version.name,
                    contacts=", ".join(
                        failures.filtered(
                            lambda d, v=version: d.version_id == v
                        ).partner_id.mapped("display_name")
                    ),
                ),
                user_id=manager.id,
            )
