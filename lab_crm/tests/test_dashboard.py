import base64
import json

from odoo.tests import HttpCase, freeze_time, new_test_user, tagged
from odoo.tools import file_open

from .test_complaint import CLOSING_VALUES, LabComplaintCommon

DASHBOARD_FILE = "lab_crm/data/files/lab_crm_dashboard.json"


def chart_definitions(spreadsheet):
    """Every Odoo chart of the spreadsheet (figures and carousels)."""
    for sheet in spreadsheet["sheets"]:
        for figure in sheet["figures"]:
            if figure["tag"] == "chart" and figure["data"]["type"].startswith("odoo_"):
                yield figure["data"]
            elif figure["tag"] == "carousel":
                yield from figure["data"]["chartDefinitions"].values()


@tagged("post_install", "-at_install")
class TestLabDashboard(LabComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("lab_crm.spreadsheet_dashboard_lab_crm")
        with file_open(DASHBOARD_FILE) as file:
            cls.spreadsheet = json.load(file)

    def test_published_for_lab_crm_managers(self):
        self.assertRecordValues(
            self.dashboard,
            [{"name": "Laboratory CRM", "is_published": True}],
        )
        self.assertEqual(
            self.dashboard.group_ids, self.env.ref("lab_crm.group_lab_crm_manager")
        )
        stored = json.loads(base64.b64decode(self.dashboard.spreadsheet_binary_data))
        self.assertEqual(stored, self.spreadsheet)
        Dashboard = self.env["spreadsheet.dashboard"]
        self.assertIn(self.dashboard, Dashboard.with_user(self.lab_manager).search([]))
        self.assertNotIn(self.dashboard, Dashboard.with_user(self.lab_user).search([]))

    def test_every_data_source_loads_for_a_manager(self):
        """Each chart, pivot and list asks the ORM what the web client would ask
        it: a renamed field or a wrong aggregate fails here, not in the browser."""
        env = self.env(user=self.lab_manager)
        filters = {item["id"] for item in self.spreadsheet["globalFilters"]}
        sources = 0
        for chart in chart_definitions(self.spreadsheet):
            meta = chart["metaData"]
            model = env[meta["resModel"]]
            aggregates = ["__count"]
            if meta["measure"] != "__count":
                name = meta["measure"]
                field = model.fields_get(
                    [name], ["type", "aggregator", "currency_field"]
                )[name]
                self.assertIn("aggregator", field, f"{name}: no aggregator")
                if field["type"] == "monetary":
                    aggregates += [
                        f"{field['currency_field']}:array_agg_distinct",
                        f"{name}:sum_currency",
                    ]
                aggregates.append(f"{name}:{field['aggregator']}")
            with self.subTest(chart=chart["title"]["text"]):
                model.formatted_read_group(
                    chart["searchParams"]["domain"], meta["groupBy"], aggregates
                )
                self._check_field_matching(model, chart["fieldMatching"], filters)
                sources += 1
        for pivot in self.spreadsheet["pivots"].values():
            model = env[pivot["model"]]
            groupby = [
                ":".join(
                    filter(None, [dimension["fieldName"], dimension.get("granularity")])
                )
                for dimension in pivot["rows"] + pivot["columns"]
            ]
            aggregates = [
                f"{measure['fieldName']}:{measure['aggregator']}"
                for measure in pivot["measures"]
            ]
            with self.subTest(pivot=pivot["name"]):
                model.formatted_read_group(pivot["domain"], groupby, aggregates)
                self._check_field_matching(model, pivot["fieldMatching"], filters)
                sources += 1
        for spreadsheet_list in self.spreadsheet["lists"].values():
            model = env[spreadsheet_list["model"]]
            order = ", ".join(
                f"{item['name']} {'ASC' if item['asc'] else 'DESC'}"
                for item in spreadsheet_list["orderBy"]
            )
            with self.subTest(list=spreadsheet_list["name"]):
                model.search_read(
                    spreadsheet_list["domain"], spreadsheet_list["columns"], order=order
                )
                self._check_field_matching(
                    model, spreadsheet_list["fieldMatching"], filters
                )
                sources += 1
        self.assertEqual(sources, 8 + 3 + 1)

    def _check_field_matching(self, model, field_matching, filters):
        for filter_id, matching in field_matching.items():
            self.assertIn(filter_id, filters)
            field = model._fields[matching["chain"].split(".")[0]]
            self.assertTrue(field.store or field.search or field.related)
            model.search_count([(matching["chain"], "!=", False)])

    def test_average_days_to_close(self):
        """Two complaints closed in 10 and 4 calendar days: the chart's average
        is 7; an open complaint does not count."""
        dates = [("2026-06-01", "2026-06-11"), ("2026-06-05", "2026-06-09")]
        for received, closed in [*dates, ("2026-06-02", None)]:
            complaint = self._complaint(
                received_date=received, root_cause="Typo", **CLOSING_VALUES
            )
            complaint.action_investigate()
            complaint.action_take_action()
            if closed:
                with freeze_time(closed):
                    complaint.action_close()
        chart = next(
            chart
            for chart in chart_definitions(self.spreadsheet)
            if chart["metaData"]["measure"] == "days_to_close"
        )
        domain = [
            *chart["searchParams"]["domain"],
            ("received_date", ">=", "2026-06-01"),
            ("received_date", "<=", "2026-06-05"),
        ]
        [[average]] = self.env["lab.complaint"]._read_group(
            domain, [], ["days_to_close:avg"]
        )
        self.assertEqual(average, (10 + 4) / 2)

    def test_latest_snapshot_per_customer(self):
        """The dashboard's segment figures read each customer's latest run only."""
        other = self.customer.copy({"name": "Other Lab Customer"})
        Snapshot = self.env["lab.segment.snapshot"].sudo()  # written by runs only
        company = self.env.company.id
        old, latest, other_latest = Snapshot.create(
            [
                {"partner_id": self.customer.id, "company_id": company,
                 "date": "2026-05-01", "tier": "C"},
                {"partner_id": self.customer.id, "company_id": company,
                 "date": "2026-06-01", "tier": "A"},
                {"partner_id": other.id, "company_id": company,
                 "date": "2026-05-01", "tier": "B"},
            ]
        )  # fmt: skip
        mine = Snapshot.search([("partner_id", "in", (self.customer | other).ids)])
        self.assertEqual(
            {snapshot: snapshot.is_latest for snapshot in mine},
            {old: False, latest: True, other_latest: True},
        )
        self.assertEqual(
            Snapshot.search([("id", "in", mine.ids), ("is_latest", "=", True)]),
            latest | other_latest,
        )
        self.assertEqual(
            Snapshot.search([("id", "in", mine.ids), ("is_latest", "=", False)]), old
        )

    def test_churn_reasons_in_words(self):
        snapshot = (
            self.env["lab.segment.snapshot"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.env.company.id,
                    "date": "2026-06-01",
                    "churn_reasons": "inactive_long,open_complaints",
                }
            )
        )
        self.assertEqual(
            snapshot.churn_reason_text,
            # Joined as the language joins a list (Babel): "a, b, and c".
            "no transaction for much longer than usual and open complaints",
        )


@tagged("post_install", "-at_install")
class TestLabDashboardTour(HttpCase):
    def test_manager_opens_the_dashboard(self):
        manager = new_test_user(
            self.env,
            login="dashboard_manager",
            groups="lab_crm.group_lab_crm_manager",
        )
        dashboard = self.env.ref("lab_crm.spreadsheet_dashboard_lab_crm")
        self.start_tour(
            f"/odoo/dashboards?dashboard_id={dashboard.id}",
            "lab_dashboard_tour",
            login=manager.login,
        )
