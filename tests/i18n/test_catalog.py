"""The zh_CN catalog: complete, compiled, placeholder-safe, and really used by tr() and the errors."""

from __future__ import annotations

import importlib.util
import inspect
import re
import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from nemo_desktop.core import errors
from nemo_desktop.i18n import tr

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "nemo_desktop" / "locale" / "zh_CN" / "LC_MESSAGES" / "nemo_desktop.po"
CJK = re.compile(r"[\u3400-\u9fff]")
# Words that stay as they are in the Chinese text: flags, product names, units, formats.
KEEP = (
    "--engine builtin",
    "--prompt",
    "NemoVideo",
    "Nemo Desktop",
    "NEMO_TOKEN",
    "BPM",
    "MP4",
    "MB",
    "`nemo-desktop token clear`",
    "ffmpeg",
)


def _load_script():
    spec = importlib.util.spec_from_file_location("nemo_i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog():
    with PO.open("rb") as fh:
        return [m for m in read_po(fh, locale="zh_CN") if m.id]


MESSAGES = _catalog()


def placeholders(text: str) -> Counter:
    """Each ``{field!conv:spec}`` in a format string, counted."""
    return Counter((name, conv, spec) for _, name, spec, conv in string.Formatter().parse(text) if name is not None)


def dummy_fields(template: str) -> dict[str, object]:
    return {name: (1.5 if spec else "x") for _, name, spec, _ in string.Formatter().parse(template) if name}


def error_classes() -> list[type[errors.NemoError]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, errors.NemoError) and obj.__module__ == errors.__name__
    ]


def test_check_script_finds_no_problems():
    assert _load_script().problems() == []


def test_catalog_is_not_empty_and_every_msgid_is_translated():
    assert len(MESSAGES) > 100
    assert [m.id for m in MESSAGES if not m.string] == []


def test_every_msgstr_keeps_the_placeholders():
    bad = [(m.id, m.string) for m in MESSAGES if placeholders(m.string) != placeholders(m.id)]
    assert bad == []


def _kept_badly(message) -> list[str]:
    problems = [word for word in KEEP if word in message.id and word not in message.string]
    accel = re.search(r"&(\w)", message.id)
    if accel and f"(&{accel.group(1).upper()})" not in message.string:
        problems.append("accelerator")
    # Qt reads a file-dialog filter's patterns from ASCII parentheses at the end.
    if re.search(r"\((\*|\{patterns\})\)$", message.id) and not re.search(r"\((\*|\{patterns\})\)$", message.string):
        problems.append("filter")
    return problems


def test_every_msgstr_keeps_flags_names_and_accelerators():
    bad = {m.id: p for m in MESSAGES if (p := _kept_badly(m))}
    assert bad == {}


def test_msgstrs_are_chinese():
    same = {"{key} = {value}", "ffmpeg:"}  # nothing to translate but the colon
    assert [m.id for m in MESSAGES if m.id not in same and not CJK.search(m.string)] == []


def test_tr_translates_real_msgids():
    assert tr("Export", "zh_CN") == "导出"
    assert tr("Export", "en") == "Export"
    text = tr(errors.NoCredits.template, "zh_CN").format(link="https://nemovideo.example/credits")
    assert CJK.search(text)
    assert "https://nemovideo.example/credits" in text
    assert "--engine builtin" in text
    offline = tr(errors.Offline.template, "zh-CN").format(detail="timeout")
    assert CJK.search(offline) and "timeout" in offline


def test_file_empty_message_in_chinese_names_the_file():
    err = errors.FileEmpty("x", name="片段.mp4")
    zh = err.message("zh_CN")
    assert "片段.mp4" in zh
    assert CJK.search(zh.replace("片段.mp4", ""))
    assert str(err).startswith("片段.mp4: the file is empty")


def test_every_error_class_is_found():
    names = {cls.__name__ for cls in error_classes()}
    assert {"NemoError", "FileEmpty", "NoCredits", "DiskFull", "DownloadIncomplete"} <= names
    assert len(names) >= 25


@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__name__)
def test_every_error_has_a_chinese_message(cls):
    fields = dummy_fields(cls.template)
    detail = fields.pop("detail", "x")
    err = cls(detail, **fields)
    zh = err.message("zh_CN")  # a KeyError/IndexError here means the msgstr has a placeholder the code lacks
    en = err.message("en")
    assert zh != en
    assert CJK.search(zh)
    assert zh == tr(cls.template, "zh_CN").format(detail=detail, **fields)
