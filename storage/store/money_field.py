"""``MoneyField``: a ``Decimal`` in Python, whole fen (分) in a BIGINT column (see ``storage.rules.money``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import peewee

from storage.rules.money import from_fen, parse_money, to_fen


class MoneyField(peewee.DecimalField):  # type: ignore[misc]  # peewee is untyped
    """A ``DecimalField`` whose column holds whole fen (see module docstring)."""

    field_type = "BIGINT"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def get_modifiers(self) -> list[int] | None:
        return None  # BIGINT takes no (digits, places)

    def db_value(self, value: Any) -> int | None:
        if value is None:
            return None
        return to_fen(parse_money(value))

    def python_value(self, value: Any) -> Decimal | None:
        return None if value is None else from_fen(int(value))
