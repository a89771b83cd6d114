"""The invoice store and every domain rule that needs no screen and no disk.

Nothing in this package imports Textual, ``tui`` or ``devices`` (checked by import-linter).
"""
