import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import LabCrmFixture

DIMENSIONS = [
    "score_guidance",
    "score_accuracy",
    "score_turnaround",
    "score_resolution",
    "score_responsiveness",
    "score_attitude",
    "score_competence",
    "score_fees",
]


@tagged("post_install", "-at_install")
class TestSurveyLink(HttpCase, LabCrmFixture):
    """The customer answers through the personal link, without logging in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_lab_fixture()
        cls.env.company.lab_survey_points_per_answer = 10
        cls.survey = cls.env["lab.survey"].create({"partner_id": cls.customer.id})
        cls.survey.action_send()
        cls.url = f"/lab/survey/{cls.survey.access_token}"

    def _answer(self, url=None, **overrides):
        """GET the form (for its CSRF token), then POST the answers."""
        page = self.url_open(url or self.url)
        self.assertEqual(page.status_code, 200)
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {"csrf_token": self.csrf, "nps": "9", "comments": "Fast and clear"}
        data.update({fname: "4" for fname in DIMENSIONS})
        data["score_fees"] = "2"
        data.update(overrides)
        return self.url_open(url or self.url, data=data)

    def test_answer_once_then_read_only(self):
        response = self._answer()
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you", response.text)
        survey = self.survey
        survey.invalidate_recordset()
        self.assertEqual(survey.state, "answered")
        self.assertEqual(
            (survey.score_accuracy, survey.score_fees, survey.nps), (4, 2, "9")
        )
        self.assertAlmostEqual(survey.overall_score, 3.75)  # (7 * 4 + 2) / 8
        self.assertEqual(survey.comments, "Fast and clear")
        self.assertEqual(self.customer.lab_survey_points, 10)

        # The link now shows the answers, read-only.
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("<form", page.text)
        # A second answer, with a valid CSRF token of this session, is refused.
        second = self.url_open(
            self.url,
            data={
                **{fname: "1" for fname in DIMENSIONS},
                "nps": "0",
                "csrf_token": self.csrf,
            },
        )
        self.assertEqual(second.status_code, 409)
        survey.invalidate_recordset()
        self.assertEqual(survey.score_accuracy, 4)
        self.assertEqual(self.customer.lab_survey_points, 10)

    def test_invalid_answer_is_not_saved(self):
        response = self._answer(score_accuracy="7", nps="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Rate Data accuracy from 1 to 5", response.text)
        self.survey.invalidate_recordset()
        self.assertEqual(self.survey.state, "sent")
        self.assertEqual(self.survey.score_guidance, 0)

    def test_expired_link_is_a_plain_404(self):
        self.survey.token_expiry_date = fields.Date.today() - timedelta(days=1)
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.customer.name, response.text)

    def test_unknown_link_is_a_plain_404(self):
        for token in (self.survey.access_token[:-1] + "x", "short", "a" * 43):
            with self.subTest(token=token):
                response = self.url_open(f"/lab/survey/{token}")
                self.assertEqual(response.status_code, 404)
                self.assertNotIn(self.customer.name, response.text)
