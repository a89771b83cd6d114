"""Notices (issue 10, steps 9 and 10): a store-backed outbox that every running terminal shows
within seconds and that is mailed to ``notify_to`` when a mail server is configured.

- ``post_notice`` / ``post_clearing_notice`` record one (inside the caller's write, or alone);
- ``notices_after`` / ``latest_notice_id`` are what a terminal polls;
- ``deliver_pending`` mails what waits, from any thread, and never raises.
"""

from storage.notices.clearing import ClearingOutcome, TypeOutcome, post_clearing_notice
from storage.notices.mail import (
    DeliveryReport,
    MailStatus,
    deliver_in_background,
    deliver_pending,
    mail_status,
)
from storage.notices.outbox import (
    MailState,
    Notice,
    PostedNotice,
    latest_notice_id,
    notices_after,
    post_notice,
    recent_notices,
)

__all__ = [
    "ClearingOutcome",
    "DeliveryReport",
    "MailState",
    "MailStatus",
    "Notice",
    "PostedNotice",
    "TypeOutcome",
    "deliver_in_background",
    "deliver_pending",
    "latest_notice_id",
    "mail_status",
    "notices_after",
    "post_clearing_notice",
    "post_notice",
    "recent_notices",
]
