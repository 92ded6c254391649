import math
import os

from stdnum.cn import uscc
from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.account_move import FAPIAO_TYPES
from ..models.lab_complaint import CATEGORIES, OPEN_STATES
from .survey import _to_int

MAX_UPLOAD_SIZE = 10 * 1024 * 1024  # bytes
# What a customer may upload, known by the first bytes of the file: its name and
# the type the browser claims are not trusted.
UPLOAD_SIGNATURES = (
    b"%PDF-",  # PDF
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",  # PNG
)
MAX_SHORT_TEXT = 200  # sample name, complaint subject
MAX_BATCH = 100
MAX_TEXT = 5000  # descriptions
MAX_QUANTITY = 1_000_000


class LabCustomerPortal(CustomerPortal):
    """The customer's laboratory documents in the portal (/my): samples and their
    reports, complaints, surveys to answer, and the online test request (网上受理).

    Portal users only read (ACL and record rules): the forms validate everything
    here first, then create with sudo(), always for the user's own company (its
    commercial partner), the record and its attachment in one savepoint.
    """

    _lab_items_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        env = request.env
        if "lab_sample_count" in counters:
            values["lab_sample_count"] = (
                env["lab.sample"].search_count(self._lab_customer_domain())
                if env["lab.sample"].has_access("read")
                else 0
            )
        if "lab_complaint_count" in counters:
            values["lab_complaint_count"] = (
                env["lab.complaint"].search_count(self._lab_customer_domain())
                if env["lab.complaint"].has_access("read")
                else 0
            )
        if "lab_survey_count" in counters:
            values["lab_survey_count"] = (
                env["lab.survey"].search_count(self._lab_pending_surveys_domain())
                if env["lab.survey"].has_access("read")
                else 0
            )
        return values

    def _lab_customer_domain(self):
        """The documents of the user's company (its commercial partner)."""
        return Domain(
            "partner_id", "child_of", [request.env.user.commercial_partner_id.id]
        )

    def _lab_document_check_access(self, model_name, document_id, access_token=None):
        """Odoo's check (record rules, else the access token), but an unknown or
        foreign document is a plain 404, not a redirect to /my: it tells nothing."""
        try:
            return self._document_check_access(model_name, document_id, access_token)
        except (AccessError, MissingError):
            raise NotFound() from None

    def _lab_list_values(
        self, model_name, url, page, sortings, sortby, filters, filterby
    ):
        """A page of the customer's documents: one count, one search."""
        Model = request.env[model_name]
        sortby = sortby if sortby in sortings else next(iter(sortings))
        filterby = filterby if filterby in filters else "all"
        domain = self._lab_customer_domain() & filters[filterby]["domain"]
        pager = portal_pager(
            url=url,
            url_args={"sortby": sortby, "filterby": filterby},
            total=Model.search_count(domain),
            page=page,
            step=self._lab_items_per_page,
        )
        records = Model.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._lab_items_per_page,
            offset=pager["offset"],
        )
        return {
            **self._prepare_portal_layout_values(),
            "records": records.sudo(),  # read access checked by the search
            "pager": pager,
            "default_url": url,
            "searchbar_sortings": sortings,
            "sortby": sortby,
            "searchbar_filters": filters,
            "filterby": filterby,
        }

    # Samples

    def _lab_sample_sortings(self):
        env = request.env
        return {
            "date": {
                "label": env._("Newest"),
                "order": "received_datetime desc, id desc",
            },
            "name": {"label": env._("Reference"), "order": "name desc, id desc"},
            "state": {
                "label": env._("Status"),
                "order": "state, received_datetime desc, id desc",
            },
        }

    def _lab_sample_filters(self):
        env = request.env
        states = env["lab.sample"]._fields["state"]._description_selection(env)
        return {
            "all": {"label": env._("All"), "domain": Domain.TRUE},
            **{
                state: {"label": label, "domain": Domain("state", "=", state)}
                for state, label in states
            },
        }

    @http.route(
        ["/my/samples", "/my/samples/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_lab_samples(self, page=1, sortby=None, filterby=None, **kw):
        values = self._lab_list_values(
            "lab.sample",
            "/my/samples",
            page,
            self._lab_sample_sortings(),
            sortby,
            self._lab_sample_filters(),
            filterby,
        )
        values.update(page_name="lab_sample", samples=values.pop("records"))
        request.session["my_lab_samples_history"] = values["samples"].ids[:100]
        return request.render("lab_crm.portal_my_lab_samples", values)

    @http.route(
        ["/my/samples/<int:sample_id>"],
        type="http",
        auth="user",
        website=True,
        readonly=False,  # records that the customer viewed the delivered report
    )
    def portal_my_lab_sample(self, sample_id, access_token=None, **kw):
        sample_sudo = self._lab_document_check_access(
            "lab.sample", sample_id, access_token
        )
        sample_sudo._lab_record_portal_event("viewed", request.env.user)
        values = {
            "page_name": "lab_sample",
            "sample": sample_sudo,
            "report_downloadable": sample_sudo._is_report_downloadable(),
            "submitted": kw.get("submitted"),
            **sample_sudo._lab_portal_report_values(request.env.user),
        }
        values = self._get_page_view_values(
            sample_sudo, access_token, values, "my_lab_samples_history", False, **kw
        )
        return request.render("lab_crm.portal_my_lab_sample", values)

    @http.route(
        ["/my/samples/<int:sample_id>/report"],
        type="http",
        auth="user",
        readonly=False,  # records the download
    )
    def portal_my_lab_sample_report(self, sample_id, access_token=None, **kw):
        sample_sudo = self._lab_document_check_access(
            "lab.sample", sample_id, access_token
        )
        if not sample_sudo._is_report_downloadable():
            raise NotFound()
        sample_sudo._lab_record_portal_event("downloaded", request.env.user)
        filename = sample_sudo.report_filename or f"{sample_sudo.name}.pdf"
        return (
            request.env["ir.binary"]
            ._get_stream_from(
                sample_sudo,
                "report_file",
                filename=filename,
                mimetype="application/pdf",
            )
            .get_response(as_attachment=True)
        )

    @http.route(
        ["/my/samples/request"],
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_lab_sample_request(self, **post):
        """The customer asks for tests on a sample they will send (网上受理): a
        sample in the state "Requested online", for reception to accept."""
        customer = request.env.user.commercial_partner_id
        company = customer.company_id or request.env.company
        test_items = self._lab_test_items(company)
        contacts = customer.sudo().child_ids.filtered(lambda p: p.type == "contact")
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "lab_sample_request",
            "lab_company": company,
            "test_items": test_items,
            "contacts": contacts,
            "errors": [],
            "post": post,
            "selected_item_ids": set(),
            "selected_contact_id": request.env.user.partner_id.id,
            "fapiao_types": request.env["lab.sample"]
            ._fields["fapiao_type"]
            ._description_selection(request.env),
            "selected_fapiao_type": post.get("fapiao_type")
            or customer.sudo().fapiao_type
            or "general",
        }
        if request.httprequest.method == "GET":
            return request.render("lab_crm.portal_lab_sample_request", values)

        form = request.httprequest.form
        errors = []
        sample_vals = self._lab_parse_sample_request(
            form, customer, company, test_items, contacts, errors
        )
        upload = self._lab_read_upload(
            request.httprequest.files.get("attachment"), errors
        )
        values.update(
            selected_item_ids={_to_int(item) for item in form.getlist("test_item_ids")},
            selected_contact_id=_to_int(form.get("contact_id")),
        )
        if errors:
            values["errors"] = errors
            return request.render(
                "lab_crm.portal_lab_sample_request", values, status=400
            )
        try:
            with request.env.cr.savepoint():
                sample = request.env["lab.sample"].sudo().create(sample_vals)
                if upload:
                    sample.message_post(
                        body=request.env._("Document attached to the online request."),
                        attachments=[upload],
                        subtype_xmlid="mail.mt_note",
                    )
        except UserError as error:
            values["errors"] = [error.args[0]]
            return request.render(
                "lab_crm.portal_lab_sample_request", values, status=400
            )
        return request.redirect(f"{sample.access_url}?submitted=1")

    def _lab_test_items(self, company):
        """The test items a customer may ask for. As superuser: portal users do not
        read products, and these are the laboratory's public catalogue."""
        return (
            request.env["product.product"]
            .sudo()
            .search(
                [
                    ("is_lab_test_item", "=", True),
                    ("sale_ok", "=", True),
                    ("company_id", "in", [False, company.id]),
                ],
                order="name, id",
            )
        )

    def _lab_parse_sample_request(
        self, form, customer, company, test_items, contacts, errors
    ):
        """The values of the requested sample; what is wrong goes to ``errors``."""
        env = request.env
        sample_name = (form.get("sample_name") or "").strip()
        batch = (form.get("batch") or "").strip()
        description = (form.get("description") or "").strip()
        other_tests = (form.get("other_tests") or "").strip()
        if not sample_name:
            errors.append(env._("Give the name of the sample."))
        elif len(sample_name) > MAX_SHORT_TEXT:
            errors.append(
                env._(
                    "Keep the name of the sample under %(max)s characters.",
                    max=MAX_SHORT_TEXT,
                )
            )
        if len(batch) > MAX_BATCH:
            errors.append(
                env._("Keep the batch under %(max)s characters.", max=MAX_BATCH)
            )
        if len(description) > MAX_TEXT or len(other_tests) > MAX_TEXT:
            errors.append(
                env._("Keep each text under %(max)s characters.", max=MAX_TEXT)
            )
        quantity = _to_float(form.get("quantity"))
        if quantity is None or not 0 < quantity <= MAX_QUANTITY:
            errors.append(
                env._(
                    "Give the quantity as a number greater than 0 and at most %(max)s.",
                    max=MAX_QUANTITY,
                )
            )
        item_ids = [_to_int(item) for item in form.getlist("test_item_ids")]
        items = test_items.filtered(lambda item: item.id in item_ids)
        if len(items) != len(set(item_ids)):
            errors.append(env._("Choose the test items from the list."))
        elif not items and not other_tests:
            errors.append(
                env._("Choose at least one test item, or describe the tests you need.")
            )
        contact = env["res.partner"]
        if form.get("contact_id"):
            contact = contacts.filtered(
                lambda partner: partner.id == _to_int(form.get("contact_id"))
            )
            if not contact:
                errors.append(
                    env._("Choose the contact among your company's contacts.")
                )
        fapiao_type = form.get("fapiao_type") or customer.sudo()._lab_fapiao_type()
        if fapiao_type not in dict(FAPIAO_TYPES):
            errors.append(env._("Choose the type of fapiao from the list."))
        if other_tests:
            description = "\n\n".join(
                filter(None, [description, env._("Other tests: %s", other_tests)])
            )
        return {
            "state": "requested",
            "partner_id": customer.id,
            "contact_id": contact.id,
            "company_id": company.id,
            "received_by_id": False,  # set by reception when it accepts the sample
            "sample_name": sample_name,
            "batch": batch or False,
            "quantity": quantity,
            "description": description or False,
            "fapiao_type": fapiao_type,
            "line_ids": [Command.create({"product_id": item.id}) for item in items],
        }

    def _lab_read_upload(self, upload, errors):
        """The uploaded file as ``(name, content)``, or None when there is none; a
        file over the size limit, or not a PDF, JPEG or PNG, adds an error."""
        if not upload or not upload.filename:
            return None
        env = request.env
        content = upload.read(MAX_UPLOAD_SIZE + 1)
        name = os.path.basename(upload.filename.replace("\\", "/"))[:200] or "upload"
        if len(content) > MAX_UPLOAD_SIZE:
            errors.append(
                env._(
                    "%(name)s is larger than %(max)s MB.",
                    name=name,
                    max=MAX_UPLOAD_SIZE // (1024 * 1024),
                )
            )
        elif not content.startswith(UPLOAD_SIGNATURES):
            errors.append(env._("%(name)s is not a PDF, JPEG or PNG file.", name=name))
        else:
            return name, content
        return None

    # Complaints

    def _lab_complaint_sortings(self):
        env = request.env
        return {
            "date": {"label": env._("Newest"), "order": "received_date desc, id desc"},
            "name": {"label": env._("Reference"), "order": "name desc, id desc"},
            "state": {
                "label": env._("Status"),
                "order": "state, received_date desc, id desc",
            },
        }

    def _lab_complaint_filters(self):
        env = request.env
        return {
            "all": {"label": env._("All"), "domain": Domain.TRUE},
            "open": {
                "label": env._("Open"),
                "domain": Domain("state", "in", OPEN_STATES),
            },
            "done": {
                "label": env._("Closed"),
                "domain": Domain("state", "not in", OPEN_STATES),
            },
        }

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_lab_complaints(self, page=1, sortby=None, filterby=None, **kw):
        values = self._lab_list_values(
            "lab.complaint",
            "/my/complaints",
            page,
            self._lab_complaint_sortings(),
            sortby,
            self._lab_complaint_filters(),
            filterby,
        )
        values.update(page_name="lab_complaint", complaints=values.pop("records"))
        request.session["my_lab_complaints_history"] = values["complaints"].ids[:100]
        return request.render("lab_crm.portal_my_lab_complaints", values)

    @http.route(
        ["/my/complaints/<int:complaint_id>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_lab_complaint(self, complaint_id, access_token=None, **kw):
        complaint_sudo = self._lab_document_check_access(
            "lab.complaint", complaint_id, access_token
        )
        values = {
            "page_name": "lab_complaint",
            "complaint": complaint_sudo,
            "submitted": kw.get("submitted"),
        }
        values = self._get_page_view_values(
            complaint_sudo,
            access_token,
            values,
            "my_lab_complaints_history",
            False,
            **kw,
        )
        return request.render("lab_crm.portal_my_lab_complaint", values)

    @http.route(
        ["/my/complaints/new"],
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_lab_complaint_new(self, **post):
        """The customer files a complaint, optionally about one of its samples."""
        customer = request.env.user.commercial_partner_id
        Sample = request.env["lab.sample"]
        samples = Sample.search(self._lab_customer_domain(), limit=100)
        chosen = _to_int(post.get("sample_id"))
        if chosen and chosen not in samples.ids:
            # Offered by the sample's page; not listed if it is not the customer's.
            samples |= Sample.search(
                self._lab_customer_domain() & Domain("id", "=", chosen)
            )
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "lab_complaint_new",
            "categories": request.env["lab.complaint"]
            ._fields["category"]
            ._description_selection(request.env),
            "samples": samples.sudo(),
            "errors": [],
            "post": post,
        }
        if request.httprequest.method == "GET":
            return request.render("lab_crm.portal_lab_complaint_new", values)

        errors = []
        complaint_vals = self._lab_parse_complaint(post, customer, errors)
        upload = self._lab_read_upload(
            request.httprequest.files.get("attachment"), errors
        )
        if errors:
            values["errors"] = errors
            return request.render(
                "lab_crm.portal_lab_complaint_new", values, status=400
            )
        author = request.env.user.partner_id
        try:
            with request.env.cr.savepoint():
                complaint = request.env["lab.complaint"].sudo().create(complaint_vals)
                complaint.message_subscribe(partner_ids=author.ids)
                if upload:
                    complaint.message_post(
                        body=request.env._("Document attached to the complaint."),
                        attachments=[upload],
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
        except UserError as error:
            values["errors"] = [error.args[0]]
            return request.render(
                "lab_crm.portal_lab_complaint_new", values, status=400
            )
        return request.redirect(f"{complaint.access_url}?submitted=1")

    def _lab_parse_complaint(self, post, customer, errors):
        """The values of the complaint; what is wrong goes to ``errors``."""
        env = request.env
        summary = (post.get("summary") or "").strip()
        description = (post.get("description") or "").strip()
        category = post.get("category") or False
        if not summary:
            errors.append(env._("Give the subject of your complaint."))
        elif len(summary) > MAX_SHORT_TEXT:
            errors.append(
                env._("Keep the subject under %(max)s characters.", max=MAX_SHORT_TEXT)
            )
        if not description:
            errors.append(env._("Describe what went wrong."))
        elif len(description) > MAX_TEXT:
            errors.append(
                env._("Keep the description under %(max)s characters.", max=MAX_TEXT)
            )
        if category and category not in dict(CATEGORIES):
            errors.append(env._("Choose the category from the list."))
        sample = env["lab.sample"]
        if post.get("sample_id"):
            sample = sample.search(
                self._lab_customer_domain()
                & Domain("id", "=", _to_int(post["sample_id"]) or 0)
            )
            if not sample:
                errors.append(env._("Choose one of your own samples."))
        author = env.user.partner_id
        return {
            "summary": summary,
            "description": plaintext2html(description),
            "category": category,
            "sample_id": sample.id,
            "channel": "portal",
            "partner_id": customer.id,
            "contact_id": author.id if author != customer else False,
            "company_id": (customer.company_id or env.company).id,
        }

    # Surveys

    def _lab_pending_surveys_domain(self):
        """Surveys sent to the user, not answered, whose link is still valid. A
        link is personal: it is the contact's it was sent to (the company's when
        sent to the company itself), not every contact's of the customer."""
        partner = request.env.user.partner_id
        sent_to_user = Domain("contact_id", "=", partner.id) | Domain(
            [("contact_id", "=", False), ("partner_id", "=", partner.id)]
        )
        return (
            self._lab_customer_domain()
            & sent_to_user
            & Domain(
                [
                    ("state", "=", "sent"),
                    (
                        "token_expiry_date",
                        ">=",
                        fields.Date.context_today(request.env.user),
                    ),
                ]
            )
        )

    @http.route(["/my/surveys"], type="http", auth="user", website=True, readonly=True)
    def portal_my_lab_surveys(self, **kw):
        surveys = request.env["lab.survey"].search(
            self._lab_pending_surveys_domain(), order="token_expiry_date, id"
        )
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "lab_survey",
            # The links' tokens are readable by employees only.
            "surveys": surveys.sudo(),
        }
        return request.render("lab_crm.portal_my_lab_surveys", values)

    # Invoicing details for fapiao (开票信息)

    _lab_fapiao_text_fields = (
        "fapiao_title",
        "fapiao_address",
        "fapiao_phone",
        "fapiao_bank_name",
        "fapiao_bank_account",
    )

    @http.route(
        ["/my/invoicing"],
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_lab_invoicing(self, **post):
        """The customer's invoicing details, kept up to date by its contacts. The
        form names its customer: another customer's is a plain 404. For
        customers' contacts only: an employee's company is the laboratory."""
        if not request.env.user.share:
            raise Forbidden()
        customer = request.env.user.commercial_partner_id
        if post.get("partner_id") and _to_int(post["partner_id"]) != customer.id:
            raise NotFound()
        customer_sudo = customer.sudo()  # portal users do not write partners
        values = {
            **self._prepare_portal_layout_values(),
            "page_name": "lab_invoicing",
            "customer": customer_sudo,
            "fapiao_types": request.env["res.partner"]
            ._fields["fapiao_type"]
            ._description_selection(request.env),
            "can_edit_vat": customer_sudo.can_edit_vat(),
            "errors": [],
            "post": post,
            "saved": post.get("saved"),
        }
        values["form"] = {
            fname: customer_sudo[fname] or ""
            for fname in (*self._lab_fapiao_text_fields, "fapiao_email", "vat")
        }
        values["form"]["fapiao_type"] = customer_sudo._lab_fapiao_type()
        if request.httprequest.method == "GET":
            return request.render("lab_crm.portal_lab_invoicing", values)
        values["form"].update(
            (fname, post[fname]) for fname in values["form"] if fname in post
        )
        errors = []
        vals = self._lab_parse_invoicing(post, customer_sudo, errors)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    customer_sudo.write(vals)
            except (UserError, ValidationError) as error:
                errors.append(error.args[0])
        if errors:
            values["errors"] = errors
            return request.render("lab_crm.portal_lab_invoicing", values, status=400)
        return request.redirect("/my/invoicing?saved=1")

    def _lab_parse_invoicing(self, post, customer, errors):
        """The customer's new invoicing details; what is wrong goes to
        ``errors``. The taxpayer id only while Odoo lets the customer change it
        (no invoice issued yet): it is the customer's identity on its invoices."""
        env = request.env
        vals = {
            fname: (post.get(fname) or "").strip() or False
            for fname in self._lab_fapiao_text_fields
        }
        if any(value and len(value) > MAX_SHORT_TEXT for value in vals.values()):
            errors.append(
                env._("Keep each field under %(max)s characters.", max=MAX_SHORT_TEXT)
            )
        fapiao_type = post.get("fapiao_type")
        if fapiao_type not in dict(FAPIAO_TYPES):
            errors.append(env._("Choose the type of fapiao from the list."))
        vals["fapiao_type"] = fapiao_type
        email = (post.get("fapiao_email") or "").strip()
        if email and not email_normalize(email):
            errors.append(
                env._("%(email)s is not a valid e-mail address.", email=email)
            )
        vals["fapiao_email"] = email_normalize(email) or False
        vat = (post.get("vat") or "").strip()
        if customer.can_edit_vat() and vat != (customer.vat or ""):
            if customer._lab_uses_credit_code({}) and vat and not uscc.is_valid(vat):
                errors.append(
                    env._(
                        "%(code)s is not a valid unified social credit code.",
                        code=vat,
                    )
                )
            vals["vat"] = vat or False
        taxpayer_id = vals.get("vat", customer.vat)
        if fapiao_type == "special" and not (
            taxpayer_id
            and vals["fapiao_address"]
            and vals["fapiao_phone"]
            and vals["fapiao_bank_name"]
            and vals["fapiao_bank_account"]
        ):
            errors.append(
                env._(
                    "A special VAT invoice needs the taxpayer ID, the registered "
                    "address and telephone, the bank and the account."
                )
            )
        return vals


def _to_float(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


class LabPortalAccount(PortalAccount):
    """Invoices answer like the laboratory's documents: another customer's
    invoice is a plain 404, not Odoo's silent redirect to /my."""

    @http.route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, **kw):
        try:
            self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            raise NotFound() from None
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, **kw
        )
