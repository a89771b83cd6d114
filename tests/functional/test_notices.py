"""The notice outbox, the clearing settings (file, environment, store) and the use case that
lets a supervisor change them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import peewee
import pytest

from storage.accounts.permissions import PermissionDenied
from storage.accounts.users import Session, add_user
from storage.audit import chain as audit
from storage.config.settings import Settings, SettingsError, load_settings
from storage.config.stored import (
    AppSetting,
    change_clearing_settings,
    clearing_settings_for,
    effective_settings,
)
from storage.config.values import PeakHours, peak_hour_at
from storage.messages import Message, set_language
from storage.notices import (
    ClearingOutcome,
    MailState,
    TypeOutcome,
    latest_notice_id,
    notices_after,
    post_clearing_notice,
    post_notice,
)
from storage.notices.outbox import Notice
from storage.store.database import write
from storage.store.models import Role

SUPER = Session("boss", Role.SUPERVISOR, "总部", True)
CLERK = Session("desk1", Role.CLERK, "总部")


def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("FAPIAO_CONFIG", str(config))


# -- settings from the file and the environment --------------------------------------------


def test_clearing_settings_default() -> None:
    settings = load_settings()
    assert (settings.smtp_url, settings.notify_to, settings.peak_hours) == ("", (), ())
    assert settings.clear_remind_days == 5


def test_clearing_settings_from_the_file_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _config(tmp_path, monkeypatch, 'smtp_url = "smtp+starttls://desk@mail.example.com"\n'
            'notify_to = ["finance@example.com"]\npeak_hours = ["14:00-17:00", "09:00-11:30"]\n'
            "clear_remind_days = 7\n")  # fmt: skip
    settings = load_settings()
    assert settings.smtp_url == "smtp+starttls://desk@mail.example.com"
    assert settings.notify_to == ("finance@example.com",)
    assert [str(span) for span in settings.peak_hours] == ["09:00-11:30", "14:00-17:00"]
    assert settings.clear_remind_days == 7
    monkeypatch.setenv("FAPIAO_SMTP_URL", "smtps://mail.example.com:465")
    monkeypatch.setenv("FAPIAO_NOTIFY_TO", "a@example.com, b@example.com")
    settings = load_settings()
    assert settings.smtp_url == "smtps://mail.example.com:465"
    assert settings.notify_to == ("a@example.com", "b@example.com")
    assert peak_hour_at(settings.peak_hours, dt.datetime(2026, 4, 1, 10, 0)) == PeakHours(
        dt.time(9), dt.time(11, 30))  # fmt: skip
    assert peak_hour_at(settings.peak_hours, dt.datetime(2026, 4, 1, 11, 30)) is None


@pytest.mark.parametrize(("line", "says"), [
    ('peak_hours = ["9-11"]', "高峰时段 '9-11' 无效"),
    ('peak_hours = ["11:00-09:00"]', "结束时间须晚于开始时间"),
    ('peak_hours = ["25:00-26:00"]', "高峰时段 '25:00-26:00' 无效"),
    ("clear_remind_days = -1", "提前提醒天数 '-1' 无效"),
    ('clear_remind_days = "五"', "提前提醒天数 '五' 无效"),
    ('notify_to = ["finance"]', "收件人 'finance' 不是有效的邮箱地址"),
    ('smtp_url = "http://mail.example.com"', "邮件服务器地址 'http://mail.example.com' 无效"),
    ('smtp_url = "smtp://desk:hunter2@mail.example.com"', "邮件服务器地址中不能写密码"),
])  # fmt: skip
def test_bad_values_are_told_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str, says: str
) -> None:
    _config(tmp_path, monkeypatch, line + "\n")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert says in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_a_bad_environment_address_is_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAPIAO_NOTIFY_TO", "finance@example.com, nobody")
    with pytest.raises(SettingsError, match="'nobody'"):
        load_settings()


# -- the outbox ----------------------------------------------------------------------------


def test_a_notice_is_read_in_each_language(store: peewee.Database) -> None:
    before = latest_notice_id()
    outcome = ClearingOutcome("2026-03", "special", reason="盘锁死", started_by="boss",
                              results=(TypeOutcome("004", True, dt.date(2026, 5, 15)),))  # fmt: skip
    notice_id = post_clearing_notice(outcome, mail=False)
    [notice] = notices_after(before)
    assert notice.id == notice_id and notice.kind == "clear.done"
    assert notice.severity == "information" and notice.mail_state == MailState.NONE
    assert notice.subject_text("zh") == "清卡成功：2026-03 特殊清卡，1 类全部完成"
    assert notice.subject_text("en") == "Clear done: 2026-03 special clear, all 1 types cleared"
    assert "特殊清卡原因：盘锁死" in notice.body_lines("zh")
    assert "004: cleared, new deadline 2026-05-15" in notice.body_lines("en")
    set_language("en")
    assert notice.subject_text().startswith("Clear done")
    assert notices_after(notice_id) == []


def test_a_clear_that_failed_as_a_whole(store: peewee.Database) -> None:
    outcome = ClearingOutcome("2026-03", "ordinary", error_code="E_WINDOW", error="当前处于非征期",
                              fix=Message("notice.clear.no_detail", {}))  # fmt: skip
    post_clearing_notice(outcome)
    [notice] = notices_after(0)
    assert (notice.kind, notice.severity, notice.mail_state) == ("clear.failed", "error", "pending")
    assert notice.subject_text("zh") == "清卡失败：2026-03 普通清卡"
    assert any("（E_WINDOW）：当前处于非征期" in line for line in notice.body_lines("zh"))


def test_a_notice_posted_in_a_write_that_fails_is_not_there(store: peewee.Database) -> None:
    def clear_then_fail() -> None:
        post_notice("clear.done", "notice.settings.subject", {"user": "boss"}, mail=True)
        raise RuntimeError("the caller's write failed")

    with pytest.raises(RuntimeError):
        write(clear_then_fail)
    assert notices_after(0) == []


def test_a_notice_with_a_key_this_version_does_not_know(store: peewee.Database) -> None:
    post_notice("future.kind", "notice.from_the_future", {"n": 3}, mail=False)
    [notice] = notices_after(0)
    assert notice.subject_text() == "notice.from_the_future n=3"


def test_polling_is_one_cheap_query(sqlite_store: peewee.Database) -> None:
    for n in range(30):
        post_notice("settings.changed", "notice.settings.subject", {"user": f"u{n}"}, mail=False)
    plan = sqlite_store.execute_sql(
        "EXPLAIN QUERY PLAN SELECT * FROM notice WHERE id > 25 ORDER BY id LIMIT 20").fetchall()  # fmt: skip
    assert any("INTEGER PRIMARY KEY" in str(row) for row in plan)
    assert [n.subject.fields["user"] for n in notices_after(25)] == [
        "u25",
        "u26",
        "u27",
        "u28",
        "u29",
    ]


# -- the settings a supervisor changes in the app -------------------------------------------


def _users() -> None:
    add_user("boss", "pw-boss", role=Role.SUPERVISOR, branch="总部")
    add_user("desk1", "pw-desk", role=Role.CLERK, branch="总部")


TYPED = {
    "peak_hours": "09:00-11:30，14:00-17:00",
    "clear_remind_days": "3",
    "notify_to": "finance@example.com, boss@example.com",
    "smtp_url": "smtp+starttls://desk@mail.example.com:587",
}


def test_a_clerk_is_refused_and_the_refusal_is_audited(store: peewee.Database) -> None:
    _users()
    base = Settings().with_defaults()
    with pytest.raises(PermissionDenied, match="主管"):
        clearing_settings_for(CLERK, base)
    with pytest.raises(PermissionDenied):
        change_clearing_settings(CLERK, base, TYPED)
    assert AppSetting.select().count() == 0 and Notice.select().count() == 0
    denied = list(audit.AuditEntry.select().where(audit.AuditEntry.action == "denied"))
    assert [(e.username, e.target, e.ok) for e in denied] == [
        ("desk1", "change_settings", False)
    ] * 2


def test_a_supervisor_saves_and_it_is_audited_and_announced(store: peewee.Database) -> None:
    _users()
    base = Settings(clear_remind_days=5).with_defaults()
    shown = change_clearing_settings(SUPER, base, TYPED, environ={})
    assert shown.text("peak_hours") == "09:00-11:30, 14:00-17:00"
    assert (shown.clear_remind_days, shown.changed_by) == (3, "boss")
    now = effective_settings(base, environ={})
    assert now.notify_to == ("finance@example.com", "boss@example.com")
    assert now.smtp_url == "smtp+starttls://desk@mail.example.com:587"
    assert now.clear_remind_days == 3
    entry = audit.AuditEntry.select().where(audit.AuditEntry.action == "settings.change").get()
    assert entry.username == "boss"
    assert entry.target == "peak_hours,clear_remind_days,notify_to,smtp_url"
    detail = json.loads(entry.detail)
    assert detail == {"peak_hours": "09:00-11:30, 14:00-17:00", "clear_remind_days": "3",
                      "notify_to": 2, "smtp_url": "mail.example.com:587"}  # fmt: skip
    [notice] = notices_after(0)
    assert notice.kind == "settings.changed" and notice.mail_state == MailState.NONE
    assert notice.subject_text("zh") == "boss 修改了清卡设置"
    assert "提前提醒天数：3" in notice.body_lines("zh")
    # saving the same again changes nothing and tells nobody
    change_clearing_settings(SUPER, base, TYPED, environ={})
    assert len(notices_after(0)) == 1
    assert (
        audit.AuditEntry.select().where(audit.AuditEntry.action == "settings.change").count() == 1
    )


def test_a_bad_value_saves_nothing(store: peewee.Database) -> None:
    _users()
    base = Settings().with_defaults()
    with pytest.raises(SettingsError, match="提前提醒天数 '99' 无效"):
        change_clearing_settings(SUPER, base, {**TYPED, "clear_remind_days": "99"}, environ={})
    assert AppSetting.select().count() == 0 and notices_after(0) == []
    assert effective_settings(base, environ={}).clear_remind_days == 5


def test_the_store_is_over_the_file_and_the_environment_over_both(
    store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _users()
    _config(tmp_path, monkeypatch, 'smtp_url = "smtp://file.example.com"\nclear_remind_days = 9\n')
    change_clearing_settings(SUPER, load_settings(), {"clear_remind_days": "2",
                             "smtp_url": "smtp://store.example.com"})  # fmt: skip
    layered = effective_settings(load_settings())
    assert (layered.clear_remind_days, layered.smtp_url) == (2, "smtp://store.example.com")
    monkeypatch.setenv("FAPIAO_SMTP_URL", "smtp://env.example.com")
    layered = effective_settings(load_settings())
    assert (layered.clear_remind_days, layered.smtp_url) == (2, "smtp://env.example.com")
    view = clearing_settings_for(SUPER, load_settings())
    assert (
        view.fixed == {"smtp_url": "FAPIAO_SMTP_URL"} and view.smtp_url == "smtp://env.example.com"
    )
    # what the environment fixes here is not overwritten from this terminal
    change_clearing_settings(SUPER, load_settings(), {"smtp_url": "smtp://other.example.com"})
    monkeypatch.delenv("FAPIAO_SMTP_URL")
    assert effective_settings(load_settings()).smtp_url == "smtp://store.example.com"


def test_a_role_taken_away_since_log_in_is_refused(store: peewee.Database) -> None:
    from storage.accounts.users import set_role

    _users()
    set_role(Session("admin", Role.SUPERVISOR, "总部"), "boss", Role.CLERK)
    with pytest.raises(PermissionDenied):
        change_clearing_settings(SUPER, Settings().with_defaults(), TYPED)
    assert AppSetting.select().count() == 0


def test_stored_value_that_became_unusable_falls_back_to_the_file(store: peewee.Database) -> None:
    AppSetting.create(key="clear_remind_days", value='"many"', changed_by="x",
                      changed_at=dt.datetime.now())  # fmt: skip
    base = replace(Settings().with_defaults(), clear_remind_days=4)
    assert effective_settings(base, environ={}).clear_remind_days == 4
