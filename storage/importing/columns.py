"""Column headers: the app's own export and the 电子税务局 invoice-query export.

Both name invoice fields in Chinese; the importer maps every header it knows to a field
(unknown columns are ignored), and the exporter writes ``EXPORT_COLUMNS``. Line columns make a
file "one row per line": rows sharing an invoice's identity are that invoice's lines.
"""

from __future__ import annotations

import unicodedata

# field → headers that mean it (after ``normalize_header``).
ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("发票代码",),
    "number": ("发票号码",),
    "digital_number": ("数电票号码", "数电发票号码", "全电发票号码", "全电票号码"),
    "seller_tax_id": ("销方识别号", "销售方识别号", "销方纳税人识别号", "销售方纳税人识别号",
                      "销方统一社会信用代码/纳税人识别号"),
    "seller_name": ("销方名称", "销售方名称"),
    "buyer_tax_id": ("购方识别号", "购买方识别号", "购方纳税人识别号", "购买方纳税人识别号",
                     "购方统一社会信用代码/纳税人识别号"),
    "buyer_name": ("购买方名称", "购方名称"),
    "date": ("开票日期", "开票时间"),
    "amount": ("金额", "不含税金额", "合计金额"),
    "tax": ("税额", "合计税额"),
    "total": ("价税合计", "价税合计金额", "含税金额"),
    "rate": ("税率", "税率/征收率"),
    "type": ("发票票种", "票种", "发票类型"),
    "status": ("发票状态",),
    "remark": ("备注",),
    "check_code": ("校验码",),
    "red_of": ("红冲原发票号码", "蓝字发票号码", "对应蓝字发票号码"),
    "direction": ("方向", "进销项"),
    "item": ("项目名称", "货物或应税劳务名称", "货物或应税劳务、服务名称", "商品名称"),
    "spec": ("规格型号",),
    "unit": ("单位",),
    "quantity": ("数量",),
    "unit_price": ("单价",),
    "line_amount": ("明细金额",),
    "line_rate": ("明细税率",),
    "line_tax": ("明细税额",),
}  # fmt: skip

# The app's own export, in this order (one row per line; invoice columns repeat).
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "发票代码"),
    ("number", "发票号码"),
    ("date", "开票日期"),
    ("type", "发票票种"),
    ("status", "发票状态"),
    ("direction", "方向"),
    ("check_code", "校验码"),
    ("buyer_name", "购买方名称"),
    ("buyer_tax_id", "购方识别号"),
    ("seller_name", "销方名称"),
    ("seller_tax_id", "销方识别号"),
    ("amount", "金额"),
    ("tax", "税额"),
    ("total", "价税合计"),
    ("rate", "税率"),
    ("red_of", "红冲原发票号码"),
    ("remark", "备注"),
    ("branch", "分支机构"),  # shown for the reader; an import files rows under the importer's
    ("item", "项目名称"),
    ("spec", "规格型号"),
    ("unit", "单位"),
    ("quantity", "数量"),
    ("unit_price", "单价"),
    ("line_amount", "明细金额"),
    ("line_rate", "明细税率"),
    ("line_tax", "明细税额"),
)

LINE_FIELDS = ("item", "spec", "unit", "quantity", "unit_price", "line_amount", "line_rate",
               "line_tax")  # fmt: skip
REQUIRED = ("date", "amount", "tax")

_BY_HEADER: dict[str, str] = {
    header: name for name, headers in ALIASES.items() for header in (*headers, name)
}


def normalize_header(text: object) -> str:
    """Full-width forms folded, spaces, stars and line breaks dropped: ``发票号码*`` = ``发票号码``."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "*").lower()


def map_header(cells: list[object]) -> dict[str, int]:
    """Field → column index for a header row (the first column naming a field wins)."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _BY_HEADER.get(normalize_header(cell))
        if name is not None and name not in mapping:
            mapping[name] = index
    return mapping


def missing_required(mapping: dict[str, int]) -> list[str]:
    """The required columns a header lacks, by their Chinese names."""
    missing = [ALIASES[name][0] for name in REQUIRED if name not in mapping]
    if "number" not in mapping and "digital_number" not in mapping:
        missing.insert(0, "发票号码")
    return missing
