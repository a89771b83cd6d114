"""The input checklist's field rules (SPEC "Invoices"): each field gets ok / warning / error
with a reason and, where there is one, the fix. Plain functions: the screen, ``fapiao check``
and import all ask the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum

from stdnum.cn import uscc

from storage.messages import Message, Words, msg
from storage.rules.invoice_types import TYPES, code_year, infer_type_from_code, type_name
from storage.rules.money import MoneyError, parse_money

FIELDS = (
    "type", "code", "number", "date", "check_code", "amount", "tax", "total", "rate",
    "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id",
)  # fmt: skip
# Draft fields that get no verdict of their own but steer others (备注 → 差额征税).
CONTEXT_FIELDS = ("remark",)
RATES = {"0.13", "0.09", "0.06", "0.05", "0.03", "0.01", "0", "免税", "不征税"}
# Written where the tax amount (or the rate) would be on an invoice that carries no tax.
NO_TAX_WORDS = ("免税", "不征税")
DIFFERENCE_TAX = "差额征税"  # a 备注 starting so: tax is on part of the amount only
_PERSON = "个人"
_ID_CARD = re.compile(r"[0-9]{17}[0-9X]")
_OLDEST_YEAR = 2000
_DIGITAL_PROVINCES = {f"{n:02d}" for n in range(11, 66)}  # GB/T 2260 province prefixes


class Verdict(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class FieldVerdict:
    field: str
    verdict: Verdict
    reason: Message  # rendered where it is shown
    fix: str = ""  # the corrected value, where the rule knows it
    required: bool = False  # 查验 asks for this field for this type


@dataclass(frozen=True)
class InvoiceDraft:
    """An invoice as typed or scanned: every field the text the clerk entered."""

    type: str = ""
    code: str = ""
    number: str = ""
    date: str = ""
    check_code: str = ""
    amount: str = ""
    tax: str = ""
    total: str = ""
    rate: str = ""
    buyer_name: str = ""
    buyer_tax_id: str = ""
    seller_name: str = ""
    seller_tax_id: str = ""
    red: bool = False
    lines: int = 1  # how many lines the tax tolerance covers
    remark: str = ""  # 备注: says whether the tax is 差额征税

    def cleaned(self) -> InvoiceDraft:
        """Surrounding blanks dropped, full-width digits folded (a Chinese IME types them)."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = value.strip().translate(_FULL_WIDTH)
            values[f.name] = value
        return InvoiceDraft(**values)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")


def parse_date(text: str) -> dt.date | None:
    """``2026-11-02``, ``2026/11/2``, ``20261102``, ``2026年11月2日`` → a date, else None."""
    text = text.strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?", text)
    if match is None:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def effective_type(draft: InvoiceDraft) -> str:
    """The verification type: from the code when it has one, else as given, else by number."""
    inferred = infer_type_from_code(draft.code)
    if inferred:
        return inferred
    if draft.type in TYPES:
        return draft.type
    if len(draft.number) == 20 and draft.number.isdigit():
        return "32"
    return ""


def _ok(name: str, reason: Message | None = None, **kw: object) -> FieldVerdict:
    return FieldVerdict(name, Verdict.OK, reason or msg("checks.ok"), **kw)  # type: ignore[arg-type]


def _warn(name: str, reason: Message, **kw: object) -> FieldVerdict:
    return FieldVerdict(name, Verdict.WARNING, reason, **kw)  # type: ignore[arg-type]


def _error(name: str, reason: Message, **kw: object) -> FieldVerdict:
    return FieldVerdict(name, Verdict.ERROR, reason, **kw)  # type: ignore[arg-type]


def check_type(draft: InvoiceDraft) -> FieldVerdict:
    type_code = effective_type(draft)
    if not type_code:
        return _warn("type", msg("checks.code.unknown_type"))
    name = Words(type_name(type_code, "zh"), type_name(type_code, "en"))
    return _ok("type", msg("checks.code.type", name=name))


def check_code(draft: InvoiceDraft, today: dt.date) -> FieldVerdict:
    code, number = draft.code, draft.number
    if not code:
        if len(number) == 8:
            return _error("code", msg("checks.code.required"))
        return _ok("code", msg("checks.empty"))
    if len(number) == 20 and number.isdigit():
        return _error("code", msg("checks.code.digital_has_none"), fix="")
    if not code.isdigit() or len(code) not in (10, 12):
        return _error("code", msg("checks.code.digits", n=len(code)))
    if infer_type_from_code(code) is None:
        return _error("code", msg("checks.code.unknown_type"))
    year = code_year(code)
    if year is not None and not (_OLDEST_YEAR <= year <= today.year):
        return _warn("code", msg("checks.code.year", year=year))
    return _ok("code")


def check_number(draft: InvoiceDraft, today: dt.date) -> FieldVerdict:
    number = draft.number
    if not number:
        return _error("number", msg("checks.empty"), required=True)
    if not number.isdigit():
        return _error("number", msg("checks.number.digits", n=len(number)), required=True)
    if len(number) == 7:
        fixed = "0" + number
        return _warn("number", msg("checks.number.leading_zero", fixed=fixed), fix=fixed,
                     required=True)  # fmt: skip
    if len(number) not in (8, 20):
        return _error("number", msg("checks.number.digits", n=len(number)), required=True)
    if set(number) == {"0"}:
        return _error("number", msg("checks.number.zeros"), required=True)
    if len(number) == 20:
        yy, province = number[:2], number[2:4]
        if not (_OLDEST_YEAR % 100 <= int(yy) <= today.year % 100):
            return _error("number", msg("checks.number.digital_year", yy=yy), required=True)
        if province not in _DIGITAL_PROVINCES:
            return _warn("number", msg("checks.number.digital", yy=yy, province=province),
                         required=True)  # fmt: skip
        return _ok("number", msg("checks.number.digital", yy=yy, province=province), required=True)
    return _ok("number", required=True)


def _number_year(verdict: FieldVerdict, draft: InvoiceDraft) -> FieldVerdict:
    """A 数电 number begins with its issue year: a mismatch is worth a second look."""
    number = draft.number
    date = parse_date(draft.date) if draft.date else None
    if verdict.verdict is not Verdict.OK or date is None or len(number) != 20:
        return verdict
    if number[:2] != f"{date.year % 100:02d}":
        return _warn("number", msg("checks.number.year_mismatch", yy=number[:2], year=date.year),
                     required=True)  # fmt: skip
    return verdict


def check_date(draft: InvoiceDraft, today: dt.date) -> FieldVerdict:
    if not draft.date:
        return _error("date", msg("checks.empty"), required=True)
    date = parse_date(draft.date)
    if date is None:
        return _error("date", msg("checks.date.format"), required=True)
    if date > today:
        return _error("date", msg("checks.date.future"), required=True)
    year = code_year(draft.code)
    if year is not None and date.year < year:
        return _error("date", msg("checks.date.before_code", year=year), required=True)
    if (today - date).days > 5 * 365 + 1:
        return _warn("date", msg("checks.date.old"), required=True,
                     fix=date.isoformat() if date.isoformat() != draft.date else "")  # fmt: skip
    return _ok(
        "date", required=True, fix=date.isoformat() if date.isoformat() != draft.date else ""
    )


def check_check_code(draft: InvoiceDraft) -> FieldVerdict:
    type_code = effective_type(draft)
    special = TYPES[type_code].special if type_code in TYPES else False
    digital = TYPES[type_code].digital if type_code in TYPES else False
    value = draft.check_code
    if special or digital:
        if value and type_code == "08" and value.isdigit() and len(value) == 20:
            # 增值税电子专用发票 print a check code; 查验 just does not ask for it.
            return _ok("check_code", msg("checks.check_code.not_needed"))
        if value:
            return _warn("check_code", msg("checks.check_code.none_for_special"), fix="")
        return _ok("check_code", msg("checks.empty"))
    required = bool(type_code)
    if not value:
        if required:
            return _error("check_code", msg("checks.check_code.required"), required=True)
        return _ok("check_code", msg("checks.empty"))
    if not value.isdigit() or len(value) != 20:
        # 查验 needs only the last 6: a correct 6-digit tail is enough for that.
        if value.isdigit() and len(value) == 6:
            return _warn("check_code", msg("checks.check_code.digits", n=6), required=required)
        return _error(
            "check_code", msg("checks.check_code.digits", n=len(value)), required=required
        )
    return _ok("check_code", msg("checks.check_code.tail", tail=value[-6:]), required=required)


def no_tax(text: str) -> bool:
    """``***``, ``*``, 免税, 不征税: what invoices print for a tax (or rate) of none."""
    text = text.strip()
    return text in NO_TAX_WORDS or (bool(text) and set(text) == {"*"})


def _money(draft: InvoiceDraft, name: str) -> tuple[Decimal | None, FieldVerdict | None]:
    text = getattr(draft, name)
    if not text:
        return None, None
    if name == "tax" and no_tax(text):
        return Decimal("0.00"), None
    try:
        return parse_money(text), None
    except MoneyError as exc:
        return None, _error(name, msg("checks.money.format", detail=exc))


def _rate(text: str) -> Decimal | None:
    text = text.strip().rstrip("%")
    if no_tax(text):
        return Decimal(0)
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    if not value.is_finite() or not (0 <= value <= 100):
        return None
    return value / 100 if value >= 1 else value


def check_money(draft: InvoiceDraft) -> list[FieldVerdict]:
    type_code = effective_type(draft)
    info = TYPES.get(type_code)
    out: dict[str, FieldVerdict] = {}
    values: dict[str, Decimal | None] = {}
    for name in ("amount", "tax", "total"):
        values[name], problem = _money(draft, name)
        if problem:
            out[name] = problem
    amount, tax, total = values["amount"], values["tax"], values["total"]
    for name, value in values.items():
        if name in out or value is None:
            continue
        if draft.red and value > 0:
            out[name] = _error(name, msg("checks.money.red_positive"), fix=f"-{value}")
        elif not draft.red and value < 0:
            out[name] = _warn(name, msg("checks.money.negative"))
    if amount is not None and tax is not None and total is not None and "total" not in out \
            and amount + tax != total:  # fmt: skip
        out["total"] = _error("total", msg("checks.money.sum", amount=amount, tax=tax,
                                          sum=amount + tax, total=total), fix=str(amount + tax))  # fmt: skip
    rate = _rate(draft.rate) if draft.rate else None
    if draft.rate:
        if rate is None:
            out["rate"] = _error("rate", msg("checks.rate.unknown", rate=draft.rate))
        elif f"{rate.normalize():f}" not in RATES and draft.rate not in RATES:
            out["rate"] = _warn("rate", msg("checks.rate.unknown", rate=draft.rate))
        if draft.remark.strip().startswith(DIFFERENCE_TAX) and "tax" not in out:
            # 差额征税: the tax is on the amount less a deduction, never amount × rate.
            out["tax"] = _ok("tax", msg("checks.money.difference_tax"))
        if rate is not None and amount is not None and tax is not None and "tax" not in out:
            expected = (amount * rate).quantize(Decimal("0.01"))
            if abs(expected - tax) > Decimal("0.01") * max(1, draft.lines):
                out["tax"] = _error("tax", msg("checks.money.rate", rate=draft.rate,
                                               expected=expected), fix=str(expected))  # fmt: skip
    required_field = None
    if info is not None:
        required_field = "total" if info.digital else ("amount" if info.special else None)
    results = []
    for name in ("amount", "tax", "total", "rate"):
        required = name == required_field
        if name in out:
            verdict = out[name]
            results.append(FieldVerdict(verdict.field, verdict.verdict, verdict.reason,
                                        verdict.fix, required))  # fmt: skip
        elif name == "tax" and no_tax(draft.tax):
            results.append(_ok(name, msg("checks.money.no_tax", written=draft.tax)))
        elif not getattr(draft, name):
            key = {"amount": "checks.money.required_amount", "total": "checks.money.required_total"}
            if required:
                results.append(_error(name, msg(key[name]), required=True))
            else:
                results.append(_ok(name, msg("checks.empty")))
        else:
            results.append(_ok(name, required=required))
    return results


def check_tax_id(name: str, value: str, party: str = "") -> FieldVerdict:
    """``party``: the name beside it; a buyer who is a person (个人) has no tax id, or gives
    an 18-character ID card number, which is no 统一社会信用代码."""
    person = name == "buyer_tax_id" and party.strip().startswith(_PERSON)
    if not value:
        return _ok(name, msg("checks.tax_id.person") if person else msg("checks.empty"))
    if person and _ID_CARD.fullmatch(value.upper().replace(" ", "")):
        return _ok(name, msg("checks.tax_id.person_id"))
    compact = value.upper().replace(" ", "")
    if len(compact) == 18:
        try:
            uscc.validate(compact)
        except uscc.InvalidChecksum:
            return _warn(name, msg("checks.tax_id.checksum"))
        except (uscc.InvalidFormat, uscc.InvalidComponent):
            return _error(name, msg("checks.tax_id.chars"))
        except uscc.ValidationError:
            return _error(name, msg("checks.tax_id.format", n=len(compact)))
        return _ok(name, msg("checks.tax_id.uscc_ok"), fix=compact if compact != value else "")
    if len(compact) in (15, 17, 20) and compact.isalnum():
        return _warn(name, msg("checks.tax_id.legacy", n=len(compact)))
    return _error(name, msg("checks.tax_id.format", n=len(compact)))


def check_name(name: str, value: str) -> FieldVerdict:
    return _ok(name) if value else _ok(name, msg("checks.empty"))


def check_invoice(draft: InvoiceDraft, *, today: dt.date | None = None) -> list[FieldVerdict]:
    """One verdict per field of ``FIELDS``, in that order. Never raises on any input text."""
    today = today or dt.date.today()
    draft = draft.cleaned()
    money = {v.field: v for v in check_money(draft)}
    by_field = {
        "type": check_type(draft),
        "code": check_code(draft, today),
        "number": _number_year(check_number(draft, today), draft),
        "date": check_date(draft, today),
        "check_code": check_check_code(draft),
        **money,
        "buyer_name": check_name("buyer_name", draft.buyer_name),
        "buyer_tax_id": check_tax_id("buyer_tax_id", draft.buyer_tax_id, draft.buyer_name),
        "seller_name": check_name("seller_name", draft.seller_name),
        "seller_tax_id": check_tax_id("seller_tax_id", draft.seller_tax_id),
    }
    return [by_field[name] for name in FIELDS]


def verdict_label(verdict: FieldVerdict, value: str) -> Message:
    """The verdict as a report or the command line writes it beside the reason: ``✓ 通过``,
    ``! 注意``, ``✗ 错误``, or ``·`` for an empty field that needs nothing (``· 未填写``, as
    the checklist screen shows it, never ``✓ 通过 未填写``)."""
    if verdict.verdict is Verdict.OK and not value.strip():
        return msg("checks.verdict.empty")
    return msg(f"checks.verdict.{verdict.verdict.value}")


def worst(verdicts: list[FieldVerdict]) -> Verdict:
    kinds = {v.verdict for v in verdicts}
    return Verdict.ERROR if Verdict.ERROR in kinds else (
        Verdict.WARNING if Verdict.WARNING in kinds else Verdict.OK)  # fmt: skip
