from odoo import models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

# The documents whose attachments a customer reads only when the laboratory
# published them (or the customer uploaded them): the rest is the laboratory's.
LAB_PORTAL_MODELS = ("lab.sample", "lab.complaint")
# The messages of a record's portal chatter (portal's website_message_ids).
PORTAL_MESSAGE_TYPES = ("comment", "email", "email_outgoing", "auto_comment")


class IrAttachment(models.Model):
    """A portal or public user reads an attachment of a sample or a complaint only
    when it is attached to a message of that record's portal chatter (a comment,
    not an internal note) or when the user uploaded it. Everyone else, and the
    attachments of every other model, keep Odoo's rules."""

    _inherit = "ir.attachment"

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "read" or not self._lab_is_restricted_user():
            return result
        forbidden = result[0] if result else self.browse()
        hidden = (self - forbidden)._lab_unpublished()
        if not hidden:
            return result
        forbidden |= hidden

        def error_func():
            return AccessError(
                self.env._(
                    "Sorry, you are not allowed to access this document. Please "
                    "contact your system administrator.\n\n(Operation: "
                    "%(operation)s)\n\nRecords: %(records)s, User: %(user)s",
                    operation=operation,
                    records=forbidden[:6],
                    user=self.env.uid,
                )
            )

        return forbidden, (result[1] if result else error_func)

    def _search(self, domain, *args, bypass_access=False, **kwargs):
        if not bypass_access and self._lab_is_restricted_user():
            domain = Domain(domain) & self._lab_readable_domain()
        return super()._search(domain, *args, bypass_access=bypass_access, **kwargs)

    def _lab_is_restricted_user(self):
        return not self.env.su and self.env.user.share

    def _lab_readable_domain(self):
        """What a portal or public user may find among the laboratory documents'
        attachments (the others are left to Odoo's rules). No condition on
        ``res_field`` or ``id``: Odoo's search would then stop hiding the
        attachments of binary fields."""
        subtype = self.env.ref("mail.mt_comment")

        def to_sql(model, alias, query):
            return SQL(
                "%(id)s IN (SELECT rel.attachment_id FROM message_attachment_rel rel "
                "JOIN mail_message message ON message.id = rel.message_id "
                "WHERE message.model = %(res_model)s AND message.res_id = "
                "%(res_id)s AND message.subtype_id = %(subtype)s AND NOT "
                "COALESCE(message.is_internal, FALSE) AND message.message_type IN "
                "%(types)s)",
                id=SQL.identifier(alias, "id"),
                res_model=SQL.identifier(alias, "res_model"),
                res_id=SQL.identifier(alias, "res_id"),
                subtype=subtype.id,
                types=PORTAL_MESSAGE_TYPES,
            )

        return (
            Domain("res_model", "=", False)
            | Domain("res_model", "not in", LAB_PORTAL_MODELS)
            | Domain("create_uid", "=", self.env.uid)
            | Domain.custom(to_sql=to_sql)
        )

    def _lab_unpublished(self):
        """The attachments of ``self`` on a sample or a complaint that the current
        user neither sees in the record's portal chatter nor uploaded."""
        candidates = self.sudo().filtered(
            lambda a: a.res_model in LAB_PORTAL_MODELS and a.create_uid != self.env.user
        )
        if not candidates:
            return self.browse()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search_fetch(
                [
                    ("model", "in", LAB_PORTAL_MODELS),
                    ("attachment_ids", "in", candidates.ids),
                    ("message_type", "in", PORTAL_MESSAGE_TYPES),
                    ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
                    ("is_internal", "=", False),
                ],
                ["model", "res_id", "attachment_ids"],
            )
        )
        published = {
            (message.model, message.res_id, attachment.id)
            for message in messages
            for attachment in message.attachment_ids
        }
        return self.browse(
            attachment.id
            for attachment in candidates
            if (attachment.res_model, attachment.res_id, attachment.id) not in published
        )
