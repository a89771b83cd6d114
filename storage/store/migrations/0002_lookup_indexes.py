"""Indexes the lookup engine walks newest first (storage/lookup/engine.py, storage/lookup/names.py).

- invoice(code, date): invoices of one 发票代码, newest first.
- invoice(branch, date): a branch's invoices newest first (name search walks it for common terms).
- invoice(amount, date) and invoice(total, date) replace the one-column amount and total indexes:
  an amount query and the "same amount within a few days" diagnosis read them in date order
  instead of sorting tens of thousands of round amounts.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index('invoice', 'invoice_amount'),
        migrator.drop_index('invoice', 'invoice_total'),
        migrator.add_index('invoice', ('code', 'date'), False),
        migrator.add_index('invoice', ('branch', 'date'), False),
        migrator.add_index('invoice', ('amount', 'date'), False),
        migrator.add_index('invoice', ('total', 'date'), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('invoice', 'invoice_total_date'),
        migrator.drop_index('invoice', 'invoice_amount_date'),
        migrator.drop_index('invoice', 'invoice_branch_date'),
        migrator.drop_index('invoice', 'invoice_code_date'),
        migrator.add_index('invoice', ('total',), False),
        migrator.add_index('invoice', ('amount',), False),
    )
