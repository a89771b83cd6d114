"""What backup actions leave in the audit log."""

from __future__ import annotations


def test_restore_targets_are_audited_without_credentials() -> None:
    from storage.backup.service import _without_secrets

    assert _without_secrets("postgresql://fapiao:S3cret@db:5433/fapiao") == "postgresql://db:5433/fapiao"
    assert _without_secrets(None) == "live"
    assert _without_secrets("/var/lib/fapiao/restored.db") == "/var/lib/fapiao/restored.db"
