"""Texts of the field checks (信息核对)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "checks.field.type": ("发票类型", "invoice type"),
    "checks.field.code": ("发票代码", "invoice code"),
    "checks.field.number": ("发票号码", "invoice number"),
    "checks.field.date": ("开票日期", "issue date"),
    "checks.field.check_code": ("校验码", "check code"),
    "checks.field.amount": ("金额（不含税）", "amount (ex tax)"),
    "checks.field.tax": ("税额", "tax"),
    "checks.field.total": ("价税合计", "total"),
    "checks.field.rate": ("税率", "tax rate"),
    "checks.field.buyer_name": ("购买方名称", "buyer name"),
    "checks.field.buyer_tax_id": ("购买方税号", "buyer tax id"),
    "checks.field.seller_name": ("销售方名称", "seller name"),
    "checks.field.seller_tax_id": ("销售方税号", "seller tax id"),
    "checks.verdict.ok": ("✓ 通过", "✓ ok"),
    "checks.verdict.warning": ("! 注意", "! warning"),
    "checks.verdict.error": ("✗ 错误", "✗ error"),
    "checks.verdict.empty": ("·", "·"),  # an empty field that needs nothing, as on screen
    "checks.empty": ("未填写", "not filled in"),
    "checks.ok": ("格式正确", "looks right"),
    "checks.code.digits": (
        "发票代码应为 10 位或 12 位数字，当前 {n} 位",
        "the code must be 10 or 12 digits, it has {n}",
    ),
    "checks.code.unknown_type": (
        "无法从发票代码识别票种，请核对代码",
        "the code names no known invoice type: check it",
    ),
    "checks.code.type": ("票种：{name}", "type: {name}"),
    "checks.code.year": (
        "发票代码中的年份 {year} 不合理",
        "the year {year} in the code is implausible",
    ),
    "checks.code.digital_has_none": (
        "数电票（20 位号码）没有发票代码，请留空",
        "a digital invoice (20-digit number) has no code: leave it empty",
    ),
    "checks.code.required": (
        "8 位号码的发票须填写发票代码",
        "an invoice with an 8-digit number needs its code",
    ),
    "checks.number.digits": (
        "发票号码应为 8 位或 20 位数字，当前 {n} 位",
        "the number must be 8 or 20 digits, it has {n}",
    ),
    "checks.number.zeros": ("发票号码不能全为 0", "the number cannot be all zeros"),
    "checks.number.leading_zero": (
        "号码只有 7 位，可能丢了前导零：应为 {fixed}",
        "7 digits: a leading zero was probably lost, it should be {fixed}",
    ),
    "checks.number.digital": (
        "数电票号码：20{yy} 年，地区 {province}",
        "digital invoice number: year 20{yy}, region {province}",
    ),
    "checks.number.digital_year": (
        "数电票号码前两位年份 {yy} 不合理",
        "the year {yy} at the start of the digital number is implausible",
    ),
    "checks.date.format": (
        "日期无法识别，请按 2026-11-02 的格式填写",
        "unrecognised date: write it like 2026-11-02",
    ),
    "checks.date.future": ("开票日期不能晚于今天", "the issue date cannot be in the future"),
    "checks.date.before_code": (
        "开票日期早于发票代码中的年份 {year}",
        "the issue date is before the year {year} in the code",
    ),
    "checks.date.old": (
        "已超过 5 年，国家税务总局查验平台不再受理",
        "over 5 years old: the bureau's verification no longer accepts it",
    ),
    "checks.check_code.digits": (
        "校验码应为 20 位数字，当前 {n} 位",
        "the check code must be 20 digits, it has {n}",
    ),
    "checks.check_code.none_for_special": (
        "专用发票没有校验码，此项应留空",
        "special invoices have no check code: leave it empty",
    ),
    "checks.check_code.tail": (
        "查验时填写后 6 位：{tail}",
        "verification asks for the last 6 digits: {tail}",
    ),
    "checks.check_code.required": (
        "普通发票查验须填写校验码后 6 位",
        "verifying an ordinary invoice needs the last 6 digits of the check code",
    ),
    "checks.money.format": ("不是有效金额：{detail}", "not a valid amount: {detail}"),
    "checks.money.sum": (
        "金额 {amount} + 税额 {tax} = {sum}，与价税合计 {total} 不符",
        "amount {amount} + tax {tax} = {sum}, not the total {total}",
    ),
    "checks.money.rate": (
        "按税率 {rate} 计算税额应约为 {expected}，差额超过 0.01",
        "at rate {rate} the tax should be about {expected}, off by more than 0.01",
    ),
    "checks.money.red_positive": (
        "红字发票的金额应为负数",
        "a red-letter invoice's amounts must be negative",
    ),
    "checks.money.negative": (
        "金额为负数：仅红字发票可为负",
        "a negative amount: only red-letter invoices are negative",
    ),
    "checks.money.required_total": (
        "数电票查验须填写价税合计",
        "verifying a digital invoice needs the total",
    ),
    "checks.money.required_amount": (
        "专用发票查验须填写不含税金额",
        "verifying a special invoice needs the amount excluding tax",
    ),
    "checks.rate.unknown": ("税率 {rate} 不在常用税率中", "the rate {rate} is not a usual rate"),
    "checks.tax_id.uscc_ok": ("统一社会信用代码校验通过", "valid unified social credit code"),
    "checks.tax_id.checksum": (
        "校验位不符（早期试点代码可能如此），请与对方核对",
        "the check character does not match (early pilot codes may): confirm with them",
    ),
    "checks.tax_id.legacy": (
        "{n} 位旧税号，已接受，请确认对方未换发统一社会信用代码",
        "{n}-character legacy tax id accepted: confirm they have no new credit code",
    ),
    "checks.tax_id.format": (
        "税号应为 18 位统一社会信用代码（或 15/17/20 位旧税号），当前 {n} 位",
        "a tax id is an 18-character credit code (or a 15/17/20-character legacy id), it has {n}",
    ),
    "checks.tax_id.chars": (
        "税号含有无效字符（不能含 I、O、Z、S、V）",
        "the tax id has invalid characters (no I, O, Z, S or V)",
    ),
    "checks.name.required": ("名称不能为空", "the name must not be empty"),
}
