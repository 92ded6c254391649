"""19.0.1.4.0 keeps one taxpayer ID per Chinese customer: its unified social
credit code, written into Odoo's ``vat`` (which invoices print) and read back
from it. Earlier versions kept them apart: a customer with a credit code and no
``vat`` gets the code as its ``vat``; a partner in China with a ``vat`` that is
a valid credit code and no code gets it as its code. Two different values are
left as they are (the partner form shows both; the next change of either is
checked)."""

from stdnum.cn import uscc

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            """UPDATE res_partner SET vat = social_credit_code
                WHERE social_credit_code IS NOT NULL AND social_credit_code != ''
                  AND (vat IS NULL OR vat = '')"""
        )
    )
    cr.execute(
        SQL(
            """SELECT partner.id, partner.vat
                 FROM res_partner partner
                 JOIN res_country country ON country.id = partner.country_id
                WHERE country.code = 'CN' AND partner.vat IS NOT NULL
                  AND (partner.social_credit_code IS NULL
                       OR partner.social_credit_code = '')"""
        )
    )
    codes = [
        (uscc.compact(vat), partner_id)
        for partner_id, vat in cr.fetchall()
        if uscc.is_valid(vat)
    ]
    if codes:
        cr.execute(
            SQL(
                """UPDATE res_partner partner SET social_credit_code = found.code
                     FROM unnest(%s::varchar[], %s::int[]) AS found(code, id)
                    WHERE partner.id = found.id""",
                [code for code, _id in codes],
                [partner_id for _code, partner_id in codes],
            )
        )
