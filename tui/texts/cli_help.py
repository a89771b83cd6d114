"""The command line's ``--help`` texts (built after the language is chosen)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # argparse's own headings
    "cli.help.usage": ("用法：", "usage: "),
    "cli.help.positionals": ("参数", "positional arguments"),
    "cli.help.options": ("选项", "options"),
    "cli.help.help": ("显示本帮助并退出", "show this help message and exit"),
    # fapiao
    "cli.help.demo": (
        "演示模式（自带数据和模拟税控盘）",
        "demo mode (sample data and a simulated disk)",
    ),
    "cli.help.user": ("操作用户（默认登录名）", "acting user (default: login name)"),
    "cli.help.lang": ("界面语言", "language"),
    "cli.help.version": ("显示版本并退出", "show the version and exit"),
    # fapiao db
    "cli.help.db": ("数据库结构", "schema"),
    "cli.help.db_upgrade": ("应用迁移", "apply migrations"),
    # fapiao check
    "cli.help.check_qr": ("发票二维码内容", "the invoice QR string"),
    "cli.help.check_red": ("红字发票", "a red-letter invoice"),
    # fapiao lookup
    "cli.help.lookup": ("发票查询", "look up invoices"),
    "cli.help.lookup_query": (
        "号码、代码、二维码、名称、税号或金额",
        "number, code, QR, name, tax id or amount",
    ),
    "cli.help.lookup_all": ("包括作废/红冲发票（默认）", "include void and red invoices (default)"),
    "cli.help.lookup_hide": ("不显示作废/红冲发票", "hide void and red invoices"),
    "cli.help.lookup_limit": ("最多显示几张", "at most this many"),
    # fapiao import / export
    "cli.help.import": ("导入发票文件", "import invoice files"),
    "cli.help.import_direction": (
        "文件未注明时的方向（销项/进项；表格默认销项，OFD/PDF/XML/ZIP 发票文件默认进项）",
        "direction when the file has none (issued/received; tables default to issued, "
        "OFD/PDF/XML/ZIP invoice files to received)",
    ),
    "cli.help.export": ("导出发票（XLSX 或 CSV）", "export invoices (XLSX or CSV)"),
    "cli.help.export_out": (".xlsx 或 .csv", ".xlsx or .csv"),
    "cli.help.export_status": (
        "正常/作废/红冲/失控/异常 或 normal/void/red/…",
        "normal/void/red/… or 正常/作废/红冲/失控/异常",
    ),
    "cli.help.export_buyer": (
        "购买方名称的一部分或税号",
        "part of the buyer's name, or its tax id",
    ),
    "cli.help.export_branch": ("分支机构（需所有分支权限）", "branch (users who see every branch)"),
    # fapiao user
    "cli.help.user_cmd": ("账户", "accounts"),
    "cli.help.user_add": ("新建账户", "add an account"),
    "cli.help.user_branch": ("默认为本柜台的分支机构", "default: this counter's branch"),
    "cli.help.user_all_branches": ("可查看所有分支", "sees every branch"),
    "cli.help.user_password_file": ("密码文件（600 权限）", "password file (mode 0600)"),
    "cli.help.user_passwd": ("修改或重置密码", "change or reset a password"),
    "cli.help.user_passwd_name": (
        "默认为自己；重置他人密码需主管",
        "default: yourself; resetting another's needs a supervisor",
    ),
    "cli.help.user_new_password_file": ("新密码文件（600 权限）", "new password file (mode 0600)"),
    "cli.help.user_role": ("修改角色", "change a role"),
    "cli.help.user_list": ("列出账户", "list accounts"),
    "cli.help.user_unlock": ("解除锁定", "unlock an account"),
    # fapiao sync / device-sim / device-service
    "cli.help.sync": ("从税控盘同步发票", "pull invoices from the disk"),
    "cli.help.sim": ("模拟税控盘", "the disk simulator"),
    "cli.help.sim_pty": ("在伪终端上提供（默认）", "serve on a pty (default)"),
    "cli.help.sim_tcp": ("在 TCP 地址上提供", "serve on TCP"),
    "cli.help.sim_state": ("状态文件（JSON）", "state file (JSON)"),
    "cli.help.sim_scenario": (
        "初始状态：{choices}（默认 report_due）",
        "starting state: {choices} (default: report_due)",
    ),
    "cli.help.sim_corrupt_rate": ("损坏一个字节的帧的比例", "share of frames with a damaged byte"),
    "cli.help.sim_drop_rate": ("丢弃的回复比例", "share of replies dropped"),
    "cli.help.sim_delay": ("每个回复前的延迟秒数", "seconds before each reply"),
    "cli.help.sim_disconnect_after": (
        "收到 N 个请求后断开一次",
        "cut the link once after N requests",
    ),
    "cli.help.service": (
        "税控盘设备服务（独占端口，供多个终端共用）",
        "the disk's device service (holds the port, shared by every terminal)",
    ),
    "cli.help.service_socket": (
        "Unix 套接字（默认数据目录下 disk.sock）",
        "Unix socket path (default: disk.sock in the data directory)",
    ),
    "cli.help.service_device": ("税控盘地址（默认 device_url）", "disk URL (default: device_url)"),
    "cli.help.service_idle_exit": (
        "无客户端 S 秒后退出（按需启动时）",
        "exit after S s without clients (when started on demand)",
    ),
}
