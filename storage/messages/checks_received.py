"""Texts of the field rules that received e-invoices broke (issue 13): tax written ``***``,
差额征税, buyers who are persons, the 电专 check code, the year in a 数电 number."""

MESSAGES: dict[str, tuple[str, str]] = {
    "checks.money.no_tax": (
        "税额写作“{written}”：无税额，按 0 计",
        "tax written “{written}”: none, counted as 0",
    ),
    "checks.money.difference_tax": (
        "差额征税：税额按扣除后的差额计算，不核对金额 × 税率",
        "差额征税 (tax on the difference): amount × rate does not apply",
    ),
    "checks.check_code.not_needed": (
        "电子专票印有校验码；查验不需要",
        "e-special invoices print a check code; 查验 does not ask for it",
    ),
    "checks.tax_id.person": (
        "购买方为个人，无纳税人识别号",
        "the buyer is a person: no tax id",
    ),
    "checks.tax_id.person_id": (
        "购买方为个人，此为身份证号码",
        "the buyer is a person: this is an ID card number",
    ),
    "checks.number.year_mismatch": (
        "数电发票号码前两位 {yy} 应为开票年份，但开票日期在 {year} 年：请核对号码和日期",
        "a 数电 number starts with its issue year, but {yy} is not {year}: check number and date",
    ),
}
