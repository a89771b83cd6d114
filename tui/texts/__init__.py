"""The front-ends' own texts: the screens' and the command line's catalogues.

One module per area, each a ``MESSAGES`` dict like the domain's in ``storage/messages/``,
added to the one catalogue on import (so keys stay unique and the "both languages, same
fields" test covers them); the domain's texts stay with the domain. Importing this package
is all the command line needs (it renders in its context's language); the screens render
through ``tui.language``, in the app's.
"""

from __future__ import annotations

import importlib
import pkgutil

from storage.messages import register

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    register(importlib.import_module(f"{__name__}.{_info.name}").MESSAGES)
