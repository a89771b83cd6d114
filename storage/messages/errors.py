"""Texts of the storage layer's errors: accounts, money, QR strings, secrets, settings, store."""

MESSAGES: dict[str, tuple[str, str]] = {
    "accounts.empty_password": ("密码不能为空", "the password must not be empty"),
    "accounts.empty_username": ("用户名不能为空", "the user name must not be empty"),
    "accounts.exists": ("用户 {user} 已存在", "user {user} exists already"),
    "accounts.unknown": ("没有用户 {user}", "no user {user}"),
    "accounts.first_user_must_be_supervisor": (
        "第一位用户必须是主管（--role supervisor）",
        "the first user must be a supervisor (--role supervisor)",
    ),
    "money.empty": ("金额为空", "amount is empty"),
    "money.not_amount": ("不是金额：{text!r}", "not an amount: {text!r}"),
    "money.decimals": ("金额最多两位小数：{text!r}", "at most two decimals: {text!r}"),
    "qr.invalid": ("二维码无效：{reason}", "invalid QR: {reason}"),
    "qr.reason.not_text": ("不是文本", "not text"),
    "qr.reason.too_long": ("内容过长", "too long"),
    "qr.reason.shape": (
        "应以 01, 开头且至少 6 个逗号分隔的字段",
        "must start 01, with 6+ comma fields",
    ),
    "qr.reason.field_count": ("字段数为 {n}，应为 7 或 8", "{n} fields, expected 7 or 8"),
    "qr.reason.type": ("发票类型应为 2 位数字", "the type must be 2 digits"),
    "qr.reason.code": ("发票代码应为 10 或 12 位数字", "the code must be 10 or 12 digits"),
    "qr.reason.number": ("发票号码应为 8 位或 20 位数字", "the number must be 8 or 20 digits"),
    "qr.reason.digital": (
        "数电发票应无代码、号码 20 位",
        "a digital invoice has no code and 20 digits",
    ),
    "qr.reason.code_missing": ("缺少发票代码", "the code is missing"),
    "qr.reason.amount": ("金额应为最多两位小数的数字", "the amount must have at most two decimals"),
    "qr.reason.date_format": ("开票日期应为 YYYYMMDD", "the date must be YYYYMMDD"),
    "qr.reason.date_unreal": ("开票日期不是真实日期", "the date does not exist"),
    "qr.reason.check_code": ("校验码应为数字", "the check code must be digits"),
    "qr.reason.crc": ("末尾校验字段无效", "bad trailing check field"),
    "secret_file.missing": (
        "无法读取密钥文件 {path}：{reason}",
        "cannot read secret file {path}: {reason}",
    ),
    "secret_file.too_open": (
        "密钥文件 {path} 权限过宽（{mode}），须为 600",
        "secret file {path} must be mode 0600, is {mode}",
    ),
    "secret_file.unreadable": ("无法读取密钥文件 {path}", "cannot read secret file {path}"),
    "settings.unreadable": (
        "无法读取配置文件 {path}: {detail}",
        "cannot read config file {path}: {detail}",
    ),
    "settings.not_text": ("配置项 {key} 应为文字", "setting {key} must be text"),
    "settings.not_text_list": (
        "配置项 {key} 应为文字或文字列表",
        "setting {key} must be text or a list of text",
    ),
    "settings.bad_language": (
        "不支持的语言 {language!r}（zh 或 en）",
        "unsupported language {language!r} (zh or en)",
    ),
    "store.bad_url": ("不支持的数据库地址 {url!r}", "unsupported database URL {url!r}"),
    "store.unreachable": ("无法连接数据库：{detail}", "cannot reach the store: {detail}"),
    "store.missing": (
        "数据库不存在：{path}（新建请运行 fapiao db upgrade，或用 fapiao user add 创建第一位主管）",
        "no store at {path} (create it with fapiao db upgrade, or fapiao user add for the first supervisor)",
    ),
    "store.not_open": ("数据库未打开", "the store is not open"),
}
