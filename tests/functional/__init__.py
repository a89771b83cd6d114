"""Functional tests: screens (Pilot, snapshots, tmux), PostgreSQL, mail, child processes."""
