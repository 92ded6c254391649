from odoo import api, models
from odoo.exceptions import AccessError


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _lab_check_groups(self, groups):
        """Refuse the current user (of this environment: call it as
        ``self.env["res.users"]._lab_check_groups(...)``, not on the sudo
        ``env.user``) a button's method unless they are in one of
        ``groups`` (the button's ``groups=``: comma-separated xml ids).

        A method a button calls can also be called over RPC by anyone who may
        read the record, customers in the portal included: the check the view
        makes on the button is made here again, before anything is done.
        """
        if self.env.su or self.env.user.has_groups(groups):
            return
        names = [
            self.env.ref(xmlid.strip()).sudo().full_name for xmlid in groups.split(",")
        ]
        raise AccessError(
            self.env._(
                "Only these users may do this: %(groups)s.",
                groups=", ".join(names),
            )
        )
