import base64
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

# The columns of the export, in the order of the fields a fapiao asks for:
# the invoice, the buyer (购买方), then one row per invoice line.
COLUMNS = (
    "invoice",
    "date",
    "fapiao_type",
    "buyer",
    "taxpayer_id",
    "address_phone",
    "bank_account",
    "email",
    "item",
    "uom",
    "quantity",
    "price_unit",
    "amount",
    "tax_rate",
    "tax",
    "currency",
)


class LabFapiaoExportWizard(models.TransientModel):
    _name = "lab.fapiao.export.wizard"
    _description = "Fapiao Export"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.start_of(
            fields.Date.context_today(self), "month"
        ),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.end_of(
            fields.Date.context_today(self), "month"
        ),
    )
    export_file = fields.Binary(string="File", readonly=True, attachment=False)
    export_filename = fields.Char(string="File Name", readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period must end after it starts."))

    def action_export(self):
        """The spreadsheet of the period's posted customer invoices and credit
        notes with the buyer's invoicing details, one row per invoice line, for
        the invoicing software of the finance office."""
        self.env["res.users"]._lab_check_groups(
            "account.group_account_invoice,lab_crm.group_lab_crm_manager"
        )
        self.ensure_one()
        labels = self._column_labels()
        header = [labels[key] for key in COLUMNS]
        self.write(
            {
                "export_file": base64.b64encode(_xlsx(header, self._fapiao_rows())),
                "export_filename": f"fapiao_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/export_file/"
            f"{self.export_filename}?download=true",
            "target": "self",
        }

    def _column_labels(self):
        return {
            "invoice": self.env._("Invoice Number"),
            "date": self.env._("Invoice Date"),
            "fapiao_type": self.env._("Fapiao Type"),
            "buyer": self.env._("Buyer Name"),
            "taxpayer_id": self.env._("Taxpayer ID"),
            "address_phone": self.env._("Address and Telephone"),
            "bank_account": self.env._("Bank and Account"),
            "email": self.env._("E-fapiao E-mail"),
            "item": self.env._("Item"),
            "uom": self.env._("Unit"),
            "quantity": self.env._("Quantity"),
            "price_unit": self.env._("Unit Price"),
            "amount": self.env._("Amount"),
            "tax_rate": self.env._("Tax Rate"),
            "tax": self.env._("Tax"),
            "currency": self.env._("Currency"),
        }

    def _fapiao_moves(self):
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                ("invoice_date", ">=", self.date_from),
                ("invoice_date", "<=", self.date_to),
            ],
            order="invoice_date, name, id",
        )

    def _fapiao_rows(self):
        """The rows of the export: a list of dicts keyed by COLUMNS. A credit
        note's amounts are negative (a red-letter fapiao)."""
        field = self.env["account.move"]._fields["fapiao_type"]
        types = dict(field._description_selection(self.env))
        rows = []
        for move in self._fapiao_moves():
            sign = -1 if move.move_type == "out_refund" else 1
            buyer = move.commercial_partner_id
            head = {
                "invoice": move.name,
                "date": move.invoice_date,
                "fapiao_type": types.get(move.fapiao_type or "general"),
                "buyer": move.fapiao_title or buyer.name,
                "taxpayer_id": move.fapiao_taxpayer_id or buyer.vat or "",
                "address_phone": move.fapiao_address_phone or "",
                "bank_account": move.fapiao_bank_account or "",
                "email": move.fapiao_email or "",
                "currency": move.currency_id.name,
            }
            for line in move.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            ):
                rows.append({**head, **_line_values(line, sign)})
        return rows


def _line_values(line, sign):
    """An invoice line as a fapiao prints it: tax-exclusive unit price and
    amount, the rate of its percent taxes, the tax."""
    currency = line.currency_id
    rate = sum(
        tax.amount
        for tax in line.tax_ids.flatten_taxes_hierarchy()
        if tax.amount_type == "percent"
    )
    return {
        "item": line.name or line.product_id.display_name,
        "uom": line.product_uom_id.name or "",
        "quantity": sign * line.quantity,
        "price_unit": float_round(
            line.price_subtotal / line.quantity if line.quantity else line.price_unit,
            precision_digits=6,
        ),
        "amount": sign * line.price_subtotal,
        "tax_rate": rate / 100,
        "tax": sign * currency.round(line.price_total - line.price_subtotal),
    }


def _xlsx(header, rows):
    """The rows as an xlsx workbook (bytes)."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet("Fapiao")
    bold = workbook.add_format({"bold": True})
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "price_unit": workbook.add_format({"num_format": "0.00####"}),
        "amount": workbook.add_format({"num_format": "0.00"}),
        "tax": workbook.add_format({"num_format": "0.00"}),
        "tax_rate": workbook.add_format({"num_format": "0%"}),
    }
    sheet.write_row(0, 0, header, bold)
    for row_index, row in enumerate(rows, 1):
        for col_index, key in enumerate(COLUMNS):
            sheet.write(row_index, col_index, row[key], formats.get(key))
    sheet.set_column(0, len(COLUMNS) - 1, 16)
    workbook.close()
    return output.getvalue()
