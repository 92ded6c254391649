import base64
import logging
import math
import random
import time
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools.misc import file_open

from ..models.lab_survey import DIMENSIONS

_logger = logging.getLogger(__name__)

SEED = 2026
MONTHS = 24
# Customers won in the last 12 months: index -> the month of their first sample
# (0 is the first of the 24 months).
NEW_CUSTOMERS = {6: 18, 27: 19, 34: 16, 41: 13, 48: 20, 55: 17}
# The churners (CHURNERS, below) stopped submitting samples this many months ago.
CHURNED_MONTHS_AGO = 10
# Customers generated: (name, category, ownership, scale, province code, city).
CUSTOMERS = [
    ("绍兴华纺织造有限公司", "manufacturer", "private", "medium", "浙", "绍兴"),
    ("杭州锦绣丝绸股份有限公司", "manufacturer", "private", "large", "浙", "杭州"),
    ("宁波甬江服饰有限公司", "manufacturer", "private", "medium", "浙", "宁波"),
    ("温州东海鞋业有限公司", "manufacturer", "private", "small", "浙", "温州"),
    ("嘉兴新月针织有限公司", "manufacturer", "collective", "small", "浙", "嘉兴"),
    ("湖州南浔家纺有限公司", "manufacturer", "private", "micro", "浙", "湖州"),
    ("苏州吴江恒力化纤有限公司", "manufacturer", "private", "large", "苏", "苏州"),
    ("无锡红豆制衣有限公司", "manufacturer", "private", "large", "苏", "无锡"),
    ("南通富丽床品有限公司", "manufacturer", "joint_venture", "medium", "苏", "南通"),
    ("常州天虹纺织有限公司", "manufacturer", "private", "medium", "苏", "常州"),
    ("上海申达时装有限公司", "manufacturer", "state_owned", "large", "沪", "上海"),
    ("上海美伦服饰有限公司", "manufacturer", "foreign_owned", "medium", "沪", "上海"),
    ("广州白云皮具有限公司", "manufacturer", "private", "small", "粤", "广州"),
    (
        "东莞长安玩具制品有限公司",
        "manufacturer",
        "foreign_owned",
        "large",
        "粤",
        "东莞",
    ),
    ("佛山顺德家电有限公司", "manufacturer", "joint_venture", "large", "粤", "佛山"),
    ("深圳华强电子有限公司", "manufacturer", "private", "medium", "粤", "深圳"),
    ("中山小榄五金有限公司", "manufacturer", "collective", "small", "粤", "中山"),
    ("泉州晋江运动鞋服有限公司", "manufacturer", "private", "large", "闽", "泉州"),
    ("厦门鹭岛纺织有限公司", "manufacturer", "joint_venture", "medium", "闽", "厦门"),
    ("青岛海滨针织有限公司", "manufacturer", "state_owned", "medium", "鲁", "青岛"),
    ("潍坊宏达家纺有限公司", "manufacturer", "private", "small", "鲁", "潍坊"),
    ("郑州中原棉纺有限公司", "manufacturer", "state_owned", "large", "豫", "郑州"),
    ("武汉江汉服装有限公司", "manufacturer", "private", "medium", "鄂", "武汉"),
    ("长沙湘绣工艺品有限公司", "manufacturer", "collective", "micro", "湘", "长沙"),
    ("成都蜀锦织造有限公司", "manufacturer", "private", "small", "蜀", "成都"),
    ("合肥徽韵童装有限公司", "manufacturer", "private", "small", "皖", "合肥"),
    ("南昌赣江羽绒制品有限公司", "manufacturer", "private", "medium", "赣", "南昌"),
    ("石家庄冀华印染有限公司", "manufacturer", "state_owned", "medium", "冀", "石家庄"),
    ("天津津纺毛巾有限公司", "manufacturer", "joint_venture", "small", "津", "天津"),
    ("重庆山城箱包有限公司", "manufacturer", "other", "micro", "渝", "重庆"),
    ("义乌小商品织带厂", "manufacturer", "private", "micro", "浙", "金华"),
    ("桐乡濮院毛衫有限公司", "manufacturer", "private", "small", "浙", "嘉兴"),
    ("浙江省市场监督管理局", "government", "state_owned", False, "浙", "杭州"),
    ("杭州市市场监督管理局", "government", "state_owned", False, "浙", "杭州"),
    ("江苏省产品质量监督检验研究院", "government", "state_owned", False, "苏", "南京"),
    ("上海市质量技术监督局", "government", "state_owned", False, "沪", "上海"),
    ("广东省市场监督管理局", "government", "state_owned", False, "粤", "广州"),
    ("宁波海关技术中心", "government", "state_owned", False, "浙", "宁波"),
    ("绍兴市柯桥区市场监督管理局", "government", "state_owned", False, "浙", "绍兴"),
    ("山东省纤维质量监测中心", "government", "state_owned", False, "鲁", "济南"),
    (
        "中纺联检验认证服务有限公司",
        "intermediary",
        "state_owned",
        "medium",
        "京",
        "北京",
    ),
    (
        "华东进出口商品检验代理有限公司",
        "intermediary",
        "private",
        "small",
        "沪",
        "上海",
    ),
    ("杭州诚信外贸服务有限公司", "intermediary", "private", "micro", "浙", "杭州"),
    (
        "深圳环球采购咨询有限公司",
        "intermediary",
        "foreign_owned",
        "small",
        "粤",
        "深圳",
    ),
    ("宁波跨境电商服务有限公司", "intermediary", "private", "small", "浙", "宁波"),
    (
        "苏州工业园区认证咨询有限公司",
        "intermediary",
        "joint_venture",
        "micro",
        "苏",
        "苏州",
    ),
    ("广州南方质量技术服务有限公司", "intermediary", "private", "small", "粤", "广州"),
    ("浙江省纺织行业协会", "intermediary", "other", False, "浙", "杭州"),
    ("上海时尚买手供应链有限公司", "intermediary", "private", "small", "沪", "上海"),
    ("厦门海峡贸易代理有限公司", "intermediary", "private", "micro", "闽", "厦门"),
    ("张伟（个人送检）", "public", "other", False, "浙", "杭州"),
    ("李娜（个人送检）", "public", "other", False, "沪", "上海"),
    ("王芳（消费者维权送检）", "public", "other", False, "浙", "绍兴"),
    ("刘洋（电商店主）", "public", "other", False, "粤", "广州"),
    ("陈静（个人送检）", "public", "other", False, "苏", "苏州"),
    ("杭州市消费者权益保护委员会", "public", "other", False, "浙", "杭州"),
    ("赵磊（网店经营者）", "public", "other", False, "浙", "金华"),
    ("孙丽（个人送检）", "public", "other", False, "鲁", "青岛"),
    ("周杰（设计师工作室）", "public", "other", False, "沪", "上海"),
    ("吴敏（个人送检）", "public", "other", False, "闽", "福州"),
]
# The churners (CUSTOMERS index): every ninth customer, from the fifth.
CHURNERS = range(4, len(CUSTOMERS), 9)
# Competitors: (name, price level, strengths).
COMPETITORS = [
    (
        "通标标准技术服务有限公司 (SGS)",
        "higher",
        "International brand; reports accepted by foreign buyers; wide scope.",
    ),
    (
        "华测检测认证集团 (CTI)",
        "similar",
        "Laboratories in every province; fast turnaround on routine tests.",
    ),
    (
        "谱尼测试集团 (PONY)",
        "lower",
        "Aggressive prices on chemical tests; strong online sales.",
    ),
    (
        "市纤维检验所",
        "lower",
        "Government body; designated for some regulatory inspections.",
    ),
]
# Churned customers (CUSTOMERS index) a manager marked lost to a competitor
# (COMPETITORS index).
LOST_TO = {4: 1, 13: 2}
# Target groups: (name, domain on customers, description).
TARGET_GROUPS = [
    (
        "Large and medium manufacturers",
        "[('customer_category', '=', 'manufacturer'),"
        " ('enterprise_scale', 'in', ['large', 'medium'])]",
        "Annual framework agreements and in-house laboratory support.",
    ),
    (
        "Market regulators",
        "[('customer_category', '=', 'government')]",
        "Spot-check programmes: briefing before each tender round.",
    ),
    (
        "Customers at risk",
        "[('lifecycle_stage', '=', 'at_risk')]",
        "Win-back: a visit by the account manager and the technical advisor.",
    ),
]
# Service requests of the last six months.
SERVICE_REQUESTS = 40
SERVICE_QUESTIONS = [
    "Which standard applies to children's sleepwear exported to the EU?",
    "Quotation for a yearly formaldehyde programme",
    "Explain the colour fastness grade on our last report",
    "Re-test of batch after a supplier change",
    "Training for two new quality inspectors",
    "Help choosing the test methods for a new fibre blend",
    "Preparing our own laboratory for CNAS accreditation",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
]
FUNCTIONS = ["质量部经理", "技术总监", "采购主管", "质检员", "办公室主任", "科长"]
SAMPLE_NAMES = [
    "纯棉府绸",
    "涤棉混纺布",
    "牛仔布",
    "真丝围巾",
    "儿童针织T恤",
    "羽绒服",
    "毛衫",
    "床上四件套",
    "毛巾",
    "运动鞋面料",
    "婴幼儿连体衣",
    "窗帘布",
]
# Extra test items: (name, standard, turnaround days, price, the kinds of the
# laboratory's accreditations that cover it).
TEST_ITEMS = [
    ("pH value", "GB/T 7573-2009", 2, 120.0, ("cma", "cnas")),
    ("Fibre content", "FZ/T 01057-2007", 4, 350.0, ("cma",)),
    ("Banned azo dyes", "GB/T 17592-2011", 6, 480.0, ("cma",)),
    ("Dimensional change on washing", "GB/T 8628-2013", 5, 220.0, ("cma", "cnas")),
]
# The laboratory itself, when the demo database's company is in China (as
# `make run` makes it: scripts/common.sh, create_demo_db).
LABORATORY = {
    "name": "华东示范纺织品检测中心 (Demo Textile Testing Centre)",
    "street": "漕河泾开发区钦州北路1001号",
    "city": "上海",
    "zip": "200233",
    "phone": "+86 21 6400 1000",
    "email": "service@lab.example.com",
    "website": "https://lab.example.com",
}
# The portal login of one customer contact (password = login).
PORTAL_LOGIN = "lab_portal"
BANKS = ["中国工商银行", "中国建设银行", "中国银行", "中国农业银行", "招商银行"]
USERS = [  # (xmlid suffix, name, login, group)
    ("wang", "王明 (Wang Ming)", "lab_wang", "lab_crm.group_lab_crm_user"),
    ("li", "李华 (Li Hua)", "lab_li", "lab_crm.group_lab_crm_user"),
    ("zhang", "张丽 (Zhang Li)", "lab_zhang", "lab_crm.group_lab_crm_all"),
    ("chen", "陈刚 (Chen Gang)", "lab_chen", "lab_crm.group_lab_crm_manager"),
]
COMPLAINT_CATEGORIES = [
    "data_accuracy",
    "delay",
    "staff_attitude",
    "technical_competence",
    "fees",
    "report_error",
    "sample_handling",
    "other",
]
CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}


class LabDemo(models.AbstractModel):
    """The bulk demo data: about 60 customers with 24 months of history.

    Called once from ``demo/lab_demo_data.xml``; deterministic
    (``random.Random(2026)``) and dated back from today, so that the dashboards
    show current figures right after installation. The records have no xmlid
    except the demo users (``lab_crm.demo_user_*``, password = login); the
    customers carry a ``ref`` starting with ``LABDEMO-``, which also makes a
    second call (an upgrade) do nothing.
    """

    _name = "lab.demo"
    _description = "Laboratory CRM Demo Data"

    @api.model
    def _lab_demo_generate(self):
        self = self.sudo().with_context(**CONTEXT)  # noqa: PLW0642
        if self.env["res.partner"].search_count([("ref", "=like", "LABDEMO-%")]):
            return False
        start = time.monotonic()
        rng = random.Random(SEED)
        today = fields.Date.context_today(self)
        self._lab_demo_company()
        users = self._lab_demo_users()
        customers, profiles = self._lab_demo_customers(rng, users, today)
        _logger.info("lab_crm demo: customers %.1f s", time.monotonic() - start)
        samples = self._lab_demo_samples(rng, customers, profiles, today)
        _logger.info("lab_crm demo: samples %.1f s", time.monotonic() - start)
        invoices = self._lab_demo_invoices(rng, customers, profiles, samples, today)
        _logger.info("lab_crm demo: invoices %.1f s", time.monotonic() - start)
        self._lab_demo_complaints(rng, customers, samples, users, today)
        self._lab_demo_surveys(rng, customers, profiles, samples, users, today)
        self._lab_demo_service_requests(rng, customers, profiles, today)
        self._lab_demo_market(customers)
        self._lab_demo_portal_user(customers, profiles)
        # The demo's customers are regulars (monthly submissions, quarterly
        # invoices for most): sample days are the transactions that tell a
        # customer who stopped from one between two invoices.
        self.env.company.lab_segment_transactions = "samples"
        self.env["lab.segment.snapshot"]._recompute()
        self.env["lab.customer.risk"]._refit()
        self.env["lab.arrears.reminder"]._propose_reminders()
        self._lab_demo_assessments(today)
        _logger.info(
            "lab_crm demo: %s customers, %s samples, %s invoices in %.1f s",
            len(customers),
            len(samples),
            len(invoices),
            time.monotonic() - start,
        )
        return True

    # Steps

    def _lab_demo_company(self):
        """A Chinese laboratory when the company is in China: its name,
        address and logo (its currency and chart come with the country)."""
        company = self.env.company
        if company.country_id.code != "CN":
            return
        with file_open("lab_crm/static/description/icon.png", "rb") as logo:
            company.write(
                {
                    **LABORATORY,
                    "state_id": self.env.ref("base.state_cn_SH").id,
                    "logo": base64.b64encode(logo.read()),
                }
            )

    def _lab_demo_lang(self):
        """Simplified Chinese when it is loaded, else the default language."""
        return self.env["res.lang"]._get_data(code="zh_CN").code or False

    def _lab_demo_portal_user(self, customers, profiles):
        """A portal login for the contact of the customer with the most
        complaints (then the most samples), with a survey to answer."""
        Sample, Complaint = self.env["lab.sample"], self.env["lab.complaint"]
        complaints = dict(
            Complaint._read_group(
                [("partner_id", "in", customers.ids)], ["partner_id"], ["__count"]
            )
        )
        samples = dict(
            Sample._read_group(
                [("partner_id", "in", customers.ids)], ["partner_id"], ["__count"]
            )
        )
        index = max(
            range(len(customers)),
            key=lambda i: (
                complaints.get(customers[i], 0),
                samples.get(customers[i], 0),
                -i,
            ),
        )
        contact = profiles[index]["contact"]
        lang = self._lab_demo_lang()
        user = self.env["res.users"].create(
            {
                "name": contact.name,
                "login": PORTAL_LOGIN,
                "password": PORTAL_LOGIN,
                "partner_id": contact.id,
                "group_ids": [Command.set(self.env.ref("base.group_portal").ids)],
                **({"lang": lang} if lang else {}),
            }
        )
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": "lab_crm.demo_user_portal", "record": user, "noupdate": True}]
        )
        survey = self.env["lab.survey"].create(
            {
                "kind": "other",
                "partner_id": customers[index].id,
                "contact_id": contact.id,
                "channel": "email",
                "date": fields.Date.context_today(self),
                "interviewer_id": customers[index].service_manager_id.id,
            }
        )
        survey.action_send()
        return user

    def _lab_demo_users(self):
        users = self.env["res.users"]
        lang = self._lab_demo_lang()
        for suffix, name, login, group in USERS:
            user = self.env.ref(f"lab_crm.demo_user_{suffix}", raise_if_not_found=False)
            if not user:
                user = users.create(
                    {
                        "name": name,
                        "login": login,
                        "password": login,
                        "email": f"{login}@example.com",
                        "tz": "Asia/Shanghai",
                        **({"lang": lang} if lang else {}),
                        "group_ids": [
                            Command.link(self.env.ref("base.group_user").id),
                            Command.link(self.env.ref(group).id),
                        ],
                    }
                )
                self.env["ir.model.data"]._update_xmlids(
                    [
                        {
                            "xml_id": f"lab_crm.demo_user_{suffix}",
                            "record": user,
                            "noupdate": True,
                        }
                    ]
                )
            users |= user
        return users

    def _lab_demo_customers(self, rng, users, today):
        china = self.env.ref("base.cn")
        states = {
            state.code: state
            for state in self.env["res.country.state"].search(
                [("country_id", "=", china.id)]
            )
        }
        account_managers = users[:3]
        channels = [
            "referral",
            "supply_chain",
            "conference",
            "spot_check",
            "association",
            "exhibition",
            "online",
            "walk_in",
        ]
        vals_list, profiles = [], []
        for index, (name, category, ownership, scale, province, city) in enumerate(
            CUSTOMERS
        ):
            big = rng.paretovariate(1.2)
            if category == "public":
                rate = 1.0
            else:
                rate = min(10.0, 0.5 * big)
            # Payment behaviour: prompt, slow, or a defaulter (two forced ones).
            payer = rng.choices(["prompt", "slow", "bad"], [65, 25, 10])[0]
            if category == "government":
                payer = "prompt"
            if index in (5, 20):  # key accounts, invoiced monthly
                payer, rate = "defaulter", max(rate, 4.0)
            churner = index in CHURNERS  # stopped submitting CHURNED_MONTHS_AGO
            profiles.append(
                {
                    "rate": max(1.0, rate),
                    "payer": payer,
                    "term": 15 if index == 20 else rng.choice([15, 30, 30, 45, 60]),
                    "churner": churner,
                    "start": rng.randint(0, 1),
                    "unhappy": churner or rng.random() < 0.1,
                }
            )
            if index in NEW_CUSTOMERS:
                profiles[-1]["start"] = NEW_CUSTOMERS[index]
            vals = {
                "name": name,
                "ref": f"LABDEMO-{index + 1:03d}",
                "is_company": True,
                "country_id": china.id,
                "state_id": states.get(province, states.get("浙")).id
                if states
                else False,
                "city": city,
                "street": city
                + rng.choice(["工业园区", "经济开发区", "高新区", "中山路"])
                + f"{rng.randint(1, 399)}号",
                "phone": f"+86 {rng.randint(130, 189)} {rng.randint(1000, 9999)} "
                f"{rng.randint(1000, 9999)}",
                "customer_category": category,
                "ownership_type": ownership,
                "enterprise_scale": scale,
                "acquisition_channel": "spot_check"
                if category == "government"
                else rng.choice(channels),
                "importance_grade": "a"
                if rate > 5 or category == "government"
                else rng.choice(["b", "c", "c", "d"]),
                "lifecycle_stage": "at_risk" if churner else "active",
                "user_id": account_managers[index % 3].id,
                "service_manager_id": users[3].id if index % 2 else users[2].id,
                "technical_advisor_id": account_managers[(index + 1) % 3].id,
                "founding_date": date(rng.randint(1985, 2018), rng.randint(1, 12), 1)
                if category != "public"
                else False,
            }
            vals.update(self._lab_demo_fapiao(index, name, category, vals))
            if category in ("manufacturer", "intermediary"):
                vals["social_credit_code"] = self._lab_demo_credit_code(
                    rng, province, index
                )
                vals["legal_representative"] = self._lab_demo_person(rng)
            if category == "manufacturer":
                vals["main_products"] = "、".join(rng.sample(SAMPLE_NAMES, 3))
            vals_list.append(vals)
        Partner = self.env["res.partner"]
        customers = Partner.create(vals_list)
        for customer in customers:
            if customer.acquisition_channel == "referral":
                customer.referrer_id = (
                    customers[0] if customer != customers[0] else False
                )
                if not customer.referrer_id:
                    customer.acquisition_channel = "exhibition"
        contacts = Partner.create(
            [
                {
                    "name": self._lab_demo_person(rng),
                    "parent_id": customer.id,
                    "function": rng.choice(FUNCTIONS),
                    "email": f"contact{index + 1:03d}@customer.example.com",
                    "phone": customer.phone,
                }
                for index, customer in enumerate(customers)
            ]
        )
        for customer, contact, profile in zip(
            customers, contacts, profiles, strict=True
        ):
            profile["contact"] = contact
            if customer.customer_category == "manufacturer":
                customer.quality_executive_id = contact
        self._lab_demo_qualifications(rng, customers, today)
        return customers, profiles

    def _lab_demo_fapiao(self, index, name, category, vals):
        """Invoicing details: companies that deduct input tax want special VAT
        invoices; no randomness (the generator's sequence stays as it was)."""
        details = {
            "fapiao_title": name,
            "fapiao_type": "special"
            if category in ("manufacturer", "intermediary")
            else "general",
            "fapiao_email": f"fapiao{index + 1:03d}@customer.example.com",
        }
        if category != "public":
            details.update(
                {
                    "fapiao_address": vals["street"],
                    "fapiao_phone": vals["phone"],
                    "fapiao_bank_name": f"{BANKS[index % len(BANKS)]}"
                    f"{vals['city']}支行",
                    "fapiao_bank_account": f"{6222020000000000 + 7919 * index:019d}",
                }
            )
        return details

    def _lab_demo_qualifications(self, rng, customers, today):
        kinds = [
            ("certification", "CQC 产品认证", "中国质量认证中心"),
            ("production_licence", "工业产品生产许可证", "省市场监督管理局"),
            ("famous_brand", "浙江名牌产品", "浙江省名牌战略推进委员会"),
            ("government_award", "市政府质量奖", "市人民政府"),
            ("trademark", "注册商标", "国家知识产权局"),
        ]
        vals_list = []
        for index, customer in enumerate(
            customers.filtered(lambda c: c.customer_category == "manufacturer")
        ):
            for kind, title, issuer in rng.sample(kinds, rng.randint(1, 3)):
                issued = today - timedelta(days=rng.randint(200, 1500))
                if index % 6 == 0:  # some expire within the notice period
                    expiry = today + timedelta(days=rng.randint(5, 40))
                elif index % 11 == 3:
                    expiry = today - timedelta(days=rng.randint(5, 60))
                else:
                    expiry = issued + relativedelta(years=rng.choice([3, 5, 10]))
                vals_list.append(
                    {
                        "partner_id": customer.id,
                        "qualification_type": kind,
                        "name": title,
                        "number": f"Q{rng.randint(10**7, 10**8 - 1)}",
                        "issuer": issuer,
                        "issue_date": issued,
                        "expiry_date": max(expiry, issued + timedelta(days=30)),
                    }
                )
        self.env["lab.qualification"].create(vals_list)

    def _lab_demo_test_items(self):
        items = self.env["product.product"]
        for xmlid in (
            "lab_crm.product_test_tensile_demo",
            "lab_crm.product_test_colour_demo",
            "lab_crm.product_test_formaldehyde_demo",
        ):
            items |= self.env.ref(xmlid, raise_if_not_found=False) or items
        category = self.env.ref("lab_crm.product_category_lab_testing")
        # The company's accreditations of each kind (those of the demo files;
        # none on a database without them: the items then carry no mark).
        accreditations = self.env["lab.accreditation"].search(
            [("company_id", "=", self.env.company.id)]
        )
        items |= self.env["product.product"].create(
            [
                {
                    "name": name,
                    "type": "service",
                    "categ_id": category.id,
                    "is_lab_test_item": True,
                    "lab_standard": standard,
                    "lab_turnaround_days": days,
                    "list_price": price,
                    "lab_accreditation_ids": [
                        Command.set(
                            accreditations.filtered(
                                lambda acc, kinds=kinds: acc.kind in kinds
                            ).ids
                        )
                    ],
                }
                for name, standard, days, price, kinds in TEST_ITEMS
            ]
        )
        return items

    def _lab_demo_samples(self, rng, customers, profiles, today):
        items = list(self._lab_demo_test_items())
        now = fields.Datetime.now()
        first_month = today.replace(day=1) - relativedelta(months=MONTHS - 1)
        vals_list, plans = [], []
        for customer, profile in zip(customers, profiles, strict=True):
            last = MONTHS - (CHURNED_MONTHS_AGO if profile["churner"] else 0)
            for month_index in range(profile["start"], last):
                month = first_month + relativedelta(months=month_index)
                rate = profile["rate"]
                count = max(1, round(rng.gauss(rate, math.sqrt(rate))))
                for _n in range(count):
                    day = month + timedelta(days=rng.randint(0, 27))
                    received = datetime.combine(day, datetime.min.time()) + timedelta(
                        hours=rng.randint(0, 9), minutes=rng.randint(0, 59)
                    )
                    if received >= now:
                        received = now - timedelta(hours=rng.randint(1, 60))
                    chosen = rng.sample(items, rng.randint(1, 3))
                    age = (today - received.date()).days
                    turnaround = max(item.lab_turnaround_days for item in chosen)
                    late = rng.random() < 0.12
                    report_date = received.date() + timedelta(
                        days=turnaround + 2 + (rng.randint(3, 8) if late else 0)
                    )
                    state = "received"
                    if rng.random() < 0.01:
                        state = "cancelled"
                    elif report_date + timedelta(days=3) <= today:
                        state = "delivered"
                    elif report_date <= today:
                        state = "reported"
                    elif age >= 2:
                        state = "testing"
                    elif age >= 1:
                        state = "review"
                    vals = {
                        "partner_id": customer.id,
                        "contact_id": profile["contact"].id,
                        "sample_name": rng.choice(SAMPLE_NAMES),
                        "batch": f"{customer.ref[-3:]}-{received:%y%m}-{_n + 1:02d}",
                        "quantity": rng.randint(1, 4),
                        "received_datetime": received,
                        "line_ids": [
                            Command.create({"product_id": item.id}) for item in chosen
                        ],
                    }
                    if state in ("testing", "reported", "delivered"):
                        vals["review_user_id"] = customer.user_id.id
                        vals["review_datetime"] = received + timedelta(hours=2)
                    if state in ("reported", "delivered"):
                        vals["report_number"] = (
                            f"R{received:%y%m}-{len(vals_list) + 1:05d}"
                        )
                        vals["report_date"] = report_date
                    if state == "delivered":
                        vals["delivered_date"] = report_date + timedelta(
                            days=rng.randint(0, 3)
                        )
                    vals_list.append(vals)
                    plans.append(state)
        Sample = self.env["lab.sample"]
        # Oldest first, so that the references follow the received dates.
        order = sorted(
            range(len(vals_list)), key=lambda i: vals_list[i]["received_datetime"]
        )
        samples = Sample.create([vals_list[i] for i in order])
        plans = [plans[i] for i in order]

        def in_state(*states):
            return Sample.browse(
                sample.id
                for sample, plan in zip(samples, plans, strict=True)
                if plan in states
            )

        in_state("cancelled").write({"state": "cancelled"})
        in_state("review", "testing", "reported", "delivered").write(
            {"state": "review"}
        )
        in_state("testing", "reported", "delivered").write({"state": "testing"})
        in_state("reported", "delivered").write({"state": "reported"})
        in_state("delivered").write({"state": "delivered"})
        return samples

    def _lab_demo_invoices(self, rng, customers, profiles, samples, today):
        company = self.env.company
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if not journal or not bank:
            _logger.info("lab_crm demo: no chart of accounts, no invoice generated")
            return self.env["account.move"]
        services = self.env["product.product"].search(
            [
                (
                    "categ_id",
                    "child_of",
                    self.env.ref("lab_crm.product_category_lab_value_added").id,
                )
            ]
        )
        profile_of = dict(zip(customers, profiles, strict=True))
        groups = {}
        for sample in samples.filtered(lambda s: s.state == "delivered"):
            # Key accounts are invoiced monthly, the others quarterly.
            month = sample.delivered_date.replace(day=1)
            if profile_of[sample.partner_id]["rate"] < 3:
                month = month.replace(month=(month.month - 1) // 3 * 3 + 1)
            key = (sample.partner_id, month)
            groups.setdefault(key, self.env["lab.sample.line"])
            groups[key] |= sample.line_ids
        vals_list, meta = [], []
        for (customer, month), lines in sorted(
            groups.items(), key=lambda item: (item[0][1], item[0][0].id)
        ):
            profile = profile_of[customer]
            period = 1 if profile["rate"] >= 3 else 3
            invoice_date = min(month + relativedelta(months=period, days=-1), today)
            quantities = {}
            for line in lines:
                quantities[line.product_id] = quantities.get(line.product_id, 0) + 1
            invoice_lines = [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": quantity,
                        "price_unit": product.list_price,
                    }
                )
                for product, quantity in quantities.items()
            ]
            if services and profile["rate"] > 2 and rng.random() < 0.12:
                service = rng.choice(services)
                invoice_lines.append(
                    Command.create(
                        {
                            "product_id": service.id,
                            "quantity": 1,
                            "price_unit": service.list_price,
                        }
                    )
                )
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "journal_id": journal.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_date_due": invoice_date + timedelta(days=profile["term"]),
                    "invoice_user_id": customer.user_id.id,
                    "invoice_line_ids": invoice_lines,
                }
            )
            meta.append(profile)
        invoices = self.env["account.move"].create(vals_list)
        invoices.action_post()
        self._lab_demo_payments(rng, invoices, meta, bank, today)
        return invoices

    def _lab_demo_payments(self, rng, invoices, meta, bank, today):
        """Customer payments (account.payment) reconciled with the invoices: on
        time, late, partial, or missing; a few invoices are cancelled by a credit
        note. A customer's invoices paid in full on the same day make one
        payment. Community Odoo leaves them "in process" until matched with a
        bank statement line; the invoices are paid."""
        refunds = []
        batches = {}  # (payment day, customer) -> [(invoice, amount)]
        for index, (invoice, profile) in enumerate(zip(invoices, meta, strict=True)):
            due = invoice.invoice_date_due
            payer = profile["payer"]
            age = (today - invoice.invoice_date).days
            if payer == "defaulter" and age < 210:
                continue
            if payer == "prompt":
                delay = rng.randint(-20, 3)
            elif payer == "slow":
                delay = rng.randint(0, 45)
            else:
                delay = rng.randint(20, 150)
                if rng.random() < 0.15:
                    continue  # never paid
            if index % 150 == 75 and age > 60:
                refunds.append(invoice)
                continue
            paid = max(due + timedelta(days=delay), invoice.invoice_date)
            # Transfers are collected weekly, on Fridays.
            paid += timedelta(days=(4 - paid.weekday()) % 7)
            if paid > today:
                continue
            amount = invoice.amount_total
            if rng.random() < 0.05:
                amount = invoice.currency_id.round(amount * 0.5)  # partial payment
            key = (paid, invoice.commercial_partner_id.id)
            batches.setdefault(key, []).append((invoice, amount))
        # What Register Payment does, for all the payments at once: one payment
        # per batch (or per partial payment), posted, and its receivable line
        # reconciled with its invoices'.
        groups = []
        for (paid, customer), batch in sorted(batches.items()):
            full = [
                invoice for invoice, amount in batch if amount == invoice.amount_total
            ]
            if full:
                groups.append((paid, customer, full, sum(i.amount_total for i in full)))
            groups += [
                (paid, customer, [invoice], amount)
                for invoice, amount in batch
                if amount != invoice.amount_total
            ]
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": customer,
                    "amount": amount,
                    "date": paid,
                    "journal_id": bank.id,
                    "memo": " ".join(invoice.name for invoice in group),
                }
                for paid, customer, group, amount in groups
            ]
        )
        payments.action_post()
        plan = []
        for payment, (_paid, _customer, group, _amount) in zip(
            payments, groups, strict=True
        ):
            lines = (
                payment.move_id.line_ids
                | self.env["account.move"].concat(*group).line_ids
            )
            plan.append(
                lines.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
            )
        self.env["account.move.line"]._reconcile_plan(plan)
        for invoice in refunds:
            invoice._reverse_moves(
                [
                    {
                        "invoice_date": invoice.invoice_date + timedelta(days=20),
                        "date": invoice.invoice_date + timedelta(days=20),
                        "ref": f"Reversal of {invoice.name}: disputed report",
                    }
                ],
                cancel=True,
            )

    def _lab_demo_complaints(self, rng, customers, samples, users, today):
        delivered = samples.filtered(lambda s: s.state == "delivered")
        vals_list = []
        for index in range(45):
            sample = rng.choice(delivered)
            received = min(
                sample.delivered_date + timedelta(days=rng.randint(1, 20)), today
            )
            age = (today - received).days
            category = COMPLAINT_CATEGORIES[index % len(COMPLAINT_CATEGORIES)]
            severity = rng.choice(["minor", "minor", "major", "critical"])
            vals = {
                "partner_id": sample.partner_id.id,
                "contact_id": sample.contact_id.id,
                "sample_id": sample.id,
                "summary": f"{sample.sample_name}: "
                + dict(
                    self.env["lab.complaint"]
                    ._fields["category"]
                    ._description_selection(self.env)
                )[category],
                "channel": rng.choice(["phone", "email", "visit", "letter", "wechat"]),
                "category": category,
                "severity": severity,
                "received_date": received,
                "user_id": rng.choice(users).id,
                "is_churn_threat": severity == "critical" and rng.random() < 0.5,
            }
            if age > 30:
                closed = received + timedelta(days=rng.randint(2, 20))
                vals.update(
                    {
                        "state": "closed",
                        "root_cause": "Cause found in the investigation: the "
                        "procedure step was not checked by a second person.",
                        "corrective_action": "Report corrected and reissued.",
                        "preventive_action": "Second-person check added to the "
                        "procedure; staff trained.",
                        "result_date": closed,
                        "result_method": rng.choice(["phone", "visit", "email"]),
                        "result_text": "Cause and actions explained to the customer.",
                        "customer_acceptance": rng.choice(
                            ["accepted", "accepted", "accepted", "not_accepted"]
                        ),
                        "close_date": closed,
                        "is_typical_case": rng.random() < 0.1,
                    }
                )
                if severity == "critical":
                    vals.update(
                        {
                            "effectiveness_date": closed,
                            "effectiveness_user_id": users[3].id,
                            "effectiveness_result": "No recurrence in the next "
                            "batches.",
                        }
                    )
            else:
                vals["state"] = rng.choice(["new", "investigating", "action"])
                if vals["state"] == "action":
                    vals["root_cause"] = (
                        "Under analysis: the instrument log shows a calibration drift."
                    )
            vals_list.append(vals)
        # Two overdue: still under investigation well after their deadline.
        for customer in customers[:2]:
            vals_list.append(
                {
                    "partner_id": customer.id,
                    "summary": "Report not received after repeated calls",
                    "channel": "phone",
                    "category": "delay",
                    "severity": "major",
                    "received_date": today - timedelta(days=40),
                    "state": "investigating",
                }
            )
        self.env["lab.complaint"].create(vals_list)

    def _lab_demo_surveys(self, rng, customers, profiles, samples, users, today):
        Campaign = self.env["lab.survey.campaign"]
        campaigns = Campaign.create(
            [
                {
                    "name": f"Satisfaction survey {today.year - 1 - back}",
                    "date_start": today - relativedelta(months=months),
                    "date_end": today - relativedelta(months=months - 1),
                }
                for back, months in ((0, 8), (1, 20))
            ]
        )
        vals_list = []

        def scores(unhappy):
            low, high = (1, 3) if unhappy else (3, 5)
            return {fname: rng.randint(low, high) for fname, _label in DIMENSIONS}

        first_month = today.replace(day=1) - relativedelta(months=MONTHS - 1)
        for campaign in campaigns:
            for customer, profile in zip(customers, profiles, strict=True):
                won = first_month + relativedelta(months=profile["start"])
                if won > campaign.date_start or rng.random() < 0.15:
                    continue
                day = campaign.date_start + timedelta(days=rng.randint(0, 25))
                vals_list.append(
                    {
                        "campaign_id": campaign.id,
                        "kind": "campaign",
                        "partner_id": customer.id,
                        "contact_id": profile["contact"].id,
                        "channel": rng.choice(["email", "phone", "visit", "wechat"]),
                        "date": day,
                        "interviewer_id": customer.service_manager_id.id,
                        "state": "answered",
                        "answered_datetime": datetime.combine(
                            day + timedelta(days=2), datetime.min.time()
                        ),
                        "nps": str(
                            rng.randint(0, 6)
                            if profile["unhappy"]
                            else 7 + rng.randint(0, 3)
                        ),
                        "is_confirmed": True,
                        **scores(profile["unhappy"]),
                    }
                )
        profile_of = dict(zip(customers, profiles, strict=True))
        delivered = samples.filtered(
            lambda s: (
                s.state == "delivered"
                and s.delivered_date > today - timedelta(days=300)
            )
        )
        for sample in rng.sample(delivered, min(90, len(delivered))):
            day = min(sample.delivered_date + timedelta(days=7), today)
            unhappy = profile_of[sample.partner_id]["unhappy"]
            answered = day < today - timedelta(days=3)
            vals = {
                "kind": "follow_up",
                "sample_id": sample.id,
                "partner_id": sample.partner_id.id,
                "contact_id": sample.contact_id.id,
                "channel": rng.choice(["phone", "visit"]),
                "date": day,
                "interviewer_id": rng.choice(users).id,
            }
            if answered:
                vals.update(
                    {
                        "state": "answered",
                        "answered_datetime": datetime.combine(day, datetime.min.time()),
                        "is_confirmed": True,
                        **scores(unhappy),
                    }
                )
            vals_list.append(vals)
        self.env["lab.survey"].create(vals_list)

    def _lab_demo_service_requests(self, rng, customers, profiles, today):
        """40 service requests of the last six months: the older ones closed
        (some answered late), the recent ones still open."""
        types = [
            self.env.ref(f"lab_crm.lab_service_request_type_{kind}")
            for kind in (
                "standard",
                "quotation",
                "technical",
                "retest",
                "training",
                "consulting",
                "accreditation",
            )
        ]
        active = [
            (customer, profile)
            for customer, profile in zip(customers, profiles, strict=True)
            if not profile["churner"]
        ]
        now = fields.Datetime.now()
        vals_list, times = [], []
        for n in range(SERVICE_REQUESTS):
            customer, profile = rng.choice(active)
            kind = rng.randrange(len(types))
            # 28 closed, 8 being worked on, 4 of the last days still new.
            age = rng.randint(11, 180) if n < 28 else rng.randint(3, 10)
            if n >= 36:
                age = rng.randint(0, 2)
            requested = datetime.combine(
                today - timedelta(days=age), datetime.min.time()
            ) + timedelta(hours=rng.randint(1, 9))
            requested = min(requested, now - timedelta(hours=1))
            vals = {
                "partner_id": customer.id,
                "contact_id": profile["contact"].id,
                "type_id": types[kind].id,
                "channel": rng.choice(["phone", "email", "wechat", "visit"]),
                "summary": SERVICE_QUESTIONS[kind],
                "requested_datetime": requested,
            }
            responded = requested + timedelta(hours=rng.randint(1, 30))
            answered = responded + timedelta(days=rng.randint(0, 8))
            if age > 10:
                vals.update(state="closed", answer="<p>Answered by the lab.</p>")
                times.append(
                    {
                        "response_datetime": responded,
                        "answered_datetime": answered,
                        "closed_datetime": answered + timedelta(days=2),
                    }
                )
            elif age > 2:
                state = rng.choice(["in_progress", "answered"])
                vals["state"] = state
                times.append(
                    {"response_datetime": min(responded, now)}
                    | (
                        {"answered_datetime": min(answered, now)}
                        if state == "answered"
                        else {}
                    )
                )
            else:
                times.append({})
            vals_list.append(vals)
        requests = self.env["lab.service.request"].create(vals_list)
        for request, values in zip(requests, times, strict=True):
            if values:  # the times of the story, not of the generation
                request.write(values)

    def _lab_demo_market(self, customers):
        """Competitors, two churned customers lost to them, target groups."""
        competitors = self.env["lab.competitor"].create(
            [
                {"name": name, "price_level": level, "strengths": strengths}
                for name, level, strengths in COMPETITORS
            ]
        )
        for index, competitor in LOST_TO.items():
            customers[index].write(
                {
                    "lifecycle_stage": "lost",
                    "lifecycle_lost_reason": "competitor",
                    "lost_to_competitor_id": competitors[competitor].id,
                }
            )
        self.env["lab.target.group"].create(
            [
                {"name": name, "customer_domain": domain, "description": description}
                for name, domain, description in TARGET_GROUPS
            ]
        )

    def _lab_demo_assessments(self, today):
        """Capability assessments of last year (done) and this year (in review,
        its improvement actions planned), measured from the generated records,
        against a regional benchmark. The criteria not measured are scored by
        hand; last year has no segmentation run, so its churn figures stay
        empty (scored by hand, with the reason)."""
        manager = self.env.ref("lab_crm.demo_user_chen")  # the Lab CRM manager
        elements = self.env["lab.assessment.element"].search([("active", "=", True)])
        benchmark = self.env["lab.assessment.benchmark"].create(
            {
                "name": "Provincial inspection institutes",
                "kind": "regional",
                "source": "Provincial association of inspection institutes",
                "line_ids": [
                    Command.create({"element_id": element.id, "score": score})
                    for element, score in zip(
                        elements, (3.5, 3.0, 3.0, 3.0, 3.5, 3.5, 3.0), strict=False
                    )
                ],
            }
        )
        assessments = self.env["lab.assessment"]
        for years_back, manual in ((1, "2"), (0, "3")):
            start = today.replace(month=1, day=1) - relativedelta(years=years_back)
            assessment = assessments.create(
                {
                    "name": self.env._("Customer management %(year)s", year=start.year),
                    "date_from": start,
                    "date_to": start.replace(month=12, day=31),
                    "user_id": manager.id,
                    "benchmark_id": benchmark.id,
                }
            )
            assessment.action_measure()
            lines = assessment.line_ids
            lines.filtered(lambda line: not line.measure).manual_score = manual
            lines.filtered(lambda line: line.measure and not line.measured_score).write(
                {
                    "manual_score": manual,
                    "override_reason": "No segmentation run in the period: "
                    "scored from the churn watch list of the monthly meetings.",
                }
            )
            assessment.action_submit()
            assessments |= assessment
        assessments[0].action_done()
        assessments[1].action_deadline = today + relativedelta(days=90)
        assessments[1].action_plan_improvements()

    # Helpers

    @api.model
    def _lab_demo_person(self, rng):
        return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))

    @api.model
    def _lab_demo_credit_code(self, rng, province, index):
        """A unified social credit code valid per GB 32100: registration authority
        9 (industry and commerce), type 1 (company), a division code, an
        organisation code and the check digit of python-stdnum."""
        from stdnum.cn import uscc  # noqa: PLC0415

        division = {
            "浙": "330",
            "苏": "320",
            "沪": "310",
            "粤": "440",
            "闽": "350",
            "鲁": "370",
            "京": "110",
        }.get(province, "330")
        body = (
            f"91{division}{rng.randint(100, 999)}"
            f"MA{rng.randint(10000, 99999)}{index:02d}"
        )
        return body + uscc.calc_check_digit(body)
