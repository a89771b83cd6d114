"""Texts of import and export (``fapiao import`` / ``fapiao export``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # A file refused as a whole (exit 2, nothing stored).
    "import.file.missing": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "import.file.empty": ("文件是空的", "the file is empty"),
    "import.file.not_regular": (
        "不是普通文件（管道、设备或套接字），没有读取",
        "not a regular file (a pipe, a device or a socket): not read",
    ),
    "import.file.too_big": (
        "文件过大（{size} MB，上限 {limit} MB）",
        "the file is too big ({size} MB, limit {limit} MB)",
    ),
    "import.file.binary": (
        "不是文本文件，也不是 XLSX（可能已损坏）",
        "neither a text file nor XLSX (maybe damaged)",
    ),
    "import.file.encoding": (
        "无法识别文字编码（支持 UTF-8、带 BOM 的 UTF-8、GB18030）",
        "unknown text encoding (UTF-8, UTF-8 with BOM and GB18030 are supported)",
    ),
    "import.file.xls": (
        "旧版 Excel（.xls）文件：请另存为 .xlsx 或 .csv 后再导入",
        "old Excel (.xls) file: save it as .xlsx or .csv first",
    ),
    "import.file.unsupported": (
        "不支持的文件格式（支持 CSV、XLSX、数电 XML、OFD、PDF、ZIP 发票包、二维码文本）",
        "unsupported format (CSV, XLSX, digital-invoice XML, OFD, PDF, ZIP bundles, "
        "QR text are supported)",
    ),
    "import.file.not_what_it_claims": (
        "文件内容与扩展名 {ext} 不符",
        "the content does not match the extension {ext}",
    ),
    "import.file.bad_xlsx": (
        "XLSX 文件已损坏或不完整：{detail}",
        "the XLSX file is damaged or incomplete: {detail}",
    ),
    "import.file.zip_bomb": (
        "XLSX 解压后过大（{size} MB），拒绝处理",
        "the XLSX expands to an absurd size ({size} MB): refused",
    ),
    "import.file.bad_csv": ("CSV 格式有误：{detail}", "malformed CSV: {detail}"),
    "import.file.no_sheet": ("XLSX 中没有可识别的发票表", "no invoice sheet found in the XLSX"),
    "import.file.no_header": (
        "找不到表头：前 {rows} 行中没有“发票号码”“开票日期”等列名",
        "no header row: the first {rows} rows name no columns like 发票号码, 开票日期",
    ),
    "import.file.missing_columns": (
        "缺少必需的列：{columns}",
        "required columns missing: {columns}",
    ),
    "import.file.bad_xml": ("XML 无法解析：{detail}", "the XML cannot be parsed: {detail}"),
    "import.file.unsafe_xml": (
        "XML 含有实体或文档类型定义（DTD），出于安全拒绝处理",
        "the XML has entities or a DTD: refused for safety",
    ),
    "import.file.not_einvoice": (
        "XML 不是数电发票（根元素是 {root}，应为 EInvoice）",
        "the XML is not a digital invoice (root {root}, expected EInvoice)",
    ),
    "import.file.too_many_rows": (
        "文件超过 {limit} 行：请分成几个文件导入",
        "the file has more than {limit} rows: split it into several files",
    ),
    "import.file.no_rows": ("文件中没有发票数据", "the file holds no invoice rows"),
    # One bad row (reported with its row number; the rest of the file goes in).
    "import.row.number": (
        "发票号码应为 8 位或 20 位数字：{value}",
        "the invoice number must be 8 or 20 digits: {value}",
    ),
    "import.row.number_7": (
        "发票号码只有 7 位：{value}，可能丢了前导零，请补足前导零（如 0{value}）",
        "the invoice number has 7 digits: {value}; a leading zero was probably lost: pad it (0{value})",
    ),
    "import.row.number_missing": ("缺少发票号码", "the invoice number is missing"),
    "import.row.number_precision": (
        "号码被 Excel 存成了数值，已丢失精度：请将该列设为文本后重新导出",
        "Excel stored the number as a numeric value and lost digits: make the column text",
    ),
    "import.row.code": (
        "发票代码应为 10 位或 12 位数字：{value}",
        "the invoice code must be 10 or 12 digits: {value}",
    ),
    "import.row.code_missing": (
        "8 位发票号码须有发票代码",
        "an 8-digit invoice number needs its invoice code",
    ),
    "import.row.code_on_digital": (
        "20 位数电发票号码不应有发票代码：{value}",
        "a 20-digit digital invoice number has no invoice code: {value}",
    ),
    "import.row.date": ("开票日期无效：{value}", "the invoice date is not a real date: {value}"),
    "import.row.date_missing": ("缺少开票日期", "the invoice date is missing"),
    "import.row.date_future": (
        "开票日期在未来：{value}",
        "the invoice date is in the future: {value}",
    ),
    "import.row.money": (
        "{column}应为最多两位小数的金额：{value}",
        "{column} must be an amount with at most two decimals: {value}",
    ),
    "import.row.money_missing": ("缺少{column}", "{column} is missing"),
    "import.row.sum": (
        "金额 {amount} + 税额 {tax} ≠ 价税合计 {total}",
        "amount {amount} + tax {tax} ≠ total {total}",
    ),
    "import.row.rate": ("税率无效：{value}", "bad tax rate: {value}"),
    "import.row.type": ("未知的发票票种：{value}", "unknown invoice type: {value}"),
    "import.row.type_number": (
        "票种 {value} 与发票号码位数不符",
        "the type {value} does not match the number's length",
    ),
    "import.row.status": ("未知的发票状态：{value}", "unknown invoice status: {value}"),
    "import.row.direction": ("未知的方向：{value}", "unknown direction: {value}"),
    "import.row.check_code": ("校验码应为数字：{value}", "the check code must be digits: {value}"),
    "import.row.too_long": (
        "{column}过长（最多 {limit} 个字符）",
        "{column} is too long (at most {limit} characters)",
    ),
    "import.row.duplicate_differs": (
        "与第 {row} 行是同一张发票，但内容不同",
        "the same invoice as row {row}, with different contents",
    ),
    "import.row.group_bad": (
        "同一张发票的第 {row} 行有误，整张发票未导入",
        "row {row} of the same invoice is wrong: the whole invoice was not imported",
    ),
    "import.row.lines_apart": (
        "这张发票的明细行不相邻（第 {row} 行起的明细已导入）：请按发票排序后重新导入这些行",
        "this invoice's lines are not together (the lines from row {row} on are imported): "
        "sort by invoice and import these rows again",
    ),
    "import.row.other_branch": (
        "库中已有此发票，属于其他分支机构，未导入",
        "the store already holds this invoice for another branch: not imported",
    ),
    "import.row.conflict": (
        "库中已有此发票，但{column}不同（库中 {stored}，文件 {given}），未覆盖",
        "the store holds this invoice with a different {column} (stored {stored}, file {given}): not overwritten",
    ),
    "import.row.qr": ("{detail}", "{detail}"),
    "import.row.xml_field": ("XML 缺少或有误：{field}", "missing or bad in the XML: {field}"),
    # Column names used in the reasons above.
    "import.column.amount": ("金额", "amount"),
    "import.column.tax": ("税额", "tax"),
    "import.column.total": ("价税合计", "total"),
    "import.column.line_amount": ("明细金额", "line amount"),
    "import.column.line_tax": ("明细税额", "line tax"),
    "import.column.date": ("开票日期", "date"),
    "import.column.buyer_tax_id": ("购方识别号", "buyer tax id"),
    "import.column.seller_tax_id": ("销方识别号", "seller tax id"),
    "import.column.buyer_name": ("购买方名称", "buyer name"),
    "import.column.seller_name": ("销方名称", "seller name"),
    "import.column.check_code": ("校验码", "check code"),
    "import.column.red_of": ("红冲原发票号码", "reversed invoice number"),
    "import.column.item": ("项目名称", "item"),
    "import.column.spec": ("规格型号", "specification"),
    "import.column.unit": ("单位", "unit"),
    "import.column.quantity": ("数量", "quantity"),
    "import.column.unit_price": ("单价", "unit price"),
    "import.column.remark": ("备注", "remark"),
    "import.column.number": ("发票号码", "number"),
    # Command-line summary.
    "import.summary": (
        "{name}：新增 {added} 张，更新 {updated} 张，未变 {unchanged} 张，拒绝 {rejected} 行",
        "{name}: {added} added, {updated} updated, {unchanged} unchanged, {rejected} rows rejected",
    ),
    "import.row_line": ("第 {row} 行：{reason}", "row {row}: {reason}"),
    "import.more_rows": (
        "……另有 {n} 行被拒绝（用 --json 查看全部）",
        "… {n} more rejected rows (see them all with --json)",
    ),
    "import.already": (
        "{name}：此文件已于 {when} 导入过，这次未做任何更改",
        "{name}: this file was imported already on {when}; nothing changed",
    ),
    "import.refused": ("{name}：无法导入：{reason}", "{name}: cannot import: {reason}"),
    "export.done": (
        "已导出 {invoices} 张发票（{rows} 行）到 {path}",
        "exported {invoices} invoices ({rows} rows) to {path}",
    ),
    "export.bad_extension": (
        "导出文件须以 .xlsx 或 .csv 结尾：{path}",
        "the export file must end in .xlsx or .csv: {path}",
    ),
    "export.bad_date": ("日期无效：{value}", "not a date: {value}"),
    "export.bad_status": ("未知的发票状态：{value}", "unknown invoice status: {value}"),
    "export.other_branch": (
        "只能导出本分支（{branch}）的发票；查看其他分支需要“所有分支”权限",
        "you can export only your branch ({branch}); other branches need all-branch access",
    ),
    "export.no_folder": ("文件夹不存在：{path}", "no such folder: {path}"),
}
