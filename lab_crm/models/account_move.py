from odoo import api, fields, models

FAPIAO_TYPES = [
    ("general", "General VAT Invoice"),
    ("special", "Special VAT Invoice"),
]
# The customer's invoicing details for fapiao (开票信息) on res.partner: what a
# fapiao prints of the buyer besides its taxpayer id (``vat``, kept equal to the
# unified social credit code).
FAPIAO_FIELDS = (
    "fapiao_title",
    "fapiao_address",
    "fapiao_phone",
    "fapiao_bank_name",
    "fapiao_bank_account",
    "fapiao_type",
    "fapiao_email",
)


class AccountMove(models.Model):
    _inherit = "account.move"

    # The buyer's invoicing details the invoice was issued with: taken from the
    # customer at posting, kept when the customer's change later. The customer's
    # (the portal shows its invoices).
    fapiao_type = fields.Selection(
        FAPIAO_TYPES,
        compute="_compute_fapiao_type",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
    )
    fapiao_title = fields.Char(string="Invoice Title", readonly=True, copy=False)
    fapiao_taxpayer_id = fields.Char(string="Taxpayer ID", readonly=True, copy=False)
    fapiao_address_phone = fields.Char(
        string="Address and Telephone", readonly=True, copy=False
    )
    fapiao_bank_account = fields.Char(
        string="Bank and Account", readonly=True, copy=False
    )
    fapiao_email = fields.Char(string="E-fapiao E-mail", readonly=True, copy=False)

    @api.depends("partner_id")
    def _compute_fapiao_type(self):
        for move in self:
            if not move.is_sale_document():
                move.fapiao_type = False
            elif move.state == "draft":
                move.fapiao_type = move.partner_id._lab_fapiao_type()
            else:  # issued: as it was
                move.fapiao_type = move.fapiao_type

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.is_sale_document())._lab_fill_fapiao()
        return posted

    def _lab_fill_fapiao(self):
        """Keep on each invoice the buyer's invoicing details as they are now."""
        for move in self:
            buyer = move.commercial_partner_id
            move.update(
                {
                    "fapiao_type": move.fapiao_type or buyer.fapiao_type or "general",
                    "fapiao_title": buyer.fapiao_title or buyer.name,
                    "fapiao_taxpayer_id": buyer.vat,
                    "fapiao_address_phone": _join(
                        buyer.fapiao_address, buyer.fapiao_phone
                    ),
                    "fapiao_bank_account": _join(
                        buyer.fapiao_bank_name, buyer.fapiao_bank_account
                    ),
                    "fapiao_email": buyer.fapiao_email or buyer.email,
                }
            )


def _join(*parts):
    return " ".join(part for part in parts if part) or False
