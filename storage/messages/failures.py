"""Texts of the error tree's own failures (``storage/errors.py``): files that cannot be used,
and the command line's usage errors in the user's words instead of argparse's English."""

MESSAGES: dict[str, tuple[str, str]] = {
    "file.problem": ("无法使用文件 {path}：{reason}", "cannot use the file {path}: {reason}"),
    "file.cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "system.reason.missing": ("文件不存在", "there is no such file"),
    "system.reason.is_folder": (
        "这是一个文件夹，需要的是文件",
        "it is a folder, a file is needed",
    ),
    "system.reason.no_folder": ("所在的文件夹不存在", "the folder it goes in does not exist"),
    "system.reason.not_folder": ("路径中有一段不是文件夹", "a part of the path is not a folder"),
    "system.reason.denied": ("没有权限", "permission denied"),
    "system.reason.no_space": ("磁盘已满", "the disk is full"),
    "system.reason.read_only": ("所在磁盘只读", "the disk is read-only"),
    "system.reason.exists": ("文件已存在", "the file exists already"),
    "system.reason.refused": ("连接被拒绝", "the connection was refused"),
    "system.reason.timed_out": ("连接超时", "the connection timed out"),
    "system.reason.no_route": ("网络不通", "the network cannot reach it"),
    "system.reason.other": ("系统错误 {code}", "system error {code}"),
    "cli.usage.required": ("缺少参数：{names}", "missing arguments: {names}"),
    "cli.usage.invalid_choice": (
        "参数 {argument} 不能是 {value}，可选：{choices}",
        "argument {argument} cannot be {value}; choose from {choices}",
    ),
    "cli.usage.unrecognized": (
        "无法识别的参数：{arguments}",
        "unrecognized arguments: {arguments}",
    ),
    "cli.usage.expected_value": ("参数 {argument} 需要一个值", "argument {argument} needs a value"),
    "cli.usage.expected_values": (
        "参数 {argument} 需要至少一个值",
        "argument {argument} needs at least one value",
    ),
    "cli.usage.at_most_one": (
        "参数 {argument} 最多只能有一个值",
        "argument {argument} takes at most one value",
    ),
    "cli.usage.takes_no_value": (
        "参数 {argument} 不带值（给了 {value}）",
        "argument {argument} takes no value (was given {value})",
    ),
    "cli.usage.bad_number": (
        "参数 {argument} 应为数字，不能是 {value}",
        "argument {argument} must be a number, not {value}",
    ),
    "cli.usage.not_allowed_with": (
        "参数 {argument} 不能与 {other} 同时使用",
        "argument {argument} cannot be used with {other}",
    ),
    "cli.usage.one_required": ("需要以下参数之一：{names}", "one of these is needed: {names}"),
    "cli.usage.ambiguous": (
        "选项 {option} 不明确，可能是：{matches}",
        "option {option} is ambiguous, it could be: {matches}",
    ),
    "disk.request_too_long": (
        "命令 {cmd} 的请求超过一帧的长度",
        "the {cmd} request is longer than one frame",
    ),
}
