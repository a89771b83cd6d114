"""Realistic invoices for the demo, the tests and the benchmarks.

Deterministic for a seed: company names built from real-looking places, trade names and
industries; valid 统一社会信用代码 (check character by python-stdnum); classic and 数电
numbers; several types; a share of void and red invoices.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import deque
from collections.abc import Iterator
from decimal import Decimal

from stdnum.cn import uscc

from storage.rules.money import CENT
from storage.store.records import InvoiceRecord, LineRecord

PLACES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "天津",
    "重庆",
    "长沙",
    "郑州",
    "青岛",
    "厦门",
    "合肥",
    "济南",
]
TRADE = [
    "华信",
    "恒通",
    "鑫源",
    "博远",
    "瑞丰",
    "金桥",
    "中科",
    "嘉禾",
    "宏达",
    "天成",
    "盛世",
    "永泰",
    "东方",
    "新锐",
    "汇丰",
    "远大",
    "协和",
    "同创",
    "正泰",
    "华联",
    "百川",
    "安泰",
    "德信",
    "和美",
    "锦程",
    "凯旋",
    "隆昌",
    "明珠",
    "诺亚",
    "鹏程",
    "启航",
    "荣盛",
    "顺发",
    "腾飞",
    "万家",
    "祥云",
    "益民",
    "卓越",
    "兆丰",
    "智远",
    "云帆",
    "星辰",
    "海纳",
    "昌盛",
    "福润",
    "光明",
    "国安",
    "泓泰",
    "景天",
    "康宁",
]
INDUSTRY = [
    "商贸",
    "科技",
    "建筑工程",
    "餐饮管理",
    "物流",
    "电子",
    "医药",
    "文化传媒",
    "信息技术",
    "机械设备",
    "食品",
    "服装",
    "汽车销售",
    "物业管理",
    "咨询",
]
FORM = ["有限公司", "有限责任公司", "股份有限公司", "有限公司", "有限公司"]
ITEMS = [
    ("*信息技术服务*软件服务费", "0.06"),
    ("*办公用品*打印纸", "0.13"),
    ("*餐饮服务*餐费", "0.06"),
    ("*运输服务*货物运输", "0.09"),
    ("*电子计算机*笔记本电脑", "0.13"),
    ("*建筑服务*工程款", "0.09"),
    ("*现代服务*咨询费", "0.06"),
    ("*食品*矿泉水", "0.13"),
]
# Verification type, weight; 数电 (31/32) dominates new issuance.
TYPE_WEIGHTS = [("32", 40), ("31", 15), ("10", 15), ("01", 12), ("04", 10), ("08", 5), ("14", 3)]
ALNUM = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 alphabet
_RED_WINDOW = 10  # a red-letter invoice reverses one of the last this many issued
_NO_TAX = Decimal("0.00")


def make_uscc(rng: random.Random) -> str:
    region = rng.choice(["110105", "310115", "440300", "440106", "330106", "320102", "510107"])
    body = "91" + region + "".join(rng.choice(ALNUM) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def company_names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` distinct (name, USCC) pairs; a few short ones so 2-character search matters."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    while len(out) < count:
        if rng.random() < 0.03:
            name = rng.choice(TRADE)  # individual traders often go by two characters
        else:
            name = rng.choice(PLACES) + rng.choice(TRADE) + rng.choice(INDUSTRY) + rng.choice(FORM)
            if name in seen:
                name = name.replace("有限", rng.choice(TRADE) + "有限", 1)
        if name in seen:
            continue
        seen.add(name)
        out.append((name, make_uscc(rng)))
    return out


def _classic_code(rng: random.Random, type_code: str, year: int) -> str:
    yy = f"{year % 100:02d}"
    if type_code in ("01", "04"):  # 10 digits: 4 region + 2 year + batch + kind + 2
        kind = "1" if type_code == "01" else "3"
        return "1100" + yy + str(rng.randint(1, 9)) + kind + f"{rng.randint(10, 99)}"
    suffix = {"10": "11", "08": "13", "14": "12"}[type_code]
    return "0" + "4400" + yy + f"{rng.randint(100, 999)}" + suffix


def _split(total_amount: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    if parts == 1:
        return [total_amount]
    cuts = sorted(rng.sample(range(1, int(total_amount * 100)), parts - 1))
    bounds = [0, *cuts, int(total_amount * 100)]
    return [Decimal(b - a) / 100 for a, b in itertools.pairwise(bounds)]


def generate_invoices(
    count: int,
    *,
    seed: int = 7,
    end: dt.date | None = None,
    days: int = 30,
    seller: tuple[str, str] = ("北京某某商贸有限公司", "91110105MA005AEF36"),
    branches: tuple[str, ...] = ("总部",),
    other_branch_share: float = 0.0,
    parties: int | None = None,
    with_lines: bool = True,
) -> Iterator[InvoiceRecord]:
    """``count`` issued invoices over the ``days`` days ending at ``end`` (today)."""
    rng = random.Random(seed)
    end = end or dt.date.today()
    buyers = company_names(rng, parties or max(50, min(20000, count // 20)))
    types = [t for t, _ in TYPE_WEIGHTS]
    # What ``rng.choices(types, weights)`` computes on every call, once: the same draws.
    cum_weights = list(itertools.accumulate(w for _, w in TYPE_WEIGHTS))
    weight_total = cum_weights[-1] + 0.0
    last_type = len(types) - 1
    items = [(item, rate, Decimal(rate)) for item, rate in ITEMS]
    classic_serial = 10_000_000
    digital_serial = 0
    # Only the last few issued can be reversed: keeping every record would hold the whole run
    # in memory (the demo's 6,000 with lines at start-up, the benchmark's million).
    recent: deque[InvoiceRecord] = deque(maxlen=_RED_WINDOW)
    for i in range(count):
        day = end - dt.timedelta(days=int(days * (count - 1 - i) / max(count, 1)))
        type_code = types[bisect.bisect(cum_weights, rng.random() * weight_total, 0, last_type)]
        buyer_name, buyer_tax_id = rng.choice(buyers)
        item, rate, rate_value = rng.choice(items)
        amount = Decimal(rng.randrange(1000, 5_000_001)).scaleb(-2)  # whole fen: exact cents
        if rng.random() < 0.2:
            amount = Decimal(rng.choice([100, 200, 500, 1000, 5000])).quantize(CENT)
        nlines = 1 if rng.random() < 0.7 else rng.randrange(2, 5)
        line_amounts = _split(amount, nlines, rng)
        line_taxes = [(a * rate_value).quantize(CENT) for a in line_amounts]
        tax = sum(line_taxes, _NO_TAX)
        if type_code in ("31", "32"):
            digital_serial += 1
            code = ""
            number = f"{day.year % 100:02d}112{digital_serial:015d}"
        else:
            classic_serial += 1
            code = _classic_code(rng, type_code, day.year)
            number = f"{classic_serial % 100_000_000:08d}"
        special = type_code in ("01", "08", "31")
        check_code = "" if special or type_code in ("31", "32") else f"{rng.randrange(10**20):020d}"
        status = "normal"
        roll = rng.random()
        if roll < 0.03:
            status = "void"
        lines = tuple(
            LineRecord(item=item, amount=a, rate=rate, tax=t, unit="项", quantity="1",
                       unit_price=f"{a:f}")
            for a, t in zip(line_amounts, line_taxes, strict=True)
        ) if with_lines else ()  # fmt: skip
        branch = branches[0]
        if len(branches) > 1 and rng.random() < other_branch_share:
            branch = rng.choice(branches[1:])
        record = InvoiceRecord(
            number=number, date=day, amount=amount, tax=tax, total=amount + tax, code=code,
            type=type_code, check_code=check_code, rate=rate, buyer_name=buyer_name,
            buyer_tax_id=buyer_tax_id, seller_name=seller[0], seller_tax_id=seller[1],
            status=status, branch=branch, source="disk", lines=lines,
        )  # fmt: skip
        recent.append(record)
        yield record
        # About 1% are reversed by a red-letter invoice a little later.
        if rng.random() < 0.01 and i >= _RED_WINDOW:
            original = recent[rng.randrange(_RED_WINDOW)]
            if original.status == "normal" and original.type in ("31", "32"):
                digital_serial += 1
                yield InvoiceRecord(
                    number=f"{day.year % 100:02d}11" + "2" + f"{digital_serial:015d}",
                    date=day, amount=-original.amount, tax=-original.tax, total=-original.total,
                    type=original.type, rate=original.rate, buyer_name=original.buyer_name,
                    buyer_tax_id=original.buyer_tax_id, seller_name=seller[0],
                    seller_tax_id=seller[1], status="red", red_of=original.number,
                    branch=original.branch, source="disk",
                )  # fmt: skip


#: What a business buys, for the demo's received invoices (item, rate, an optional remark).
PURCHASES = [
    ("*纸制品*复印纸", "0.13", ""),
    ("*办公用品*签字笔", "0.13", ""),
    ("*住宿服务*住宿费", "0.06", "出差住宿"),
    ("*餐饮服务*餐费", "0.06", "客户接待"),
    ("*运输服务*客运服务费", "0.09", "差旅"),
    ("*信息技术服务*软件服务费", "0.06", ""),
    ("*电信服务*宽带费", "0.06", "3月宽带"),
]


def received_invoices(
    count: int,
    *,
    seed: int = 11,
    end: dt.date | None = None,
    buyer: tuple[str, str] = ("北京某某商贸有限公司", "91110105MA005AEF36"),
) -> Iterator[InvoiceRecord]:
    """``count`` 数电 invoices the business received, dated 35 to 65 days before ``end``:
    what the clerk marks 入账 and 报销 (their sellers are the counterparties)."""
    rng = random.Random(seed)
    end = end or dt.date.today()
    sellers = company_names(rng, max(5, count // 6))
    for i in range(count):
        day = end - dt.timedelta(days=35 + int(30 * (count - 1 - i) / max(count, 1)))
        seller_name, seller_tax_id = rng.choice(sellers)
        item, rate, remark = rng.choice(PURCHASES)
        amount = (Decimal(rng.randint(2000, 300_000)) / 100).quantize(CENT)
        tax = (amount * Decimal(rate)).quantize(CENT)
        type_code = "31" if rng.random() < 0.3 else "32"
        yield InvoiceRecord(
            number=f"{day.year % 100:02d}31" + "2" + f"{i + 1:015d}", date=day, amount=amount,
            tax=tax, total=amount + tax, type=type_code, rate=rate, buyer_name=buyer[0],
            buyer_tax_id=buyer[1], seller_name=seller_name, seller_tax_id=seller_tax_id,
            direction="received", source="import", remark=remark,
            lines=(LineRecord(item=item, amount=amount, rate=rate, tax=tax),),
        )  # fmt: skip
