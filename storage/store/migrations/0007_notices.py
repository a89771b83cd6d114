"""notice: the outbox every terminal shows and the mailer drains (storage/notices); and
app_setting: the settings a supervisor changes in the app, layered over the config file
(storage/config/stored.py)."""
from peewee import *


def up(migrator, db):
    class Notice(Model):
        created_at = DateTimeField()
        kind = CharField(max_length=40)
        severity = CharField(max_length=12, default='information')
        by_user = CharField(max_length=50, default='')
        subject = TextField()
        body = TextField(default='[]')
        mail_state = CharField(max_length=12, default='')
        mail_attempts = IntegerField(default=0)
        mail_error = CharField(max_length=300, default='')
        mail_next_at = DateTimeField(null=True)
        mail_claimed_until = DateTimeField(null=True)
        mail_sent_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'notice'
            indexes = ((('mail_state', 'mail_next_at'), False),)

    class AppSetting(Model):
        key = CharField(max_length=40, primary_key=True)
        value = TextField()
        changed_by = CharField(max_length=50)
        changed_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'app_setting'

    db.create_tables([Notice, AppSetting])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "app_setting"')
    db.execute_sql('DROP TABLE IF EXISTS "notice"')
