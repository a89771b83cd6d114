"""Texts of importing received e-invoice files (OFD, PDF, 数电 XML, ZIP bundles)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # A whole file, or one member of a bundle, that cannot be used.
    "import.einvoice.bad_zip": (
        "ZIP/OFD 文件已损坏或不完整：{detail}",
        "the ZIP/OFD file is damaged or incomplete: {detail}",
    ),
    "import.einvoice.too_deep": (
        "压缩包嵌套超过 {limit} 层，拒绝处理",
        "archives nested more than {limit} deep: refused",
    ),
    "import.einvoice.too_many_members": (
        "压缩包内文件过多（{n} 个，上限 {limit} 个）",
        "too many files in the archive ({n}, limit {limit})",
    ),
    "import.einvoice.unsafe_path": (
        "压缩包内有越出目录的文件名（{name}），拒绝处理",
        "the archive holds a path that climbs out of its folder ({name}): refused",
    ),
    "import.einvoice.zip_bomb": (
        "压缩包解压后过大（{size} MB 以上），拒绝处理",
        "the archive expands to an absurd size (over {size} MB): refused",
    ),
    "import.einvoice.encrypted": ("文件已加密，无法读取", "the file is encrypted"),
    "import.einvoice.damaged": (
        "文件已损坏：{detail}",
        "the file is damaged: {detail}",
    ),
    "import.einvoice.member_too_big": (
        "文件过大（上限 {limit} MB）",
        "the file is too big (limit {limit} MB)",
    ),
    "import.einvoice.unsafe_xml": (
        "XML 含有 DTD 或实体声明（可能是恶意文件），拒绝处理",
        "the XML declares a DTD or entities (possibly hostile): refused",
    ),
    "import.einvoice.bad_xml": ("XML 无法解析：{detail}", "the XML cannot be parsed: {detail}"),
    "import.einvoice.not_ofd": (
        "不是 OFD 文件（缺少 OFD.xml）",
        "not an OFD file (no OFD.xml)",
    ),
    "import.einvoice.ofd_no_fields": (
        "OFD 中找不到发票信息（既无发票附件，也无 CustomData 发票号码）",
        "no invoice in the OFD (neither an invoice attachment nor a number in CustomData)",
    ),
    "import.einvoice.pdf_encrypted": (
        "PDF 已加密，无法读取发票信息",
        "the PDF is encrypted: its invoice cannot be read",
    ),
    "import.einvoice.bad_pdf": (
        "PDF 已损坏或无法读取（{detail}）",
        "the PDF is damaged or unreadable ({detail})",
    ),
    "import.einvoice.pdf_no_text": (
        "PDF 没有发票属性，也没有文字层（可能是扫描件或图片）：请导入同一发票的 OFD 或 XML",
        "the PDF has neither invoice properties nor a text layer (a scan or picture?): "
        "import the invoice's OFD or XML instead",
    ),
    "import.einvoice.pdf_unsure": (
        "PDF 没有发票属性，文字层中找不到可靠的{field}：未导入，请导入同一发票的 OFD 或 XML",
        "the PDF has no invoice properties and its text shows no reliable {field}: "
        "not imported; import the invoice's OFD or XML instead",
    ),
    "import.einvoice.empty_bundle": (
        "压缩包中没有 OFD、PDF 或 XML 发票文件",
        "the archive holds no OFD, PDF or XML invoice file",
    ),
    "import.einvoice.member_format": (
        "不是 OFD、PDF、XML 或 ZIP 文件",
        "not an OFD, PDF, XML or ZIP file",
    ),
    "import.einvoice.skipped": (
        "不是发票文件，已跳过",
        "not an invoice file: skipped",
    ),
    # The same invoice, told differently.
    "import.einvoice.conflict": (
        "同一发票的{column}不一致：{a_from}（{a_kind}）为 {a}，{b_from}（{b_kind}）为 {b}；未导入",
        "the same invoice has two different {column}s: {a} in {a_from} ({a_kind}), "
        "{b} in {b_from} ({b_kind}); not imported",
    ),
    "import.einvoice.stored_conflict": (
        "库中已有此发票，但{column}不同（库中 {stored}，{given_from} 为 {given}），未覆盖",
        "the store holds this invoice with a different {column} "
        "(stored {stored}, {given_from} says {given}): not overwritten",
    ),
    "import.einvoice.number_year": (
        "数电发票号码前两位 {yy} 与开票年份 {year} 不符，请核对",
        "the 数电 number starts {yy}, which is not its issue year {year}: check it",
    ),
    # Kinds of source, named in conflicts.
    "import.einvoice.source.xml": ("数电 XML", "digital-invoice XML"),
    "import.einvoice.source.ofd_attachment": ("OFD 发票附件", "OFD invoice attachment"),
    "import.einvoice.source.ofd_custom_data": ("OFD 文档信息", "OFD document data"),
    "import.einvoice.source.pdf_info": ("PDF 文档属性", "PDF document properties"),
    "import.einvoice.source.pdf_text": ("PDF 文字", "PDF text"),
    "import.einvoice.source.qr": ("二维码", "QR code"),
    # Command-line lines.
    "import.member_line": ("{member}：{reason}", "{member}: {reason}"),
    "import.warning_line": ("注意：{reason}", "note: {reason}"),
    "import.member_warning_line": ("注意：{member}：{reason}", "note: {member}: {reason}"),
}
