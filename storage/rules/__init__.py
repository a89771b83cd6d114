"""Pure rules about invoices: money, types, QR strings, field checks, query kinds. Never touch the database."""
