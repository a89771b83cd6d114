"""Opening a file someone gave to be imported: only a regular file is read. A named pipe
would block the import until something wrote to it (forever, from a script) and a device
could be read without end, so both are refused before a byte is read."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from storage.importing.report import FileRefused


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading; ``FileRefused`` if it is a pipe, a device or a socket, and
    the ``OSError`` of a missing file or a folder as ``open`` gives it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe's open must not wait for a writer
    try:
        kind = os.fstat(fd).st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(kind):
            raise FileRefused("import.file.not_regular")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
