from odoo import models
from odoo.http import request

# The portal pages of lab_crm (their routes start so): they speak the language
# of the contact who is logged in.
LAB_PORTAL_ROUTES = ("/my/samples", "/my/complaints", "/my/surveys", "/my/invoicing")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """On lab_crm's portal pages, a logged-in user's own language wins over
        the ``frontend_lang`` cookie the pages seen before logging in left (the
        login page in English keeps the whole portal in English otherwise:
        http_routing prefers the cookie to the session's language). A language
        given in the URL (/zh_CN/my/samples) is still obeyed, and Odoo's other
        pages are left as they are; the cookie then follows the user's language,
        so /my and the invoices speak it too."""
        if (
            getattr(request, "is_frontend", False)
            and rule.rule.startswith(LAB_PORTAL_ROUTES)
            and not request.env.user._is_public()
            and not cls._lab_url_lang()
        ):
            lang = request.env["res.lang"]._get_data(code=request.env.user.lang)
            if lang and lang.code in request.env["res.lang"]._get_frontend():
                request.lang = lang
        super()._pre_dispatch(rule, args)

    @classmethod
    def _lab_url_lang(cls):
        """The language code the requested URL starts with, if any (the URL as
        the browser asked for it, before http_routing removed the language)."""
        uri = request.httprequest.environ.get("REQUEST_URI") or ""
        first = uri.split("?", 1)[0].split("/")[1:2]
        url_codes = {
            lang.url_code for lang in request.env["res.lang"]._get_frontend().values()
        }
        return first[0] if first and first[0] in url_codes else None
