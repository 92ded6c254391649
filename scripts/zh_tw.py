"""(Re)writes lab_crm/i18n/zh_TW.po from lab_crm.pot and zh_CN.po.

Traditional Chinese (Taiwan) is not translated by hand: every msgstr is the
zh_CN msgstr converted by OpenCC's ``s2twp`` (Simplified to Traditional, with
Taiwan phrases), corrected by GLOSSARY below where s2twp picks the wrong word
for a laboratory or an Odoo interface. scripts/pot.sh runs this after merging
the .pot into zh_CN.po, so the two files hold the same entries.

Only text is converted: printf placeholders (%s, %(name)s), format fields
({x}, {{ expr }}), HTML/XML tags with their attributes and entities are kept as
they are, and the script stops with an error if any of them changed.

Usage: python scripts/zh_tw.py [I18N_FOLDER]   (default: lab_crm/i18n)
Needs polib and opencc-python-reimplemented (requirements-dev.txt).
"""

import re
import sys
from pathlib import Path

import polib

try:
    import opencc
except ImportError:  # a development dependency only, the addon never imports it
    sys.exit(
        "zh_tw.py: OpenCC is missing; install requirements-dev.txt "
        "(pip install opencc-python-reimplemented==0.1.7)."
    )

WRAPWIDTH = 78  # as polib writes zh_CN.po in scripts/pot.sh

# Simplified source word -> Traditional (Taiwan) word, for the words that s2twp
# converts wrongly here. A key is replaced wherever it occurs in a msgstr (the
# longest key first) and the text around it is converted by s2twp, so a key
# also cuts a wrong s2twp phrase that spans it (退回调查: s2twp reads 回调 as
# 回撥). Add an entry when a converted term reads wrong, then run this script.
GLOSSARY = {
    "代码": "代碼",  # code (credit code), s2twp: 程式碼 (program source code)
    "类型": "類型",  # type, s2twp: 型別 (a programming type)
    "操作数": "操作數",  # number of actions, s2twp: 運算元 (operand)
    "参数": "參數",  # model parameters, s2twp: 引數 (function argument)
    "对象": "對象",  # whom a request goes to, s2twp: 物件 (programming object)
    "进程": "進程",  # progress of a project, s2twp: 程序
    "审核": "審核",  # review, s2twp: 稽核 (audit)
    "评审通过": "評審通過",  # review passed, s2twp: 透過 (by means of)
    "调查": "調查",  # investigation, s2twp: 退回调查 -> 退回撥查
    "注销": "註銷",  # company deregistered, s2twp: 登出 (log out)
    "天后": "天後",  # "... days after", s2twp: 天后 (the goddess)
    "转制": "轉制",  # change of ownership, s2twp: 轉製為 (manufacture)
    "帕累托": "帕雷托",  # Pareto, s2twp: 帕累託
    "检测项目": "檢測項目",  # test item, s2twp: 檢測專案 (project)
    "质保期": "保固期",  # warranty period
    "质量": "品質",  # quality (质量 is mass in Taiwan)
    "账": "帳",  # account, statement, posting: 帳戶, 對帳單, 過帳
    "伙伴": "夥伴",  # partner
    "合同": "合約",  # contract
    "渠道": "管道",  # channel
    "跟踪": "追蹤",  # track
    "响应": "回應",  # response (time)
    "网上": "線上",  # online
    "门户": "入口網站",  # portal, as Odoo's Taiwan interface says
    "访问": "存取",  # access (portal, token), not a visit
    "令牌": "權杖",  # token
    "向导": "精靈",  # wizard, as Odoo's Taiwan interface says
    "高级": "進階",  # advanced
    "“": "「",  # Taiwan quotation marks
    "”": "」",
    "‘": "『",
    "’": "』",
}

# What must come out as it went in: placeholders, format fields, tags, entities.
PROTECTED = re.compile(
    r"%%"
    r"|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|\{\{.*?\}\}"
    r"|\{[\w.\[\]]*\}"
    r"|<[^<>]+>"
    r"|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);",
    re.DOTALL,
)
GLOSSARY_RE = re.compile(
    "|".join(re.escape(key) for key in sorted(GLOSSARY, key=len, reverse=True))
)
CONVERTER = opencc.OpenCC("s2twp")


def convert_text(text):
    """Converts plain text (no markup), glossary words first, the rest by s2twp."""
    parts, start = [], 0
    for match in GLOSSARY_RE.finditer(text):
        parts.append(CONVERTER.convert(text[start : match.start()]))
        parts.append(GLOSSARY[match.group()])
        start = match.end()
    parts.append(CONVERTER.convert(text[start:]))
    return "".join(parts)


def convert(msgstr):
    """Converts a zh_CN msgstr to zh_TW, leaving PROTECTED tokens untouched."""
    parts, start = [], 0
    for match in PROTECTED.finditer(msgstr):
        parts.append(convert_text(msgstr[start : match.start()]))
        parts.append(match.group())
        start = match.end()
    parts.append(convert_text(msgstr[start:]))
    converted = "".join(parts)
    if PROTECTED.findall(converted) != PROTECTED.findall(msgstr):
        raise ValueError(
            "placeholders or markup changed:\n"
            f"  zh_CN: {msgstr!r}\n  zh_TW: {converted!r}"
        )
    return converted


def main(folder):
    folder = Path(folder)
    pot = polib.pofile(str(folder / "lab_crm.pot"), wrapwidth=WRAPWIDTH)
    zh_cn = polib.pofile(str(folder / "zh_CN.po"), wrapwidth=WRAPWIDTH)
    sources = {
        (entry.msgctxt, entry.msgid): entry for entry in zh_cn if not entry.obsolete
    }

    zh_tw = polib.POFile(wrapwidth=WRAPWIDTH)
    zh_tw.header = zh_cn.header or pot.header
    zh_tw.metadata = dict(zh_cn.metadata or pot.metadata)
    zh_tw.metadata["Language"] = "zh_TW"
    errors = []
    for template in pot:
        source = sources.get((template.msgctxt, template.msgid))
        entry = polib.POEntry(
            msgctxt=template.msgctxt,
            msgid=template.msgid,
            msgstr="",
            occurrences=list(template.occurrences),
            comment=template.comment,
            tcomment=template.tcomment,
            flags=[flag for flag in template.flags if flag != "fuzzy"],
        )
        if source and source.msgstr:
            try:
                entry.msgstr = convert(source.msgstr)
            except ValueError as error:
                errors.append(f"{template.msgid!r}: {error}")
            if source.fuzzy:
                entry.flags.append("fuzzy")
        zh_tw.append(entry)
    if errors:
        sys.exit("zh_tw.py: zh_TW.po not written:\n" + "\n".join(errors))
    zh_tw.save(str(folder / "zh_TW.po"))
    todo = len(zh_tw.untranslated_entries()) + len(zh_tw.fuzzy_entries())
    print(f"zh_TW: {todo} entries to translate (in zh_CN.po, then run this again)")


if __name__ == "__main__":
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else Path(__file__).parent.parent / "lab_crm/i18n"
    )
