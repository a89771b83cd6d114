"""An audit entry's details as the auditor reads them: ``校验方式 完整性检查 · 结果 是``.

The store keeps them as JSON of ids, counts and codes (``storage.audit.chain.record``); the
screen names each field and each known code from the catalogue, in the language shown, and
lists values the way the language lists them. A field the catalogue does not name yet shows
as it is stored rather than being hidden.
"""

from __future__ import annotations

import json

from storage.messages import Listing, catalogue
from tui.language import language, t

# Fields whose values are codes with catalogue names: the field → the codes' key prefixes.
_CODES = {
    "check": ("backup.check.",),
    "role": ("role.",),
    "kind": ("backup.kind.", "clear.kind."),  # a backup's (full…) or a clear's (ordinary…)
    "backup_kind": ("backup.kind.",),
    "reason": ("tui.audit.reason.",),  # a clear's reason is the supervisor's own words
    "state": ("clear.state_run.",),  # how a clear ended (done, failed…)
}


def _name(field: str) -> str:
    key = f"tui.audit.field.{field}"
    return t(key) if key in catalogue() else field


def _value(field: str, value: object) -> str:
    if isinstance(value, bool):
        return t("tui.audit.yes" if value else "tui.audit.no")
    if isinstance(value, list):
        return Listing([_value(field, v) for v in value]).render(language())
    text = str(value)
    for prefix in _CODES.get(field, ()):
        if f"{prefix}{text}" in catalogue():
            return t(f"{prefix}{text}")
    return text


def detail_text(detail: str) -> str:
    """``detail`` (JSON, or "" for none) as name–value pairs; text that is not a JSON object
    (an entry written before details were JSON) as it is."""
    if not detail:
        return ""
    try:
        fields = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(fields, dict):
        return detail
    return " · ".join(f"{_name(k)} {_value(k, v)}" for k, v in sorted(fields.items()))
