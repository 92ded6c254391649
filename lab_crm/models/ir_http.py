from odoo import models
from odoo.http import request

# The portal pages of lab_crm (their routes start so), and the portal's home,
# where a customer lands after logging in.
LAB_PORTAL_ROUTES = ("/my/samples", "/my/complaints", "/my/surveys", "/my/invoicing")
PORTAL_HOME_ROUTES = ("/my", "/my/home")
SESSION_KEY = "lab_portal_lang_uid"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """The first of lab_crm's portal pages (or the portal's home) a user
        opens after logging in speaks the user's language, whatever the pages
        before the login were shown in: http_routing prefers the
        ``frontend_lang`` cookie they left to the session's language, so a
        Chinese contact who logged in on an English login page would read the
        whole portal in English. Once per session and user: the cookie then
        follows the user's language, and the language selector (or a language
        in the URL) still changes it afterwards. Other pages are left as Odoo
        serves them."""
        if (
            getattr(request, "is_frontend", False)
            and (
                rule.rule.startswith(LAB_PORTAL_ROUTES)
                or rule.rule in PORTAL_HOME_ROUTES
            )
            and not request.env.user._is_public()
            and request.session.get(SESSION_KEY) != request.env.uid
        ):
            request.session[SESSION_KEY] = request.env.uid
            lang = request.env.user.lang
            if (
                lang in request.env["res.lang"]._get_frontend()
                and not cls._lab_url_lang()
            ):
                request.lang = request.env["res.lang"]._get_data(code=lang)
        return super()._pre_dispatch(rule, args)

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
