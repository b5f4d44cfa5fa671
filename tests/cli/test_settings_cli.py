"""``nemo-desktop settings`` refuses nonsense with one sentence, ``--help`` lists actions and keys, and
``credits`` offline suggests nothing that ``credits`` itself rejects."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nemo_desktop import paths
from nemo_desktop.cli import build_parser
from nemo_desktop.settings import RULES, Settings
from tests.fakecloud.fixtures import fake_cloud  # noqa: F401 - the fixture
from tests.media import MediaFactory

OFFLINE = "http://127.0.0.1:9"  # a closed loopback port: the cloud cannot be reached


def run_cli(*args: str, home: Path, cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": OFFLINE, **(env or {})}
    return subprocess.run([sys.executable, "-m", "nemo_desktop", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=240)


@pytest.fixture
def home(app_home: paths.AppPaths) -> Path:
    """The test's NEMO_HOME, shared with the subprocess, so Settings.load() here reads what the CLI wrote."""
    return app_home.config.parent


def _one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].endswith(".")
    return lines[0]


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("image_seconds", "-5", "image_seconds must be a number from 0.5 to 60."),
        ("image_seconds", "nan", "image_seconds must be a number from 0.5 to 60."),
        ("language", "klingon", "language must be one of: en, zh_CN, auto."),
        ("engine", "foo", "engine must be one of: auto, builtin, cloud."),
        ("seed", "abc", "seed must be a whole number, 0 or more, or “none” for a new seed each time."),
        ("seed", "-1", "seed must be a whole number"),
        ("poll_seconds", "0", "poll_seconds must be a number from 1 to 3600."),
        ("api_url", "ftp://example.com", "api_url must be an http:// or https:// address"),
        ("soundfont", "{missing}", "soundfont must be an existing .sf2 or .sf3 file"),
        ("soundfont", "{txt}", "soundfont must be an existing .sf2 or .sf3 file"),
        ("output_dir", "{txt}", "output_dir must be a folder path"),
        ("unknown_key", "1", "There is no setting called “unknown_key”; the settings are: engine, output_dir,"),
    ],
)
def test_nonsense_is_refused_with_one_sentence_and_nothing_saved(
    home: Path, tmp_path: Path, key: str, value: str, expected: str
) -> None:
    txt = tmp_path / "notes.txt"
    txt.write_text("not a SoundFont")
    value = value.format(missing=tmp_path / "missing.sf2", txt=txt)
    assert run_cli("settings", "set", "engine", "builtin", home=home).returncode == 0
    before = Settings.file().read_bytes()

    result = run_cli("settings", "set", key, value, home=home)

    assert expected in _one_sentence(result)
    assert result.stdout == ""
    assert Settings.file().read_bytes() == before


def test_unknown_key_lists_every_key(home: Path) -> None:
    line = _one_sentence(run_cli("settings", "set", "colour", "blue", home=home))
    assert all(key in line for key in Settings.keys())
    assert not Settings.file().exists()


# --- accepted values -----------------------------------------------------------------------------------


def test_relative_output_dir_is_stored_absolute_and_home_expanded(home: Path, tmp_path: Path) -> None:
    result = run_cli("settings", "set", "output_dir", "exports/today", home=home, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stored = Settings.load().output_dir
    assert stored == str(tmp_path / "exports" / "today")
    assert not Path(stored).exists()  # created on use, not when set

    result = run_cli("settings", "set", "output_dir", "~/clips", home=home, env={"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert Settings.load().output_dir == str(tmp_path / "clips")


def test_valid_values_are_accepted(home: Path, tmp_path: Path) -> None:
    bank = tmp_path / "General.SF3"
    bank.write_bytes(b"RIFF")
    cases = [
        ("image_seconds", "6", "image_seconds", 6.0),
        ("language", "zh_CN", "language", "zh_CN"),
        ("language", "auto", "language", ""),
        ("language", "", "language", ""),
        ("engine", "cloud", "engine", "cloud"),
        ("seed", "42", "seed", 42),
        ("seed", "none", "seed", None),
        ("soundfont", str(bank), "soundfont", str(bank)),
        ("soundfont", "none", "soundfont", ""),
        ("ffmpeg_path", sys.executable, "ffmpeg_path", os.path.abspath(sys.executable)),
        ("api_url", "https://api.example.com/", "api_url", "https://api.example.com"),
        ("heartbeat_timeout_seconds", "900", "heartbeat_timeout_seconds", 900.0),
        ("last_prompt", "calm piano, 平静", "last_prompt", "calm piano, 平静"),
    ]
    for key, text, attr, expected in cases:
        result = run_cli("settings", "set", key, text, home=home)
        assert result.returncode == 0, (key, text, result.stderr)
        assert "Traceback" not in result.stderr
        assert getattr(Settings.load(), attr) == expected, (key, text)


def test_language_auto_is_shown_as_auto(home: Path) -> None:
    result = run_cli("settings", "set", "language", "auto", home=home)
    assert result.stdout.strip() == "language = auto"
    assert "language = auto" in run_cli("settings", "show", home=home).stdout


def test_a_new_output_folder_is_created_on_export(home: Path, tmp_path: Path) -> None:
    clip = MediaFactory(tmp_path / "media").clip("tiny", duration=1.5, audio=None).path
    assert run_cli("settings", "set", "output_dir", "new/folder", home=home, cwd=tmp_path).returncode == 0
    result = run_cli("make", str(clip), "--prompt", "calm piano", "--engine", "builtin", home=home)
    assert result.returncode == 0, result.stderr
    exported = Path(result.stdout.strip().splitlines()[-1])
    assert exported.parent == tmp_path / "new" / "folder" and exported.exists()


# --- loading -------------------------------------------------------------------------------------------


def test_rules_cover_every_key() -> None:
    assert list(RULES) == Settings.keys()


def test_out_of_range_or_unknown_choice_in_the_file_falls_back_per_key(caplog: pytest.LogCaptureFixture) -> None:
    Settings.file().parent.mkdir(parents=True, exist_ok=True)
    Settings.file().write_text(json.dumps({
        "engine": "quantum", "image_seconds": -5, "language": "klingon", "seed": -3, "poll_seconds": 1e9,
        "api_url": "gopher://x", "soundfont": "/unplugged/bank.sf2", "retry_seconds": 12, "schema_version": 1,
    }))
    with caplog.at_level(logging.WARNING):
        s = Settings.load()
    defaults = Settings()
    assert (s.engine, s.image_seconds, s.language, s.seed, s.poll_seconds, s.api_url) == (
        defaults.engine, defaults.image_seconds, defaults.language, defaults.seed, defaults.poll_seconds,
        defaults.api_url)
    assert s.retry_seconds == 12 and s.soundfont == "/unplugged/bank.sf2"  # valid, or a drive unplugged today
    for key in ("engine", "image_seconds", "language", "seed", "poll_seconds", "api_url"):
        assert f"setting {key} " in caplog.text


# --- help ----------------------------------------------------------------------------------------------


def test_settings_help_lists_actions_and_every_key_with_its_allowed_values(home: Path) -> None:
    for args in (("settings", "--help"), ("settings", "set", "--help")):
        result = run_cli(*args, home=home)
        assert result.returncode == 0, result.stderr
        text = result.stdout
        for key, rule in RULES.items():
            line = next(line for line in text.splitlines() if line.strip().startswith(key + " "))
            assert rule.allowed_text("en") in line and len(line.split()) > 3
    text = run_cli("settings", "--help", home=home).stdout
    assert "show" in text and "print every setting" in text
    assert "set" in text and "change one setting" in text
    assert "a number from 0.5 to 60" in text and "one of: en, zh_CN, auto" in text


def test_token_help_lists_its_actions(home: Path) -> None:
    text = run_cli("token", "--help", home=home).stdout
    assert "status" in text and "whether a token is stored" in text
    assert "clear" in text and "remove the stored token" in text
    assert "set" in text and "read a token from standard input" in text


def test_demo_help_describes_every_option(home: Path) -> None:
    text = run_cli("demo", "--help", home=home).stdout
    for option, words in (("--prompt", "the music you want"), ("--engine", "which engine composes"),
                          ("--out", "folder to save the MP4"), ("--seed", "same seed makes the same music"),
                          ("--stems", "stems and a cue sheet")):
        assert option in text and words in text


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_action_and_option_has_help() -> None:
    def check(parser: argparse.ArgumentParser, where: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                described = {a.dest for a in action._choices_actions if a.help}
                assert described == set(action.choices), f"{where}: {set(action.choices) - described}"
                for name, child in action.choices.items():
                    check(child, f"{where} {name}")
            else:
                assert action.help, f"{where} {action.dest} has no help"

    check(build_parser(), "nemo-desktop")


# --- credits offline -----------------------------------------------------------------------------------


def _rejected_options(text: str) -> list[str]:
    """Options named in ``text`` that ``credits`` would refuse."""
    credits = _subparsers(build_parser())["credits"]
    known = {opt for action in credits._actions for opt in action.option_strings}
    return [word.strip("().,;`") for word in text.split() if word.startswith(("--", "(--"))
            and word.strip("().,;`") not in known]


def test_offline_credits_suggests_only_what_credits_accepts(home: Path) -> None:
    result = run_cli("credits", home=home)
    line = _one_sentence(result)
    assert "credit balance" in line and "built-in engine needs no credits" in line
    assert _rejected_options(line) == []
    assert "--engine" not in result.stderr


def test_credits_when_the_cloud_keeps_failing_suggests_no_engine_option(fake_cloud, home: Path) -> None:  # noqa: F811
    token = "nmv_usr_settings0123456789ab"
    fake_cloud.cloud.add_token(token)
    fake_cloud.scenario(fail={"credits": [503] * 10})
    result = run_cli("credits", home=home, env={"NEMO_API_URL": fake_cloud.url, "NEMO_TOKEN": token,
                                                "NEMO_RETRY_SECONDS": "0.1", "NEMO_POLL_SECONDS": "0.1"})
    line = _one_sentence(result)
    assert "credit balance" in line and _rejected_options(line) == []


def test_make_offline_still_offers_the_engine_option(home: Path, tmp_path: Path) -> None:
    clip = MediaFactory(tmp_path / "media").clip("tiny", duration=1.0, audio=None).path
    result = run_cli("make", str(clip), "--prompt", "calm", "--engine", "cloud", "--out", str(tmp_path / "o"),
                     home=home)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--engine builtin" in result.stderr.strip().splitlines()[-1]
