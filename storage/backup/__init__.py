"""Encrypted, verified backups of the invoice store (SPEC "Backup").

Layers, each its own module: ``keys`` (passphrase-wrapped master keys), ``container`` (the
encrypted, chunked, compressed file), ``snapshot`` (a consistent view of the live store),
``incremental`` (page-level diffs), ``manifest`` (the index beside the backups), ``retention``,
``verify``, ``restore``, and ``service`` (what the CLI, the screen and the clearing flow call).
"""
