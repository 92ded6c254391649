from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.lab_survey import ANSWERED_STATES, DIMENSIONS


class LabSurveyController(http.Controller):
    """The customer's personal survey link: no login, answered once."""

    @http.route(
        "/lab/survey/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
    )
    def lab_survey(self, token, **post):
        survey = request.env["lab.survey"]._get_by_token(token)
        if not survey:
            raise NotFound()  # unknown or expired: a plain 404 that tells nothing
        values = {"survey": survey, "dimensions": DIMENSIONS, "errors": [], "post": {}}
        if survey.state in ANSWERED_STATES:
            status = 409 if request.httprequest.method == "POST" else 200
            return request.render("lab_crm.survey_answered_page", values, status=status)
        if request.httprequest.method == "GET":
            return request.render("lab_crm.survey_answer_page", values)
        answer, errors = self._parse_answer(post)
        if errors:
            values.update(errors=errors, post=post)
            return request.render("lab_crm.survey_answer_page", values, status=400)
        survey._record_answer(answer)
        return request.render("lab_crm.survey_answered_page", values)

    def _parse_answer(self, post):
        """The answer's values, or the errors that keep it from being saved."""
        env = request.env
        answer, errors = {}, []
        for fname, _label in DIMENSIONS:
            label = env["lab.survey"]._fields[fname]._description_string(env)
            score = _to_int(post.get(fname))
            if score is None or not 1 <= score <= 5:
                errors.append(env._("Rate %(dimension)s from 1 to 5.", dimension=label))
            else:
                answer[fname] = score
        nps = _to_int(post.get("nps"))
        if nps is None or not 0 <= nps <= 10:
            errors.append(env._("Say from 0 to 10 how likely you are to recommend us."))
        else:
            answer["nps"] = str(nps)
        for fname in ("comments", "suggestions"):
            text = (post.get(fname) or "").strip()
            if len(text) > 5000:
                errors.append(env._("Keep your comments under 5000 characters."))
            answer[fname] = text
        answer["is_confirmed"] = bool(post.get("is_confirmed"))
        return answer, errors


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
