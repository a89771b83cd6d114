"""The audit log: hash-chained entries, the anchor kept outside the store, and reading it."""
