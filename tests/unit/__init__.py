"""Unit tests: rules, parsers and SQLite stores; no screen, no server, no child process."""
