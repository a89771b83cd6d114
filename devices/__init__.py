"""The tax-control disk: link, protocol client, simulator, poller, scanner.

Nothing in this package imports Textual or ``tui`` (checked by import-linter).
"""
