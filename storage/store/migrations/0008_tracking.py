"""What happened to each received invoice (storage/tracking): 入账 as the tax bureau's digital
account names it, with the tax period, who and when; 报销 with the claim reference, who and
when; and invoice_mark, every change, append-only (the database refuses updates and deletes).

The old ``booked`` flag becomes the state ``booked_unrecorded`` (booked, the kind of 入账 not
recorded), a true ``reimbursed`` keeps its flag; both are attributed to ``(migration)`` with no
time, and each gets its first history row, so nobody's name is put on a mark they never made.
"""
import datetime as dt

from peewee import *

MIGRATED_BY = '(migration)'


def up(migrator, db):
    def text(size, default=''):
        # a default in the table too: the bulk writers insert raw rows without these columns
        return CharField(max_length=size, default=default, constraints=[SQL(f"DEFAULT '{default}'")])

    migrator.migrate(
        migrator.add_column('invoice', 'booking', text(32, 'unbooked')),
        migrator.add_column('invoice', 'booking_period', text(7)),
        migrator.add_column('invoice', 'booked_by', text(50)),
        migrator.add_column('invoice', 'booked_at', DateTimeField(null=True)),
        migrator.add_column('invoice', 'claim_ref', text(64)),
        migrator.add_column('invoice', 'reimbursed_by', text(50)),
        migrator.add_column('invoice', 'reimbursed_at', DateTimeField(null=True)),
    )

    class Invoice(Model):
        class Meta:
            database = db
            table_name = 'invoice'

    class InvoiceMark(Model):
        # no cascade: an invoice with a history of marks is never deleted from under it
        invoice = ForeignKeyField(Invoice, index=False, column_name='invoice_id')
        kind = CharField(max_length=16)
        state = CharField(max_length=32)
        period = CharField(max_length=7, default='')
        claim_ref = CharField(max_length=64, default='')
        by_user = CharField(max_length=50)
        at = DateTimeField()
        batch = CharField(max_length=32, default='')

        class Meta:
            database = db
            table_name = 'invoice_mark'
            indexes = ((('invoice', 'at'), False),)

    db.create_tables([InvoiceMark])
    now = dt.datetime.now()
    true = 'true' if isinstance(db, PostgresqlDatabase) else '1'
    db.execute_sql(
        f"UPDATE invoice SET booking = 'booked_unrecorded', booked_by = '{MIGRATED_BY}' "
        f'WHERE booked = {true}'
    )
    db.execute_sql(
        f"UPDATE invoice SET reimbursed_by = '{MIGRATED_BY}' WHERE reimbursed = {true}"
    )
    param = db.param
    db.execute_sql(
        'INSERT INTO invoice_mark (invoice_id, kind, state, period, claim_ref, by_user, at, batch) '
        f"SELECT id, 'booking', 'booked_unrecorded', '', '', {param}, {param}, 'migration' "
        "FROM invoice WHERE booking = 'booked_unrecorded'",
        (MIGRATED_BY, now),
    )
    db.execute_sql(
        'INSERT INTO invoice_mark (invoice_id, kind, state, period, claim_ref, by_user, at, batch) '
        f"SELECT id, 'reimbursement', 'reimbursed', '', '', {param}, {param}, 'migration' "
        f'FROM invoice WHERE reimbursed = {true}',
        (MIGRATED_BY, now),
    )
    migrator.migrate(migrator.drop_column('invoice', 'booked'))
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE FUNCTION invoice_mark_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'invoice marks are append-only'; END; $$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            'CREATE TRIGGER invoice_mark_append_only BEFORE UPDATE OR DELETE ON invoice_mark '
            'FOR EACH ROW EXECUTE FUNCTION invoice_mark_append_only()'
        )
    else:
        for op in ('UPDATE', 'DELETE'):
            db.execute_sql(
                f'CREATE TRIGGER invoice_mark_no_{op.lower()} BEFORE {op} ON invoice_mark '
                "BEGIN SELECT RAISE(ABORT, 'invoice marks are append-only'); END"
            )


def down(migrator, db):
    true = 'true' if isinstance(db, PostgresqlDatabase) else '1'
    migrator.migrate(migrator.add_column('invoice', 'booked', BooleanField(default=False)))
    db.execute_sql(
        f"UPDATE invoice SET booked = {true} WHERE booking NOT IN ('unbooked', 'revoked')"
    )
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TABLE IF EXISTS invoice_mark')
        db.execute_sql('DROP FUNCTION IF EXISTS invoice_mark_append_only()')
    else:
        db.execute_sql('DROP TABLE IF EXISTS invoice_mark')
    migrator.migrate(
        *(migrator.drop_column('invoice', name) for name in (
            'booking', 'booking_period', 'booked_by', 'booked_at', 'claim_ref', 'reimbursed_by',
            'reimbursed_at'))
    )
