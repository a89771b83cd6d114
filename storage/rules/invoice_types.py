"""Invoice types: the verification (查验) type codes, the disk's codes, and inference from 发票代码."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class InvoiceType:
    code: str  # verification type code, e.g. "01"
    name_zh: str
    name_en: str
    special: bool  # 专票: 查验 asks for 不含税金额, there is no 校验码
    digital: bool = False  # 数电: 20-digit number, no 发票代码


TYPES: dict[str, InvoiceType] = {
    t.code: t
    for t in (
        InvoiceType("01", "增值税专用发票", "VAT special invoice", True),
        InvoiceType("02", "货物运输业增值税专用发票", "freight VAT special invoice", True),
        InvoiceType("03", "机动车销售统一发票", "motor vehicle sales invoice", True),
        InvoiceType("04", "增值税普通发票", "VAT ordinary invoice", False),
        InvoiceType("08", "增值税电子专用发票", "VAT e-special invoice", True),
        InvoiceType("10", "增值税电子普通发票", "VAT e-ordinary invoice", False),
        InvoiceType("11", "增值税普通发票（卷票）", "VAT ordinary invoice (roll)", False),
        InvoiceType("14", "增值税电子普通发票（通行费）", "toll e-invoice", False),
        InvoiceType("15", "二手车销售统一发票", "used-car sales invoice", True),
        InvoiceType("31", "电子发票（增值税专用发票）", "digital invoice (special)", True, True),
        InvoiceType("32", "电子发票（普通发票）", "digital invoice (ordinary)", False, True),
        InvoiceType("51", "电子发票（铁路电子客票）", "digital railway e-ticket", False, True),
        InvoiceType(
            "61",
            "电子发票（航空运输电子客票行程单）",
            "digital air e-ticket itinerary",
            False,
            True,
        ),
    )
}

# What the bureau calls a 数电 invoice has changed over the years (全电 → 数电 → 电子发票);
# its exports use each prefix with the kind in brackets, and 数电纸质 for the paper ones.
_DIGITAL_PREFIXES = ("电子发票", "数电发票", "数电票", "全电发票", "全电票", "全面数字化的电子发票")
_DIGITAL_KINDS = {
    "增值税专用发票": "31", "专用发票": "31", "普通发票": "32", "增值税普通发票": "32",
    "铁路电子客票": "51", "航空运输电子客票行程单": "61",
    "机动车销售统一发票": "03", "二手车销售统一发票": "15",
}  # fmt: skip
_PAPER_PREFIXES = ("数电纸质发票", "纸质发票")
_PAPER_KINDS = {
    "增值税专用发票": "01", "普通发票": "04", "增值税普通发票": "04",
    "机动车销售统一发票": "03", "二手车销售统一发票": "15",
}  # fmt: skip

#: Every type name the 电子税务局 and 查验 exports use (and the clerks' short names) → the
#: verification type code. Looked up folded (``fold_type_name``): （）and () are one.
TYPE_NAMES: dict[str, str] = {
    **{t.name_zh: t.code for t in TYPES.values()},
    **{f"{prefix}（{kind}）": code for prefix in _DIGITAL_PREFIXES
       for kind, code in _DIGITAL_KINDS.items()},
    **{f"{prefix}（{kind}）": code for prefix in _PAPER_PREFIXES
       for kind, code in _PAPER_KINDS.items()},
    "数电专票": "31", "数电普票": "32", "全电专票": "31", "全电普票": "32",
    "增值税专用发票（电子）": "08", "增值税普通发票（电子）": "10",
    "增值税普通发票（折叠票）": "04", "增值税普通发票（卷式）": "11",
    "增值税电子普通发票（卷票）": "11",
    "通行费电子发票": "14", "通行费发票": "14", "收费公路通行费增值税电子普通发票": "14",
    "增值税电子普通发票（通行费）": "14", "电子发票（通行费）": "14",
    "机动车销售统一发票（电子）": "03", "二手车销售统一发票（电子）": "15",
    "专票": "01", "普票": "04",
}  # fmt: skip


def fold_type_name(text: str) -> str:
    """A type name as looked up: full-width brackets and letters folded (NFKC), no blanks."""
    return "".join(unicodedata.normalize("NFKC", text).split())


_FOLDED_NAMES: dict[str, str] = {
    **{fold_type_name(name): code for name, code in TYPE_NAMES.items()},
    **{code: code for code in TYPES},
}


def type_from_name(text: str) -> str | None:
    """The verification type code for a type name or code as the exports write it, or None."""
    return _FOLDED_NAMES.get(fold_type_name(text))


#: The disk's three-digit type codes (PROTOCOL.md) → verification type codes.
DISK_TYPES: dict[str, str] = {
    "004": "01",
    "007": "04",
    "025": "11",
    "026": "10",
    "028": "08",
    "005": "03",
    "006": "15",
}


def type_name(code: str, language: str = "zh") -> str:
    t = TYPES.get(code)
    if t is None:
        return code or ("未知" if language == "zh" else "unknown")
    return t.name_zh if language == "zh" else t.name_en


def infer_type_from_code(code: str) -> str | None:
    """The verification type a classic 发票代码 implies (SPEC "Invoices"), or None."""
    if len(code) == 10 and code.isdigit():
        return {"1": "01", "5": "01", "3": "04", "6": "04", "2": "02", "7": "02"}.get(code[7])
    if len(code) == 12 and code.isdigit() and code[0] == "0":
        return {
            "11": "10",
            "04": "04",
            "05": "04",
            "06": "11",
            "07": "11",
            "12": "14",
            "13": "08",
            "17": "15",
        }.get(code[-2:])
    return None


def code_year(code: str) -> int | None:
    """The two-digit year a classic code carries (10-digit: digits 5–6; 12-digit: 6–7)."""
    if len(code) == 10 and code.isdigit():
        return 2000 + int(code[4:6])
    if len(code) == 12 and code.isdigit():
        return 2000 + int(code[5:7])
    return None


def is_digital_number(number: str) -> bool:
    """A 数电 number: 20 digits (YY + 2 province + 1 channel + 15 serial)."""
    return len(number) == 20 and number.isdigit()
