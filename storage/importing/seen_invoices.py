"""The invoices a file has named so far, in flat arrays: a 2.5M-row file is remembered in
~70 MB, where a dict of identities would take ~600 MB.

Each slot holds the identity's 64-bit hash, the first row that named it and a 32-bit
fingerprint of its record (to tell "listed twice" from "listed twice, differently"). Two
identities with the same 64-bit hash in one file are as likely as a few in 10¹², and would
only make a row report a duplicate it is not.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable

_EMPTY = 0  # row numbers start at 1
_MAX_LOAD = 0.75  # 3M rows (importer.MAX_ROWS) fit 2²² slots, 64 MiB


class SeenInvoices:
    def __init__(self, capacity: int = 1 << 12) -> None:
        self._alloc(capacity)
        self.count = 0

    def _alloc(self, capacity: int) -> None:
        self._mask = capacity - 1
        self._keys = array("q", bytes(8 * capacity))
        self._rows = array("i", bytes(4 * capacity))
        self._prints = array("i", bytes(4 * capacity))

    def _slot(self, key: int) -> int:
        mask, keys, rows = self._mask, self._keys, self._rows
        i = key & mask
        while rows[i] != _EMPTY and keys[i] != key:
            i = (i + 1) & mask
        return i

    def first(self, identity: Hashable, row: int, fingerprint: int) -> tuple[int, bool] | None:
        """None when ``identity`` is new (it is remembered at ``row``); else the row that
        named it first and whether that row's record had the same ``fingerprint``."""
        key = hash(identity)
        fingerprint &= 0x7FFFFFFF
        i = self._slot(key)
        first = self._rows[i]
        if first != _EMPTY:
            return first, self._prints[i] == fingerprint
        self._keys[i], self._rows[i], self._prints[i] = key, row, fingerprint
        self.count += 1
        if self.count > _MAX_LOAD * (self._mask + 1):
            self._grow()
        return None

    def _grow(self) -> None:
        keys, rows, prints = self._keys, self._rows, self._prints
        self._alloc(2 * (self._mask + 1))
        for key, row, fingerprint in zip(keys, rows, prints, strict=True):
            if row != _EMPTY:
                i = self._slot(key)
                self._keys[i], self._rows[i], self._prints[i] = key, row, fingerprint
