"""Accounts and roles: password hashes, log-in, lockout, and who may do what."""
