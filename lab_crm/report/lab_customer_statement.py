from odoo import api, fields, models

from .lab_arrears_line import BUCKETS


class ReportLabCustomerStatement(models.AbstractModel):
    """The customer statement: a customer's open items in the current company,
    with the totals per aging bucket, from ``lab.arrears.line``."""

    _name = "report.lab_crm.lab_customer_statement_report_document"
    _description = "Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["res.partner"].browse(docids)
        company = self.env.company
        # One query for all the customers; the view is computed on the fly, so
        # what an earlier read cached may be stale.
        Item = self.env["lab.arrears.line"]
        Item.invalidate_model()
        items_by_customer = Item.search_fetch(
            [
                ("partner_id", "in", docs.commercial_partner_id.ids),
                ("company_id", "=", company.id),
            ],
            [
                "move_id",
                "date",
                "date_due",
                "days_overdue",
                "bucket",
                "amount_residual",
            ],
        ).grouped("partner_id")
        statements = {}
        for doc in docs:
            items = items_by_customer.get(doc.commercial_partner_id, Item)
            statements[doc.id] = {
                "items": items,
                "buckets": {
                    bucket: sum(
                        item.amount_residual for item in items if item.bucket == bucket
                    )
                    for bucket, _label in BUCKETS
                },
                "total": sum(items.mapped("amount_residual")),
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": docs,
            "company": company,
            "today": fields.Date.context_today(self),
            "bucket_labels": Item._fields["bucket"]._description_selection(self.env),
            "statements": statements,
        }
