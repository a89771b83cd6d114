"""Password hashes at OWASP's argon2id setting (m=19 MiB, t=2, p=1); hashes made with the
library's old default (m=64 MiB, t=3, p=4) still log in, and are redone at the new setting."""

from __future__ import annotations

import peewee
import pytest
from argon2 import PasswordHasher

from storage.accounts.users import AuthError, add_user, authenticate
from storage.store.models import Role, User

pytestmark = pytest.mark.real_hashing  # what the app itself hashes at

OWASP = "$argon2id$v=19$m=19456,t=2,p=1$"
OLD_DEFAULT = "$argon2id$v=19$m=65536,t=3,p=4$"


def stored_hash(name: str) -> str:
    return str(User.get(User.username == name).password_hash)


def test_a_new_password_is_hashed_at_the_owasp_setting(store: peewee.Database) -> None:
    add_user("wang", "right-pw", role=Role.CLERK, branch="总部")
    assert stored_hash("wang").startswith(OWASP)
    assert authenticate("wang", "right-pw").username == "wang"


def test_an_old_hash_logs_in_and_is_redone_at_the_new_setting(store: peewee.Database) -> None:
    add_user("li", "placeholder", role=Role.CLERK, branch="总部")
    old = PasswordHasher().hash("old-pw")  # as every account was hashed before
    assert old.startswith(OLD_DEFAULT)
    User.update(password_hash=old).where(User.username == "li").execute()
    with pytest.raises(AuthError):
        authenticate("li", "wrong")
    assert stored_hash("li") == old  # a wrong password changes nothing
    assert authenticate("li", "old-pw").username == "li"
    assert stored_hash("li").startswith(OWASP)
    assert authenticate("li", "old-pw").username == "li"
