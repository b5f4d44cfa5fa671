from __future__ import annotations

import json
import logging

import pytest

from nemo_desktop.core.errors import SettingInvalid
from nemo_desktop.settings import Settings


def test_defaults_and_round_trip() -> None:
    s = Settings.load()
    assert s.engine == "auto" and s.seed is None
    s.set("engine", "builtin")
    s.set("seed", "7")
    s.save()
    again = Settings.load()
    assert again.engine == "builtin" and again.seed == 7
    assert Settings.file().stat().st_mode & 0o077 == 0


def test_unknown_keys_are_kept() -> None:
    Settings.file().parent.mkdir(parents=True, exist_ok=True)
    Settings.file().write_text(json.dumps({"engine": "cloud", "future_option": {"a": 1}, "schema_version": 1}))
    s = Settings.load()
    assert s.engine == "cloud"
    s.save()
    assert json.loads(Settings.file().read_text())["future_option"] == {"a": 1}


def test_corrupt_file_is_moved_aside(caplog: pytest.LogCaptureFixture) -> None:
    Settings.file().parent.mkdir(parents=True, exist_ok=True)
    Settings.file().write_bytes(b"{not json")
    with caplog.at_level(logging.WARNING):
        s = Settings.load()
    assert s == Settings()
    assert s.notice and "settings.json.bak" in s.notice
    backup = Settings.file().with_name("settings.json.bak")
    assert backup.read_bytes() == b"{not json"
    assert not Settings.file().exists()
    assert "corrupt" in caplog.text


def test_bad_values_fall_back_per_key() -> None:
    Settings.file().parent.mkdir(parents=True, exist_ok=True)
    Settings.file().write_text(json.dumps({"engine": "cloud", "image_seconds": "long", "schema_version": 1}))
    s = Settings.load()
    assert s.engine == "cloud" and s.image_seconds == 4.0


def test_version_0_migrates() -> None:
    Settings.file().parent.mkdir(parents=True, exist_ok=True)
    Settings.file().write_text(json.dumps({"engine": "local"}))
    s = Settings.load()
    assert s.engine == "builtin" and s.schema_version == 1


def test_set_checks_values() -> None:
    s = Settings()
    with pytest.raises(SettingInvalid):
        s.set("engine", "quantum")
    with pytest.raises(SettingInvalid):
        s.set("nope", "1")
    with pytest.raises(SettingInvalid):
        s.set("seed", "abc")
    s.set("seed", "none")
    assert s.seed is None
