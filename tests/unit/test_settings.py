"""Settings: the config file, environment overrides, and 0600 secret files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage.config.secret_files import SecretFileError, read_secret_file
from storage.config.settings import SettingsError, load_settings


def test_defaults_put_the_store_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'fapiao.db'}"
    assert settings.branch == "总部" and settings.language == "zh"


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'branch = "上海分公司"\nlanguage = "en"\nsupport = ["电话 400-000-0000"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("FAPIAO_CONFIG", str(config))
    settings = load_settings()
    assert (settings.branch, settings.language, settings.support) == (
        "上海分公司", "en", ("电话 400-000-0000",))  # fmt: skip
    monkeypatch.setenv("FAPIAO_BRANCH", "广州分公司")
    assert load_settings().branch == "广州分公司"


def test_broken_config_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("branch = [unclosed", encoding="utf-8")
    monkeypatch.setenv("FAPIAO_CONFIG", str(config))
    with pytest.raises(SettingsError, match="无法读取配置文件"):
        load_settings()


def test_secret_file_must_be_0600(tmp_path: Path) -> None:
    secret = tmp_path / "pin"
    secret.write_text("88888888\n", encoding="utf-8")
    os.chmod(secret, 0o644)
    with pytest.raises(SecretFileError, match="600"):
        read_secret_file(secret)
    os.chmod(secret, 0o600)
    assert read_secret_file(secret) == "88888888"
