"""Reading ZIP archives (invoice bundles, and OFD files, which are ZIPs of XML) in memory,
trusting nothing the archive says about itself.

Nothing is ever extracted to disk, so a member's path can do no harm by itself; a path that
climbs out (``../``), starts at the root or names a drive is still refused, since only an
attacker writes one. Sizes in the directory are a claim: each member is read through a cap,
counting the bytes that really come out, and the archive as a whole through another. The
number of members and the nesting of archives in archives are bounded too.

Member names: ZIP marks UTF-8 names with a flag; without it, Chinese tools write GB18030
(``zipfile`` shows those as CP437 mojibake, which is undone here), and one bundle may mix both.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from storage.importing.report import FileRefused, RowError

MB = 1024 * 1024
MAX_MEMBERS = 20_000  # a bundle of 5,000 invoices, each as OFD + PDF + XML, and some folders
MAX_MEMBER_BYTES = 32 * MB  # one invoice file: a few KB to a few hundred KB
MAX_ARCHIVE_BYTES = 1024 * MB  # all members of one archive, as really decompressed
MAX_RATIO = 100  # XML deflates 5–20×; a bomb, thousands of times
RATIO_FLOOR = MB  # small members may compress absurdly well (a run of blanks) and harm nobody
MAX_DEPTH = 3  # a bundle in a bundle holding OFDs: the OFD is the third archive
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Member:
    name: str  # as the user would see it, decoded
    info: zipfile.ZipInfo


def member_name(info: zipfile.ZipInfo) -> str:
    """The name as written: UTF-8 when flagged, else GB18030 (or CP437 if that fails)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename  # zipfile already decoded it some other way
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _unsafe(name: str) -> bool:
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path) or any(ch < " " for ch in path):
        return True
    return any(part == ".." for part in path.split("/"))


class SafeZip:
    """A ZIP held in memory; ``FileRefused`` for one that is damaged or built to harm."""

    def __init__(
        self, data: bytes, *, depth: int = 1, refused_key: str = "import.einvoice.bad_zip"
    ) -> None:
        if depth > MAX_DEPTH:
            raise FileRefused("import.einvoice.too_deep", limit=MAX_DEPTH)
        self.depth = depth
        self._read = 0
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise FileRefused(refused_key, detail=str(exc)[:80]) from None
        if len(infos) > MAX_MEMBERS:
            raise FileRefused("import.einvoice.too_many_members", n=len(infos), limit=MAX_MEMBERS)
        self.members: list[Member] = []
        for info in infos:
            name = member_name(info)
            if _unsafe(name):
                raise FileRefused("import.einvoice.unsafe_path", name=name[:80])
            if not info.is_dir():
                self.members.append(Member(name, info))
        # The directory's own claims are checked first (cheap); the real bytes again on reading.
        claimed = sum(m.info.file_size for m in self.members)
        if claimed > MAX_ARCHIVE_BYTES:
            raise FileRefused("import.einvoice.zip_bomb", size=claimed // MB)

    def find(self, name: str) -> Member | None:
        """A member by its path, compared case-insensitively and with either slash."""
        wanted = name.replace("\\", "/").lstrip("/").lower()
        for member in self.members:
            if member.name.replace("\\", "/").lstrip("/").lower() == wanted:
                return member
        return None

    def read(self, member: Member, *, limit: int | None = None) -> bytes:
        """The member's bytes, at most ``limit`` of them; ``RowError`` when it is encrypted,
        damaged, bigger than allowed, or inflates like a bomb. A bomb also stops the archive."""
        info = member.info
        limit = MAX_MEMBER_BYTES if limit is None else limit
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise RowError("import.einvoice.encrypted")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError,
                NotImplementedError) as exc:  # fmt: skip
            raise RowError("import.einvoice.damaged", detail=str(exc)[:80]) from None
        if len(data) > limit:
            raise RowError("import.einvoice.member_too_big", limit=limit // MB)
        if len(data) > RATIO_FLOOR and len(data) > MAX_RATIO * max(info.compress_size, 1):
            raise FileRefused("import.einvoice.zip_bomb", size=len(data) // MB)
        self._read += len(data)
        if self._read > MAX_ARCHIVE_BYTES:
            raise FileRefused("import.einvoice.zip_bomb", size=self._read // MB)
        return data

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)
