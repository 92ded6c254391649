from odoo import models


class LabActivityMixin(models.AbstractModel):
    """The activities the laboratory's daily jobs give: the customer's documents
    (``lab.customer.document``) and the laboratory's own records (its
    accreditations) share them. A model using it also inherits
    ``mail.activity.mixin``."""

    _name = "lab.activity.mixin"
    _description = "Laboratory Daily-Job Activities"

    def _lab_schedule_daily_activity(self, act_type_xmlid, summary, users, **values):
        """Give each of ``users`` an activity of type ``act_type_xmlid`` on the
        record, from a daily job (``values``: more of the activity's fields)."""
        self.ensure_one()
        # No assignment e-mail per activity from a daily job (the users find them
        # among their activities): the e-mail would also write the customer's
        # portal sign-up token, on which two jobs notifying the same customer at
        # once collide.
        record = self.with_context(mail_activity_quick_update=True)
        for user in users:
            record.activity_schedule(
                act_type_xmlid=act_type_xmlid,
                summary=summary,
                user_id=user.id,
                **values,
            )
